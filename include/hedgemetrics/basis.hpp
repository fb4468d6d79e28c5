// SPDX-License-Identifier: MIT
/// \file
/// Basis risk on price levels: the spread between the spot price and the (ratio-weighted) futures price.
#ifndef HEDGEMETRICS_BASIS_HPP
#define HEDGEMETRICS_BASIS_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Statistics of the basis b_t = spot_t − ratio·futures_t over n aligned price levels.
///
/// | member          | formula                                               | NaN when |
/// |-----------------|-------------------------------------------------------|----------|
/// | `mean`          | Σb_t / n                                              | n < 1    |
/// | `variance`      | Σ(b_t − b̄)²/(n − 1)                                   | n < 2    |
/// | `stddev`        | √variance                                             | n < 2    |
/// | `change_variance` | sample variance (divisor n − 2) of the n − 1 changes Δb_t = b_t − b_{t−1} | n < 3 |
/// | `change_stddev` | √change_variance                                      | n < 3    |
/// | `min`, `max`, `last` | extremes and final value of b_t                  | n < 1    |
///
/// Hull (Options, Futures and Other Derivatives, §3.3) defines the basis as spot − futures: ratio 1.
/// Under missing_data::omit the changes are taken between consecutive complete observations.
template <class Real = double>
struct basis_stats {
  /// Observations used: all of them, or the complete ones under missing_data::omit.
  std::size_t n = 0;
  /// The ratio h of b_t = spot_t − h·futures_t (1 for Hull's basis).
  Real ratio = std::numeric_limits<Real>::quiet_NaN();
  /// Σb_t / n, the mean basis.
  Real mean = std::numeric_limits<Real>::quiet_NaN();
  /// Σ(b_t − b̄)²/(n − 1), the sample variance of the basis.
  Real variance = std::numeric_limits<Real>::quiet_NaN();
  /// √variance.
  Real stddev = std::numeric_limits<Real>::quiet_NaN();
  /// Sample variance (divisor n − 2) of the n − 1 changes Δb_t = b_t − b_{t−1}.
  Real change_variance = std::numeric_limits<Real>::quiet_NaN();
  /// √change_variance.
  Real change_stddev = std::numeric_limits<Real>::quiet_NaN();
  /// The smallest b_t.
  Real min = std::numeric_limits<Real>::quiet_NaN();
  /// The largest b_t.
  Real max = std::numeric_limits<Real>::quiet_NaN();
  /// The final b_t, the basis when the hedge is closed out.
  Real last = std::numeric_limits<Real>::quiet_NaN();
};

namespace detail {

// The basis and its statistics round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// b = spot − ratio·futures, the product rounded and then the difference: the same bits in every unit.
/// (Fusing them where the unit's flags promise a hardware FMA, as before, made a -march=native unit's
/// basis differ from a baseline unit's in its last bits; a software fma would cost more than the rest of
/// the pass. The range and accuracy tests hold either way: the default x86-64 build never fused.)
template <class Real>
[[nodiscard]] inline Real basis_value(Real spot, Real futures, Real ratio) noexcept {
  return spot - ratio * futures;
}

template <class Real>
struct basis_state {
  std::size_t count = 0;
  comoments<Real> levels;   // spot on futures, levels
  comoments<Real> changes;  // spot changes on futures changes
  Real mean = 0;            // of b_t, from the b_t themselves
  Real min = 0;
  Real max = 0;
  Real last = 0;
  bool finite = true;
  bool nonfinite = false;

  [[nodiscard]] static basis_state merge(const basis_state& earlier, const basis_state& later) noexcept {
    if (earlier.count == 0) return later;
    if (later.count == 0) return earlier;
    basis_state out;
    out.count = earlier.count + later.count;
    out.levels = comoments<Real>::merge(earlier.levels, later.levels);
    out.changes = comoments<Real>::merge(earlier.changes, later.changes);
    const Real share_b = static_cast<Real>(later.count) / static_cast<Real>(out.count);
    out.mean = earlier.mean + (later.mean - earlier.mean) * share_b;
    out.min = later.min < earlier.min ? later.min : earlier.min;
    out.max = later.max > earlier.max ? later.max : earlier.max;
    out.last = later.last;
    out.finite = earlier.finite && later.finite;
    out.nonfinite = earlier.nonfinite || later.nonfinite;
    return out;
  }
};

/// Carries the previous complete observation from block to block, to difference across block edges.
template <class Real>
struct basis_kernel {
  using state = basis_state<Real>;
  Real ratio = 1;
  comoment_context<Real> level_context;
  comoment_context<Real> change_context;
  Real previous_spot = 0;
  Real previous_futures = 0;
  bool has_previous = false;

  template <class S, class F>
  [[nodiscard]] state block(std::size_t m, const S* spot, const F* futures) noexcept {
    state out;
    out.count = m;
    if (m == 0) return out;
    out.levels = block_comoments<Real>(m, spot, futures, level_context);
    if (!out.levels.finite) {
      out.finite = false;
      return out;
    }
    Real spot_changes[block_length];
    Real futures_changes[block_length];
    std::size_t k = 0;
    if (has_previous) {
      spot_changes[0] = static_cast<Real>(spot[0]) - previous_spot;
      futures_changes[0] = static_cast<Real>(futures[0]) - previous_futures;
      k = 1;
    }
    for (std::size_t i = 1; i < m; ++i, ++k) {
      spot_changes[k] = static_cast<Real>(spot[i]) - static_cast<Real>(spot[i - 1]);
      futures_changes[k] = static_cast<Real>(futures[i]) - static_cast<Real>(futures[i - 1]);
    }
    out.changes = block_comoments<Real>(k, spot_changes, futures_changes, change_context);

    Real sum[lanes] = {};
    Real lo[lanes];
    Real hi[lanes];
    const Real first = basis_value(static_cast<Real>(spot[0]), static_cast<Real>(futures[0]), ratio);
    for (std::size_t j = 0; j < lanes; ++j) lo[j] = hi[j] = first;
    const std::size_t whole = m - m % lanes;
    for (std::size_t i = 0; i < whole; i += lanes) {
      for (std::size_t j = 0; j < lanes; ++j) {
        const Real b = basis_value(static_cast<Real>(spot[i + j]), static_cast<Real>(futures[i + j]), ratio);
        sum[j] += b;
        lo[j] = b < lo[j] ? b : lo[j];
        hi[j] = b > hi[j] ? b : hi[j];
      }
    }
    for (std::size_t i = whole; i < m; ++i) {
      const Real b = basis_value(static_cast<Real>(spot[i]), static_cast<Real>(futures[i]), ratio);
      sum[0] += b;
      lo[0] = b < lo[0] ? b : lo[0];
      hi[0] = b > hi[0] ? b : hi[0];
    }
    out.min = lane_min(lo);
    out.max = lane_max(hi);
    out.mean = lane_sum(sum) / static_cast<Real>(m);
    out.last = basis_value(static_cast<Real>(spot[m - 1]), static_cast<Real>(futures[m - 1]), ratio);
    previous_spot = static_cast<Real>(spot[m - 1]);
    previous_futures = static_cast<Real>(futures[m - 1]);
    has_previous = true;
    return out;
  }
};

/// One pass of the basis kernel over the blocks of two aligned series.
template <class Real, class S, class F>
[[nodiscard]] basis_state<Real> basis_pass(const S* spot, const F* futures, std::size_t n, Real ratio,
                                           missing_data policy, const char* function) {
  basis_kernel<Real> kernel;
  kernel.ratio = ratio;
  return accumulate_blocks<Real>(kernel, policy, function, n, named_series<S>{"spot", spot},
                                 named_series<F>{"futures", futures});
}

/// True when the fast pass may have overflowed or lost digits to underflow (a handful of comparisons; a
/// scan only for a NaN result or a constant series): see compute_basis.
template <class Real, class S, class F>
[[nodiscard]] bool basis_needs_careful_pass(const basis_state<Real>& state, missing_data policy,
                                            const S* spot, const F* futures, std::size_t n) {
  if (state.nonfinite)
    return policy != missing_data::propagate || (!any_nonfinite(spot, n) && !any_nonfinite(futures, n));
  if (state.count == 0) return false;
  if (!std::isfinite(state.mean) || !std::isfinite(state.min) || !std::isfinite(state.max)) return true;
  if (state.count < 2) return false;
  const auto off = [](Real v) { return v != 0 && sum_out_of_range(v); };
  return sum_out_of_range(state.levels.sxx) || sum_out_of_range(state.levels.syy) || off(state.levels.ssr) ||
         off(state.changes.sxx) || off(state.changes.syy) || off(state.changes.ssr);
}

/// Σ(b_t − b̄)² and Σ(Δb_t − mean Δb)² from every b_t = spot_t − h·futures_t kept exactly as a pair
/// hi + lo (TwoProduct, TwoSum), each deviation scaled by a power of two of the deviations' own (returned
/// with the sums) before it is squared: for a basis that is
/// constant, or moves, only in the last digits of the prices. There each rounded b_t, each rounded price
/// change, and the co-moment forms SSR + (h − h*)²·S_FF lose about ε·√(S_SS + h²S_FF) of the spread's root,
/// which is then all of it. Pairs with a non-finite value are skipped (only missing_data::omit gets here
/// with them), so changes are between consecutive complete pairs. A sum that overflows is NaN.
template <class Real>
struct exact_basis_sums {
  Real levels = std::numeric_limits<Real>::quiet_NaN();   // in units of 2^(2·level_scale)
  Real changes = std::numeric_limits<Real>::quiet_NaN();  // in units of 2^(2·change_scale)
  int level_scale = 0;
  int change_scale = 0;
};

template <class Real, class S, class F>
[[nodiscard]] exact_basis_sums<Real> exact_basis_spreads(const S* spot, const F* futures, std::size_t n,
                                                         Real ratio) {
  // b_t = hi + mid + lo exactly (TwoProduct, then TwoSum twice): the spot's own digits can sit below the
  // product's rounding error, so two parts are not always enough (spot near 1e-200 against 3 × 1.5e250).
  const auto exact_basis = [&](std::size_t i, Real& hi, Real& mid, Real& lo) {
    const Real si = static_cast<Real>(spot[i]);
    const Real fi = static_cast<Real>(futures[i]);
    if (!std::isfinite(si) || !std::isfinite(fi)) return false;
    Real product = 0, product_error = 0, error = 0;
    two_product(ratio, fi, product, product_error);
    two_sum(si, -product, hi, error);
    two_sum(error, -product_error, mid, lo);
    return true;
  };
  // Visits b_t and Δb_t (as pairs) of the complete observations in order, each b_t less the first one's
  // high and middle parts (the spreads do not change). Unshifted, the sums mixed high parts of the prices'
  // size with low parts far below their last digit, and the mean's remainder swallowed the low parts: a
  // basis 4.65e129 + s_t with s_t near 1e-125 had variance 0 for 6.6e-251 (a fuzz finding). Shifted, a
  // part equal to the first's is 0 and the lower parts carry the spread; one that differs moves by at
  // least a unit in its last place, beside which the parts below it do not matter.
  // A three-part value less the first one's high and middle parts, as a pair.
  const auto shifted = [](Real hi, Real mid, Real lo, Real shift_hi, Real shift_mid, Real& out_hi,
                          Real& out_lo) {
    two_sum(hi - shift_hi, mid - shift_mid, out_hi, out_lo);
    out_lo += lo;
  };
  const auto visit = [&](auto&& level, auto&& change) {
    Real previous_hi = 0, previous_mid = 0, previous_lo = 0;
    Real shift_hi = 0, shift_mid = 0, change_shift_hi = 0, change_shift_mid = 0;
    bool first = true, first_change = true;
    for (std::size_t i = 0; i < n; ++i) {
      Real b_hi = 0, b_mid = 0, b_lo = 0;
      if (!exact_basis(i, b_hi, b_mid, b_lo)) continue;
      if (first) shift_hi = b_hi, shift_mid = b_mid;
      Real hi = 0, lo = 0;
      shifted(b_hi, b_mid, b_lo, shift_hi, shift_mid, hi, lo);
      level(hi, lo);
      if (!first) {
        // Δb_t from the unshifted parts (a shifted high part may have rounded at the levels' scale, far
        // above the changes' spread): three parts again, exact to the last.
        Real c_hi = 0, c_hi_error = 0, c_mid = 0, c_mid_error = 0, c_mid2 = 0, c_lo = 0;
        two_sum(b_hi, -previous_hi, c_hi, c_hi_error);
        two_sum(b_mid, -previous_mid, c_mid, c_mid_error);
        two_sum(c_hi_error, c_mid, c_mid2, c_lo);
        c_lo += c_mid_error + (b_lo - previous_lo);
        if (first_change) change_shift_hi = c_hi, change_shift_mid = c_mid2, first_change = false;
        shifted(c_hi, c_mid2, c_lo, change_shift_hi, change_shift_mid, hi, lo);
        change(hi, lo);
      }
      first = false;
      previous_hi = b_hi, previous_mid = b_mid, previous_lo = b_lo;
    }
  };
  compensated_sum<Real> level_total, change_total;
  std::size_t levels = 0, changes = 0;
  visit([&](Real hi, Real lo) { level_total.add(hi), level_total.add(lo), ++levels; },
        [&](Real hi, Real lo) { change_total.add(hi), change_total.add(lo), ++changes; });
  // A mean as a pair: the remainder of the division (exact by FMA) and the sum's error, shared out.
  const auto mean_of = [](const compensated_sum<Real>& total, std::size_t count, Real& hi, Real& lo) {
    const Real m = static_cast<Real>(count > 0 ? count : 1);
    hi = total.sum / m;
    lo = (std::fma(-hi, m, total.sum) + total.error) / m;
  };
  Real level_hi = 0, level_lo = 0, change_hi = 0, change_lo = 0;
  mean_of(level_total, levels, level_hi, level_lo);
  mean_of(change_total, changes, change_hi, change_lo);
  // The deviations are scaled by a power of two of their own: they can be far smaller than the prices
  // whose scale the caller chose (a basis 1e-72 apart on prices near 1e108: squared at the prices' scale,
  // they vanished; a fuzz finding), and their squares must neither underflow nor overflow.
  const auto level_deviation = [&](Real hi, Real lo) { return (hi - level_hi) + (lo - level_lo); };
  const auto change_deviation = [&](Real hi, Real lo) { return (hi - change_hi) + (lo - change_lo); };
  Real level_largest = 0, change_largest = 0;
  visit(
      [&](Real hi, Real lo) { level_largest = std::max(level_largest, std::fabs(level_deviation(hi, lo))); },
      [&](Real hi, Real lo) {
        change_largest = std::max(change_largest, std::fabs(change_deviation(hi, lo)));
      });
  const auto exponent_of = [](Real largest) {
    return largest > 0 && std::isfinite(largest) ? std::ilogb(largest) : 0;
  };
  exact_basis_sums<Real> out;
  out.level_scale = exponent_of(level_largest);
  out.change_scale = exponent_of(change_largest);
  compensated_sum<Real> level_squares, change_squares;
  visit(
      [&](Real hi, Real lo) {
        const Real d = std::ldexp(level_deviation(hi, lo), -out.level_scale);
        level_squares.add_product(d, d);
      },
      [&](Real hi, Real lo) {
        const Real d = std::ldexp(change_deviation(hi, lo), -out.change_scale);
        change_squares.add_product(d, d);
      });
  const Real level_sum = level_squares.value();
  const Real change_sum = change_squares.value();
  if (std::isfinite(level_sum)) out.levels = level_sum;
  if (std::isfinite(change_sum)) out.changes = change_sum;
  return out;
}

template <class Spot, class Futures>
[[nodiscard]] basis_stats<result_t<Spot, Futures>> compute_basis(const Spot& spot, const Futures& futures,
                                                                 result_t<Spot, Futures> ratio,
                                                                 missing_data policy) {
  using Real = result_t<Spot, Futures>;
  constexpr const char* function = "hedgemetrics::basis_risk";
  const auto s = view_of(spot, function, "spot");
  const auto f = view_of(futures, function, "futures");
  require_same_length(function, "spot", s.size(), "futures", f.size());
  if (!std::isfinite(ratio)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the ratio must be finite, got " +
                                             value_text(ratio)));
  }
  auto state = basis_pass<Real>(s.data(), f.data(), s.size(), ratio, policy, function);
  // The range contract (detail/range.hpp): the fast pass above is checked, and only data whose sums of
  // squares or basis left the safe band are summarised again, spot and futures each divided by a power
  // of two. The spot is divided by 2^E, E the larger of the exponents of the spot's spread and of
  // h·(futures' spread), so the scaled basis b' = s' − h'·f' = b·2^-E with h' = h·2^(e_F − E) is of order
  // one; every figure is scaled back by 2^E (2^2E for variances) with one rounding at most.
  int scale = 0;
  Real scaled_ratio = ratio;
  bool min_max_last_exact = false, mean_exact = false;
  Real exact_min = 0, exact_max = 0, exact_last = 0, exact_mean = 0;
  if (basis_needs_careful_pass(state, policy, s.data(), f.data(), s.size())) {
    const bool pairs = policy == missing_data::omit;  // only complete pairs set the scales
    const int es = deviation_exponent<Real>(s.data(), s.size(), pairs ? f.data() : nullptr);
    const int ef = deviation_exponent<Real>(f.data(), f.size(), pairs ? s.data() : nullptr);
    int eh = 0;
    static_cast<void>(std::frexp(ratio, &eh));
    const int e = (ratio != 0 && ef + eh > es) ? ef + eh : es;
    if (significant_exponent(e) != 0 || significant_exponent(ef) != 0) {
      const std::vector<Real> sx = scaled_copy<Real>(s.data(), s.size(), e);
      const std::vector<Real> fx = scaled_copy<Real>(f.data(), f.size(), ef);
      scale = e;
      scaled_ratio = std::ldexp(ratio, ef - e);
      state = basis_pass<Real>(sx.data(), fx.data(), s.size(), scaled_ratio, policy, function);
      // min, max and last are single b_t, each rounded once from the data themselves (±inf only where b_t
      // is beyond DBL_MAX): the scaled pass could flush a small b_t beside large ones to 0. So could the
      // mean (bases that cancel exactly on prices near 1e308 beside one of 3.3e-302: mean 0 for 8.1e-303,
      // a fuzz finding): it is taken from the exact b_t = s − h·f (TwoProduct, TwoSum) summed with
      // compensation, wherever that sum stays finite.
      bool any = false;
      compensated_sum<Real> total;
      for (std::size_t i = 0; i < s.size(); ++i) {
        const Real si = static_cast<Real>(s.data()[i]);
        const Real fi = static_cast<Real>(f.data()[i]);
        if (!std::isfinite(si) || !std::isfinite(fi)) continue;  // only omit gets here with gaps
        const Real b = basis_value(si, fi, ratio);
        exact_min = (!any || b < exact_min) ? b : exact_min;
        exact_max = (!any || b > exact_max) ? b : exact_max;
        exact_last = b;
        any = true;
        Real product = 0, product_error = 0, hi = 0, error = 0;
        two_product(ratio, fi, product, product_error);
        two_sum(si, -product, hi, error);
        total.add(hi);
        total.add(error);
        total.add(-product_error);
      }
      min_max_last_exact = any;
      if (any && std::isfinite(total.sum) && std::isfinite(total.error)) {
        // The running sum can cancel to far below its error term (bases ±2.4e284 beside one of 1.8e159:
        // sum −2e-305, error 1.8e159; a fuzz finding, mean inf from lifting the error by 2^600), so the
        // pair is renormalised first and the lift chosen from its leading part. Divided at a scale where
        // the quotient keeps its digits (a sum below 2^-800 would divide into the subnormals), then scaled
        // back with one rounding.
        Real lead = 0, trail = 0;
        two_sum(total.sum, total.error, lead, trail);
        if (!std::isfinite(lead)) lead = total.sum, trail = total.error;  // Σ b_t beyond DBL_MAX, b̄ not
        const int lift = std::fabs(lead) < std::ldexp(Real(1), -800) ? 600 : 0;
        const Real count = static_cast<Real>(state.count);
        exact_mean = std::ldexp(std::ldexp(lead, lift) / count + std::ldexp(trail, lift) / count, -lift);
        mean_exact = state.count > 0;
      }
    }
  }
  basis_stats<Real> out;
  out.n = state.count;
  out.ratio = ratio;
  if (state.nonfinite || state.count == 0) return out;
  out.mean = mean_exact ? exact_mean : std::ldexp(state.mean, scale);
  out.min = min_max_last_exact ? exact_min : std::ldexp(state.min, scale);
  out.max = min_max_last_exact ? exact_max : std::ldexp(state.max, scale);
  out.last = min_max_last_exact ? exact_last : std::ldexp(state.last, scale);
  if (state.count < 2) return out;
  // Var(spot − h·futures) from the co-moments: SSR + (h − h*)²·S_FF, never a difference of sums; the same
  // for the changes. Each loses about ε·√(S_SS + h²·S_FF) of its root to the rounding of the deviations
  // (or of the price changes): below 2^-24·(S_SS + h²·S_FF), where that could exceed 1e-12 of the figure,
  // the basis is steady to the prices' last digits and the sums are taken again from the exact b_t
  // (exact_basis_spreads: two passes more, for such data only).
  const Real r2 = scaled_ratio * scaled_ratio;
  const auto near_floor = [&](const comoments<Real>& c, Real spread) {
    return spread <= std::ldexp(c.sxx + r2 * c.syy, -24);
  };
  Real spread = state.levels.spread_at(scaled_ratio);
  const bool has_changes = state.changes.count >= 2;
  Real change_spread = has_changes ? state.changes.spread_at(scaled_ratio) : Real(0);
  // The same where a spread came out below 2^-969 at the prices' scale: its squares fell among the
  // subnormals and lost digits (a basis moving by 2e-53 on prices near 8e107: 1.2% off; a fuzz finding).
  const auto subnormal_digits = [](Real v) {
    return v != 0 && v < std::ldexp(Real(1), std::numeric_limits<Real>::min_exponent - 1 +
                                                 std::numeric_limits<Real>::digits);
  };
  const bool redo_levels = near_floor(state.levels, spread) || subnormal_digits(spread);
  const bool redo_changes =
      has_changes && (near_floor(state.changes, change_spread) || subnormal_digits(change_spread));
  int spread_scale = scale, change_spread_scale = scale;  // the powers of two the spreads are in
  if (redo_levels || redo_changes) {
    const auto exact = exact_basis_spreads<Real>(s.data(), f.data(), s.size(), ratio);
    if (redo_levels && std::isfinite(exact.levels)) spread = exact.levels, spread_scale = exact.level_scale;
    if (redo_changes && std::isfinite(exact.changes)) {
      change_spread = exact.changes, change_spread_scale = exact.change_scale;
    }
  }
  const Real variance = spread / static_cast<Real>(state.count - 1);
  out.variance = std::ldexp(variance, 2 * spread_scale);
  out.stddev = std::ldexp(std::sqrt(variance), spread_scale);
  if (!has_changes) return out;
  const Real change_variance = change_spread / static_cast<Real>(state.changes.count - 1);
  out.change_variance = std::ldexp(change_variance, 2 * change_spread_scale);
  out.change_stddev = std::ldexp(std::sqrt(change_variance), change_spread_scale);
  return out;
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace detail

/// Options of basis_risk.
struct basis_options {
  /// What non-finite values mean (see missing_data): propagate (every figure NaN), omit (drop the pairs
  /// with any non-finite price) or raise (std::domain_error naming the first one).
  missing_data missing = missing_data::propagate;
};

/// Basis risk of a hedge with ratio 1: statistics of b_t = spot_t − futures_t on price levels (Hull §3.3).
/// See basis_stats for each figure and when it is NaN.
/// \throws std::invalid_argument when the lengths differ; std::domain_error under missing_data::raise.
template <class Spot, class Futures>
[[nodiscard]] basis_stats<result_t<Spot, Futures>> basis_risk(const Spot& spot, const Futures& futures,
                                                              const basis_options& options = {}) {
  return detail::compute_basis(spot, futures, result_t<Spot, Futures>(1), options.missing);
}

/// Basis risk of a hedge with a given ratio h: statistics of b_t = spot_t − h·futures_t on price levels,
/// the value of the hedged position per unit of exposure up to a constant. Its variance is computed from
/// centred co-moments as SSR + (h − h*)²·S_FF, so it keeps its digits on prices near 1e9.
/// \throws std::invalid_argument when the lengths differ or the ratio is not finite;
///         std::domain_error under missing_data::raise.
template <class Spot, class Futures>
[[nodiscard]] basis_stats<result_t<Spot, Futures>> basis_risk(
    const Spot& spot, const Futures& futures, const detail::type_identity_t<result_t<Spot, Futures>> ratio,
    const basis_options& options = {}) {
  return detail::compute_basis(spot, futures, ratio, options.missing);
}

/// \deprecated The missing-data policy now goes in basis_options (`missing`); removed in the next version.
template <class Spot, class Futures, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in basis_options: {.missing = policy} in C++20, or set "
    "basis_options::missing")]] [[nodiscard]] basis_stats<result_t<Spot, Futures>>
basis_risk(const Spot& spot, const Futures& futures, Policy policy) {
  return detail::compute_basis(spot, futures, result_t<Spot, Futures>(1), policy);
}

/// \deprecated The missing-data policy now goes in basis_options (`missing`); removed in the next version.
template <class Spot, class Futures, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in basis_options: {.missing = policy} in C++20, or set "
    "basis_options::missing")]] [[nodiscard]] basis_stats<result_t<Spot, Futures>>
basis_risk(const Spot& spot, const Futures& futures,
           const detail::type_identity_t<result_t<Spot, Futures>> ratio, Policy policy) {
  return detail::compute_basis(spot, futures, ratio, policy);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_BASIS_HPP
