// SPDX-License-Identifier: MIT
// The Python module, second translation unit: option hedges (option_pricing.hpp, delta_hedge.hpp,
// greek_hedge.hpp) and monitoring (structural_breaks.hpp, correlation.hpp, cointegration.hpp). The same
// conventions as hedgemetrics_python.cpp: arrays or pandas Series in (computed in double), frozen
// dataclasses with the C++ field names out, ValueError with the C++ message. A separate file so that the
// module's two halves compile in parallel.
#include <hedgemetrics/cointegration.hpp>
#include <hedgemetrics/correlation.hpp>
#include <hedgemetrics/delta_hedge.hpp>
#include <hedgemetrics/greek_hedge.hpp>
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

}  // namespace hedgemetrics_python
