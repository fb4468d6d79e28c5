// SPDX-License-Identifier: MIT
// The Python module, second translation unit: option hedges (option_pricing.hpp, delta_hedge.hpp,
// greek_hedge.hpp), monitoring (structural_breaks.hpp, correlation.hpp, cointegration.hpp), inference
// (inference.hpp) and dated series (dated.hpp). The same
// conventions as hedgemetrics_python.cpp: arrays or pandas Series in (computed in double), frozen
// dataclasses with the C++ field names out, ValueError with the C++ message. A separate file so that the
// module's two halves compile in parallel.
#include <hedgemetrics/alignment.hpp>
#include <hedgemetrics/cointegration.hpp>
#include <hedgemetrics/correlation.hpp>
#include <hedgemetrics/dated.hpp>
#include <hedgemetrics/delta_hedge.hpp>
#include <hedgemetrics/greek_hedge.hpp>
#include <hedgemetrics/inference.hpp>
#include <hedgemetrics/option_pricing.hpp>
#include <hedgemetrics/structural_breaks.hpp>

#include "bindings_common.hpp"

#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hedgemetrics_python {

namespace {

struct option_types {
  py::object option_greeks, hedge_attribution, delta_hedge_result, hedging_error_distribution, greek_hedge,
      chow_result, sup_f_result, cusum_result, breakpoints_result, correlation_interval_result,
      correlation_difference_result, engle_granger_result, half_life_result;
};

option_types& types() {
  static option_types t;
  return t;
}

/// One series as float64, contiguous (converted or copied only when it is not already).
py::array as_double(const py::handle& obj, const char* name) {
  return as_array(obj, name).attr("astype")(py::dtype::of<double>(), py::arg("copy") = false);
}

hm::series_view<double> view_of(const py::array& a) {
  return {static_cast<const double*>(a.data()), static_cast<std::size_t>(a.size())};
}

hm::option_type option_type_of(const std::string& name) {
  if (name == "call") return hm::option_type::call;
  if (name == "put") return hm::option_type::put;
  throw std::invalid_argument("hedgemetrics: option type must be \"call\" or \"put\", but it is \"" + name +
                              "\"");
}

hm::band_target band_target_of(const std::string& name) {
  if (name == "delta") return hm::band_target::delta;
  if (name == "edge") return hm::band_target::edge;
  throw std::invalid_argument("hedgemetrics: band target must be \"delta\" or \"edge\", but it is \"" + name +
                              "\"");
}

hm::lag_selection lag_selection_of(const std::string& name) {
  if (name == "fixed") return hm::lag_selection::fixed;
  if (name == "aic") return hm::lag_selection::aic;
  if (name == "bic") return hm::lag_selection::bic;
  throw std::invalid_argument("hedgemetrics: select must be \"fixed\", \"aic\" or \"bic\", but it is \"" +
                              name + "\"");
}

py::object to_python(const hm::option_greeks& g) {
  return types().option_greeks(g.price, g.delta, g.gamma, g.vega, g.theta, g.rho);
}

py::object to_python(const hm::hedge_attribution& a) {
  return types().hedge_attribution(a.pnl, a.delta, a.gamma, a.theta, a.financing, a.costs, a.unexplained);
}

py::object to_python(hm::delta_hedge_result&& r) {
  // The per-step attribution as one array per part: what a user plots or sums.
  std::vector<double> parts[7];
  for (auto& p : parts) p.reserve(r.attribution.size());
  for (const auto& a : r.attribution) {
    parts[0].push_back(a.pnl);
    parts[1].push_back(a.delta);
    parts[2].push_back(a.gamma);
    parts[3].push_back(a.theta);
    parts[4].push_back(a.financing);
    parts[5].push_back(a.costs);
    parts[6].push_back(a.unexplained);
  }
  py::dict attribution;
  const char* names[7] = {"pnl", "delta", "gamma", "theta", "financing", "costs", "unexplained"};
  for (int i = 0; i < 7; ++i) attribution[names[i]] = to_numpy(std::move(parts[i]));
  return types().delta_hedge_result(
      to_numpy(std::move(r.delta)), to_numpy(std::move(r.shares_held)), to_numpy(std::move(r.shares_traded)),
      to_numpy(std::move(r.cumulative_cost)), to_numpy(std::move(r.transaction_cost)),
      to_numpy(std::move(r.option_value)), attribution, to_python(r.total), r.option_price, r.hedging_cost,
      r.hedging_error, r.trades);
}

py::object to_python(hm::hedging_error_distribution&& d) {
  return types().hedging_error_distribution(
      d.option_price, d.mean, d.standard_deviation, d.skewness, d.kurtosis, d.quantile_01, d.quantile_05,
      d.quantile_50, d.quantile_95, d.quantile_99, d.expected_shortfall_95, d.expected_shortfall_99,
      d.derman_kamal, d.mean_transaction_cost, d.mean_trades, to_numpy(std::move(d.pnl)));
}

py::object to_python(hm::greek_hedge&& g) {
  return types().greek_hedge(
      to_numpy(std::move(g.quantities)), g.underlying, g.equations, g.rank, g.exact,
      py::dict(py::arg("delta") = g.residual.delta, py::arg("gamma") = g.residual.gamma,
               py::arg("vega") = g.residual.vega));
}

py::object to_python(const hm::chow_result& c) {
  return types().chow_result(c.n, c.k, c.split, c.statistic, c.df1, c.df2, c.p_value, c.rss, c.rss_first,
                             c.rss_second);
}

py::object to_python(hm::sup_f_result&& s) {
  return types().sup_f_result(s.n, s.k, s.from, s.to, s.lambda, to_numpy(std::move(s.statistics)),
                              s.statistic, s.break_index, s.p_value, s.average, s.average_p_value,
                              s.exponential, s.exponential_p_value);
}

py::object to_python(hm::cusum_result&& c) {
  return types().cusum_result(c.n, c.k, to_numpy(std::move(c.process)), c.statistic, c.p_value,
                              to_numpy(std::move(c.recursive_residuals)),
                              to_numpy(std::move(c.recursive_process)), c.recursive_statistic,
                              c.recursive_p_value);
}

py::object to_python(hm::breakpoints_result&& b) {
  py::list breaks;
  for (const auto& m : b.breaks) breaks.append(py::tuple(py::cast(m)));
  return types().breakpoints_result(b.n, b.k, b.minimum_segment, to_numpy(std::move(b.rss)),
                                    py::tuple(breaks), to_numpy(std::move(b.bic)), b.chosen);
}

py::object to_python(const hm::correlation_interval_result& c) {
  return types().correlation_interval_result(c.n, c.level, c.estimate, c.lower, c.upper, c.t_statistic,
                                             c.p_value);
}

py::object to_python(const hm::correlation_difference_result& d) {
  return types().correlation_difference_result(to_python(d.first), to_python(d.second), d.difference,
                                               d.z_statistic, d.p_value);
}

py::object to_python(const hm::engle_granger_result& e) {
  return types().engle_granger_result(
      e.prices, e.lags, e.n, e.cointegrating_ratio, e.cointegrating_intercept, e.rho, e.statistic,
      py::make_tuple(e.critical_values[0], e.critical_values[1], e.critical_values[2]), e.p_value);
}

py::object to_python(const hm::half_life_result& h) {
  return types().half_life_result(h.n, h.phi, h.phi_standard_error, h.mean, h.half_life,
                                  h.half_life_standard_error);
}

hm::delta_hedge_options delta_options_of(const std::string& type, double strike, double expiry,
                                         double volatility, double rate, double dividend_yield,
                                         double quantity, double cost, std::size_t rebalance_every,
                                         double band, const std::string& target) {
  hm::delta_hedge_options o;
  o.type = option_type_of(type);
  o.strike = strike;
  o.expiry = expiry;
  o.volatility = volatility;
  o.rate = rate;
  o.dividend_yield = dividend_yield;
  o.quantity = quantity;
  o.cost = cost;
  o.rebalance_every = rebalance_every;
  o.band = band;
  o.target = band_target_of(target);
  return o;
}

hm::position_greeks greeks_of(const py::handle& obj, const char* name) {
  // A mapping with delta, gamma, vega, or an object with those attributes (OptionGreeks, say).
  hm::position_greeks g;
  const auto get = [&](const char* key) -> double {
    if (py::isinstance<py::dict>(obj)) {
      const py::dict d = py::reinterpret_borrow<py::dict>(obj);
      if (!d.contains(key)) {
        throw std::invalid_argument(std::string("hedgemetrics::neutralise_greeks: ") + name + " has no '" +
                                    key + "'");
      }
      return d[key].cast<double>();
    }
    if (!py::hasattr(obj, key)) {
      throw std::invalid_argument(std::string("hedgemetrics::neutralise_greeks: ") + name + " has no '" +
                                  key + "'");
    }
    return obj.attr(key).cast<double>();
  };
  g.delta = get("delta");
  g.gamma = get("gamma");
  g.vega = get("vega");
  return g;
}

/// The break tests' hedge: one series, or a 2-D array / DataFrame of instruments (zero columns allowed).
template <class F>
decltype(auto) with_breaks_data(const py::handle& spot, const py::handle& hedge, F&& f) {
  const py::array s = as_double(spot, "spot");
  const bool frame = py::hasattr(hedge, "columns") && py::hasattr(hedge, "to_numpy");
  py::object h = frame ? hedge.attr("to_numpy")(py::arg("dtype") = py::dtype::of<double>())
                       : py::reinterpret_borrow<py::object>(hedge);
  py::array m = py::module_::import("numpy").attr("asarray")(h, py::dtype::of<double>());
  if (m.ndim() == 2) {
    m = py::module_::import("numpy").attr("asfortranarray")(m);  // Eigen's column-major order: one copy
    const Eigen::Map<const Eigen::MatrixXd> hedges(static_cast<const double*>(m.data()), m.shape(0),
                                                   m.shape(1));
    return f(view_of(s), hedges);
  }
  require_same_index(spot, hedge, "spot", "hedge");
  const py::array one = as_double(hedge, "hedge");
  return f(view_of(s), view_of(one));
}

hm::break_options break_options_of(double trim, std::size_t max_breaks, bool intercept,
                                   const std::string& missing) {
  hm::break_options o;
  o.trim = trim;
  o.max_breaks = max_breaks;
  o.intercept = intercept;
  o.missing = missing_of(missing);
  return o;
}

}  // namespace

void bind_options_and_monitoring(py::module_& m) {
  auto& t = types();
  t.option_greeks = make_type(m, "OptionGreeks", {"price", "delta", "gamma", "vega", "theta", "rho"},
                              "hedgemetrics::option_greeks: vega and rho per unit, theta per year.");
  t.hedge_attribution = make_type(m, "HedgeAttribution",
                                  {"pnl", "delta", "gamma", "theta", "financing", "costs", "unexplained"},
                                  "hedgemetrics::hedge_attribution: the writer's P&L and its parts.");
  t.delta_hedge_result = make_type(
      m, "DeltaHedgeResult",
      {"delta", "shares_held", "shares_traded", "cumulative_cost", "transaction_cost", "option_value",
       "attribution", "total", "option_price", "hedging_cost", "hedging_error", "trades"},
      "hedgemetrics::delta_hedge_result (attribution: a dict of per-step arrays, pnl ... unexplained).");
  t.hedging_error_distribution = make_type(
      m, "HedgingErrorDistribution",
      {"option_price", "mean", "standard_deviation", "skewness", "kurtosis", "quantile_01", "quantile_05",
       "quantile_50", "quantile_95", "quantile_99", "expected_shortfall_95", "expected_shortfall_99",
       "derman_kamal", "mean_transaction_cost", "mean_trades", "pnl"},
      "hedgemetrics::hedging_error_distribution: the writer's discounted P&L over simulated paths.");
  t.greek_hedge =
      make_type(m, "GreekHedge", {"quantities", "underlying", "equations", "rank", "exact", "residual"},
                "hedgemetrics::greek_hedge (residual: a dict of delta, gamma, vega).");
  t.chow_result =
      make_type(m, "ChowResult",
                {"n", "k", "split", "statistic", "df1", "df2", "p_value", "rss", "rss_first", "rss_second"},
                "hedgemetrics::chow_result.");
  t.sup_f_result = make_type(m, "SupFResult",
                             {"n", "k", "from_", "to", "lambda_", "statistics", "statistic", "break_index",
                              "p_value", "average", "average_p_value", "exponential", "exponential_p_value"},
                             "hedgemetrics::sup_f_result (from_ and lambda_: from and lambda in C++).");
  t.cusum_result = make_type(m, "CusumResult",
                             {"n", "k", "process", "statistic", "p_value", "recursive_residuals",
                              "recursive_process", "recursive_statistic", "recursive_p_value"},
                             "hedgemetrics::cusum_result.");
  t.breakpoints_result =
      make_type(m, "BreakpointsResult", {"n", "k", "minimum_segment", "rss", "breaks", "bic", "chosen"},
                "hedgemetrics::breakpoints_result (breaks[m]: a tuple of m break indices).");
  t.correlation_interval_result = make_type(
      m, "CorrelationIntervalResult", {"n", "level", "estimate", "lower", "upper", "t_statistic", "p_value"},
      "hedgemetrics::correlation_interval_result (Fisher's z interval, as R cor.test).");
  t.correlation_difference_result =
      make_type(m, "CorrelationDifferenceResult", {"first", "second", "difference", "z_statistic", "p_value"},
                "hedgemetrics::correlation_difference_result.");
  t.engle_granger_result = make_type(m, "EngleGrangerResult",
                                     {"prices", "lags", "n", "cointegrating_ratio", "cointegrating_intercept",
                                      "rho", "statistic", "critical_values", "p_value"},
                                     "hedgemetrics::engle_granger_result (critical values at 1%, 5%, 10%).");
  t.half_life_result =
      make_type(m, "HalfLifeResult",
                {"n", "phi", "phi_standard_error", "mean", "half_life", "half_life_standard_error"},
                "hedgemetrics::half_life_result.");

  m.def(
      "black_scholes",
      [](const std::string& type, double spot, double strike, double time_to_expiry, double rate,
         double volatility, double dividend_yield) {
        return to_python(hm::black_scholes(option_type_of(type), spot, strike, time_to_expiry, rate,
                                           volatility, dividend_yield));
      },
      py::arg("type"), py::arg("spot"), py::arg("strike"), py::arg("time_to_expiry"), py::arg("rate"),
      py::arg("volatility"), py::arg("dividend_yield") = 0.0,
      "Black-Scholes-Merton price and greeks of one long European option (type 'call' or 'put'); Black-76\n"
      "with dividend_yield = rate, Garman-Kohlhagen with the foreign rate.");
  m.def(
      "implied_volatility",
      [](const std::string& type, double price, double spot, double strike, double time_to_expiry,
         double rate, double dividend_yield) {
        return hm::implied_volatility(option_type_of(type), price, spot, strike, time_to_expiry, rate,
                                      dividend_yield);
      },
      py::arg("type"), py::arg("price"), py::arg("spot"), py::arg("strike"), py::arg("time_to_expiry"),
      py::arg("rate"), py::arg("dividend_yield") = 0.0,
      "The volatility that reproduces `price` (bracketed solver); NaN where none does.");
  m.def(
      "delta_hedge",
      [](const py::handle& prices, const py::handle& times, double strike, double expiry, double volatility,
         const std::string& type, double rate, double dividend_yield, double quantity, double cost,
         std::size_t rebalance_every, double band, const std::string& target) {
        const auto options = delta_options_of(type, strike, expiry, volatility, rate, dividend_yield,
                                              quantity, cost, rebalance_every, band, target);
        const py::array p = as_double(prices, "prices");
        const py::array time_array = as_double(times, "times");
        return to_python(hm::delta_hedge(view_of(p), view_of(time_array), options));
      },
      py::arg("prices"), py::arg("times"), py::arg("strike"), py::arg("expiry"), py::arg("volatility"),
      py::arg("type") = "call", py::arg("rate") = 0.0, py::arg("dividend_yield") = 0.0,
      py::arg("quantity") = 1.0, py::arg("cost") = 0.0, py::arg("rebalance_every") = 1, py::arg("band") = 0.0,
      py::arg("target") = "delta",
      "A delta hedge of `quantity` written options along the given path (times in years): per-step deltas,\n"
      "trades, costs and P&L attribution, and the hedging cost at expiry (DeltaHedgeResult).");
  m.def(
      "simulate_delta_hedge",
      [](double spot, double strike, double expiry, double volatility, const std::string& type, double rate,
         double dividend_yield, double quantity, double cost, std::size_t rebalance_every, double band,
         const std::string& target, std::size_t paths, std::size_t rebalances, double drift,
         double realised_volatility, std::uint64_t seed, unsigned threads) {
        const auto options = delta_options_of(type, strike, expiry, volatility, rate, dividend_yield,
                                              quantity, cost, rebalance_every, band, target);
        hm::hedging_simulation sim;
        sim.paths = paths;
        sim.rebalances = rebalances;
        sim.drift = drift;
        sim.realised_volatility = realised_volatility;
        sim.seed = seed;
        sim.threads = threads;
        hm::hedging_error_distribution out;
        {
          py::gil_scoped_release unlocked;
          out = hm::simulate_delta_hedge(spot, options, sim);
        }
        return to_python(std::move(out));
      },
      py::arg("spot"), py::arg("strike"), py::arg("expiry"), py::arg("volatility"), py::arg("type") = "call",
      py::arg("rate") = 0.0, py::arg("dividend_yield") = 0.0, py::arg("quantity") = 1.0,
      py::arg("cost") = 0.0, py::arg("rebalance_every") = 1, py::arg("band") = 0.0,
      py::arg("target") = "delta", py::arg("paths") = 10000, py::arg("rebalances") = 21,
      py::arg("drift") = std::nan(""), py::arg("realised_volatility") = std::nan(""), py::arg("seed") = 42,
      py::arg("threads") = 1,
      "The distribution of a delta hedge's P&L over simulated paths (Hull Table 19.4's experiment); NaN\n"
      "drift or realised_volatility take the rate and the hedging volatility.");
  m.def(
      "neutralise_greeks",
      [](const py::handle& book, const py::sequence& instruments, bool gamma, bool vega) {
        std::vector<hm::position_greeks> list;
        for (std::size_t i = 0; i < instruments.size(); ++i) {
          const std::string name = "instruments[" + std::to_string(i) + "]";
          list.push_back(greeks_of(instruments[i], name.c_str()));
        }
        hm::greek_hedge_options o;
        o.gamma = gamma;
        o.vega = vega;
        return to_python(hm::neutralise_greeks(greeks_of(book, "book"), list, o));
      },
      py::arg("book"), py::arg("instruments"), py::arg("gamma") = true, py::arg("vega") = true,
      "Quantities of the instruments (and of the underlying) that make the book gamma- and/or vega-neutral,\n"
      "then delta-neutral; book and instruments are dicts or objects with delta, gamma, vega (GreekHedge).");

  m.def(
      "chow_test",
      [](const py::handle& spot, const py::handle& hedge, std::size_t split, bool intercept,
         const std::string& missing) {
        const auto o = break_options_of(0.15, 5, intercept, missing);
        return with_breaks_data(
            spot, hedge, [&](auto s, const auto& f) { return to_python(hm::chow_test(s, f, split, o)); });
      },
      py::arg("spot"), py::arg("hedge"), py::arg("split"), py::arg("intercept") = true,
      py::arg("missing") = "propagate", "Chow's F test of a break after `split` observations (ChowResult).");
  m.def(
      "sup_f_test",
      [](const py::handle& spot, const py::handle& hedge, double trim, bool intercept,
         const std::string& missing) {
        const auto o = break_options_of(trim, 5, intercept, missing);
        return with_breaks_data(spot, hedge,
                                [&](auto s, const auto& f) { return to_python(hm::sup_f_test(s, f, o)); });
      },
      py::arg("spot"), py::arg("hedge"), py::arg("trim") = 0.15, py::arg("intercept") = true,
      py::arg("missing") = "propagate",
      "Andrews' sup-F, ave-F and exp-F with Hansen's (1997) p-values, as strucchange (SupFResult).");
  m.def(
      "cusum_test",
      [](const py::handle& spot, const py::handle& hedge, bool intercept, const std::string& missing) {
        const auto o = break_options_of(0.15, 5, intercept, missing);
        return with_breaks_data(spot, hedge,
                                [&](auto s, const auto& f) { return to_python(hm::cusum_test(s, f, o)); });
      },
      py::arg("spot"), py::arg("hedge"), py::arg("intercept") = true, py::arg("missing") = "propagate",
      "OLS-CUSUM (Ploberger-Kraemer) and recursive CUSUM (Brown-Durbin-Evans) with p-values (CusumResult).");
  m.def(
      "breakpoints",
      [](const py::handle& spot, const py::handle& hedge, double minimum_segment, std::size_t max_breaks,
         bool intercept, const std::string& missing) {
        const auto o = break_options_of(minimum_segment, max_breaks, intercept, missing);
        return with_breaks_data(spot, hedge,
                                [&](auto s, const auto& f) { return to_python(hm::breakpoints(s, f, o)); });
      },
      py::arg("spot"), py::arg("hedge"), py::arg("minimum_segment") = 0.15, py::arg("max_breaks") = 5,
      py::arg("intercept") = true, py::arg("missing") = "propagate",
      "Bai-Perron optimal partitions with m = 0 ... max_breaks breaks, chosen by BIC; minimum_segment a\n"
      "fraction of n (< 1) or a count (BreakpointsResult).");
  m.def(
      "correlation_interval",
      [](const py::handle& spot, const py::handle& hedge, double level, const std::string& missing) {
        hm::correlation_options o;
        o.level = level;
        o.missing = missing_of(missing);
        require_same_index(spot, hedge, "spot", "hedge");
        const py::array s = as_double(spot, "spot"), f = as_double(hedge, "hedge");
        return to_python(hm::correlation_interval(view_of(s), view_of(f), o));
      },
      py::arg("spot"), py::arg("hedge"), py::arg("level") = 0.95, py::arg("missing") = "propagate",
      "Pearson's r with Fisher's z interval and the t test of rho = 0, as R's cor.test.");
  m.def(
      "compare_correlations",
      [](const py::handle& spot_first, const py::handle& hedge_first, const py::handle& spot_second,
         const py::handle& hedge_second, double level, const std::string& missing) {
        hm::correlation_options o;
        o.level = level;
        o.missing = missing_of(missing);
        const py::array s1 = as_double(spot_first, "spot_first"), f1 = as_double(hedge_first, "hedge_first");
        const py::array s2 = as_double(spot_second, "spot_second"),
                        f2 = as_double(hedge_second, "hedge_second");
        return to_python(hm::compare_correlations(view_of(s1), view_of(f1), view_of(s2), view_of(f2), o));
      },
      py::arg("spot_first"), py::arg("hedge_first"), py::arg("spot_second"), py::arg("hedge_second"),
      py::arg("level") = 0.95, py::arg("missing") = "propagate",
      "The z test of equal correlation in two independent windows.");
  m.def(
      "engle_granger",
      [](const py::handle& spot, const py::handle& futures, std::size_t lags, const std::string& select,
         const std::string& missing) {
        hm::cointegration_options o;
        o.lags = lags;
        o.select = lag_selection_of(select);
        o.missing = missing_of(missing);
        require_same_index(spot, futures, "spot", "futures");
        const py::array s = as_double(spot, "spot"), f = as_double(futures, "futures");
        return to_python(hm::engle_granger(view_of(s), view_of(f), o));
      },
      py::arg("spot"), py::arg("futures"), py::arg("lags") = 1, py::arg("select") = "fixed",
      py::arg("missing") = "propagate",
      "Engle-Granger cointegration test on price levels: ADF tau of the residuals, MacKinnon (2010)\n"
      "critical values and a p-value from the same surface (EngleGrangerResult).");
  m.def(
      "basis_half_life",
      [](const py::handle& basis, const std::string& missing) {
        hm::cointegration_options o;
        o.missing = missing_of(missing);
        const py::array b = as_double(basis, "basis");
        return to_python(hm::basis_half_life(view_of(b), o));
      },
      py::arg("basis"), py::arg("missing") = "propagate",
      "AR(1) half-life of the basis' mean reversion, with its delta-method standard error.");
}

// ------------------------------------------------------------------------- inference and dated series
//
// inference.hpp (t, p, intervals and F of a fit, Newey-West HAC standard errors, H0: ratio = null_ratio)
// and dated.hpp (date windows, calendar runs, by-year estimates, k-day and calendar resampling, the hedge
// by horizon). Dates are the library's days since 1970-01-01; from Python they are NumPy datetime64
// arrays (any unit whose values are whole days: a pandas DatetimeIndex of daily data is datetime64[ns]),
// datetime.date objects or ISO strings, and they come back as datetime64[D].

namespace {

struct inference_dated_types {
  py::object hedge_fit, multi_hedge_fit, coefficient_test, hedge_inference, hac_covariance, dated_rows,
      year_result, dated_changes, dated_change_pair, horizon_fit, horizon_table;
};

inference_dated_types& idt() {
  static inference_dated_types t;
  return t;
}

py::module_ numpy() {
  return py::module_::import("numpy");
}

// ----------------------------------------------------------------------------------------------- dates

std::string type_name(const py::handle& obj) {
  return py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>();
}

/// Dates as a contiguous int64 array of days since 1970-01-01, checked to be whole days without NaT (the
/// order is checked by the C++, which names the row and both dates).
py::array dates_array(const py::handle& obj, const std::string& function) {
  const auto np = numpy();
  py::object values = py::reinterpret_borrow<py::object>(obj);
  if (py::hasattr(obj, "to_numpy") && !py::isinstance<py::array>(obj)) values = obj.attr("to_numpy")();
  py::array a = np.attr("asarray")(values);
  if (a.ndim() != 1) {
    throw std::invalid_argument(function + ": dates must be one-dimensional, but it has " +
                                std::to_string(a.ndim()) + " dimensions (shape " +
                                py::str(a.attr("shape")).cast<std::string>() + ")");
  }
  const char kind = a.dtype().kind();
  if (a.size() == 0 && kind != 'M') {
    a = np.attr("asarray")(values, "datetime64[D]");
  } else if (kind == 'O' || kind == 'U' || kind == 'S') {
    // datetime.date -> datetime64[D], datetime.datetime -> [us], ISO strings -> their own unit.
    a = np.attr("asarray")(values, "datetime64");
  } else if (kind != 'M') {
    throw py::type_error(function + ": dates has dtype " +
                         py::str(static_cast<py::handle>(a.dtype())).cast<std::string>() +
                         ": pass numpy datetime64 values (numpy.asarray(x, dtype=\"datetime64[D]\")), "
                         "datetime.date objects, ISO date strings or a pandas DatetimeIndex");
  }
  const py::array nat = np.attr("isnat")(a);
  if (np.attr("any")(nat).cast<bool>()) {
    const auto row = np.attr("argmax")(nat).cast<std::size_t>();
    throw std::invalid_argument(function + ": dates is NaT (not a time) in row " + std::to_string(row) +
                                "; every row needs a date: drop the rows without one");
  }
  py::array days = a.attr("astype")("datetime64[D]");
  if (!np.attr("array_equal")(days.attr("astype")(a.dtype()), a).cast<bool>()) {
    const py::array off = np.attr("not_equal")(days.attr("astype")(a.dtype()), a);
    const auto row = np.attr("argmax")(off).cast<std::size_t>();
    throw std::invalid_argument(function + ": dates holds a time of day in row " + std::to_string(row) +
                                " (" + py::str(a[py::int_(row)]).cast<std::string>() +
                                "); dates are whole days: one row per day (floor them with "
                                ".astype(\"datetime64[D]\") only if each day has one row)");
  }
  return np.attr("ascontiguousarray")(days.attr("view")("int64"));
}

hm::series_view<std::int64_t> dates_view(const py::array& a) {
  return {static_cast<const std::int64_t*>(a.data()), static_cast<std::size_t>(a.size())};
}

py::object date_scalar(std::int64_t days) {
  return numpy().attr("datetime64")(days, "D");
}

py::object dates_to_numpy(std::vector<std::int64_t>&& days) {
  return to_numpy(std::move(days)).attr("view")("datetime64[D]");
}

/// One bound of a date window: a string read by the C++ parse_date ("2015-01-01" or "1/1/2015"), or
/// anything numpy.datetime64 reads (datetime.date, pandas Timestamp, datetime64), floored to its day.
std::int64_t day_of(const py::handle& value, const char* what) {
  if (py::isinstance<py::str>(value)) {
    return hm::parse_date(value.cast<std::string>(), hm::date_format::any,
                          std::string("hedgemetrics::date_window: ") + what);
  }
  const py::object day = numpy().attr("datetime64")(value).attr("astype")("datetime64[D]");
  if (numpy().attr("isnat")(day).cast<bool>()) {
    throw std::invalid_argument(std::string("hedgemetrics::date_window: ") + what + " is NaT (not a time)");
  }
  return day.attr("astype")("int64").cast<std::int64_t>();
}

hm::calendar_period period_of(const std::string& name) {
  if (name == "none") return hm::calendar_period::none;
  if (name == "week") return hm::calendar_period::week;
  if (name == "month") return hm::calendar_period::month;
  if (name == "quarter") return hm::calendar_period::quarter;
  if (name == "year") return hm::calendar_period::year;
  throw std::invalid_argument(
      "hedgemetrics: period must be \"week\", \"month\", \"quarter\", \"year\" or "
      "\"none\", but it is \"" +
      name + "\"");
}

std::string period_name(hm::calendar_period p) {
  switch (p) {
    case hm::calendar_period::week:
      return "week";
    case hm::calendar_period::month:
      return "month";
    case hm::calendar_period::quarter:
      return "quarter";
    case hm::calendar_period::year:
      return "year";
    case hm::calendar_period::none:
      break;
  }
  return "none";
}

/// A horizon: a ChangeHorizon, an int k (k rows, non-overlapping) or a period name ("week", "month", ...).
hm::change_horizon horizon_of(const py::handle& obj) {
  if (py::isinstance<hm::change_horizon>(obj)) return obj.cast<hm::change_horizon>();
  if (py::isinstance<py::str>(obj)) {
    const auto period = period_of(obj.cast<std::string>());
    if (period == hm::calendar_period::none) return hm::change_horizon::days(1);
    return hm::change_horizon::calendar(period);
  }
  if (py::isinstance<py::int_>(obj) && !py::isinstance<py::bool_>(obj)) {
    const auto k = obj.cast<long long>();
    if (k < 0) {
      throw std::invalid_argument("hedgemetrics: a horizon of " + std::to_string(k) +
                                  " rows; a change spans k >= 1 rows (1 for daily changes)");
    }
    return hm::change_horizon::days(static_cast<std::size_t>(k));
  }
  throw py::type_error(
      "hedgemetrics: a horizon is a ChangeHorizon, a number of rows (int) or a period "
      "(\"week\", \"month\", \"quarter\", \"year\"), but it is a " +
      type_name(obj));
}

py::object to_python(const hm::dated_rows& r) {
  return idt().dated_rows(r.first, r.last, date_scalar(r.first_date), date_scalar(r.last_date));
}

hm::dated_rows rows_of(const py::handle& obj) {
  if (!py::hasattr(obj, "first") || !py::hasattr(obj, "last")) {
    throw py::type_error(
        "hedgemetrics::slice: rows must be a DatedRows (from date_window or calendar_rows), "
        "but it is a " +
        type_name(obj));
  }
  hm::dated_rows r;
  r.first = obj.attr("first").cast<std::size_t>();
  r.last = obj.attr("last").cast<std::size_t>();
  return r;
}

/// A read-only float64 view of rows [first, last) of `base` (a contiguous float64 array, maybe the caller's
/// own), sharing its memory: an estimator sees the rows as the C++ series_view does, and cannot change them.
py::object rows_array(const py::array& base, const hm::series_view<double>& v) {
  const auto first = static_cast<py::ssize_t>(v.data() - static_cast<const double*>(base.data()));
  py::object rows = base[py::slice(first, first + static_cast<py::ssize_t>(v.size()), 1)];
  rows.attr("setflags")(py::arg("write") = false);
  return rows;
}

template <class Years>
py::tuple years_to_python(Years&& years) {
  py::list out;
  for (auto& y : years) out.append(idt().year_result(y.year, to_python(y.rows), std::move(y.value)));
  return py::tuple(out);
}

// --------------------------------------------------------------------------------------------- inference

double field(const py::handle& obj, const char* name) {
  return obj.attr(name).cast<double>();
}

Eigen::VectorXd vector_field(const py::handle& obj, const char* name) {
  const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(obj.attr(name));
  if (!a) throw py::type_error(std::string("hedgemetrics: the fit's ") + name + " is not an array");
  Eigen::VectorXd v(a.size());
  for (py::ssize_t i = 0; i < a.size(); ++i) v(static_cast<Eigen::Index>(i)) = a.data()[i];
  return v;
}

Eigen::MatrixXd matrix_field(const py::handle& obj, const char* name, Eigen::Index k) {
  const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(obj.attr(name));
  if (!a || a.size() != static_cast<py::ssize_t>(k * k)) {
    throw std::invalid_argument(std::string("hedgemetrics: the fit's ") + name + " is not " +
                                std::to_string(k) + " x " + std::to_string(k));
  }
  Eigen::MatrixXd m(k, k);
  for (Eigen::Index i = 0; i < k; ++i)
    for (Eigen::Index j = 0; j < k; ++j) m(i, j) = a.data()[i * k + j];
  return m;
}

/// k x k, also for k = 1 (a HAC covariance is always a matrix).
py::array_t<double> matrix_to_numpy(const Eigen::MatrixXd& m) {
  py::array_t<double> out({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto v = out.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      v(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(j)) = m(i, j);
  return out;
}

bool is_hedge_fit(const py::handle& obj) {
  return py::isinstance(obj, idt().hedge_fit);
}
bool is_multi_hedge_fit(const py::handle& obj) {
  return py::isinstance(obj, idt().multi_hedge_fit);
}

[[noreturn]] void not_a_fit(const py::handle& obj, const char* function) {
  throw py::type_error(std::string(function) + ": fit must be a HedgeFit or a MultiHedgeFit (from " +
                       "fit_hedge), but it is a " + type_name(obj));
}

hm::hedge_fit<double> hedge_fit_of(const py::handle& o) {
  hm::hedge_fit<double> f;
  f.n = o.attr("n").cast<std::size_t>();
  f.ratio = field(o, "ratio");
  f.intercept = field(o, "intercept");
  f.effectiveness = field(o, "effectiveness");
  f.correlation = field(o, "correlation");
  f.exposure_mean = field(o, "exposure_mean");
  f.hedge_mean = field(o, "hedge_mean");
  f.exposure_variance = field(o, "exposure_variance");
  f.hedge_variance = field(o, "hedge_variance");
  f.covariance = field(o, "covariance");
  f.residual_variance = field(o, "residual_variance");
  f.residual_standard_error = field(o, "residual_standard_error");
  f.ratio_standard_error = field(o, "ratio_standard_error");
  f.intercept_standard_error = field(o, "intercept_standard_error");
  return f;
}

py::object to_python(const hm::hedge_fit<double>& f) {
  return hedge_fit_to_python(idt().hedge_fit, f);
}

hm::multi_hedge_fit<double> multi_hedge_fit_of(const py::handle& o) {
  hm::multi_hedge_fit<double> f;
  f.n = o.attr("n").cast<std::size_t>();
  f.rank = o.attr("rank").cast<std::size_t>();
  f.has_intercept = o.attr("has_intercept").cast<bool>();
  f.ratios = vector_field(o, "ratios");
  const Eigen::Index k = f.ratios.size();
  f.intercept = field(o, "intercept");
  f.effectiveness = field(o, "effectiveness");
  f.r_squared = field(o, "r_squared");
  f.adjusted_r_squared = field(o, "adjusted_r_squared");
  f.residual_variance = field(o, "residual_variance");
  f.residual_standard_error = field(o, "residual_standard_error");
  f.ratio_standard_errors = vector_field(o, "ratio_standard_errors");
  f.intercept_standard_error = field(o, "intercept_standard_error");
  f.ratio_covariance = matrix_field(o, "ratio_covariance", k);
  f.condition_number = field(o, "condition_number");
  for (const py::handle d : o.attr("dropped")) f.dropped.push_back(d.cast<Eigen::Index>());
  f.residual_sum_of_squares = field(o, "residual_sum_of_squares");
  f.total_sum_of_squares = field(o, "total_sum_of_squares");
  f.residual_df = o.attr("residual_df").cast<std::size_t>();
  f.exposure_mean = field(o, "exposure_mean");
  f.hedge_means = vector_field(o, "hedge_means");
  f.normalized_covariance = matrix_field(o, "normalized_covariance", k);
  if (f.ratio_standard_errors.size() != k || f.hedge_means.size() != k) {
    throw std::invalid_argument(
        "hedgemetrics: the MultiHedgeFit's arrays disagree on the number of "
        "instruments; pass a fit made by fit_hedge");
  }
  return f;
}

py::object to_python(const hm::hac_covariance<double>& h) {
  return idt().hac_covariance(h.lag, h.small_sample_correction, h.intercept_standard_error,
                              to_numpy(h.ratio_standard_errors), matrix_to_numpy(h.ratio_covariance));
}

hm::hac_covariance<double> hac_of(const py::handle& o) {
  if (!py::isinstance(o, idt().hac_covariance)) {
    throw py::type_error(
        "hedgemetrics::inference: hac must be a HacCovariance (from newey_west) or None, "
        "but it is a " +
        type_name(o));
  }
  hm::hac_covariance<double> h;
  h.lag = o.attr("lag").cast<std::size_t>();
  h.small_sample_correction = o.attr("small_sample_correction").cast<bool>();
  h.intercept_standard_error = field(o, "intercept_standard_error");
  h.ratio_standard_errors = vector_field(o, "ratio_standard_errors");
  h.ratio_covariance = matrix_field(o, "ratio_covariance", h.ratio_standard_errors.size());
  return h;
}

py::object to_python(const hm::coefficient_test<double>& c) {
  return idt().coefficient_test(c.estimate, c.standard_error, c.t_statistic, c.p_value, c.lower, c.upper,
                                c.null_value);
}

py::object to_python(const hm::hedge_inference<double>& r) {
  py::list ratios;
  for (const auto& c : r.ratios) ratios.append(to_python(c));
  return idt().hedge_inference(r.level, r.residual_df, to_python(r.intercept), py::tuple(ratios), r.model_df,
                               r.f_statistic, r.f_p_value);
}

/// Several instruments as a float64 matrix (rows = observations): a 2-D array, a DataFrame, or a list of
/// series (columns); a 1-D series as one column.
py::array hedge_matrix(const py::handle& hedge) {
  const auto np = numpy();
  const auto float64 = py::dtype::of<double>();
  if (py::hasattr(hedge, "columns") && py::hasattr(hedge, "to_numpy"))
    return hedge.attr("to_numpy")(py::arg("dtype") = float64);
  if (py::isinstance<py::list>(hedge) || py::isinstance<py::tuple>(hedge))
    return np.attr("column_stack")(hedge).attr("astype")(float64);
  py::array m = np.attr("asarray")(hedge, float64);
  if (m.ndim() == 1) m = m.attr("reshape")(-1, 1);
  if (m.ndim() != 2) {
    throw std::invalid_argument(
        "hedgemetrics::newey_west: hedge must be one series or a 2-D array of "
        "instruments, but it has " +
        std::to_string(m.ndim()) + " dimensions");
  }
  return m;
}

py::object newey_west(const py::handle& exposure, const py::handle& hedge, const py::object& fit, long lag,
                      bool small_sample_correction, const std::string& missing) {
  hm::hac_options options;
  options.lag = lag;
  options.small_sample_correction = small_sample_correction;
  options.missing = missing_of(missing);
  py::object the_fit = fit;
  if (the_fit.is_none()) {
    the_fit = py::module_::import("hedgemetrics").attr("fit_hedge")(exposure, hedge, missing);
  }
  require_same_index(exposure, hedge, "exposure", "hedge");
  if (is_hedge_fit(the_fit)) {
    const py::array s = as_double(exposure, "exposure"), f = as_double(hedge, "hedge");
    return to_python(hm::newey_west(view_of(s), view_of(f), hedge_fit_of(the_fit), options));
  }
  if (!is_multi_hedge_fit(the_fit)) not_a_fit(the_fit, "hedgemetrics::newey_west");
  const py::array s = as_double(exposure, "exposure");
  const py::array m = hedge_matrix(hedge);
  constexpr auto size = static_cast<py::ssize_t>(sizeof(double));
  if (m.strides(0) % size != 0 || m.strides(1) % size != 0) {
    throw std::invalid_argument(
        "hedgemetrics::newey_west: the hedge matrix has strides that are not "
        "multiples of 8 bytes");
  }
  using stride = Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Map<const Eigen::MatrixXd, 0, stride> hedges(static_cast<const double*>(m.data()), m.shape(0),
                                                            m.shape(1),
                                                            stride(m.strides(1) / size, m.strides(0) / size));
  return to_python(hm::newey_west(view_of(s), hedges, multi_hedge_fit_of(the_fit), options));
}

py::object inference(const py::handle& fit, const py::object& hac, double level, double null_ratio) {
  hm::inference_options options;
  options.level = level;
  options.null_ratio = null_ratio;
  if (is_hedge_fit(fit)) {
    const auto f = hedge_fit_of(fit);
    return to_python(hac.is_none() ? hm::inference(f, options) : hm::inference(f, hac_of(hac), options));
  }
  if (!is_multi_hedge_fit(fit)) not_a_fit(fit, "hedgemetrics::inference");
  const auto f = multi_hedge_fit_of(fit);
  return to_python(hac.is_none() ? hm::inference(f, options) : hm::inference(f, hac_of(hac), options));
}

// ------------------------------------------------------------------------------------- resampling, horizons

py::object to_python(hm::dated_changes<double>&& c) {
  return idt().dated_changes(c.horizon, dates_to_numpy(std::move(c.dates)),
                             dates_to_numpy(std::move(c.start_dates)), to_numpy(std::move(c.changes)),
                             c.omitted);
}

py::object to_python(hm::dated_change_pair<double>&& c) {
  return idt().dated_change_pair(c.horizon, dates_to_numpy(std::move(c.dates)),
                                 dates_to_numpy(std::move(c.start_dates)), to_numpy(std::move(c.exposure)),
                                 to_numpy(std::move(c.hedge)), c.omitted);
}

py::object to_python(hm::horizon_table<double>&& t) {
  py::list rows;
  for (auto& r : t.rows) {
    const py::object nat = numpy().attr("datetime64")("NaT", "D");
    rows.append(idt().horizon_fit(r.horizon, r.label, r.n, r.n > 0 ? date_scalar(r.first_date) : nat,
                                  r.n > 0 ? date_scalar(r.last_date) : nat, to_python(r.fit),
                                  to_python(r.hac), to_python(r.ratio)));
  }
  return idt().horizon_table(py::tuple(rows), t.omitted);
}

}  // namespace

void bind_inference_and_dates(py::module_& m) {
  auto& t = idt();
  // Made by hedgemetrics_python.cpp, which binds fit_hedge.
  t.hedge_fit = m.attr("HedgeFit");
  t.multi_hedge_fit = m.attr("MultiHedgeFit");
  t.coefficient_test =
      make_type(m, "CoefficientTest",
                {"estimate", "standard_error", "t_statistic", "p_value", "lower", "upper", "null_value"},
                "hedgemetrics::coefficient_test: t = (estimate - null_value)/standard_error, its two-sided "
                "p-value (Student t), and the interval estimate -/+ t_crit*standard_error.");
  t.hedge_inference = make_type(
      m, "HedgeInference",
      {"level", "residual_df", "intercept", "ratios", "model_df", "f_statistic", "f_p_value"},
      "hedgemetrics::hedge_inference: the intercept's test (against 0), one CoefficientTest per ratio "
      "(against null_ratio), and the F test of every ratio = 0 (from OLS figures).");
  t.hac_covariance = make_type(
      m, "HacCovariance",
      {"lag", "small_sample_correction", "intercept_standard_error", "ratio_standard_errors",
       "ratio_covariance"},
      "hedgemetrics::hac_covariance: Newey-West (Bartlett) standard errors; ratio_covariance is k x k.");
  t.dated_rows = make_type(m, "DatedRows", {"first", "last", "first_date", "last_date"},
                           "hedgemetrics::dated_rows: rows [first, last) and the dates (datetime64[D]) of "
                           "the first and the last of them.");
  t.year_result = make_type(m, "YearResult", {"year", "rows", "value"},
                            "hedgemetrics::year_result: a calendar year, its DatedRows and what the "
                            "estimator returned on them.");
  t.dated_changes =
      make_type(m, "DatedChanges", {"horizon", "dates", "start_dates", "changes", "omitted"},
                "hedgemetrics::dated_changes: price changes dated by their later price (dates) with the "
                "date of their earlier price (start_dates), both datetime64[D].");
  t.dated_change_pair =
      make_type(m, "DatedChangePair", {"horizon", "dates", "start_dates", "exposure", "hedge", "omitted"},
                "hedgemetrics::dated_change_pair: the changes of an exposure and a hedge on the same rows.");
  t.horizon_fit =
      make_type(m, "HorizonFit", {"horizon", "label", "n", "first_date", "last_date", "fit", "hac", "ratio"},
                "hedgemetrics::horizon_fit: the hedge of the changes at one horizon: fit (HedgeFit), hac "
                "(HacCovariance) and ratio (the CoefficientTest of h* with the HAC standard error); "
                "first_date and last_date are NaT when n = 0.");
  t.horizon_table = make_type(m, "HorizonTable", {"rows", "omitted"},
                              "hedgemetrics::horizon_table: one HorizonFit per horizon, in the order asked.");

  py::class_<hm::change_horizon>(
      m, "ChangeHorizon",
      "hedgemetrics::change_horizon: changes k rows apart (non-overlapping, or overlapping: P_t - P_{t-k} "
      "at every row), or between the last prices of consecutive calendar periods (period \"week\", "
      "\"month\", \"quarter\", \"year\"). Wherever a horizon is taken, an int k and a period name also do.")
      .def(py::init([](std::size_t rows, const std::string& period, bool overlapping) {
             return hm::change_horizon{rows, period_of(period), overlapping};
           }),
           py::arg("rows") = 1, py::arg("period") = "none", py::arg("overlapping") = false)
      .def_static("days", &hm::change_horizon::days, py::arg("k"), py::arg("overlapping") = false,
                  "Changes over k rows (trading days), overlapping or not.")
      .def_static(
          "calendar",
          [](const std::string& period) { return hm::change_horizon::calendar(period_of(period)); },
          py::arg("period"), "Changes between the last prices of consecutive calendar periods.")
      .def_readonly("rows", &hm::change_horizon::rows)
      .def_property_readonly("period", [](const hm::change_horizon& h) { return period_name(h.period); })
      .def_readonly("overlapping", &hm::change_horizon::overlapping)
      .def_property_readonly("label", &hm::horizon_label,
                             "\"1 day\", \"21 days, overlapping\", \"monthly\", ...")
      .def("__eq__",
           [](const hm::change_horizon& a, const py::object& b) {
             if (!py::isinstance<hm::change_horizon>(b)) return false;
             const auto h = b.cast<hm::change_horizon>();
             return a.rows == h.rows && a.period == h.period && a.overlapping == h.overlapping;
           })
      .def("__hash__",
           [](const hm::change_horizon& h) {
             return py::hash(py::make_tuple(h.rows, period_name(h.period), h.overlapping));
           })
      .def("__repr__", [](const hm::change_horizon& h) {
        return "ChangeHorizon(rows=" + std::to_string(h.rows) + ", period='" + period_name(h.period) +
               "', overlapping=" + (h.overlapping ? "True" : "False") + ")";
      });
  m.def("default_horizons", &hm::default_horizons,
        "The horizons hedge_by_horizon reports by default: 1 day, 5 and 21 days (overlapping), weekly, "
        "monthly.");

  m.def(
      "newey_west", &newey_west, py::arg("exposure"), py::arg("hedge"), py::arg("fit") = py::none(),
      py::arg("lag") = -1, py::arg("small_sample_correction") = false, py::arg("missing") = "propagate",
      "newey_west(exposure, hedge, fit=None, lag=-1, small_sample_correction=False, missing='propagate')\n\n"
      "Newey-West HAC covariance of a hedge regression's coefficients (HacCovariance), Bartlett kernel:\n"
      "V = (D'D)^-1 S (D'D)^-1, S = G0 + sum_{l<=L} (1 - l/(L+1))(G_l + G_l'), times n/(n - p) with\n"
      "small_sample_correction. lag < 0: floor(4 (n/100)^(2/9)) (Newey & West 1994). As statsmodels'\n"
      "OLS(S, add_constant(F)).fit(cov_type='HAC', cov_kwds={'maxlags': L, 'use_correction': c}).\n"
      "fit: the HedgeFit or MultiHedgeFit of these data (fitted here with `missing` when None); hedge: one\n"
      "series, or a 2-D array / DataFrame / list of series for several instruments. ValueError when the\n"
      "fit is of other data, or an explicit lag is not below n.");
  m.def(
      "inference", &inference, py::arg("fit"), py::arg("hac") = py::none(), py::arg("level") = 0.95,
      py::arg("null_ratio") = 0.0,
      "inference(fit, hac=None, level=0.95, null_ratio=0.0)\n\n"
      "t tests, two-sided p-values and confidence intervals of a fit's coefficients, and its F test\n"
      "(HedgeInference). Each ratio h is tested against null_ratio: t = (h - null_ratio)/se (1 asks whether\n"
      "h* differs from the naive 1:1 hedge), the intercept against 0, F of every ratio = 0. Student t with\n"
      "the residual degrees of freedom, also with hac (a HacCovariance from newey_west: its standard\n"
      "errors; statsmodels' use_t=True). ValueError when level is not in (0, 1) or null_ratio not finite.");

  m.def(
      "date_window",
      [](const py::handle& dates, const py::handle& from, const py::handle& to) {
        const py::array d = dates_array(dates, "hedgemetrics::date_window");
        return to_python(hm::date_window(dates_view(d), day_of(from, "from"), day_of(to, "to")));
      },
      py::arg("dates"), py::arg("from_"), py::arg("to"),
      "The rows whose dates lie in [from_, to], both included (DatedRows). from_ and to: ISO or M/D/YYYY\n"
      "strings, datetime.date, datetime64 or pandas Timestamp. ValueError when no row falls in the window.");
  m.def(
      "slice",
      [](const py::handle& series, const py::handle& rows) -> py::object {
        const auto r = rows_of(rows);
        const py::array a = as_array(series, "series");
        visit(a, [&](auto v) {
          (void)hm::slice(v, r);
          return 0;
        });
        const auto part = py::slice(static_cast<py::ssize_t>(r.first), static_cast<py::ssize_t>(r.last), 1);
        if (is_pandas_series(series)) return series.attr("iloc")[part];
        if (py::isinstance<py::array>(series)) return series[part];
        return a[part];
      },
      py::arg("series"), py::arg("rows"),
      "The rows `rows` (a DatedRows) of a series: a view (NumPy) or .iloc slice (pandas), not a copy.");
  m.def(
      "calendar_rows",
      [](const py::handle& dates, const std::string& period) {
        const py::array d = dates_array(dates, "hedgemetrics::calendar_rows");
        py::list out;
        for (const auto& r : hm::calendar_rows(dates_view(d), period_of(period))) out.append(to_python(r));
        return py::tuple(out);
      },
      py::arg("dates"), py::arg("period"),
      "The runs of rows sharing a calendar period (\"week\" Monday-Sunday, \"month\", \"quarter\", "
      "\"year\"),\n"
      "oldest first, as DatedRows; periods without a row are absent.");
  m.def(
      "by_year",
      [](const py::handle& dates, const py::handle& exposure, const py::handle& hedge,
         const py::function& estimator) {
        const py::array d = dates_array(dates, "hedgemetrics::by_year");
        require_same_index(exposure, hedge, "exposure", "hedge");
        const py::array s = as_double(exposure, "exposure"), f = as_double(hedge, "hedge");
        return years_to_python(hm::by_year(dates_view(d), view_of(s), view_of(f),
                                           [&](hm::series_view<double> a, hm::series_view<double> b) {
                                             return py::object(estimator(rows_array(s, a), rows_array(f, b)));
                                           }));
      },
      py::arg("dates"), py::arg("exposure"), py::arg("hedge"), py::arg("estimator"),
      "estimator(exposure rows, hedge rows) on each calendar year's rows (float64 views), e.g.\n"
      "by_year(dates, ds, df, hedgemetrics.fit_hedge): a tuple of YearResult(year, rows, value), oldest\n"
      "first; years without a row are absent.");
  m.def(
      "by_year",
      [](const py::handle& dates, const py::handle& values, const py::function& estimator) {
        const py::array d = dates_array(dates, "hedgemetrics::by_year");
        const py::array v = as_double(values, "values");
        return years_to_python(hm::by_year(dates_view(d), view_of(v), [&](hm::series_view<double> a) {
          return py::object(estimator(rows_array(v, a)));
        }));
      },
      py::arg("dates"), py::arg("values"), py::arg("estimator"),
      "estimator(values rows) on each calendar year's rows (a float64 view), e.g. by_year(dates, x, "
      "numpy.std).");
  m.def(
      "resample_changes",
      [](const py::handle& dates, const py::handle& exposure, const py::handle& hedge,
         const py::handle& horizon, const std::string& missing) {
        if (py::isinstance<py::int_>(hedge) || py::isinstance<py::str>(hedge) ||
            py::isinstance<hm::change_horizon>(hedge)) {
          throw py::type_error(
              "hedgemetrics::resample_changes: the third argument is a hedge price series; "
              "the horizon is a keyword: resample_changes(dates, prices, horizon=" +
              py::repr(hedge).cast<std::string>() + ")");
        }
        const py::array d = dates_array(dates, "hedgemetrics::resample_changes");
        require_same_index(exposure, hedge, "exposure", "hedge");
        const py::array s = as_double(exposure, "exposure"), f = as_double(hedge, "hedge");
        hm::resample_options options;
        options.horizon = horizon_of(horizon);
        options.missing = missing_of(missing);
        return to_python(hm::resample_changes(dates_view(d), view_of(s), view_of(f), options));
      },
      py::arg("dates"), py::arg("exposure"), py::arg("hedge"), py::kw_only(), py::arg("horizon") = 1,
      py::arg("missing") = "propagate",
      "The changes of two aligned price series at a horizon, on the same rows (DatedChangePair).");
  m.def(
      "resample_changes",
      [](const py::handle& dates, const py::handle& prices, const py::handle& horizon,
         const std::string& missing) {
        const py::array d = dates_array(dates, "hedgemetrics::resample_changes");
        const py::array p = as_double(prices, "prices");
        hm::resample_options options;
        options.horizon = horizon_of(horizon);
        options.missing = missing_of(missing);
        return to_python(hm::resample_changes(dates_view(d), view_of(p), options));
      },
      py::arg("dates"), py::arg("prices"), py::kw_only(), py::arg("horizon") = 1,
      py::arg("missing") = "propagate",
      "Price changes at a horizon (DatedChanges): horizon=k, P_{jk} - P_{(j-1)k} (pandas\n"
      "p.iloc[::k].diff()); ChangeHorizon.days(k, overlapping=True), P_t - P_{t-k} (p.diff(k)); \"week\",\n"
      "\"month\", \"quarter\", \"year\": between the last prices of consecutive periods\n"
      "(p.groupby(period).last().diff()). Each change is dated by its later price. missing='omit' drops\n"
      "the rows without a finite price first; 'raise' is a ValueError naming the row and date.");
  m.def(
      "hedge_by_horizon",
      [](const py::handle& dates, const py::handle& exposure, const py::handle& hedge,
         const py::object& horizons, long lag, bool small_sample_correction, double level, double null_ratio,
         const std::string& missing) {
        const py::array d = dates_array(dates, "hedgemetrics::hedge_by_horizon");
        require_same_index(exposure, hedge, "exposure", "hedge");
        const py::array s = as_double(exposure, "exposure"), f = as_double(hedge, "hedge");
        hm::horizon_options options;
        if (!horizons.is_none()) {
          options.horizons.clear();
          for (const py::handle h : horizons) options.horizons.push_back(horizon_of(h));
        }
        options.lag = lag;
        options.small_sample_correction = small_sample_correction;
        options.level = level;
        options.null_ratio = null_ratio;
        options.missing = missing_of(missing);
        hm::horizon_table<double> table;
        {
          py::gil_scoped_release unlocked;
          table = hm::hedge_by_horizon(dates_view(d), view_of(s), view_of(f), options);
        }
        return to_python(std::move(table));
      },
      py::arg("dates"), py::arg("exposure"), py::arg("hedge"), py::arg("horizons") = py::none(),
      py::arg("lag") = -1, py::arg("small_sample_correction") = false, py::arg("level") = 0.95,
      py::arg("null_ratio") = 0.0, py::arg("missing") = "propagate",
      "The minimum-variance hedge of price changes at several horizons (HorizonTable; default 1 day, 5 and\n"
      "21 days overlapping, weekly, monthly): at each, fit_hedge of the changes, Newey-West HAC standard\n"
      "errors (lag < 0: max(k - 1, floor(4 (n/100)^(2/9))) for overlapping k-day changes, the rule alone\n"
      "otherwise) and the t test of h* = null_ratio with them. exposure and hedge are price levels.");
}

}  // namespace hedgemetrics_python
