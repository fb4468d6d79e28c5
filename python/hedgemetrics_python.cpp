// SPDX-License-Identifier: MIT
// The Python module `hedgemetrics` (pybind11): thin calls into the header-only library.
//
// Conventions, the same for every function:
//  - Series are NumPy arrays, pandas Series or anything numpy.asarray accepts. A C-contiguous array of
//    float64 is read in place (no copy) by every function; fit_hedge, HedgeAccumulator.push and the
//    one-series downside measures also read float32, int8–int64 and uint8–uint64 in place, the other
//    functions convert them to float64 (they compute in double anyway); a strided view (a[::2], a
//    column of a C-ordered matrix) is copied once into a contiguous buffer, since the C++ kernels read
//    memory in order; bool, complex, object and longdouble arrays are refused with a TypeError that
//    says what to pass. Two series of different dtypes are computed as the C++ computes mixed types (in
//    double): the one that is not float64 is converted, a copy.
//  - Two pandas Series must have the same index (a misaligned pair is the error this library exists to
//    catch): a ValueError names the first differing label. Align them first (s.align(f, join="inner")).
//  - Missing data is an explicit choice: missing="propagate" (the default), "omit" or "raise", as the
//    C++ missing_data.
//  - Results are frozen dataclasses whose fields have the C++ names; series become NumPy arrays that own
//    the C++ vectors (moved, not copied).
//  - std::invalid_argument and std::domain_error become ValueError with the C++ message.
#include <hedgemetrics/accumulator.hpp>
#include <hedgemetrics/downside.hpp>
#include <hedgemetrics/hedge_accounting.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/multi_hedge.hpp>
#include <hedgemetrics/rolling.hpp>
#include <hedgemetrics/version.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include "bindings_common.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace py = pybind11;
namespace hm = hedgemetrics;

namespace hedgemetrics_python {
/// Option hedges and monitoring, in bind_options_monitoring.cpp (a second translation unit).
void bind_options_and_monitoring(py::module_& m);
/// Inference (newey_west, inference) and dated series (date_window ... hedge_by_horizon), in the same
/// second translation unit; after the result types of this one (HedgeFit, MultiHedgeFit) exist.
void bind_inference_and_dates(py::module_& m);
}  // namespace hedgemetrics_python

namespace {

using namespace hedgemetrics_python;

// ---------------------------------------------------------------------------------------------- results

// The result types: frozen dataclasses made once, at import, from the C++ field names.
struct result_types {
  py::object hedge_fit, multi_hedge_fit, time_varying_hedge, risk_reduction, downside_effectiveness_result,
      strategy_metrics, strategy_result, walk_forward_result, offset_period, dollar_offset_result,
      regression_test_result, variance_reduction_result, assessment_line, hedge_assessment;
};

result_types& types() {
  static result_types t;
  return t;
}

py::object to_python(const hm::hedge_fit<double>& f) {
  return hedge_fit_to_python(types().hedge_fit, f);
}

py::object to_python(hm::multi_hedge_fit<double>&& f) {
  return types().multi_hedge_fit(f.n, f.rank, f.has_intercept, to_numpy(f.ratios), f.intercept,
                                 f.effectiveness, f.r_squared, f.adjusted_r_squared, f.residual_variance,
                                 f.residual_standard_error, to_numpy(f.ratio_standard_errors),
                                 f.intercept_standard_error, to_numpy(f.ratio_covariance), f.condition_number,
                                 to_numpy(std::vector<std::int64_t>(f.dropped.begin(), f.dropped.end())),
                                 f.residual_sum_of_squares, f.total_sum_of_squares, f.residual_df,
                                 f.exposure_mean, to_numpy(f.hedge_means), to_numpy(f.normalized_covariance));
}

py::object to_python(hm::time_varying_hedge<double>&& h) {
  std::vector<std::uint64_t> count(h.count.size());
  std::copy(h.count.begin(), h.count.end(), count.begin());
  return types().time_varying_hedge(to_numpy(std::move(h.ratio)), to_numpy(std::move(h.effectiveness)),
                                    to_numpy(std::move(h.residual_variance)), to_numpy(std::move(count)));
}

py::object to_python(const hm::risk_reduction<double>& r) {
  return types().risk_reduction(r.unhedged, r.hedged, r.effectiveness);
}

py::object to_python(const hm::downside_effectiveness_result<double>& d) {
  py::list lpm;
  for (const auto& r : d.lower_partial_moment) lpm.append(to_python(r));
  return types().downside_effectiveness_result(d.n, d.level, d.ratio, d.target, to_python(d.value_at_risk),
                                               to_python(d.expected_shortfall), to_python(d.semivariance),
                                               py::tuple(lpm));
}

py::object to_python(const hm::strategy_metrics& s) {
  // semivariance_reduction: the deprecated name of downside_variance_below_zero_reduction, the same value.
  return types().strategy_metrics(
      s.periods, s.effectiveness, s.downside_variance_below_zero_reduction, s.turnover, s.total_cost,
      s.mean_pnl, s.hedged_variance, s.proportional_cost, s.spread_cost, s.impact_cost,
      s.effectiveness_before_costs, s.cost_drag, s.downside_variance_below_zero_reduction, s.value_at_risk,
      s.expected_shortfall);
}

py::object to_python(hm::walk_forward_result&& w) {
  py::list strategies;
  for (auto& s : w.strategies) {
    strategies.append(types().strategy_result(
        s.name, s.in_sample, to_numpy(std::move(s.ratio)), to_numpy(std::move(s.pnl)),
        to_numpy(std::move(s.cost)), to_python(s.overall), to_numpy(std::move(s.pnl_before_costs)),
        to_numpy(std::move(s.proportional_cost)), to_numpy(std::move(s.spread_cost)),
        to_numpy(std::move(s.impact_cost))));
  }
  return types().walk_forward_result(w.start, to_numpy(std::move(w.unhedged)), py::tuple(strategies),
                                     w.level);
}

py::object to_python(const hm::offset_period<double>& p) {
  return types().offset_period(p.period, p.item_change, p.instrument_change, p.ratio,
                               std::string(hm::to_string(p.status)));
}

py::dict options_dict(const hm::dollar_offset_options& o) {
  return py::dict(py::arg("lower") = o.lower, py::arg("upper") = o.upper,
                  py::arg("materiality") = o.materiality);
}

py::object to_python(const hm::dollar_offset_result<double>& d) {
  py::list periods, cumulative;
  for (const auto& p : d.periods) periods.append(to_python(p));
  for (const auto& p : d.cumulative) cumulative.append(to_python(p));
  return types().dollar_offset_result(options_dict(d.options), py::tuple(periods), py::tuple(cumulative),
                                      d.passed, d.failed, d.immaterial, d.undefined);
}

py::object to_python(const hm::regression_test_result<double>& r) {
  return types().regression_test_result(r.n, r.slope, r.intercept, r.r_squared, r.slope_standard_error,
                                        r.t_statistic, r.p_value, r.f_statistic, r.f_p_value, r.slope_in_band,
                                        r.r_squared_met, r.significant, r.few_observations, r.passed);
}

py::object to_python(const hm::variance_reduction_result<double>& v) {
  return types().variance_reduction_result(v.n, v.threshold, v.item_variance, v.hedged_variance, v.reduction,
                                           v.passed);
}

py::object to_python(const hm::hedge_assessment<double>& a) {
  py::list lines;
  for (const auto& l : a.lines) {
    lines.append(types().assessment_line(l.test, l.figure, l.threshold, std::string(hm::to_string(l.grade)),
                                         l.reason));
  }
  return types().hedge_assessment(
      std::string(hm::to_string(a.rules)), a.informational, std::string(hm::to_string(a.overall)),
      py::tuple(lines), to_python(a.dollar_offset), to_python(a.regression), to_python(a.variance_reduction));
}

// ------------------------------------------------------------------------------------------------ input

// ------------------------------------------------------------------------------------------- functions

py::object fit_hedge(const py::handle& exposure, const py::handle& hedge, const std::string& missing) {
  const auto policy = missing_of(missing);
  py::object h = py::reinterpret_borrow<py::object>(hedge);
  // Several instruments: a 2-D array (rows = observations, one column per instrument), a DataFrame, or
  // a list of series.
  const bool frame = py::hasattr(hedge, "columns") && py::hasattr(hedge, "to_numpy");
  if (frame) {
    if (is_pandas_series(exposure) &&
        !exposure.attr("index").attr("equals")(hedge.attr("index")).cast<bool>()) {
      throw std::invalid_argument(
          "hedgemetrics: the pandas indexes of exposure and hedge differ: align them first, e.g. "
          "exposure, hedge = exposure.align(hedge, join=\"inner\", axis=0)");
    }
    h = hedge.attr("to_numpy")(py::arg("dtype") = py::dtype::of<double>());
  }
  const bool several = frame || py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h) ||
                       (py::isinstance<py::array>(h) && py::reinterpret_borrow<py::array>(h).ndim() == 2);
  if (!several) {
    hm::hedge_fit<double> fit;
    visit_pair(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
      py::gil_scoped_release unlocked;
      fit = hm::fit_hedge(s, f, hm::fit_options{true, policy});
      return 0;
    });
    return to_python(fit);
  }
  hm::fit_options options;
  options.missing = policy;
  py::array s =
      as_array(exposure, "exposure").attr("astype")(py::dtype::of<double>(), py::arg("copy") = false);
  const double* sp = static_cast<const double*>(s.data());
  if (py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h)) {
    std::vector<py::array> keep;
    std::vector<hm::series_view<double>> views;
    for (const py::handle item : h) {
      keep.push_back(
          as_array(item, "hedges[j]").attr("astype")(py::dtype::of<double>(), py::arg("copy") = false));
      views.emplace_back(static_cast<const double*>(keep.back().data()),
                         static_cast<std::size_t>(keep.back().size()));
    }
    return to_python(
        hm::fit_hedge(hm::series_view<double>(sp, static_cast<std::size_t>(s.size())), views, options));
  }
  // A C-ordered (rows × instruments) float64 matrix, mapped with its strides: no copy.
  py::array m = py::module_::import("numpy").attr("asarray")(h, py::dtype::of<double>());
  const auto rows = m.shape(0), cols = m.shape(1);
  using stride = Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Map<const Eigen::MatrixXd, 0, stride> hedges(
      static_cast<const double*>(m.data()), rows, cols,
      stride(m.strides(1) / static_cast<py::ssize_t>(sizeof(double)),
             m.strides(0) / static_cast<py::ssize_t>(sizeof(double))));
  if (m.strides(0) % static_cast<py::ssize_t>(sizeof(double)) != 0 ||
      m.strides(1) % static_cast<py::ssize_t>(sizeof(double)) != 0) {
    throw std::invalid_argument(
        "hedgemetrics: the hedge matrix has strides that are not multiples of 8 bytes");
  }
  return to_python(
      hm::fit_hedge(hm::series_view<double>(sp, static_cast<std::size_t>(s.size())), hedges, options));
}

py::object rolling_hedge(const py::handle& exposure, const py::handle& hedge, std::size_t window,
                         std::size_t min_periods, const std::string& missing) {
  hm::rolling_options options;
  options.window = window;
  options.min_periods = min_periods;
  options.missing = missing_of(missing);
  hm::time_varying_hedge<double> out;
  visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
    py::gil_scoped_release unlocked;
    out = hm::rolling_hedge(s, f, options);
    return 0;
  });
  return to_python(std::move(out));
}

py::object ewma_hedge(const py::handle& exposure, const py::handle& hedge, const py::object& lambda,
                      const py::object& half_life, std::size_t min_periods, const std::string& missing) {
  hm::ewma_options options;
  if (!half_life.is_none()) {
    if (!lambda.is_none())
      throw std::invalid_argument("hedgemetrics::ewma_hedge: give lambda or half_life, not both");
    options = hm::ewma_options::from_half_life(half_life.cast<double>());
  } else if (!lambda.is_none()) {
    options.lambda = lambda.cast<double>();
  }
  options.min_periods = min_periods;
  options.missing = missing_of(missing);
  hm::time_varying_hedge<double> out;
  visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
    py::gil_scoped_release unlocked;
    out = hm::ewma_hedge(s, f, options);
    return 0;
  });
  return to_python(std::move(out));
}

py::object expanding_hedge(const py::handle& exposure, const py::handle& hedge, std::size_t min_periods,
                           const std::string& missing) {
  hm::expanding_options options;
  options.min_periods = min_periods;
  options.missing = missing_of(missing);
  hm::time_varying_hedge<double> out;
  visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
    py::gil_scoped_release unlocked;
    out = hm::expanding_hedge(s, f, options);
    return 0;
  });
  return to_python(std::move(out));
}

std::vector<double> optional_series(const py::object& series) {
  if (series.is_none()) return {};
  return py::module_::import("numpy")
      .attr("asarray")(series, py::dtype::of<double>())
      .cast<std::vector<double>>();
}

py::object walk_forward(const py::handle& exposure, const py::handle& hedge, std::size_t rebalance_every,
                        double cost, const py::object& hedge_price, std::size_t window, double lambda,
                        std::size_t start, const py::dict& user, const py::object& spread, double impact,
                        const py::object& volatility, const py::object& volume, double exposure_size,
                        std::size_t train, bool expanding, double level) {
  hm::walk_forward_options options;
  options.rebalance_every = rebalance_every;
  options.cost = cost;
  if (!hedge_price.is_none()) options.hedge_price = hedge_price.cast<std::vector<double>>();
  options.spread = optional_series(spread);
  options.impact = impact;
  options.volatility = optional_series(volatility);
  options.volume = optional_series(volume);
  options.exposure_size = exposure_size;
  options.window = window;
  options.lambda = lambda;
  options.start = start;
  options.train = train;
  options.expanding = expanding;
  options.level = level;
  for (const auto& item : user) {
    options.user.push_back(hm::user_strategy{py::str(item.first).cast<std::string>(),
                                             py::module_::import("numpy")
                                                 .attr("asarray")(item.second, py::dtype::of<double>())
                                                 .cast<std::vector<double>>()});
  }
  hm::walk_forward_result out;
  visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
    py::gil_scoped_release unlocked;
    out = hm::walk_forward(s, f, options);
    return 0;
  });
  return to_python(std::move(out));
}

template <class Call>
double one_series(const py::handle& pnl, Call&& call) {
  const py::array a = as_array(pnl, "pnl");
  return visit(a, [&](auto s) { return static_cast<double>(call(s)); });
}

hm::downside_options downside_options_of(double level, double target, const std::string& missing) {
  hm::downside_options o;
  o.level = level;
  o.target = target;
  o.missing = missing_of(missing);
  return o;
}

hm::dollar_offset_options dollar_offset_options_of(double lower, double upper, double materiality) {
  hm::dollar_offset_options o;
  o.lower = lower;
  o.upper = upper;
  o.materiality = materiality;
  return o;
}

hm::regression_test_options regression_options_of(const std::string& direction, double slope_lower,
                                                  double slope_upper, double min_r_squared,
                                                  double significance, std::size_t min_observations) {
  hm::regression_test_options o;
  if (direction == "instrument_on_item") {
    o.direction = hm::regression_direction::instrument_on_item;
  } else if (direction == "item_on_instrument") {
    o.direction = hm::regression_direction::item_on_instrument;
  } else {
    throw std::invalid_argument(
        "hedgemetrics: direction must be \"instrument_on_item\" or \"item_on_instrument\", "
        "but it is \"" +
        direction + "\"");
  }
  o.slope_lower = slope_lower;
  o.slope_upper = slope_upper;
  o.min_r_squared = min_r_squared;
  o.significance = significance;
  o.min_observations = min_observations;
  return o;
}

// ------------------------------------------------------------------------------------------ accumulator

using accumulator = hm::hedge_accumulator<double>;

py::bytes serialize(const accumulator& acc) {
  const auto bytes = acc.serialize();
  return py::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

accumulator deserialize(const py::bytes& bytes) {
  const std::string_view view = bytes;
  return accumulator::deserialize(reinterpret_cast<const std::uint8_t*>(view.data()), view.size());
}

}  // namespace

PYBIND11_MODULE(hedgemetrics, m) {
  m.doc() =
      "hedgemetrics: minimum-variance hedge ratios, hedge effectiveness and residual risk (the C++ "
      "header-only library, from Python). Series are NumPy arrays or pandas Series, read without copies "
      "when contiguous; results are frozen dataclasses with the C++ field names.";
  m.attr("__version__") = std::to_string(HEDGEMETRICS_VERSION_MAJOR) + "." +
                          std::to_string(HEDGEMETRICS_VERSION_MINOR) + "." +
                          std::to_string(HEDGEMETRICS_VERSION_PATCH);

  auto& t = types();
  t.hedge_fit =
      make_type(m, "HedgeFit",
                {"n", "ratio", "intercept", "effectiveness", "correlation", "exposure_mean", "hedge_mean",
                 "exposure_variance", "hedge_variance", "covariance", "residual_variance",
                 "residual_standard_error", "ratio_standard_error", "intercept_standard_error"},
                "hedgemetrics::hedge_fit: every figure of a minimum-variance hedge.");
  t.multi_hedge_fit =
      make_type(m, "MultiHedgeFit",
                {"n",
                 "rank",
                 "has_intercept",
                 "ratios",
                 "intercept",
                 "effectiveness",
                 "r_squared",
                 "adjusted_r_squared",
                 "residual_variance",
                 "residual_standard_error",
                 "ratio_standard_errors",
                 "intercept_standard_error",
                 "ratio_covariance",
                 "condition_number",
                 "dropped",
                 "residual_sum_of_squares",
                 "total_sum_of_squares",
                 "residual_df",
                 "exposure_mean",
                 "hedge_means",
                 "normalized_covariance"},
                "hedgemetrics::multi_hedge_fit: a hedge with several instruments (least squares by QR).");
  t.time_varying_hedge =
      make_type(m, "TimeVaryingHedge", {"ratio", "effectiveness", "residual_variance", "count"},
                "hedgemetrics::time_varying_hedge: figures at every position of the input.");
  t.risk_reduction =
      make_type(m, "RiskReduction", {"unhedged", "hedged", "effectiveness"},
                "hedgemetrics::risk_reduction: a risk measure unhedged, hedged, and 1 - hedged/unhedged.");
  t.downside_effectiveness_result =
      make_type(m, "DownsideEffectivenessResult",
                {"n", "level", "ratio", "target", "value_at_risk", "expected_shortfall", "semivariance",
                 "lower_partial_moment"},
                "hedgemetrics::downside_effectiveness_result (lower_partial_moment: orders 0 to 3).");
  t.strategy_metrics = make_type(
      m, "StrategyMetrics",
      {"periods", "effectiveness", "semivariance_reduction", "turnover", "total_cost", "mean_pnl",
       "hedged_variance", "proportional_cost", "spread_cost", "impact_cost", "effectiveness_before_costs",
       "cost_drag", "downside_variance_below_zero_reduction", "value_at_risk", "expected_shortfall"},
      "hedgemetrics::strategy_metrics: out-of-sample figures of one strategy "
      "(semivariance_reduction: deprecated name of "
      "downside_variance_below_zero_reduction, the LPM2 at 0).");
  t.strategy_result = make_type(m, "StrategyResult",
                                {"name", "in_sample", "ratio", "pnl", "cost", "overall", "pnl_before_costs",
                                 "proportional_cost", "spread_cost", "impact_cost"},
                                "hedgemetrics::strategy_result: one strategy's walk-forward path.");
  t.walk_forward_result = make_type(m, "WalkForwardResult", {"start", "unhedged", "strategies", "level"},
                                    "hedgemetrics::walk_forward_result: the strategies compared.");
  t.offset_period =
      make_type(m, "OffsetPeriod", {"period", "item_change", "instrument_change", "ratio", "status"},
                "hedgemetrics::offset_period (status: pass, fail, immaterial or undefined).");
  t.dollar_offset_result =
      make_type(m, "DollarOffsetResult",
                {"options", "periods", "cumulative", "passed", "failed", "immaterial", "undefined"},
                "hedgemetrics::dollar_offset_result.");
  t.regression_test_result = make_type(m, "RegressionTestResult",
                                       {"n", "slope", "intercept", "r_squared", "slope_standard_error",
                                        "t_statistic", "p_value", "f_statistic", "f_p_value", "slope_in_band",
                                        "r_squared_met", "significant", "few_observations", "passed"},
                                       "hedgemetrics::regression_test_result (without its options).");
  t.variance_reduction_result =
      make_type(m, "VarianceReductionResult",
                {"n", "threshold", "item_variance", "hedged_variance", "reduction", "passed"},
                "hedgemetrics::variance_reduction_result.");
  t.assessment_line = make_type(m, "AssessmentLine", {"test", "figure", "threshold", "grade", "reason"},
                                "hedgemetrics::assessment_line (grade: pass, warn or fail).");
  t.hedge_assessment = make_type(
      m, "HedgeAssessment",
      {"rules", "informational", "overall", "lines", "dollar_offset", "regression", "variance_reduction"},
      "hedgemetrics::hedge_assessment.");

  m.def("fit_hedge", &fit_hedge, py::arg("exposure"), py::arg("hedge"), py::arg("missing") = "propagate",
        "fit_hedge(exposure, hedge, missing='propagate')\n\n"
        "The minimum-variance hedge of exposure S with hedge F: h* = Cov(S,F)/Var(F) and every figure of\n"
        "hedgemetrics::hedge_fit (HedgeFit). With a 2-D array (observations x instruments), a DataFrame or\n"
        "a list of series as `hedge`: the hedge with several instruments (MultiHedgeFit), with intercept.");
  m.def("rolling_hedge", &rolling_hedge, py::arg("exposure"), py::arg("hedge"), py::arg("window"),
        py::arg("min_periods") = 0, py::arg("missing") = "propagate",
        "h*, R^2 and residual variance over a rolling window ending at each observation (TimeVaryingHedge).");
  m.def("ewma_hedge", &ewma_hedge, py::arg("exposure"), py::arg("hedge"), py::arg("lambda_") = py::none(),
        py::arg("half_life") = py::none(), py::arg("min_periods") = 2, py::arg("missing") = "propagate",
        "Exponentially weighted h* (decay lambda_, default 0.94, or a half_life), at each observation.");
  m.def("expanding_hedge", &expanding_hedge, py::arg("exposure"), py::arg("hedge"),
        py::arg("min_periods") = 2, py::arg("missing") = "propagate",
        "h* over all observations up to each one.");
  m.def("walk_forward", &walk_forward, py::arg("exposure"), py::arg("hedge"), py::arg("rebalance_every") = 1,
        py::arg("cost") = 0.0, py::arg("hedge_price") = py::none(), py::arg("window") = 250,
        py::arg("lambda_") = 0.94, py::arg("start") = 0, py::arg("user") = py::dict(),
        py::arg("spread") = py::none(), py::arg("impact") = 0.0, py::arg("volatility") = py::none(),
        py::arg("volume") = py::none(), py::arg("exposure_size") = 1.0, py::arg("train") = 0,
        py::arg("expanding") = false, py::arg("level") = 0.975,
        "Out-of-sample comparison of hedging strategies (naive, static, rolling, EWMA, with train=k the\n"
        "static h* fitted on the first k periods, with expanding=True the fit on all earlier periods, and\n"
        "user ratio series given as {name: ratios}); WalkForwardResult. Costs per unit of exposure:\n"
        "cost*|dh|*(hedge_price or 1) + spread/2*|dh| + "
        "impact*volatility*|dh|*sqrt(exposure_size*|dh|/volume), each part kept; value_at_risk and\n"
        "expected_shortfall of each hedged P&L at `level`.");

  m.def(
      "value_at_risk",
      [](const py::handle& pnl, double level, const std::string& missing) {
        const auto options = downside_options_of(level, 0.0, missing);
        return one_series(pnl, [&](auto s) { return hm::value_at_risk(s, options); });
      },
      py::arg("pnl"), py::arg("level") = 0.95, py::arg("missing") = "propagate",
      "Historical VaR at `level`, as a loss.");
  m.def(
      "expected_shortfall",
      [](const py::handle& pnl, double level, const std::string& missing) {
        const auto options = downside_options_of(level, 0.0, missing);
        return one_series(pnl, [&](auto s) { return hm::expected_shortfall(s, options); });
      },
      py::arg("pnl"), py::arg("level") = 0.95, py::arg("missing") = "propagate",
      "Historical ES at `level`, as a loss.");
  m.def(
      "lower_partial_moment",
      [](const py::handle& pnl, int order, double target, const std::string& missing) {
        const auto options = downside_options_of(0.95, target, missing);
        return one_series(pnl, [&](auto s) { return hm::lower_partial_moment(s, order, options); });
      },
      py::arg("pnl"), py::arg("order"), py::arg("target") = 0.0, py::arg("missing") = "propagate",
      "LPM_m(target) = mean of max(target - x, 0)^m.");
  m.def(
      "semivariance",
      [](const py::handle& pnl, const std::string& missing) {
        const auto options = downside_options_of(0.95, 0.0, missing);
        return one_series(pnl, [&](auto s) { return hm::semivariance(s, options); });
      },
      py::arg("pnl"), py::arg("missing") = "propagate", "Downside semivariance about the mean, divisor n.");
  m.def(
      "downside_effectiveness",
      [](const py::handle& exposure, const py::handle& hedge, double ratio, double level, double target,
         const std::string& missing) {
        const auto options = downside_options_of(level, target, missing);
        hm::downside_effectiveness_result<double> out;
        visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
          out = hm::downside_effectiveness(s, f, ratio, options);
          return 0;
        });
        return to_python(out);
      },
      py::arg("exposure"), py::arg("hedge"), py::arg("ratio"), py::arg("level") = 0.95,
      py::arg("target") = 0.0, py::arg("missing") = "propagate",
      "VaR, ES, semivariance and LPM 0-3, unhedged and hedged at `ratio`.");
  m.def(
      "min_expected_shortfall_ratio",
      [](const py::handle& exposure, const py::handle& hedge, double level, const std::string& missing) {
        const auto options = downside_options_of(level, 0.0, missing);
        return visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
          return static_cast<double>(hm::min_expected_shortfall_ratio(s, f, options));
        });
      },
      py::arg("exposure"), py::arg("hedge"), py::arg("level") = 0.95, py::arg("missing") = "propagate",
      "The ratio that minimises the expected shortfall of S - h*F.");
  m.def(
      "min_semivariance_ratio",
      [](const py::handle& exposure, const py::handle& hedge, const py::object& target,
         const std::string& missing) {
        if (!target.is_none()) {
          // The C++ overload with a target is deprecated for min_target_semivariance_ratio; so is this.
          if (PyErr_WarnEx(
                  PyExc_DeprecationWarning,
                  "min_semivariance_ratio(..., target=t) is the semivariance below a target: use "
                  "min_target_semivariance_ratio(..., target=t); min_semivariance_ratio is below the mean",
                  1) != 0) {
            throw py::error_already_set();
          }
        }
        const auto options =
            downside_options_of(0.95, target.is_none() ? 0.0 : target.cast<double>(), missing);
        return visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
          if (target.is_none()) return static_cast<double>(hm::min_semivariance_ratio(s, f, options));
          return static_cast<double>(hm::min_target_semivariance_ratio(s, f, options));
        });
      },
      py::arg("exposure"), py::arg("hedge"), py::arg("target") = py::none(), py::arg("missing") = "propagate",
      "The ratio that minimises the semivariance of S - h*F below its mean (`target` is deprecated: use\n"
      "min_target_semivariance_ratio).");
  m.def(
      "min_target_semivariance_ratio",
      [](const py::handle& exposure, const py::handle& hedge, double target, const std::string& missing) {
        const auto options = downside_options_of(0.95, target, missing);
        return visit_pair_as_double(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
          return static_cast<double>(hm::min_target_semivariance_ratio(s, f, options));
        });
      },
      py::arg("exposure"), py::arg("hedge"), py::arg("target") = 0.0, py::arg("missing") = "propagate",
      "The ratio that minimises the semivariance of S - h*F below `target` (its LPM of order 2).");

  m.def(
      "dollar_offset",
      [](const py::handle& item, const py::handle& instrument, double lower, double upper, double materiality,
         const std::string& missing) {
        auto options = dollar_offset_options_of(lower, upper, materiality);
        options.missing = missing_of(missing);
        hm::dollar_offset_result<double> out;
        visit_pair_as_double(item, instrument, "item", "instrument", [&](auto s, auto f) {
          out = hm::dollar_offset(s, f, options);
          return 0;
        });
        return to_python(out);
      },
      py::arg("item"), py::arg("instrument"), py::arg("lower") = 0.80, py::arg("upper") = 1.25,
      py::arg("materiality") = 0.0, py::arg("missing") = "propagate",
      "The dollar-offset test, period by period and cumulative.");
  m.def(
      "regression_test",
      [](const py::handle& item, const py::handle& instrument, const std::string& direction,
         double slope_lower, double slope_upper, double min_r_squared, double significance,
         std::size_t min_observations, const std::string& missing) {
        auto options = regression_options_of(direction, slope_lower, slope_upper, min_r_squared, significance,
                                             min_observations);
        options.missing = missing_of(missing);
        hm::regression_test_result<double> out;
        visit_pair_as_double(item, instrument, "item", "instrument", [&](auto s, auto f) {
          out = hm::regression_test(s, f, options);
          return 0;
        });
        return to_python(out);
      },
      py::arg("item"), py::arg("instrument"), py::arg("direction") = "instrument_on_item",
      py::arg("slope_lower") = -1.25, py::arg("slope_upper") = -0.80, py::arg("min_r_squared") = 0.80,
      py::arg("significance") = 0.05, py::arg("min_observations") = 30, py::arg("missing") = "propagate",
      "The regression test of hedge accounting (slope band, R^2, significance).");
  m.def(
      "variance_reduction_test",
      [](const py::handle& item, const py::handle& instrument, double threshold, const std::string& missing) {
        const hm::variance_reduction_options options{threshold, missing_of(missing)};
        hm::variance_reduction_result<double> out;
        visit_pair_as_double(item, instrument, "item", "instrument", [&](auto s, auto f) {
          out = hm::variance_reduction_test(s, f, options);
          return 0;
        });
        return to_python(out);
      },
      py::arg("item"), py::arg("instrument"), py::arg("threshold") = 0.80, py::arg("missing") = "propagate",
      "1 - Var(item + instrument)/Var(item) against a threshold.");
  m.def(
      "assess_hedge",
      [](const py::handle& item, const py::handle& instrument, const std::string& rules, double materiality,
         const std::string& missing) {
        hm::assessment_options options;
        if (rules == "asc_815") {
          options.rules = hm::rule_set::asc_815;
        } else if (rules == "ifrs_9") {
          options.rules = hm::rule_set::ifrs_9;
        } else {
          throw std::invalid_argument("hedgemetrics: rules must be \"asc_815\" or \"ifrs_9\", but it is \"" +
                                      rules + "\"");
        }
        options.dollar_offset.materiality = materiality;
        options.missing = missing_of(missing);
        hm::hedge_assessment<double> out;
        visit_pair_as_double(item, instrument, "item", "instrument", [&](auto s, auto f) {
          out = hm::assess_hedge(s, f, options);
          return 0;
        });
        return to_python(out);
      },
      py::arg("item"), py::arg("instrument"), py::arg("rules") = "asc_815", py::arg("materiality") = 0.0,
      py::arg("missing") = "propagate", "Every hedge-accounting test, graded under ASC 815 or IFRS 9 rules.");
  m.def(
      "value_changes",
      [](const py::handle& item_prices, const py::handle& instrument_prices, double notional,
         double contract_size, const py::object& contracts, const py::object& ratio,
         const std::string& missing) {
        hm::value_changes_options options;
        options.notional = notional;
        options.contract_size = contract_size;
        if (!contracts.is_none()) options.contracts = contracts.cast<double>();
        if (!ratio.is_none()) options.ratio = ratio.cast<double>();
        options.missing = missing_of(missing);
        hm::value_changes_result<double> out;
        visit_pair_as_double(item_prices, instrument_prices, "item_prices", "instrument_prices",
                             [&](auto s, auto f) {
                               out = hm::value_changes(s, f, options);
                               return 0;
                             });
        py::dict d;
        d["item"] = out.item;
        d["instrument"] = out.instrument;
        d["contracts"] = out.contracts;
        d["ratio"] = out.ratio;
        return d;
      },
      py::arg("item_prices"), py::arg("instrument_prices"), py::arg("notional") = 1.0,
      py::arg("contract_size") = 1.0, py::arg("contracts") = py::none(), py::arg("ratio") = py::none(),
      py::arg("missing") = "propagate",
      "The item's and the instrument's changes in value with their signs: notional*(S_t - S_{t-1}) and\n"
      "-contracts*contract_size*(F_t - F_{t-1}); give contracts or ratio (contracts = ratio*notional/size).");

  py::class_<accumulator>(
      m, "HedgeAccumulator",
      "hedgemetrics::hedge_accumulator<double>: fit_hedge's figures built up pair by pair or\n"
      "batch by batch, merged across threads, processes and machines, pickled in 104 bytes.")
      .def(py::init([](const std::string& missing) { return accumulator(missing_of(missing)); }),
           py::arg("missing") = "propagate")
      .def(
          "push",
          [](accumulator& acc, const py::handle& exposure, const py::handle& hedge) {
            if (py::isinstance<py::float_>(exposure) || py::isinstance<py::int_>(exposure)) {
              acc.push(exposure.cast<double>(), hedge.cast<double>());
              return;
            }
            visit_pair(exposure, hedge, "exposure", "hedge", [&](auto s, auto f) {
              py::gil_scoped_release unlocked;
              acc.push(s, f);
              return 0;
            });
          },
          py::arg("exposure"), py::arg("hedge"), "Adds one pair (two numbers) or two aligned series.")
      .def("merge", &accumulator::merge, py::arg("other"), "Adds everything `other` has seen.")
      .def(
          "fit", [](const accumulator& acc) { return to_python(acc.fit()); },
          "The HedgeFit of all pairs so far.")
      .def_property_readonly("count", &accumulator::count, "Pairs in the estimate.")
      .def_property_readonly("missing", [](const accumulator& acc) { return missing_name(acc.policy()); })
      .def("serialize", &serialize, "The state as 104 bytes (see hedge_accumulator::serialize).")
      .def_static("deserialize", &deserialize, py::arg("data"),
                  "Reads what serialize() wrote; ValueError if damaged.")
      .def("__len__", &accumulator::count)
      .def("__repr__",
           [](const accumulator& acc) {
             return "HedgeAccumulator(count=" + std::to_string(acc.count()) + ", missing=\"" +
                    missing_name(acc.policy()) + "\")";
           })
      .def(py::pickle([](const accumulator& acc) { return serialize(acc); },
                      [](const py::bytes& state) { return deserialize(state); }));

  hedgemetrics_python::bind_options_and_monitoring(m);
  hedgemetrics_python::bind_inference_and_dates(m);

  // What `from hedgemetrics import *` brings in: every public name but `slice`, which would hide Python's
  // built-in slice in the importing module (hm.slice stays, as an attribute).
  py::list exported;
  for (const py::handle name : m.attr("__dict__").attr("keys")()) {
    const auto text = name.cast<std::string>();
    if (!text.empty() && text[0] != '_' && text != "slice") exported.append(name);
  }
  exported.attr("sort")();
  m.attr("__all__") = exported;
}
