// SPDX-License-Identifier: MIT
/// \file
/// Walk-forward (out-of-sample) evaluation of hedging strategies: each period's hedge ratio is estimated from
/// earlier data only, held for a rebalancing interval, and every change in the position pays a transaction
/// cost: proportional, half the bid–ask spread, and square-root market impact, reported apart, with the
/// effectiveness before and after costs. In-sample effectiveness flatters every estimator (Dahlgran & Ma
/// 2008); this is the effectiveness a hedger would have had.
#ifndef HEDGEMETRICS_WALK_FORWARD_HPP
#define HEDGEMETRICS_WALK_FORWARD_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/moments.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/downside.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/rolling.hpp"
#include "hedgemetrics/series.hpp"

// GCC 12 reports -Wfree-nonheap-object on the std::vector temporaries of walk_forward when it is inlined
// at -O2 in C++20 mode: a false positive of its middle end, kept out of users' -Werror builds here.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif

namespace hedgemetrics {

/// A ratio series supplied by the caller, evaluated like the built-in strategies.
struct user_strategy {
  /// The label in the comparison table.
  std::string name;
  /// ratio[t]: the hedge ratio the strategy would hold over period t if it rebalanced at t. It must be
  /// computed from data up to t − 1 only (the evaluation cannot check that); NaN (or ±inf: any value
  /// that is not finite) means "no estimate", and the previous position is kept. As long as the series.
  std::vector<double> ratio;
};

/// Options of walk_forward.
struct walk_forward_options {
  /// The position is reset every `rebalance_every` periods, at start, start + rebalance_every, …, and held
  /// in between. At least 1.
  std::size_t rebalance_every = 1;
  /// Proportional transaction cost, at least 0: every change Δh in the hedge position (per unit of
  /// exposure) costs cost·|Δh|, times hedge_price[t] when a price series is given (then `cost` is a
  /// fraction of the notional traded, e.g. 0.0005 for 5 basis points). The opening trade (from 0) pays too.
  double cost = 0;
  /// Optional: the hedge instrument's price at which the trade before period t is done (as long as the
  /// series), for costs proportional to the notional traded. Empty: costs per unit of hedge.
  std::vector<double> hedge_price;
  /// Optional: the quoted bid–ask spread s_t = ask − bid of the hedge instrument when the trade before
  /// period t is done, as long as the series. Absolute, in the price units of F per unit of hedge (e.g.
  /// 0.01 $/bbl for one CL tick), not a fraction of the price: for a relative spread pass it times the
  /// price. A trade crosses half the spread: it costs s_t/2·|Δh| per unit of exposure (the effective
  /// half-spread of Roll 1984). Values before the first evaluated period are not read; every later one
  /// must be finite and not negative. Empty: no spread cost.
  std::vector<double> spread;
  /// η ≥ 0, the coefficient of the square-root market impact: a trade of X units of the hedge before
  /// period t costs η·σ_t·X^{3/2}/√V_t in all, i.e. η·σ_t·√(X/V_t) per unit traded (the square-root law:
  /// Almgren, Thum, Hauptmann & Li 2005, "Direct estimation of equity market impact", Risk 18(7), whose
  /// fit has exponent 3/5 where this model has 1/2 and η = 0.142 on US equities; Almgren & Chriss 2001,
  /// J. of Risk 3(2), for the temporary-impact cost of a trade). With X = exposure_size·|Δh| it costs
  /// η·σ_t·|Δh|·√(exposure_size·|Δh|/V_t) per unit of exposure. 0 (the default): no impact cost, and
  /// `volatility` and `volume` may be empty.
  double impact = 0;
  /// σ_t, the hedge instrument's volatility per period for the trade before period t: the standard
  /// deviation of its price change per period, in the price units of F per unit of hedge (a return
  /// volatility times the price), so that η·σ_t·√(X/V_t) is a price per unit traded. Estimate it from data
  /// up to t − 1 (e.g. the EWMA of F_{t−1}²) to keep the evaluation free of look-ahead. As long as the
  /// series; needed when impact > 0; values before the first evaluated period are not read, every later one
  /// must be finite and not negative.
  std::vector<double> volatility;
  /// V_t, the market's traded volume of the hedge instrument in period t, in units of the hedge (the units
  /// of exposure_size·h: barrels, not contracts, when h is barrels of futures per barrel of exposure). As
  /// long as the series; needed when impact > 0; values before the first evaluated period are not read,
  /// every later one must be finite and not negative, and positive where a strategy trades.
  std::vector<double> volume;
  /// Q > 0, the size of the exposure hedged, in its units (e.g. 1e7 barrels): the position is Q·h_t units
  /// of the hedge, so a change Δh trades Q·|Δh| units. Only the impact, which is not linear in the trade,
  /// depends on it; every cost is reported per unit of exposure (the whole position's cost divided by Q),
  /// so that P&L stays per unit. 1 by default.
  double exposure_size = 1;
  /// Window of the rolling strategy (rolling_hedge over the `window` periods before t). At least 2.
  std::size_t window = 250;
  /// Decay of the EWMA strategy (ewma_hedge over all periods before t), in (0, 1); RiskMetrics' 0.94.
  double lambda = 0.94;
  /// First evaluated period; 0 (the default) means `window` (or `train`, if larger), so that every
  /// strategy has a full window of history from the first evaluated period on. With `train` > 0 an
  /// explicit start must not be below it.
  std::size_t start = 0;
  /// k, the training sample of the out-of-sample static strategy (a train/test split): h* = fit_hedge
  /// over periods 0 … k − 1, fitted once and held from period k on. 0 (the default): no such strategy;
  /// otherwise at least 2, and below the series' length.
  std::size_t train = 0;
  /// Adds the expanding-window strategy: at t, h* = fit_hedge over every period 0 … t − 1
  /// (expanding_hedge at t − 1), the static hedge re-estimated on all the data a hedger had. Off by
  /// default.
  bool expanding = false;
  /// Further strategies given as ratio series.
  std::vector<user_strategy> user;
  /// α, the confidence level of each strategy's value at risk and expected shortfall (strategy_metrics),
  /// in (0, 1): 0.975 by default, the Basel FRTB level of expected shortfall. The same name and meaning
  /// as value_at_risk's and expected_shortfall's `level` (downside.hpp).
  double level = 0.975;
};

/// Out-of-sample figures of one strategy over a range of evaluated periods.
///
/// With p_t the hedged P&L (after costs) and S_t the unhedged P&L over the N periods of the range:
/// effectiveness = 1 − Var(p)/Var(S) (Ederington 1979, out of sample: sample variances with N − 1);
/// downside_variance_below_zero_reduction = 1 − D(p)/D(S) with D(x) = Σ min(x_t, 0)²/N, the second lower
/// partial moment at target 0 (Bawa 1975; Fishburn 1977): the loss side only, so a hedge that removes
/// gains but not losses scores nothing. It is not the semivariance of downside.hpp (semivariance(),
/// below the mean); lower_partial_moment(x, 2, 0) there is D(x). NaN when N < 2 or the unhedged variance
/// (D(S)) is 0. value_at_risk and expected_shortfall are those of downside.hpp at the result's `level`
/// over the N hedged P&L p_t (after costs), as losses.
///
/// Cost drag: the costs appear twice. Their sum lowers the mean P&L by total_cost/N (mean_pnl is after
/// costs); their variation moves the effectiveness, from effectiveness_before_costs (of g_t = S_t − h_t·F_t)
/// to effectiveness (of p_t = g_t − cost_t), and cost_drag is the difference. A cost that is the same every
/// period has no drag on the variance; one paid on days of gains can even raise the effectiveness (a
/// negative drag).
// The implicit copy and move of strategy_metrics touch its deprecated member; the warning would point
// here, at the struct, in every user's build. A user's own use of the member still warns.
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
struct strategy_metrics {
  /// Evaluated periods in the range.
  std::size_t periods = 0;
  /// 1 − Var(p)/Var(S): the out-of-sample variance reduction. Negative when the hedge adds risk.
  double effectiveness = std::numeric_limits<double>::quiet_NaN();
  /// 1 − D(p)/D(S), D(x) = Σ min(x_t, 0)²/N: the reduction in the second lower partial moment at 0 (the
  /// downside variance below zero, not about the mean: see above).
  double downside_variance_below_zero_reduction = std::numeric_limits<double>::quiet_NaN();
  /// \deprecated The same figure as downside_variance_below_zero_reduction, under the old name, which
  /// read as downside.hpp's semivariance (below the mean); filled alike, removed in the next version.
  [[deprecated(
      "use downside_variance_below_zero_reduction instead (the LPM2 at 0, not the semivariance "
      "about the mean)")]] double semivariance_reduction = std::numeric_limits<double>::quiet_NaN();
  /// Σ|h_t − h_{t−1}| over the range, h before the first evaluated period being 0.
  double turnover = 0;
  /// Σ cost_t over the range.
  double total_cost = 0;
  /// Mean hedged P&L per period, after costs.
  double mean_pnl = std::numeric_limits<double>::quiet_NaN();
  /// Var(p), the sample variance of the hedged P&L (N − 1).
  double hedged_variance = std::numeric_limits<double>::quiet_NaN();
  /// Σ proportional_cost_t over the range: cost·|Δh|·(hedge_price or 1), per unit of exposure.
  double proportional_cost = 0;
  /// Σ spread_cost_t over the range: spread_t/2·|Δh|, per unit of exposure.
  double spread_cost = 0;
  /// Σ impact_cost_t over the range: η·σ_t·|Δh|·√(Q·|Δh|/V_t), per unit of exposure. The three sums add
  /// up to total_cost (to rounding).
  double impact_cost = 0;
  /// 1 − Var(g)/Var(S) with g_t = S_t − h_t·F_t, the P&L before costs: the effectiveness without any cost.
  /// NaN as `effectiveness`; −inf when a g_t is not finite.
  double effectiveness_before_costs = std::numeric_limits<double>::quiet_NaN();
  /// effectiveness_before_costs − effectiveness: what the costs' variation takes off the variance
  /// reduction (see above; negative when costs fall on gains). NaN where either is NaN or both are −inf.
  double cost_drag = std::numeric_limits<double>::quiet_NaN();
  /// VaR_α of the hedged P&L after costs over the range, α = the result's `level`: the lower
  /// α-quantile L_(⌈αN⌉) of the losses −p_t (value_at_risk of downside.hpp), as a loss. NaN when the
  /// range is empty or a p_t is NaN; +inf when a loss is infinite and in the quantile.
  double value_at_risk = std::numeric_limits<double>::quiet_NaN();
  /// ES_α of the hedged P&L after costs over the range: the mean of the worst N(1 − α) losses, the
  /// boundary loss weighted (expected_shortfall of downside.hpp, Rockafellar & Uryasev 2002), as a loss.
  /// NaN as value_at_risk.
  double expected_shortfall = std::numeric_limits<double>::quiet_NaN();
};
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// One strategy's walk-forward path and its figures over all evaluated periods.
struct strategy_result {
  /// Label: "naive 1:1", "static h* (in-sample)", "rolling <window>", "EWMA <lambda>",
  /// "static h* (first <train>)", "expanding", or the user's name.
  std::string name;
  /// True for the static h* fitted on the evaluated periods themselves: a look-ahead benchmark, not a
  /// strategy anyone could have run.
  bool in_sample = false;
  /// h_t, the ratio held over period t (NaN before the first evaluated period).
  std::vector<double> ratio;
  /// Hedged P&L p_t = S_t − h_t·F_t − cost_t (NaN before the first evaluated period).
  std::vector<double> pnl;
  /// Transaction cost paid for the trade before period t, per unit of exposure (0 when the position does
  /// not change): proportional_cost_t + spread_cost_t + impact_cost_t.
  std::vector<double> cost;
  /// Figures over every evaluated period.
  strategy_metrics overall;
  /// g_t = S_t − h_t·F_t, the hedged P&L before costs (NaN before the first evaluated period): pnl is
  /// g_t − cost_t.
  std::vector<double> pnl_before_costs;
  /// The proportional part of cost_t: cost·|Δh|·(hedge_price[t] or 1).
  std::vector<double> proportional_cost;
  /// The spread part of cost_t: spread[t]/2·|Δh| (0 without a spread series).
  std::vector<double> spread_cost;
  /// The market-impact part of cost_t: η·σ_t·|Δh|·√(Q·|Δh|/V_t) (0 when impact is 0).
  std::vector<double> impact_cost;
};

/// The comparison of strategies: one strategy_result per strategy, in the order naive, static (in-sample),
/// rolling, EWMA, static out of sample (when options.train > 0), expanding (when options.expanding), then
/// the user's. Printing is the caller's business (examples/rolling_hedge.cpp).
struct walk_forward_result {
  /// The first evaluated period.
  std::size_t start = 0;
  /// The level of the value at risk and expected shortfall in strategy_metrics (options.level), read by
  /// walk_forward_metrics.
  double level = 0.975;
  /// S_t, the unhedged P&L per period (the exposure series).
  std::vector<double> unhedged;
  /// The strategies compared.
  std::vector<strategy_result> strategies;
};

namespace detail {

/// The figures of one series over a range. The mean and Σ(x − x̄)² come from the library's moment
/// kernel (detail/moments.hpp under detail/range.hpp's range contract, as describe() and variance()): block
/// by block centred sums merged pairwise (Chan, Golub & LeVeque 1983), mean as hi + tail, the data scaled
/// by a power of two only where a sum would overflow or underflow; `shift` is that power. The downside
/// sum Σ min(x, 0)² has its own power of two, `downside_shift`, taken from the largest magnitude when it
/// lies outside [2^−400, 2^400] (exact; ordinary data are not touched).
struct range_moments {
  int shift = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();  // in units of 2^shift
  double centred_squares = 0;                              // Σ(x − x̄)², in units of 2^(2·shift)
  int downside_shift = 0;
  double downside_squares = 0;  // Σ min(x, 0)², in units of 2^(2·downside_shift)
};

/// range_moments of n ≥ 1 finite values.
[[nodiscard]] inline range_moments moments_over(const double* x, std::size_t n) {
  range_moments m;
  const scaled_moments<double> scaled = compute_moments_in_range<double>(
      x, n, missing_data::propagate, "hedgemetrics::walk_forward_metrics", "pnl");
  m.shift = scaled.scale;
  m.mean = scaled.m.mean + scaled.m.tail;
  m.centred_squares = scaled.m.m2;
  double largest = 0;
  for (std::size_t t = 0; t < n; ++t) largest = std::max(largest, std::fabs(x[t]));
  if (largest > 0) {
    const int e = std::ilogb(largest);
    m.downside_shift = (e > 400 || e < -400) ? e : 0;
  }
  for (std::size_t t = 0; t < n; ++t) {
    const double loss = x[t] < 0 ? std::ldexp(x[t], -m.downside_shift) : 0.0;
    m.downside_squares += loss * loss;
  }
  return m;
}

/// 1 − Σ(g − ḡ)²/Σ(S − S̄)² over n periods, S's figures `s` from moments_over: NaN when n < 2 or S is
/// constant, −inf when a g_t is not finite (as walk_forward_metrics' effectiveness).
[[nodiscard]] inline double effectiveness_against(const double* g, std::size_t n, const range_moments& s) {
  if (n < 2 || !(s.centred_squares > 0)) return std::numeric_limits<double>::quiet_NaN();
  for (std::size_t t = 0; t < n; ++t) {
    if (!std::isfinite(g[t])) return -std::numeric_limits<double>::infinity();
  }
  const range_moments m = moments_over(g, n);
  return 1 -
         ldexp_wide(m.centred_squares / s.centred_squares, 2 * (static_cast<long long>(m.shift) - s.shift));
}

}  // namespace detail

/// The figures of `strategy` over periods [begin, end) (clipped to the evaluated periods), e.g. one year.
/// Range: the series are rescaled by powers of two where their squares would overflow or underflow, so
/// effectiveness and semivariance_reduction are right at any scale, hedged_variance is +inf only where
/// it exceeds DBL_MAX; the means are kept as double-doubles, so values near 1e9 that differ by units
/// keep their digits. A hedged P&L that is not finite (S − h·F beyond DBL_MAX with a user's ratio) gives
/// mean_pnl ±inf (NaN for both signs), hedged_variance +inf, effectiveness −inf, and a downside
/// variance reduction of −inf when a loss is infinite; the same holds for the P&L before costs and
/// effectiveness_before_costs. The cost sums (total and each part) are plain sums over the range.
/// value_at_risk and expected_shortfall at result.level over the range's hedged P&L (after costs).
/// \throws std::invalid_argument when begin > end or end exceeds the series, result.level is not in
///         (0, 1), or when `strategy` is not
///         one of this result's (its ratio, pnl, cost, pnl_before_costs or a cost part has another length
///         than the result's periods; the message names both).
[[nodiscard]] inline strategy_metrics walk_forward_metrics(const walk_forward_result& result,
                                                           const strategy_result& strategy, std::size_t begin,
                                                           std::size_t end) {
  constexpr const char* function = "hedgemetrics::walk_forward_metrics";
  const std::size_t n = result.unhedged.size();
  detail::require_tail_level(result.level, function);
  for (const auto& [name, size] : {std::pair<const char*, std::size_t>{"pnl", strategy.pnl.size()},
                                   {"ratio", strategy.ratio.size()},
                                   {"cost", strategy.cost.size()},
                                   {"pnl_before_costs", strategy.pnl_before_costs.size()},
                                   {"proportional_cost", strategy.proportional_cost.size()},
                                   {"spread_cost", strategy.spread_cost.size()},
                                   {"impact_cost", strategy.impact_cost.size()}}) {
    if (size != n) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the strategy \"" + strategy.name +
                                               "\" has " + std::to_string(size) + " periods (" + name +
                                               ") but the result has " + std::to_string(n) +
                                               "; pass a strategy of the same walk_forward result"));
    }
  }
  if (begin > end || end > n) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the range [" + std::to_string(begin) +
                                             ", " + std::to_string(end) + ") is not within the " +
                                             std::to_string(n) + " periods"));
  }
  if (begin < result.start) begin = result.start;
  strategy_metrics m;
  if (begin >= end) return m;
  m.periods = end - begin;
  const double count = static_cast<double>(m.periods);
  bool finite = true, infinite_loss = false;
  double sum_p = 0;
  for (std::size_t t = begin; t < end; ++t) {
    const double before = t > result.start ? strategy.ratio[t - 1] : 0.0;
    m.turnover += std::fabs(strategy.ratio[t] - before);
    m.total_cost += strategy.cost[t];
    m.proportional_cost += strategy.proportional_cost[t];
    m.spread_cost += strategy.spread_cost[t];
    m.impact_cost += strategy.impact_cost[t];
    finite = finite && std::isfinite(strategy.pnl[t]);
    infinite_loss = infinite_loss || strategy.pnl[t] == -std::numeric_limits<double>::infinity();
    sum_p += strategy.pnl[t];
  }
  {
    // The tail of the losses −p_t, as value_at_risk and expected_shortfall compute it.
    std::vector<double> loss(m.periods);
    bool has_nan = false;
    for (std::size_t t = begin; t < end; ++t) {
      loss[t - begin] = -strategy.pnl[t];
      has_nan = has_nan || std::isnan(strategy.pnl[t]);
    }
    if (!has_nan) {
      const detail::tail_figures<double> tail = detail::tail_of_losses(loss, result.level);
      m.value_at_risk = tail.value_at_risk;
      m.expected_shortfall = tail.expected_shortfall;
    }
  }
  const detail::range_moments s = detail::moments_over(result.unhedged.data() + begin, m.periods);
  m.effectiveness_before_costs =
      detail::effectiveness_against(strategy.pnl_before_costs.data() + begin, m.periods, s);
  // The figures after costs; the early returns leave the rest NaN.
  [&] {
    if (!finite) {
      m.mean_pnl = sum_p;  // ±inf, or NaN when both signs are infinite
      if (m.periods < 2) return;
      m.hedged_variance = std::numeric_limits<double>::infinity();
      if (s.centred_squares > 0) m.effectiveness = -std::numeric_limits<double>::infinity();
      if (s.downside_squares > 0 && infinite_loss) {
        m.downside_variance_below_zero_reduction = -std::numeric_limits<double>::infinity();
      }
      if (s.downside_squares > 0 && !infinite_loss) {
        double down_p = 0;  // the finite losses (the infinite P&L are gains)
        for (std::size_t t = begin; t < end; ++t) {
          const double loss = strategy.pnl[t] < 0 ? std::ldexp(strategy.pnl[t], -s.downside_shift) : 0.0;
          down_p += loss * loss;
        }
        m.downside_variance_below_zero_reduction = 1 - down_p / s.downside_squares;
      }
      return;
    }
    const detail::range_moments p = detail::moments_over(strategy.pnl.data() + begin, m.periods);
    m.mean_pnl = std::ldexp(p.mean, p.shift);
    if (m.periods < 2) return;
    const long long relative = 2 * (static_cast<long long>(p.shift) - s.shift);
    m.hedged_variance =
        detail::ldexp_wide(p.centred_squares / (count - 1), 2 * static_cast<long long>(p.shift));
    if (s.centred_squares > 0) {
      m.effectiveness = 1 - detail::ldexp_wide(p.centred_squares / s.centred_squares, relative);
    }
    if (s.downside_squares > 0) {
      m.downside_variance_below_zero_reduction =
          1 - detail::ldexp_wide(p.downside_squares / s.downside_squares,
                                 2 * (static_cast<long long>(p.downside_shift) - s.downside_shift));
    }
  }();
  m.cost_drag = m.effectiveness_before_costs - m.effectiveness;
  // The deprecated name carries the same figure for one version.
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
  m.semivariance_reduction = m.downside_variance_below_zero_reduction;
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
  return m;
}

namespace detail {

[[nodiscard]] inline std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// Runs one strategy: `estimate(t)` is its estimate for period t from data up to t − 1 (NaN: none). Its
/// figures over the whole evaluation (`overall`) are left to the caller, who has the result they need.
/// The options are checked by walk_forward, except the volume where this strategy trades.
template <class Estimate>
[[nodiscard]] strategy_result run_strategy(std::string name, bool in_sample, const Estimate& estimate,
                                           const std::vector<double>& s, const std::vector<double>& f,
                                           std::size_t start, const walk_forward_options& options) {
  const std::size_t n = s.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  strategy_result r;
  r.name = std::move(name);
  r.in_sample = in_sample;
  r.ratio.assign(n, nan);
  r.pnl.assign(n, nan);
  r.pnl_before_costs.assign(n, nan);
  r.cost.assign(n, 0.0);
  r.proportional_cost.assign(n, 0.0);
  r.spread_cost.assign(n, 0.0);
  r.impact_cost.assign(n, 0.0);
  double held = 0;
  for (std::size_t t = start; t < n; ++t) {
    const double before = held;
    if ((t - start) % options.rebalance_every == 0) {
      const double e = estimate(t);
      if (std::isfinite(e)) held = e;
    }
    const double traded = std::fabs(held - before);
    if (traded > 0 && !options.volume.empty() && !(options.volume[t] > 0)) {
      HEDGEMETRICS_THROW(std::invalid_argument(
          "hedgemetrics::walk_forward: volume[" + std::to_string(t) + "] is " +
          value_text(options.volume[t]) + " where the strategy \"" + r.name + "\" trades " +
          value_text(traded) +
          " per unit of exposure; the volume must be positive in every period with a trade"));
    }
    r.proportional_cost[t] =
        options.cost * traded * (options.hedge_price.empty() ? 1.0 : std::fabs(options.hedge_price[t]));
    if (!options.spread.empty()) r.spread_cost[t] = 0.5 * options.spread[t] * traded;
    if (options.impact > 0 && traded > 0) {
      // η·σ·(Q·|Δh|)^{3/2}/√V ÷ Q as |Δh|·√(Q·|Δh|/V): one correctly rounded square root, exact where
      // Q·|Δh|/V is the square of a double.
      r.impact_cost[t] = options.impact * options.volatility[t] * traded *
                         std::sqrt(options.exposure_size * traded / options.volume[t]);
    }
    r.cost[t] = r.proportional_cost[t] + r.spread_cost[t] + r.impact_cost[t];
    r.ratio[t] = held;
    r.pnl_before_costs[t] = s[t] - held * f[t];
    r.pnl[t] = r.pnl_before_costs[t] - r.cost[t];
  }
  return r;
}

/// Caller error unless every value of `series` in [first, n) is finite and not negative:
/// "function: name[t] is value; what".
inline void require_finite_nonnegative(const std::vector<double>& series, std::size_t first, const char* name,
                                       const char* what) {
  for (std::size_t t = first; t < series.size(); ++t) {
    if (!std::isfinite(series[t]) || series[t] < 0) {
      HEDGEMETRICS_THROW(std::invalid_argument("hedgemetrics::walk_forward: " + std::string(name) + "[" +
                                               std::to_string(t) + "] is " + value_text(series[t]) + "; " +
                                               what));
    }
  }
}

}  // namespace detail

/// Walk-forward comparison of hedging strategies on P&L series (price changes per unit of exposure S_t
/// and of hedge F_t). At each evaluated period t ≥ start, every strategy holds a ratio h_t decided before
/// t from data up to t − 1 only, reset every `rebalance_every` periods and held in between:
///  - naive 1:1: h = 1;
///  - static h* (in-sample): fit_hedge over the evaluated periods themselves — look-ahead, labelled so;
///  - rolling: rolling_hedge(S, F, window) at t − 1 (periods t − window … t − 1);
///  - EWMA: ewma_hedge(S, F, λ) at t − 1 (RiskMetrics 1996);
///  - static h* (first k), when train = k > 0: fit_hedge over periods 0 … k − 1, fitted once and held
///    from period k on (a train/test split; the evaluation starts at k or later, so it is out of sample);
///  - expanding, when `expanding` is set: expanding_hedge(S, F) at t − 1, i.e. fit_hedge over periods
///    0 … t − 1;
///  - each user_strategy: its ratio[t].
/// An estimate that is NaN (too little history) keeps the previous position (0 at first: unhedged).
/// Hedged P&L p_t = S_t − h_t·F_t − cost_t, where the trade Δh = h_t − h_{t−1} costs, per unit of
/// exposure (the options give each part's units),
///   cost_t = cost·|Δh|·(hedge_price[t] or 1)            proportional
///          + spread[t]/2·|Δh|                             half the bid–ask spread (Roll 1984)
///          + η·σ_t·|Δh|·√(Q·|Δh|/V_t)                     square-root impact of the Q·|Δh| units traded,
/// i.e. the whole position's cost c·X·P + s/2·X + η·σ·X^{3/2}/√V of a trade of X = Q·|Δh| units, divided
/// by Q (Almgren, Thum, Hauptmann & Li 2005; Almgren & Chriss 2001). No trade, no cost. Each part is kept
/// as a series and summed per strategy, next to the effectiveness before costs: see strategy_metrics;
/// walk_forward_metrics gives the figures for any sub-range (a year). Dahlgran & Ma (2008) on why
/// out-of-sample figures are the ones to report.
///
/// \throws std::invalid_argument when the lengths differ (series, hedge_price, spread, volatility, volume,
///         a user ratio series), rebalance_every is 0, the cost or η is negative or not finite,
///         exposure_size is not finite and positive, η > 0 without a volatility or volume series, a
///         hedge_price is not finite, a spread, volatility or volume from the first evaluated period on is
///         negative or not finite, or a volume is 0 where a strategy trades (each naming its index and
///         value), the window < 2, λ or the level is outside (0, 1), train is 1, an explicit start is below train
///         (the message gives the values), or no period is left to evaluate: the series are not longer
///         than the first evaluated period (window, start or train; the message names the count of
///         periods and that figure). Every message names walk_forward, also for what the inner
///         estimators (rolling_hedge, ewma_hedge) would reject. Nothing is returned then.
///         std::domain_error when S or F holds a non-finite value, or when their scales put the hedge
///         ratios beyond the double range (spreads of about 2^e_S and 2^e_F with |e_S − e_F| > 1000).
template <class Exposure, class Hedge>
[[nodiscard]] walk_forward_result walk_forward(const Exposure& exposure, const Hedge& hedge,
                                               const walk_forward_options& options = {}) {
  constexpr const char* function = "hedgemetrics::walk_forward";
  const auto sv = detail::view_of(exposure, function, "exposure");
  const auto fv = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", sv.size(), "hedge", fv.size());
  const std::size_t n = sv.size();
  if (options.rebalance_every == 0) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": rebalance_every must be at least 1, but it is 0"));
  }
  // The inner estimators' parameters are checked here, so that a message names the function called.
  if (options.window < 2) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the window must hold at least 2 periods, but it is " +
                                             std::to_string(options.window)));
  }
  detail::require_open_unit(options.lambda, "the decay lambda", function);
  detail::require_tail_level(options.level, function);
  if (options.train == 1) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) +
        ": train must be at least 2 periods (0: no out-of-sample static strategy), but it is 1"));
  }
  if (options.train > 0 && options.start != 0 && options.start < options.train) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": start (" + std::to_string(options.start) + ") is below train (" +
        std::to_string(options.train) + "): the static ratio fitted on periods 0 to " +
        std::to_string(options.train - 1) +
        " would be evaluated on periods it was fitted on; set start to at least train, or 0"));
  }
  // The first evaluated period, and at least one period to evaluate: with fewer, every figure would be
  // NaN without a word.
  std::size_t first = options.start;
  const char* first_name = "start";
  if (first == 0) {
    first = options.window;
    first_name = "the window";
    if (options.train > first) first = options.train, first_name = "train";
  }
  if (n <= first) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the series have " + std::to_string(n) + " periods, but " + first_name +
        " is " + std::to_string(first) + ": the first evaluated period is " + std::to_string(first) +
        ", so at least " + std::to_string(first + 1) + " periods are needed"));
  }
  if (!(options.cost >= 0) || !std::isfinite(options.cost)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the transaction cost must be finite and "
                                             "not negative, but it is " +
                                             detail::value_text(options.cost)));
  }
  if (!options.hedge_price.empty()) {
    detail::require_same_length(function, "exposure", n, "hedge_price", options.hedge_price.size());
    for (std::size_t t = 0; t < n; ++t) {
      if (!std::isfinite(options.hedge_price[t])) {
        HEDGEMETRICS_THROW(std::invalid_argument(
            std::string(function) + ": hedge_price[" + std::to_string(t) + "] is " +
            detail::value_text(options.hedge_price[t]) +
            "; the price of every trade must be a finite number (fill the missing prices first)"));
      }
    }
  }
  if (!(options.impact >= 0) || !std::isfinite(options.impact)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the impact coefficient must be finite and not negative, but it is " +
        detail::value_text(options.impact)));
  }
  if (!(options.exposure_size > 0) || !std::isfinite(options.exposure_size)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": exposure_size must be finite and positive, but it is " +
                                             detail::value_text(options.exposure_size)));
  }
  if (options.impact > 0 && (options.volatility.empty() || options.volume.empty())) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the square-root impact (impact " + detail::value_text(options.impact) +
        ") needs the volatility and volume series, but " +
        (options.volatility.empty() ? "volatility" : "volume") + " is empty"));
  }
  // Only the evaluated periods trade: a spread, volatility or volume before them (a rolling estimate
  // that does not exist yet) is not read.
  for (const auto& [name, series, what] :
       {std::tuple<const char*, const std::vector<double>*, const char*>{
            "spread", &options.spread,
            "a bid-ask spread must be finite and not negative (ask - bid, in the hedge's price units)"},
        {"volatility", &options.volatility,
         "the hedge's volatility must be finite and not negative (in its price units per period)"},
        {"volume", &options.volume,
         "the traded volume must be finite and not negative, and positive where a strategy trades"}}) {
    if (series->empty()) continue;
    detail::require_same_length(function, "exposure", n, name, series->size());
    detail::require_finite_nonnegative(*series, first, name, what);
  }
  for (const user_strategy& u : options.user) {
    detail::require_same_length(function, "exposure", n, ("the ratio series of " + u.name).c_str(),
                                u.ratio.size());
  }
  const detail::nonfinite_position where =
      detail::find_nonfinite(0, n, detail::named_series<series_element_t<Exposure>>{"exposure", sv.data()},
                             detail::named_series<series_element_t<Hedge>>{"hedge", fv.data()});
  if (where.found) {
    detail::throw_nonfinite(function, where,
                            "; a P&L series must be finite: drop or fill the missing periods first");
  }
  walk_forward_result result;
  std::vector<double>& s = result.unhedged;  // the exposure's P&L, in double, kept in the result
  std::vector<double> f(n);
  s.resize(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<double>(sv[i]), f[i] = static_cast<double>(fv[i]);
  // Range: every figure is right at any scale of either series as long as the hedge ratios themselves,
  // about 2^(e_S − e_F) for spreads 2^e_S and 2^e_F, are normal doubles. Beyond, a ratio of 2^-1800 was 0
  // and the hedged P&L the unhedged one (effectiveness 0, silently): a clear error instead.
  {
    const int es = detail::deviation_exponent<double>(s.data(), n);
    const int ef = detail::deviation_exponent<double>(f.data(), n);
    if (es - ef > 1000 || es - ef < -1000) {
      HEDGEMETRICS_THROW(std::domain_error(
          std::string(function) + ": the exposure's changes are about 2^" + std::to_string(es) +
          " and the hedge's about 2^" + std::to_string(ef) + ", so the hedge ratios would be about 2^" +
          std::to_string(es - ef) +
          ", beyond the double range (2^-1022 to 2^1024); express one series in other units"));
    }
  }

  rolling_options rolling;
  rolling.window = options.window;
  const auto rolled = rolling_hedge(s, f, rolling);
  ewma_options ewma;
  ewma.lambda = options.lambda;
  const auto weighted = ewma_hedge(s, f, ewma);

  result.start = first;
  result.level = options.level;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t start = result.start;
  const auto add = [&](std::string name, bool in_sample, const auto& estimate) {
    result.strategies.push_back(
        detail::run_strategy(std::move(name), in_sample, estimate, s, f, start, options));
    strategy_result& added = result.strategies.back();
    added.overall = walk_forward_metrics(result, added, start, n);
  };
  // The figures at t − 1: what a hedger knows when it sets the ratio for period t.
  const auto lagged = [nan](const std::vector<double>& figures) {
    return [&figures, nan](std::size_t t) { return t > 0 ? figures[t - 1] : nan; };
  };
  add("naive 1:1", false, [](std::size_t) { return 1.0; });
  const double h_star = start < n ? fit_hedge(series_view<double>(s.data() + start, n - start),
                                              series_view<double>(f.data() + start, n - start))
                                        .ratio
                                  : nan;
  add("static h* (in-sample)", true, [h_star](std::size_t) { return h_star; });
  add("rolling " + std::to_string(options.window), false, lagged(rolled.ratio));
  add("EWMA " + detail::short_number(options.lambda), false, lagged(weighted.ratio));
  if (options.train > 0) {
    // Fitted once on the training periods; start ≥ train, so every evaluated period is after them.
    const std::size_t k = options.train;
    const double h_train =
        fit_hedge(series_view<double>(s.data(), k), series_view<double>(f.data(), k)).ratio;
    add("static h* (first " + std::to_string(k) + ")", false,
        [h_train, k, nan](std::size_t t) { return t >= k ? h_train : nan; });
  }
  std::vector<double> expanding_ratio;
  if (options.expanding) {
    expanding_ratio = expanding_hedge(s, f).ratio;
    add("expanding", false, lagged(expanding_ratio));
  }
  for (const user_strategy& u : options.user) {
    add(u.name, false, [&u](std::size_t t) { return u.ratio[t]; });
  }
  return result;
}

}  // namespace hedgemetrics

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif

#endif  // HEDGEMETRICS_WALK_FORWARD_HPP
