// SPDX-License-Identifier: MIT
/// \file
/// Delta hedges of written European options: along a given price path (with the per-step P&L attribution a
/// desk reads), and over simulated paths (the distribution of the hedging error, beside Derman and Kamal's
/// prediction), with proportional transaction costs and Leland's volatility adjustment for them.
///
/// Convention: `quantity` options are written (sold); the hedge holds quantity·Δ shares of the underlying,
/// bought with borrowed money (or cash earning the rate). All money figures are for the whole position.
/// P&L is the hedger's: positive is a gain to the writer. Costs are proportional and one-way: a trade of n
/// shares at price S costs cost·|n|·S. Rates, yields and volatilities are per year, continuously
/// compounded; times in years. Black–Scholes figures come from option_pricing.hpp.
///
/// Reference: Hull, *Options, Futures and Other Derivatives*, §19.4 (Tables 19.2–19.4: the cost of a weekly
/// hedge of 100,000 calls); Derman & Kamal (1999), "When you cannot hedge continuously: the corrections of
/// Black–Scholes", Risk 12(1); Leland (1985), "Option pricing and replication with transactions costs",
/// J. Finance 40(5); Whalley & Wilmott (1997), "An asymptotic analysis of an optimal hedging model for option
/// pricing with transaction costs", Math. Finance 7(3).
#ifndef HEDGEMETRICS_DELTA_HEDGE_HPP
#define HEDGEMETRICS_DELTA_HEDGE_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>  // simulate_delta_hedge with threads > 1: link Threads::Threads or use -pthread
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/option_pricing.hpp"
#include "hedgemetrics/series.hpp"
#include "hedgemetrics/tail_risk.hpp"

namespace hedgemetrics {

/// What a rebalance trades to when a delta band is set (delta_hedge_options::band > 0).
enum class band_target {
  delta,  ///< Back to the model delta: the common desk rule.
  edge    ///< To the nearest edge of the band, Whalley & Wilmott's optimal rule under proportional costs.
};

/// The written option, its hedge and the rebalancing rule.
///
/// Rebalancing: the hedge is set to the model delta at the first time; at every later time i with
/// i % rebalance_every == 0 it is reconsidered, and when band > 0 it is traded only if the shares held per
/// option, h/quantity, differ from the model delta by more than `band` (then to `target`). At the expiry
/// the position is closed out to the expiry delta (quantity shares for an in-the-money call, delivered
/// against the strike; none out of the money), as in Hull's Tables 19.2 and 19.3.
struct delta_hedge_options {
  /// Call or put.
  option_type type = option_type::call;
  /// K > 0.
  double strike = std::numeric_limits<double>::quiet_NaN();
  /// The expiry date, on the clock of `times` (years); after the first time, at or after the last.
  double expiry = std::numeric_limits<double>::quiet_NaN();
  /// r, the rate earned on cash and paid on borrowing.
  double rate = 0.0;
  /// q, the continuous dividend yield the shares earn (the foreign rate, or r for futures).
  double dividend_yield = 0.0;
  /// σ > 0, the volatility the deltas are computed with (and the premium charged at).
  double volatility = std::numeric_limits<double>::quiet_NaN();
  /// Number of options written (negative: bought), finite and not 0; the hedge holds quantity·Δ shares.
  double quantity = 1.0;
  /// Proportional one-way cost, a fraction of the traded value in [0, 1).
  double cost = 0.0;
  /// Reconsider the hedge every k-th time (k ≥ 1; 1 = every time).
  std::size_t rebalance_every = 1;
  /// Delta band (≥ 0; 0 = always rebalance on schedule).
  double band = 0.0;
  /// What a band rebalance trades to.
  band_target target = band_target::delta;
};

/// One step's P&L of the hedged position and its parts (the writer's view; see delta_hedge).
struct hedge_attribution {
  /// Change in marked-to-model wealth: cash + shares − quantity·option value.
  double pnl = 0.0;
  /// (h − quantity·Δ)·ΔS: what the hedge's gap to the model delta made (0 when rebalanced every step).
  double delta = 0.0;
  /// −quantity·½ΓS²((ΔS/S)² − σ²Δt): realised against implied variance.
  double gamma = 0.0;
  /// −quantity·(Θ + ½σ²S²Γ)Δt: the option's time decay not already in the gamma term (its carry).
  double theta = 0.0;
  /// Interest on the cash account and dividends on the shares.
  double financing = 0.0;
  /// −cost·|shares traded|·S: always ≤ 0.
  double costs = 0.0;
  /// pnl minus the parts above: the Taylor remainder of the option value (third order in ΔS).
  double unexplained = 0.0;
};

/// A delta hedge along one path: per time and in total.
struct delta_hedge_result {
  /// Model delta per option at each time (the expiry delta at the expiry).
  std::vector<double> delta;
  /// Shares held after the trade at each time.
  std::vector<double> shares_held;
  /// Shares bought (negative: sold) at each time.
  std::vector<double> shares_traded;
  /// Cost of the shares bought so far, with interest on the financing, less dividends, plus transaction
  /// costs (Hull's "cumulative cost including interest").
  std::vector<double> cumulative_cost;
  /// Transaction costs paid at each time.
  std::vector<double> transaction_cost;
  /// Model value of one option at each time (the payoff at the expiry).
  std::vector<double> option_value;
  /// P&L attribution of each step; [0] is the inception (only the first trade's cost).
  std::vector<hedge_attribution> attribution;
  /// The sums of attribution.
  hedge_attribution total;
  /// quantity·V(t₀): the premium at the hedging volatility.
  double option_price = std::numeric_limits<double>::quiet_NaN();
  /// cumulative cost at the last time − shares held·S + quantity·V (the payoff owed at the expiry): what
  /// writing and hedging cost, in money of the last time (Hull's $263,300).
  double hedging_cost = std::numeric_limits<double>::quiet_NaN();
  /// option_price·e^{r(t_n − t₀)} − hedging_cost = total.pnl: the hedging error at the last time.
  double hedging_error = std::numeric_limits<double>::quiet_NaN();
  /// Number of times with a trade (the first included).
  std::size_t trades = 0;
};

namespace detail {

/// Shares per option after a rebalancing decision. `scheduled`: this time is on the rebalance_every grid.
[[nodiscard]] inline double hedge_target(double model_delta, double held, double band, band_target target,
                                         bool scheduled) noexcept {
  if (!scheduled) return held;
  if (!(band > 0.0)) return model_delta;
  const double gap = held - model_delta;
  if (std::fabs(gap) <= band) return held;
  if (target == band_target::delta) return model_delta;
  return gap > 0.0 ? model_delta + band : model_delta - band;
}

/// Delta at the expiry per option: 1 for an in-the-money call, −1 for an in-the-money put, ½·sign at the
/// strike, 0 otherwise (the limit of e^{−qτ}N(d1) as τ → 0).
[[nodiscard]] inline double expiry_delta(option_type type, double s, double k) noexcept {
  const double itm =
      type == option_type::call ? (s > k ? 1.0 : (s == k ? 0.5 : 0.0)) : (s < k ? 1.0 : (s == k ? 0.5 : 0.0));
  return type == option_type::call ? itm : -itm;
}

[[nodiscard]] inline double payoff(option_type type, double s, double k) noexcept {
  return type == option_type::call ? std::fmax(s - k, 0.0) : std::fmax(k - s, 0.0);
}

inline void require_hedge_options(const delta_hedge_options& o, const char* function) {
  require_positive_finite(o.strike, "options.strike", function);
  require_positive_finite(o.volatility, "options.volatility", function);
  require_finite(o.expiry, "options.expiry", function);
  require_finite(o.rate, "options.rate", function);
  require_finite(o.dividend_yield, "options.dividend_yield", function);
  if (!(o.quantity != 0.0) || !std::isfinite(o.quantity)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": options.quantity must be finite and not 0, but it is " +
                                             value_text(o.quantity)));
  }
  if (!(o.cost >= 0.0 && o.cost < 1.0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": options.cost must be in [0, 1), but it is " + value_text(o.cost)));
  }
  if (o.rebalance_every == 0) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": options.rebalance_every must be at least 1"));
  }
  require_non_negative_finite(o.band, "options.band", function);
}

}  // namespace detail

namespace detail {

/// delta_hedge's path, its arguments checked (s and t: views of the prices and times, length n ≥ 1). By
/// value, so that the compiler knows the stores to the result do not move them.
template <class Prices, class Times>
[[nodiscard]] delta_hedge_result delta_hedge_path(const Prices s, const Times t,
                                                  const delta_hedge_options& caller_options) {
  // A copy, for the same reason: the stores to the result could otherwise alias its fields.
  const delta_hedge_options options = caller_options;
  const std::size_t n = s.size();
  const double q = options.quantity, k = options.strike, r = options.rate, y = options.dividend_yield;
  const double sigma = options.volatility;
  delta_hedge_result out;
  out.delta.resize(n);
  out.shares_held.resize(n);
  out.shares_traded.resize(n);
  out.cumulative_cost.resize(n);
  out.transaction_cost.resize(n);
  out.option_value.resize(n);
  out.attribution.resize(n);

  option_greeks g = detail::black_scholes_kernel(options.type, static_cast<double>(s[0]), k,
                                                 options.expiry - static_cast<double>(t[0]), r, sigma, y);
  double held = 0.0;  // shares
  double cumulative = 0.0;
  double cash = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double si = static_cast<double>(s[i]);
    const double ti = static_cast<double>(t[i]);
    const bool at_expiry = ti == options.expiry;
    const option_greeks previous = g;
    if (i > 0) {
      g = at_expiry ? option_greeks{detail::payoff(options.type, si, k),
                                    detail::expiry_delta(options.type, si, k),
                                    0.0,
                                    0.0,
                                    0.0,
                                    0.0}
                    : detail::black_scholes_kernel(options.type, si, k, options.expiry - ti, r, sigma, y);
    }
    double dividends = 0.0, interest = 0.0;
    const double before = held;
    if (i == 0) {
      out.option_price = q * g.price;
      cash = out.option_price;
      held = q * g.delta;
    } else {
      const double dt = ti - static_cast<double>(t[i - 1]);
      const double growth = std::expm1(r * dt);
      dividends = before * static_cast<double>(s[i - 1]) * std::expm1(y * dt);
      interest = cash * growth;
      cumulative += cumulative * growth;
      const double per_option = at_expiry
                                    ? g.delta
                                    : detail::hedge_target(g.delta, before / q, options.band, options.target,
                                                           i % options.rebalance_every == 0);
      held = q * per_option;
    }
    const double traded = held - before;
    const double fee = options.cost * std::fabs(traded) * si;
    if (traded != 0.0) ++out.trades;
    cumulative += traded * si + fee - dividends;
    cash += interest + dividends - traded * si - fee;
    out.delta[i] = g.delta;
    out.shares_held[i] = held;
    out.shares_traded[i] = traded;
    out.cumulative_cost[i] = cumulative;
    out.transaction_cost[i] = fee;
    out.option_value[i] = g.price;

    hedge_attribution& a = out.attribution[i];
    a.costs = -fee;
    if (i == 0) {
      a.pnl = -fee;
    } else {
      const double s0 = static_cast<double>(s[i - 1]);
      const double dt = ti - static_cast<double>(t[i - 1]);
      const double ds = si - s0;
      const double move = ds / s0;
      a.pnl = interest + dividends - fee + before * ds - q * (g.price - previous.price);
      a.delta = (before - q * previous.delta) * ds;
      // Γ·S² as (Γ·S)·S, never through S², which overflowed near 1e±160 (an infinite or wrong theta and
      // unexplained part); the prices reach here within 2^±64 of 1 (delta_hedge scales them).
      const double gamma_s2 = previous.gamma * s0 * s0;
      a.gamma = -q * 0.5 * gamma_s2 * (move * move - sigma * sigma * dt);
      a.theta = -q * (previous.theta + 0.5 * sigma * sigma * gamma_s2) * dt;
      a.financing = interest + dividends;
      a.unexplained = a.pnl - (a.delta + a.gamma + a.theta + a.financing + a.costs);
    }
    out.total.pnl += a.pnl;
    out.total.delta += a.delta;
    out.total.gamma += a.gamma;
    out.total.theta += a.theta;
    out.total.financing += a.financing;
    out.total.costs += a.costs;
    out.total.unexplained += a.unexplained;
  }
  const double last = static_cast<double>(s[n - 1]);
  out.hedging_cost = cumulative - held * last + q * g.price;
  out.hedging_error =
      out.option_price * std::exp(r * (static_cast<double>(t[n - 1]) - static_cast<double>(t[0]))) -
      out.hedging_cost;
  return out;
}

}  // namespace detail

/// Hedges `quantity` written options along a path of prices at given times, and attributes its P&L.
///
/// At t₀ the writer receives the premium quantity·V₀ into cash and buys h₀ = quantity·Δ₀ shares; at each
/// later time t_i the cash earns e^{rΔt} − 1, the shares held earn dividends h·S_{i−1}(e^{qΔt} − 1), and
/// the hedge is rebalanced by the rule of delta_hedge_options (closed out to the expiry delta at the
/// expiry). Cumulative cost, Hull's way: K_i = K_{i−1}e^{rΔt} − dividends + traded·S_i + costs, and
///   hedging_cost = K_n − h_n S_n + quantity·V_n,  V_n the payoff at the expiry (the model value if t_n is
///   earlier), so that hedging_error = quantity·V₀e^{r(t_n − t₀)} − hedging_cost.
///
/// Attribution of step i (t_{i−1} → t_i), with greeks at t_{i−1}, W = cash + h·S − quantity·V:
///   pnl = W_i − W_{i−1} = delta + gamma + theta + financing + costs + unexplained, where
///   delta = (h_{i−1} − qtyΔ)ΔS, gamma = −qty·½ΓS²((ΔS/S)² − σ²Δt), theta = −qty(Θ + ½σ²S²Γ)Δt
///   (= −qty(rV − (r − q)SΔ)Δt by the Black–Scholes equation), financing = cash·(e^{rΔt} − 1) + dividends,
///   costs = −cost·|traded|·S_i, and unexplained the remainder −qty(ΔV − ΔΔS − ½ΓΔS² − ΘΔt).
/// The sum of pnl over the steps (attribution[0] = −the first trade's cost) is hedging_error. The remainder
/// is largest on the last step into the expiry, where V jumps to the payoff and no Taylor expansion holds.
///
/// Range: at any scale of the prices and strike (each money figure scales with them, the deltas and shares
/// do not) the figures are those of the same hedge at ordinary prices, multiplied back by a power of two:
/// ±inf where a money figure's magnitude exceeds DBL_MAX, 0 or a subnormal below 2^-1022.
///
/// \param prices the underlying's prices (any contiguous series, computed in double), all positive.
/// \param times  the times of the prices in years, strictly increasing; the first before the expiry, the
///               last at or before it.
/// \param options the option, the hedge and the rebalancing rule.
/// \returns delta_hedge_result.
/// \throws std::invalid_argument when the lengths differ or are 0, a time is not finite, not increasing
///         (index named) or after the expiry, the expiry is not after the first time, or an option field is
///         out of range (named); std::domain_error naming the index of a price that is NaN, infinite or
///         not positive.
template <class Prices, class Times>
[[nodiscard]] delta_hedge_result delta_hedge(const Prices& prices, const Times& times,
                                             const delta_hedge_options& options) {
  constexpr const char* function = "hedgemetrics::delta_hedge";
  const auto s = detail::view_of(prices, function, "prices");
  const auto t = detail::view_of(times, function, "times");
  detail::require_same_length(function, "prices", s.size(), "times", t.size());
  detail::require_hedge_options(options, function);
  const std::size_t n = s.size();
  if (n == 0)
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": prices and times are empty"));
  double largest = options.strike;  // for the range check below
  for (std::size_t i = 0; i < n; ++i) {
    const double si = static_cast<double>(s[i]);
    if (!(si > 0.0) || !std::isfinite(si)) {
      HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": prices[" + std::to_string(i) + "] is " +
                                           detail::value_text(si) + " (prices must be positive and finite)"));
    }
    largest = si > largest ? si : largest;
    const double ti = static_cast<double>(t[i]);
    if (!std::isfinite(ti)) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": times[" + std::to_string(i) +
                                               "] is " + detail::value_text(ti)));
    }
    if (i > 0 && !(ti > static_cast<double>(t[i - 1]))) {
      HEDGEMETRICS_THROW(std::invalid_argument(
          std::string(function) + ": times must be strictly increasing, but times[" + std::to_string(i) +
          "] = " + detail::value_text(ti) + " follows times[" + std::to_string(i - 1) +
          "] = " + detail::value_text(static_cast<double>(t[i - 1]))));
    }
  }
  if (!(options.expiry > static_cast<double>(t[0]))) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": options.expiry = " + detail::value_text(options.expiry) +
        " is not after times[0] = " + detail::value_text(static_cast<double>(t[0]))));
  }
  if (static_cast<double>(t[n - 1]) > options.expiry) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": times[" + std::to_string(n - 1) +
                              "] = " + detail::value_text(static_cast<double>(t[n - 1])) +
                              " is after options.expiry = " + detail::value_text(options.expiry)));
  }

  // Range: every money figure is homogeneous of degree one in the prices and the strike, the deltas and
  // shares of degree zero. Prices or strikes beyond 2^±64 are hedged divided by the power of two of the
  // largest of them (exact), and the money figures multiplied back: prices near 1e200 gave a NaN hedging
  // cost where the true one overflows (+inf), and near 1e-310 NaN attributions.
  int e = 0;
  static_cast<void>(std::frexp(largest, &e));
  if (e <= 64 && e >= -64) return detail::delta_hedge_path(s, t, options);
  std::vector<double> scaled(n);
  for (std::size_t i = 0; i < n; ++i) scaled[i] = std::ldexp(static_cast<double>(s[i]), -e);
  delta_hedge_options o = options;
  o.strike = std::ldexp(options.strike, -e);
  delta_hedge_result out = detail::delta_hedge_path(series_view<double>(scaled.data(), n), t, o);
  const auto back = [e](double& v) { v = std::ldexp(v, e); };
  for (auto* money : {&out.cumulative_cost, &out.transaction_cost, &out.option_value}) {
    for (double& v : *money) back(v);
  }
  const auto back_parts = [&back](hedge_attribution& x) {
    for (double* v : {&x.pnl, &x.delta, &x.gamma, &x.theta, &x.financing, &x.costs, &x.unexplained}) back(*v);
  };
  for (hedge_attribution& a : out.attribution) back_parts(a);
  back_parts(out.total);
  back(out.option_price);
  back(out.hedging_cost);
  back(out.hedging_error);
  return out;
}

/// Leland's (1985) volatility for hedging a written option under proportional costs: the hedge is
/// rebalanced every `rebalance_interval` years, and a trade costs `cost` (one way) of its value, so a round
/// trip costs k = 2·cost. Leland's k is the round-trip cost; with it,
///   σ_L = σ·√(1 + √(2/π)·k/(σ√Δt)) = σ·√(1 + √(8/π)·cost/(σ√Δt)).
/// (Authors who write Leland's number with the one-way cost under the root differ by that factor 2.)
/// Pricing and hedging the written option at σ_L makes the expected hedging error, costs included, about 0
/// (to first order in Δt), except for the cost of buying the first hedge, cost·|Δ₀|·S₀ per option, which
/// the adjustment does not cover. A bought option uses σ√(1 − ...), not given here.
/// \throws std::invalid_argument when σ or Δt is not positive and finite, or cost is not in [0, 1).
/// Reference: Leland (1985), "Option pricing and replication with transactions costs", J. Finance 40(5).
[[nodiscard]] inline double leland_volatility(double volatility, double cost, double rebalance_interval) {
  constexpr const char* function = "hedgemetrics::leland_volatility";
  detail::require_positive_finite(volatility, "volatility", function);
  detail::require_positive_finite(rebalance_interval, "rebalance_interval", function);
  if (!(cost >= 0.0 && cost < 1.0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": cost must be in [0, 1), but it is " +
                                             detail::value_text(cost)));
  }
  const double leland_number =
      std::sqrt(8.0 / 3.14159265358979323846) * cost / (volatility * std::sqrt(rebalance_interval));
  return volatility * std::sqrt(1.0 + leland_number);
}

/// How simulate_delta_hedge draws its paths: geometric Brownian motion with drift μ and the realised
/// volatility, with optional Merton (1976) log-normal jumps, on `rebalances` equal steps from 0 to the expiry.
struct hedging_simulation {
  /// Number of simulated paths (≥ 2).
  std::size_t paths = 10000;
  /// Number of equal time steps N from 0 to the expiry (≥ 1): the hedge may trade at t = 0, T/N, ...,
  /// (N − 1)T/N (by the options' rule) and is closed out at T.
  std::size_t rebalances = 21;
  /// μ, the real-world drift of the underlying (total return, dividends included); NaN: the rate.
  double drift = std::numeric_limits<double>::quiet_NaN();
  /// The volatility the paths realise; NaN: the hedging volatility (options.volatility).
  double realised_volatility = std::numeric_limits<double>::quiet_NaN();
  /// λ, jumps per year (0: no jumps).
  double jump_intensity = 0.0;
  /// Mean of the log jump size.
  double jump_mean = 0.0;
  /// Standard deviation of the log jump size.
  double jump_volatility = 0.0;
  /// The seed: the same seed gives the same paths for every thread count and standard library (the
  /// uniforms are integer arithmetic, bit for bit everywhere). The normals and prices are the same bits
  /// across compilers that make the same multiply-add contractions; a build that fuses them into FMAs
  /// (GCC's default -ffp-contract=fast with -march=haswell or later) differs in the last bits (~1e-16
  /// relative), which can flip a band decision on a rare path.
  std::uint64_t seed = 42;
  /// Worker threads (≥ 1). Block b of 256 paths runs on thread b mod threads with its own generator
  /// stream (seed, b) and writes only its own paths; moments and quantiles are then computed on one
  /// thread in path order, so the results are identical bit for bit for every thread count
  /// (test_delta_hedge checks 1, 2, 3 and 4 threads). threads > 1 uses std::thread: link
  /// Threads::Threads (the hedgemetrics::hedgemetrics CMake target does) or compile with -pthread.
  unsigned threads = 1;
};

/// The distribution of the hedging error over simulated paths.
struct hedging_error_distribution {
  /// quantity·V₀ at the hedging volatility: the premium.
  double option_price = std::numeric_limits<double>::quiet_NaN();
  /// Mean hedged P&L (present value at t = 0; the writer's).
  double mean = std::numeric_limits<double>::quiet_NaN();
  /// Sample standard deviation (n − 1) of the hedged P&L.
  double standard_deviation = std::numeric_limits<double>::quiet_NaN();
  /// m₃/m₂^{3/2} of the hedged P&L.
  double skewness = std::numeric_limits<double>::quiet_NaN();
  /// Excess kurtosis m₄/m₂² − 3 (0 for a normal distribution; QuantLib's DiscreteHedging prints the same).
  double kurtosis = std::numeric_limits<double>::quiet_NaN();
  /// The 1% quantile of the P&L (the lower empirical quantile, −value_at_risk at 99%).
  double quantile_01 = std::numeric_limits<double>::quiet_NaN();
  /// The 5% quantile of the P&L.
  double quantile_05 = std::numeric_limits<double>::quiet_NaN();
  /// The median P&L.
  double quantile_50 = std::numeric_limits<double>::quiet_NaN();
  /// The 95% quantile of the P&L.
  double quantile_95 = std::numeric_limits<double>::quiet_NaN();
  /// The 99% quantile of the P&L.
  double quantile_99 = std::numeric_limits<double>::quiet_NaN();
  /// Expected shortfall of the P&L at 95%, as a loss (expected_shortfall of tail_risk.hpp).
  double expected_shortfall_95 = std::numeric_limits<double>::quiet_NaN();
  /// Expected shortfall of the P&L at 99%, as a loss.
  double expected_shortfall_99 = std::numeric_limits<double>::quiet_NaN();
  /// √(π/4)·|quantity|·vega·σ/√N: Derman and Kamal's standard deviation of the hedging error of an
  /// at-the-money option hedged N times at the right volatility.
  double derman_kamal = std::numeric_limits<double>::quiet_NaN();
  /// Mean transaction costs paid per path (present value).
  double mean_transaction_cost = std::numeric_limits<double>::quiet_NaN();
  /// Mean number of trades per path (the first and the close-out included).
  double mean_trades = std::numeric_limits<double>::quiet_NaN();
  /// The hedged P&L of each path, in path order.
  std::vector<double> pnl;
};

namespace detail {

/// splitmix64 (Steele, Lea & Flood 2014): seeds the per-block generators.
[[nodiscard]] inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Acklam's rational approximation of the standard normal quantile (relative error below 1.15e-9, the
/// same coefficients as detail/normal.hpp's normal_quantile, without its refinement step): the central region,
/// 0.02425 ≤ u ≤ 0.97575, is a rational function with no library call, so a loop over a block of uniforms
/// vectorises; the tails (5% of the draws) take a log and a square root. bench_delta_hedge: 4× faster than
/// Box–Muller (log, sqrt, sin, cos per pair), which was half the simulation's time.
/// Reference: P. J. Acklam (2003), "An algorithm for computing the inverse normal cumulative distribution
/// function".
struct acklam {
  static constexpr double a0 = -3.969683028665376e+01, a1 = 2.209460984245205e+02,
                          a2 = -2.759285104469687e+02, a3 = 1.383577518672690e+02,
                          a4 = -3.066479806614716e+01, a5 = 2.506628277459239e+00;
  static constexpr double b0 = -5.447609879822406e+01, b1 = 1.615858368580409e+02,
                          b2 = -1.556989798598866e+02, b3 = 6.680131188771972e+01,
                          b4 = -1.328068155288572e+01;
  static constexpr double c0 = -7.784894002430293e-03, c1 = -3.223964580411365e-01,
                          c2 = -2.400758277161838e+00, c3 = -2.549732539343734e+00,
                          c4 = 4.374664141464968e+00, c5 = 2.938163982698783e+00;
  static constexpr double d0 = 7.784695709041462e-03, d1 = 3.224671290700398e-01, d2 = 2.445134137142996e+00,
                          d3 = 3.754408661907416e+00;
  static constexpr double low = 0.02425;
  [[nodiscard]] static double central(double u) noexcept {
    const double q = u - 0.5, r = q * q;
    return (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q /
           (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1.0);
  }
  /// The lower tail at p = min(u, 1 − u) (1 − u is exact for u ≥ ½), with the sign of u − ½.
  [[nodiscard]] static double tail(double u) noexcept {
    const bool upper = u > 0.5;
    const double q = std::sqrt(-2.0 * std::log(upper ? 1.0 - u : u));
    const double x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
                     ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0);
    return upper ? -x : x;
  }
};

/// xoshiro256** (Blackman & Vigna 2018) with Acklam's quantile for normals: the library's own generator,
/// so that a seed gives the same draws with every standard library (std::normal_distribution's algorithm
/// is not specified). Besides integer arithmetic it calls only log and sqrt (in the tails), so the draws
/// are the same bits wherever the build contracts (or not) the same multiply-adds.
class normal_generator {
 public:
  normal_generator(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t x = seed ^ (0x6a09e667f3bcc909ULL * (stream + 1));
    for (auto& word : s_) word = splitmix64(x);
  }
  /// A uniform in (0, 1): 53 random bits, offset by half an ulp so that neither end occurs.
  [[nodiscard]] double uniform() noexcept { return (static_cast<double>(next() >> 11) + 0.5) * 0x1p-53; }
  /// Fills z[0..n) with standard normals, one uniform each (kept in u[0..n)).
  void normals(double* z, double* u, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) u[i] = uniform();
    bool tails = false;
    for (std::size_t i = 0; i < n; ++i) {
      tails |= u[i] < acklam::low || u[i] > 1.0 - acklam::low;
      z[i] = acklam::central(u[i]);
    }
    if (!tails) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (u[i] < acklam::low || u[i] > 1.0 - acklam::low) z[i] = acklam::tail(u[i]);
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint64_t s_[4];
};

/// e^x for the simulated log prices, |x| ≤ 700 (the caller checks: no clamp here, which would stop GCC
/// vectorising the loop), without a library call so that a loop over a block vectorises: x = k·ln 2 + r with |r| ≤ ln 2/2 (Cody & Waite's two-part ln 2), e^r by its Taylor series to
/// r¹³ (remainder below 2e-17 relative), 2^k built in the exponent bits, k read from the mantissa of the
/// rounding constant 1.5·2⁵² (no float-to-integer conversion). Within 2 ulps of std::exp.
[[nodiscard]] inline double exp_kernel(double x) noexcept {
  constexpr double shifter = 0x1.8p52;
  const double shifted = x * 1.4426950408889634074 + shifter;
  const double k = shifted - shifter;
  const double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  std::uint64_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  constexpr std::uint64_t shifter_bits = 0x4338000000000000ULL;
  const std::uint64_t scale_bits = (bits - shifter_bits + 1023ULL) << 52;
  double scale;
  std::memcpy(&scale, &scale_bits, sizeof scale);
  return p * scale;
}

/// Φ(x) for the simulation's deltas, from a table: on each interval of width 1/64 of [−9, 9] the quintic
/// Hermite interpolant of Φ, φ and φ' = −xφ at its ends (from erfc), stored as six polynomial
/// coefficients; 0 below −9 and 1 above 9 (Φ(−9) = 1.1e-19). The interpolation error is below
/// h⁶/46080·max|Φ⁽⁶⁾| ≈ 1e-15, so a delta differs from black_scholes's by ~1e-15 (test_delta_hedge checks
/// 2e-15 on a dense grid); erfc itself cost 40% of the simulation (bench_delta_hedge).
class normal_cdf_table {
 public:
  static constexpr double lowest = -9.0;
  static constexpr double per_unit = 64.0;
  static constexpr std::size_t intervals = 18 * 64;

  [[nodiscard]] static const normal_cdf_table& instance() {
    static const normal_cdf_table table;
    return table;
  }
  [[nodiscard]] double operator()(double x) const noexcept {
    if (!(x > lowest)) return 0.0;
    const double position = (x - lowest) * per_unit;
    if (!(position < static_cast<double>(intervals))) return 1.0;
    const auto i = static_cast<std::size_t>(position);
    const double t = position - static_cast<double>(i);
    const double* c = coefficients_.data() + 6 * i;
    return ((((c[5] * t + c[4]) * t + c[3]) * t + c[2]) * t + c[1]) * t + c[0];
  }

 private:
  normal_cdf_table() : coefficients_(6 * intervals) {
    const double h = 1.0 / per_unit;
    for (std::size_t i = 0; i < intervals; ++i) {
      const double x0 = lowest + static_cast<double>(i) * h, x1 = lowest + static_cast<double>(i + 1) * h;
      const double f0 = normal_cdf(x0), f1 = normal_cdf(x1);
      const double d0 = h * normal_pdf(x0), d1 = h * normal_pdf(x1);
      const double s0 = -h * x0 * d0, s1 = -h * x1 * d1;
      double* c = coefficients_.data() + 6 * i;
      c[0] = f0;
      c[1] = d0;
      c[2] = 0.5 * s0;
      c[3] = 10.0 * (f1 - f0) - 6.0 * d0 - 4.0 * d1 - 1.5 * s0 + 0.5 * s1;
      c[4] = -15.0 * (f1 - f0) + 8.0 * d0 + 7.0 * d1 + 1.5 * s0 - s1;
      c[5] = 6.0 * (f1 - f0) - 3.0 * d0 - 3.0 * d1 - 0.5 * s0 + 0.5 * s1;
    }
  }
  std::vector<double> coefficients_;
};

/// Paths per block: each block has its own generator stream (seed, block index), so the paths do not
/// depend on how blocks are shared among threads; 256 paths keep a block's state arrays in L1.
inline constexpr std::size_t simulation_block = 256;

struct simulation_setup {
  option_type type;
  double spot, strike, log_strike, expiry, rate, dividend_yield, sigma, quantity, cost, band;
  band_target target;
  std::size_t every, steps;
  double dt, drift_step, vol_step, jump_rate_step, jump_mean, jump_vol;
  double growth, dividend_growth, initial_delta, initial_price;
  std::uint64_t seed;
};

/// Simulates and hedges the paths [first, first + count) of block `block`: P&L at the expiry, costs and
/// trades per path; when `prices_out` is not null, also writes each path's prices (steps + 1 per path).
inline void simulate_block(const simulation_setup& c, std::size_t block, std::size_t count, double* pnl,
                           double* costs, double* trades, double* prices_out) {
  normal_generator gen(c.seed, block);
  const normal_cdf_table& cdf = normal_cdf_table::instance();
  double x[simulation_block], spot[simulation_block], held[simulation_block], cash[simulation_block],
      z[simulation_block], u[simulation_block], fees[simulation_block], n_trades[simulation_block];
  const double q = c.quantity;
  const double s0 = c.spot;
  const double h0 = q * c.initial_delta;
  const double fee0 = c.cost * std::fabs(h0) * s0;
  const double log_spot = std::log(s0);
  for (std::size_t p = 0; p < count; ++p) {
    x[p] = log_spot;
    spot[p] = s0;
    held[p] = h0;
    cash[p] = q * c.initial_price - h0 * s0 - fee0;
    fees[p] = fee0;
    n_trades[p] = h0 != 0.0 ? 1.0 : 0.0;
    if (prices_out) prices_out[p * (c.steps + 1)] = s0;
  }
  const bool calls = c.type == option_type::call;
  for (std::size_t j = 1; j <= c.steps; ++j) {
    gen.normals(z, u, count);
    for (std::size_t p = 0; p < count; ++p) x[p] += c.drift_step + c.vol_step * z[p];
    if (c.jump_rate_step > 0.0) {
      // Poisson(λΔt) jumps by inversion, then their summed log size ~ N(k·m, k·s²).
      for (std::size_t p = 0; p < count; ++p) {
        const double draw = gen.uniform();
        double probability = std::exp(-c.jump_rate_step), cumulative = probability;
        std::size_t jumps = 0;
        while (draw > cumulative && jumps < 64) {
          ++jumps;
          probability *= c.jump_rate_step / static_cast<double>(jumps);
          cumulative += probability;
        }
        if (jumps > 0) {
          double e = 0.0, v = 0.0;
          gen.normals(&e, &v, 1);
          const double kj = static_cast<double>(jumps);
          x[p] += kj * c.jump_mean + std::sqrt(kj) * c.jump_vol * e;
        }
      }
    }
    const bool expiry = j == c.steps;
    const double tau = c.expiry - static_cast<double>(j) * c.dt;
    const double root = c.sigma * std::sqrt(tau);
    const double shift = (c.rate - c.dividend_yield + 0.5 * c.sigma * c.sigma) * tau - c.log_strike;
    const double carry = std::exp(-c.dividend_yield * tau);
    const bool scheduled = j % c.every == 0;
    const double fee_discount = std::exp(-c.rate * static_cast<double>(j) * c.dt);
    // Cash accrues on the old prices, then the new prices (a loop the compiler vectorises).
    for (std::size_t p = 0; p < count; ++p)
      cash[p] += cash[p] * c.growth + held[p] * spot[p] * c.dividend_growth;
    double lowest = 0.0, highest = 0.0;
    for (std::size_t p = 0; p < count; ++p) {
      lowest = std::min(lowest, x[p]);
      highest = std::max(highest, x[p]);
    }
    if (lowest >= -700.0 && highest <= 700.0) {
      for (std::size_t p = 0; p < count; ++p) spot[p] = exp_kernel(x[p]);
    } else {
      for (std::size_t p = 0; p < count; ++p) spot[p] = std::exp(x[p]);  // a price beyond e^±700
    }
    if (expiry || scheduled) {
      // Shares per option after this time's decision, in z (its normals are used up); d1 in u. Separate
      // loops, so that all but the table lookups vectorise.
      if (expiry) {
        for (std::size_t p = 0; p < count; ++p) z[p] = expiry_delta(c.type, spot[p], c.strike);
      } else {
        const double inverse_root = 1.0 / root;
        for (std::size_t p = 0; p < count; ++p) u[p] = (x[p] + shift) * inverse_root;
        if (calls) {
          for (std::size_t p = 0; p < count; ++p) z[p] = carry * cdf(u[p]);
        } else {
          for (std::size_t p = 0; p < count; ++p) z[p] = -carry * cdf(-u[p]);
        }
        if (c.band > 0.0) {
          for (std::size_t p = 0; p < count; ++p)
            z[p] = hedge_target(z[p], held[p] / q, c.band, c.target, true);
        }
      }
      for (std::size_t p = 0; p < count; ++p) {
        const double s = spot[p];
        const double traded = q * z[p] - held[p];
        const double fee = c.cost * std::fabs(traded) * s;
        cash[p] -= traded * s + fee;
        held[p] += traded;
        fees[p] += fee * fee_discount;
        n_trades[p] += traded != 0.0 ? 1.0 : 0.0;
      }
    }
    if (prices_out) {
      for (std::size_t p = 0; p < count; ++p) prices_out[p * (c.steps + 1) + j] = spot[p];
    }
  }
  const double discount = std::exp(-c.rate * c.expiry);
  for (std::size_t p = 0; p < count; ++p) {
    pnl[p] = discount * (cash[p] + held[p] * spot[p] - q * payoff(c.type, spot[p], c.strike));
    costs[p] = fees[p];
    trades[p] = n_trades[p];
  }
}

inline simulation_setup make_simulation_setup(double spot, const delta_hedge_options& o,
                                              const hedging_simulation& m, const char* function) {
  require_positive_finite(spot, "spot", function);
  require_hedge_options(o, function);
  if (!(o.expiry > 0.0)) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) +
                              ": options.expiry (years from the start, t = 0) must be positive, "
                              "but it is " +
                              value_text(o.expiry)));
  }
  if (m.paths < 2) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": simulation.paths must be at least 2, but it is " +
                                             std::to_string(m.paths)));
  }
  if (m.rebalances < 1) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": simulation.rebalances must be at least 1"));
  }
  if (m.threads < 1) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": simulation.threads must be at least 1"));
  }
  const double realised = std::isnan(m.realised_volatility) ? o.volatility : m.realised_volatility;
  require_positive_finite(realised, "simulation.realised_volatility", function);
  const double mu = std::isnan(m.drift) ? o.rate : m.drift;
  require_finite(mu, "simulation.drift", function);
  require_non_negative_finite(m.jump_intensity, "simulation.jump_intensity", function);
  require_finite(m.jump_mean, "simulation.jump_mean", function);
  require_non_negative_finite(m.jump_volatility, "simulation.jump_volatility", function);
  simulation_setup c{};
  c.type = o.type;
  c.spot = spot;
  c.strike = o.strike;
  c.log_strike = std::log(o.strike);
  c.expiry = o.expiry;
  c.rate = o.rate;
  c.dividend_yield = o.dividend_yield;
  c.sigma = o.volatility;
  c.quantity = o.quantity;
  c.cost = o.cost;
  c.band = o.band;
  c.target = o.target;
  c.every = o.rebalance_every;
  c.steps = m.rebalances;
  c.dt = o.expiry / static_cast<double>(m.rebalances);
  // The jump compensator λ(e^{m + s²/2} − 1) keeps the expected total return at μ.
  const double compensator =
      m.jump_intensity * std::expm1(m.jump_mean + 0.5 * m.jump_volatility * m.jump_volatility);
  c.drift_step = (mu - compensator - 0.5 * realised * realised) * c.dt;
  c.vol_step = realised * std::sqrt(c.dt);
  c.jump_rate_step = m.jump_intensity * c.dt;
  c.jump_mean = m.jump_mean;
  c.jump_vol = m.jump_volatility;
  c.growth = std::expm1(o.rate * c.dt);
  c.dividend_growth = std::expm1(o.dividend_yield * c.dt);
  const option_greeks g0 =
      black_scholes_kernel(o.type, spot, o.strike, o.expiry, o.rate, o.volatility, o.dividend_yield);
  c.initial_delta = g0.delta;
  c.initial_price = g0.price;
  c.seed = m.seed;
  return c;
}

/// Runs simulate_block over all blocks, on `threads` threads (block b on thread b mod threads).
inline void simulate_all(const simulation_setup& c, std::size_t paths, unsigned threads, double* pnl,
                         double* costs, double* trades, double* prices_out) {
  const std::size_t blocks = (paths + simulation_block - 1) / simulation_block;
  auto work = [&](std::size_t first_block, std::size_t stride) {
    for (std::size_t b = first_block; b < blocks; b += stride) {
      const std::size_t begin = b * simulation_block;
      const std::size_t count = std::min(simulation_block, paths - begin);
      simulate_block(c, b, count, pnl + begin, costs + begin, trades + begin,
                     prices_out ? prices_out + begin * (c.steps + 1) : nullptr);
    }
  };
  const std::size_t workers = std::min<std::size_t>(threads, blocks);
  if (workers <= 1) {
    work(0, 1);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, w, workers);
  work(0, workers);
  for (auto& thread : pool) thread.join();
}

}  // namespace detail

/// The distribution of the P&L of a delta hedge of written options, over simulated paths.
///
/// Each path starts at `spot` at t = 0 and follows dS/S = μdt + σ_real dW (+ Merton jumps) on N =
/// simulation.rebalances equal steps to options.expiry; the hedge follows the rule of delta_hedge_options
/// exactly as delta_hedge does (same decisions, same close-out at the expiry) with deltas at
/// options.volatility. The P&L of a path is the writer's, discounted to t = 0:
///   pnl = e^{−rT}(cash_T + h_T S_T − quantity·payoff(S_T)) = quantity·V₀ − e^{−rT}·hedging_cost,
/// so sd(pnl)/option_price is Hull's performance measure (Table 19.4). Paths are simulated in blocks of 256,
/// vectorised across the paths of a block, each block with its own xoshiro256** stream derived from (seed,
/// block): the same seed gives the same paths for any thread count. For speed the deltas come from a table
/// of Φ (within 2e-15 of erfc: normal_cdf_table) and the prices from a polynomial exp (1 ulp: exp_kernel),
/// so a path's P&L matches delta_hedge on simulate_price_paths's copy of the path to ~1e-13 of the spot,
/// not bit for bit; the quantiles are lower empirical quantiles (value_at_risk of tail_risk.hpp).
///
/// \param spot       S₀ > 0.
/// \param options    the option (expiry in years from t = 0), the hedge and the rebalancing rule.
/// \param simulation paths, steps, drift, realised volatility, jumps, seed, threads.
/// \returns hedging_error_distribution: moments, quantiles and expected shortfall of the P&L, and the
///          Derman–Kamal figure beside them (always finite: the expiry is positive; it applies to an
///          at-the-money option hedged at the right volatility and without a band or costs).
/// \throws std::invalid_argument naming the field that is out of range.
/// Reference: Hull, §19.4 and Table 19.4; Derman & Kamal (1999); QuantLib's DiscreteHedging example.
[[nodiscard]] inline hedging_error_distribution simulate_delta_hedge(double spot,
                                                                     const delta_hedge_options& options,
                                                                     const hedging_simulation& simulation) {
  constexpr const char* function = "hedgemetrics::simulate_delta_hedge";
  const detail::simulation_setup c = detail::make_simulation_setup(spot, options, simulation, function);
  // Range: the P&L is homogeneous of degree one in the spot and the strike (and the paths' prices with
  // them), so a spot or strike beyond 2^±64 is simulated divided by the power of two of the larger (exact)
  // and the money figures multiplied back.
  int e = 0;
  static_cast<void>(std::frexp(std::max(spot, options.strike), &e));
  if (detail::significant_exponent(e) != 0) {
    delta_hedge_options o = options;
    o.strike = std::ldexp(options.strike, -e);
    hedging_error_distribution out = simulate_delta_hedge(std::ldexp(spot, -e), o, simulation);
    for (double* v :
         {&out.option_price, &out.mean, &out.standard_deviation, &out.quantile_01, &out.quantile_05,
          &out.quantile_50, &out.quantile_95, &out.quantile_99, &out.expected_shortfall_95,
          &out.expected_shortfall_99, &out.derman_kamal, &out.mean_transaction_cost}) {
      *v = std::ldexp(*v, e);
    }
    for (double& v : out.pnl) v = std::ldexp(v, e);
    return out;
  }
  const std::size_t n = simulation.paths;
  hedging_error_distribution out;
  out.pnl.resize(n);
  std::vector<double> costs(n), trades(n);
  detail::simulate_all(c, n, simulation.threads, out.pnl.data(), costs.data(), trades.data(), nullptr);
  out.option_price = options.quantity * c.initial_price;
  // Moments about the mean, two passes (the mean first): no cancellation. The P&L is summed divided by
  // the power of two of its largest magnitude where that is beyond 2^±64 (a quantity of 1e100 options),
  // so that neither the sum nor the fourth powers leave the double range; figures multiplied back.
  double largest = 0.0;
  for (const double v : out.pnl) largest = std::max(largest, std::fabs(v));
  int p_scale = 0;
  if (largest > 0.0 && std::isfinite(largest)) {
    static_cast<void>(std::frexp(largest, &p_scale));
    p_scale = detail::significant_exponent(p_scale);
  }
  const auto unscaled = [p_scale](double v) { return p_scale == 0 ? v : std::ldexp(v, -p_scale); };
  double sum = 0.0, cost_sum = 0.0, trade_sum = 0.0;
  for (std::size_t p = 0; p < n; ++p) {
    sum += unscaled(out.pnl[p]);
    cost_sum += unscaled(costs[p]);
    trade_sum += trades[p];
  }
  const double count = static_cast<double>(n);
  const double scaled_mean = sum / count;
  out.mean = std::ldexp(scaled_mean, p_scale);
  out.mean_transaction_cost = std::ldexp(cost_sum / count, p_scale);
  out.mean_trades = trade_sum / count;
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (const double v : out.pnl) {
    const double d = unscaled(v) - scaled_mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  out.standard_deviation = std::ldexp(std::sqrt(m2 / (count - 1.0)), p_scale);
  if (m2 > 0.0) {
    out.skewness = (m3 / count) / std::pow(m2 / count, 1.5);
    out.kurtosis = (m4 / count) / ((m2 / count) * (m2 / count)) - 3.0;
  }
  auto at = [](double level) {
    downside_options tail;
    tail.level = level;
    return tail;
  };
  out.quantile_01 = -value_at_risk(out.pnl, at(0.99));
  out.quantile_05 = -value_at_risk(out.pnl, at(0.95));
  out.quantile_50 = -value_at_risk(out.pnl, at(0.5));
  std::vector<double> gains(n);
  for (std::size_t p = 0; p < n; ++p) gains[p] = -out.pnl[p];
  out.quantile_95 = value_at_risk(gains, at(0.95));
  out.quantile_99 = value_at_risk(gains, at(0.99));
  out.expected_shortfall_95 = expected_shortfall(out.pnl, at(0.95));
  out.expected_shortfall_99 = expected_shortfall(out.pnl, at(0.99));
  const option_greeks g0 =
      detail::black_scholes_kernel(options.type, spot, options.strike, options.expiry, options.rate,
                                   options.volatility, options.dividend_yield);
  out.derman_kamal = std::sqrt(3.14159265358979323846 / 4.0) * std::fabs(options.quantity) * g0.vega *
                     options.volatility / std::sqrt(static_cast<double>(simulation.rebalances));
  return out;
}

/// The price paths simulate_delta_hedge hedges for these arguments: paths[p][j] is the price of path p at
/// t_j = j·T/N. For checking a simulation path by path with delta_hedge, and for plotting.
/// \throws as simulate_delta_hedge.
[[nodiscard]] inline std::vector<std::vector<double>> simulate_price_paths(
    double spot, const delta_hedge_options& options, const hedging_simulation& simulation) {
  const detail::simulation_setup c =
      detail::make_simulation_setup(spot, options, simulation, "hedgemetrics::simulate_price_paths");
  const std::size_t n = simulation.paths, width = c.steps + 1;
  std::vector<double> pnl(n), costs(n), trades(n), flat(n * width);
  detail::simulate_all(c, n, simulation.threads, pnl.data(), costs.data(), trades.data(), flat.data());
  std::vector<std::vector<double>> paths(n);
  for (std::size_t p = 0; p < n; ++p) {
    paths[p].assign(flat.begin() + static_cast<std::ptrdiff_t>(p * width),
                    flat.begin() + static_cast<std::ptrdiff_t>((p + 1) * width));
  }
  return paths;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_DELTA_HEDGE_HPP
