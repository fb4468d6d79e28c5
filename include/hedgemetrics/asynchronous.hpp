// SPDX-License-Identifier: MIT
/// \file
/// Hedge ratios for prices that do not tick together: the Hayashi–Yoshida covariance on raw timestamps,
/// the previous-tick synchronous estimator it corrects, Dimson (1979) and Scholes–Williams (1977)
/// lead–lag ratios, and the Epps diagnostic (the ratio as the sampling interval grows).
///
/// Why: a stale price moves later than the price it is compared with, so part of the co-movement falls in
/// different sampling periods and the covariance (hence the hedge ratio) of synchronously sampled
/// changes is biased toward zero (Epps 1979). Hayashi–Yoshida uses every overlap of the two series' own
/// observation intervals and is unbiased; Dimson and Scholes–Williams add the co-movement that leaks into
/// the neighbouring periods.
///
/// Timestamps are `std::int64_t`, strictly increasing per series, in the caller's unit (see alignment.hpp).
#ifndef HEDGEMETRICS_ASYNCHRONOUS_HPP
#define HEDGEMETRICS_ASYNCHRONOUS_HPP

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/alignment.hpp"
#include "hedgemetrics/dated.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/multi_hedge.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// The co-variation of two asynchronously observed processes S and F over their common window, and the
/// hedge ratio it implies: the result of hayashi_yoshida and previous_tick_fit.
///
/// With ΔS_i = S(t_i) − S(t_{i−1}) over I_i = (t_{i−1}, t_i] and ΔF_j = F(s_j) − F(s_{j−1}) over
/// J_j = (s_{j−1}, s_j]:
///
/// | member              | formula                                                  | NaN when                  |
/// |---------------------|----------------------------------------------------------|---------------------------|
/// | `covariance`        | Hayashi–Yoshida: Σ_i Σ_j ΔS_i ΔF_j 1{I_i ∩ J_j ≠ ∅}       | < 2 observations of either|
/// | `exposure_variance` | Σ_i ΔS_i², the realised variance of S                    | < 2 observations of S     |
/// | `hedge_variance`    | Σ_j ΔF_j², the realised variance of F                    | < 2 observations of F     |
/// | `ratio`             | covariance / hedge_variance                              | F constant                |
/// | `correlation`       | covariance / √(exposure_variance·hedge_variance)         | S or F constant           |
/// | `effectiveness`     | correlation², the variance reduction the ratio promises  | S or F constant           |
///
/// These are sums over the window, not averages: no degrees of freedom (an integrated covariance, the
/// same unit as the prices squared). HY's correlation is not bounded by 1 in a finite sample and is not
/// clamped, so an effectiveness above 1 says the sample is too short. Under missing_data::propagate a
/// non-finite value makes every figure NaN.
template <class Real = double>
struct covariation_fit {
  std::size_t exposure_ticks = 0;     ///< observations of S used
  std::size_t hedge_ticks = 0;        ///< observations of F used
  std::size_t overlapping_pairs = 0;  ///< pairs (i, j) with I_i ∩ J_j ≠ ∅ (grid steps for previous tick)
  Real covariance = std::numeric_limits<Real>::quiet_NaN();         ///< Σ ΔS_i ΔF_j over overlaps
  Real exposure_variance = std::numeric_limits<Real>::quiet_NaN();  ///< Σ ΔS_i²
  Real hedge_variance = std::numeric_limits<Real>::quiet_NaN();     ///< Σ ΔF_j²
  Real ratio = std::numeric_limits<Real>::quiet_NaN();              ///< covariance / hedge_variance
  Real correlation = std::numeric_limits<Real>::quiet_NaN();        ///< covariance / √(variances)
  Real effectiveness = std::numeric_limits<Real>::quiet_NaN();      ///< correlation²
};

/// Options of hayashi_yoshida and previous_tick_fit.
struct covariation_options {
  /// Non-finite observations: propagate (every figure NaN), omit (the observation is skipped, as if the
  /// market had not reported) or raise (std::domain_error naming the series, index and timestamp).
  missing_data missing = missing_data::propagate;
  /// previous_tick_fit: the grid step, > 0, in timestamp units.
  std::int64_t grid_step = 1;
  /// previous_tick_fit: the first grid point (default: the later of the two first timestamps, so both
  /// series have a value there).
  std::int64_t grid_start = std::numeric_limits<std::int64_t>::min();
};

namespace detail {

template <class Real>
void finish_covariation(covariation_fit<Real>& fit) noexcept {
  if (!(fit.hedge_variance > 0)) return;
  fit.ratio = fit.covariance / fit.hedge_variance;
  if (!(fit.exposure_variance > 0)) return;
  fit.correlation = fit.covariance / (std::sqrt(fit.exposure_variance) * std::sqrt(fit.hedge_variance));
  fit.effectiveness = fit.correlation * fit.correlation;
}

/// Range (detail/power_scale.hpp): false when both sums of squared changes lie in a band where no product
/// of two changes over- or underflows beyond a share of eps of them (for double [2^-915, 2^918]) and the
/// covariance is not NaN; else the fit is redone on the series divided by the powers of two of their
/// spreads (rescaled_covariation, which keeps a NaN that comes from a missing value).
template <class Real>
[[nodiscard]] bool covariation_needs_scaling(const covariation_fit<Real>& fit) noexcept {
  using limits = std::numeric_limits<Real>;
  const Real low = std::ldexp(Real(1), limits::min_exponent + 2 * limits::digits);
  const Real high = std::ldexp(Real(1), limits::max_exponent - 2 * limits::digits);
  const auto inside = [low, high](Real v) { return v >= low && v <= high; };
  return !(inside(fit.exposure_variance) && inside(fit.hedge_variance) && !std::isnan(fit.covariance));
}

/// `compute(s, f)` on the values divided by the powers of two of their spreads (exact), its sums and
/// ratio multiplied back: covariance by 2^(e_S + e_F), the variances by 2^2e, the ratio by 2^(e_S − e_F);
/// correlation and effectiveness are scale-free. `fit` itself where neither spread is beyond 2^±64 or a
/// value is not finite.
template <class Real, class S, class F, class Compute>
[[nodiscard, gnu::noinline, gnu::cold]] covariation_fit<Real> rescaled_covariation(
    const covariation_fit<Real>& fit, const S* s, std::size_t ns, const F* f, std::size_t nf,
    Compute&& compute) {
  for (std::size_t i = 0; i < ns; ++i) {
    if (!std::isfinite(static_cast<Real>(s[i]))) return fit;  // missing_data::propagate's NaN
  }
  for (std::size_t i = 0; i < nf; ++i) {
    if (!std::isfinite(static_cast<Real>(f[i]))) return fit;
  }
  const int es = significant_exponent(deviation_exponent<Real>(s, ns));
  const int ef = significant_exponent(deviation_exponent<Real>(f, nf));
  if (es == 0 && ef == 0) return fit;
  const std::vector<Real> scaled_s = scaled_copy<Real>(s, ns, es), scaled_f = scaled_copy<Real>(f, nf, ef);
  covariation_fit<Real> out = compute(scaled_s.data(), scaled_f.data());
  out.covariance = std::ldexp(out.covariance, es + ef);
  out.exposure_variance = std::ldexp(out.exposure_variance, 2 * es);
  out.hedge_variance = std::ldexp(out.hedge_variance, 2 * ef);
  out.ratio = std::ldexp(out.ratio, es - ef);
  return out;
}

/// Block size of the pairwise sums below: 512 values of each buffer stay in L1, and the bound
/// log2(512)·eps·Σ|terms| is 9 units of rounding (measured with bench_alignment: 256 and 1024 run alike).
inline constexpr std::size_t hy_block = 512;

/// Σ a_k over one block, pairwise (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
/// §4.2: error at most ⌈log2 count⌉·eps·Σ|a_k|), in place in `a`, which has room for the next power of
/// two ≥ count: the block is padded with zeros, then each half is added onto the one below it.
///
/// GCC does not vectorise these loops at -O2 (unknown trip counts), where they took a quarter of
/// hayashi_yoshida's time in bench_alignment; for double they run on pairs in the compilers' generic
/// vectors (SSE2 on x86-64, NEON on AArch64), each lane doing the scalar loop's additions in its order,
/// so the sum is the same to the bit.
template <class Real>
[[nodiscard]] Real pairwise_sum(Real* a, std::size_t count) noexcept {
  std::size_t width = 1;
  while (width < count) width *= 2;
  for (std::size_t k = count; k < width; ++k) a[k] = 0;
  std::size_t half = width / 2;
#if defined(__GNUC__) || defined(__clang__)
  if constexpr (std::is_same_v<Real, double>) {
    typedef double double_pair __attribute__((vector_size(16)));
    for (; half >= 2; half /= 2) {
      for (std::size_t k = 0; k < half; k += 2) {
        double_pair low, high;
        std::memcpy(&low, a + k, sizeof low);
        std::memcpy(&high, a + k + half, sizeof high);
        low += high;
        std::memcpy(a + k, &low, sizeof low);
      }
    }
  }
#endif
  for (; half >= 1; half /= 2) {
    for (std::size_t k = 0; k < half; ++k) a[k] += a[k + half];
  }
  return count > 0 ? a[0] : Real(0);
}

/// Σ (x_k − x_{k−1})², k = first..end−1 (one block of realised_variance), pairwise, using `d` (room for
/// hy_block values).
template <class Real, class T>
[[nodiscard]] Real squared_changes(const T* x, std::size_t first, std::size_t end, Real* d) noexcept {
  for (std::size_t k = first; k < end; ++k) {
    const Real change = static_cast<Real>(x[k]) - static_cast<Real>(x[k - 1]);
    d[k - first] = change * change;
  }
  return pairwise_sum(d, end - first);
}

/// Σ (x_k − x_{k−1})², k = 1..n−1: blocks summed pairwise, the block sums compensated (Neumaier).
template <class Real, class T>
[[nodiscard]] Real realised_variance(const T* x, std::size_t n) noexcept {
  Real d[hy_block];
  compensated_sum<Real> total;
  for (std::size_t first = 1; first < n; first += hy_block) {
    const std::size_t end = n - first < hy_block ? n : first + hy_block;
    total.add(squared_changes(x, first, end, d));
  }
  return total.value();
}

/// The Hayashi–Yoshida kernel, O(nx + ny) with two pointers.
///
/// For interval I_i = (x_{i−1}, x_i] the overlapping J_j are a contiguous run j = lo..hi, with
/// lo = max(1, #{j : y_j ≤ x_{i−1}}) and hi = min(ny − 1, #{j : y_j < x_i}); both counts only grow with i.
/// Their ΔF telescope: Σ_{j=lo..hi} ΔF_j = F(y_hi) − F(y_{lo−1}), one subtraction per interval.
/// (A branch-free merge of the two streams was tried and measured 2x slower on random gaps: it does
/// nx + ny steps, each with a dependent load, where the `while` loops here do one cheap step per tick.)
///
/// One pass over the data: both realised variances (realised_variance's blocks, in its order: the same
/// bits) and, into `ordered`, whether both series' timestamps are strictly increasing are formed from
/// the blocks the pointers have just read, in cache. (As separate passes they read the four arrays a
/// second time: a third of the time at 10⁷ ticks in bench_alignment.) On unordered timestamps every read
/// stays within the series; the figures are then meaningless and the caller reports the error.
template <class Real, class TX, class TY>
[[nodiscard]] covariation_fit<Real> hayashi_yoshida_kernel(const std::int64_t* tx, const TX* x,
                                                           std::size_t nx, const std::int64_t* ty,
                                                           const TY* y, std::size_t ny,
                                                           bool& ordered) noexcept {
  covariation_fit<Real> fit;
  fit.exposure_ticks = nx;
  fit.hedge_ticks = ny;
  if (nx < 2 || ny < 2) {
    ordered = increasing_stretch(tx, 0, nx) && increasing_stretch(ty, 0, ny);
    return fit;
  }
  // Blocks of S intervals: the pointers write each interval's product ΔS·(telescoped ΔF run) into a small
  // buffer (in L1), summed pairwise per block, the block sums compensated. (One compensated product per
  // interval, Dot2, ran 1.7x slower: its chain of dependent additions.)
  constexpr std::size_t block = hy_block;
  Real products[block];
  Real squares[block];
  compensated_sum<Real> cov, rv_x, rv_y;
  bool in_order = true;
  std::size_t y_done = 1;        // F's changes 1 .. y_done − 1 are in rv_y and its times checked
  std::size_t at_or_before = 0;  // #{j : y_j ≤ x_{i−1}}
  std::size_t before = 0;        // #{j : y_j < x_i}
  std::size_t pairs = 0;
  // F's blocks of changes that end at or before `to`.
  const auto hedge_blocks = [&](std::size_t to) {
    for (; y_done < ny && (ny - y_done <= block ? ny : y_done + block) <= to; y_done += block) {
      const std::size_t end = ny - y_done <= block ? ny : y_done + block;
      in_order = in_order && increasing_stretch(ty, y_done, end);
      rv_y.add(squared_changes(y, y_done, end, squares));
    }
  };
  for (std::size_t first = 1; first < nx; first += block) {
    const std::size_t end = nx - first < block ? nx : first + block;
    for (std::size_t i = first; i < end; ++i) {
      at_or_before = advance_at_or_before(ty, ny, at_or_before, tx[i - 1]);
      before = advance_before(ty, ny, before, tx[i]);
      const std::size_t lo = at_or_before > 0 ? at_or_before : 1;
      const std::size_t hi = before < ny - 1 ? before : ny - 1;
      // lo > hi (no overlap) happens only at the ends of F's span, where the clamps make lo − 1 = hi:
      // the difference below is then exactly 0.
      const Real dx = static_cast<Real>(x[i]) - static_cast<Real>(x[i - 1]);
      const Real dy = static_cast<Real>(y[hi]) - static_cast<Real>(y[lo - 1]);
      products[i - first] = dx * dy;
      pairs += lo <= hi ? hi - lo + 1 : 0;
    }
    cov.add(pairwise_sum(products, end - first));
    in_order = in_order && increasing_stretch(tx, first, end);
    rv_x.add(squared_changes(x, first, end, squares));
    hedge_blocks(before + 1);  // F up to observation `before` read by the pointers
  }
  hedge_blocks(ny);
  ordered = in_order;
  fit.overlapping_pairs = pairs;
  fit.covariance = cov.value();
  fit.exposure_variance = rv_x.value();
  fit.hedge_variance = rv_y.value();
  finish_covariation(fit);
  return fit;
}

template <class Real>
struct timed_pair {
  std::vector<timed_series_view<Real>> views;
  std::vector<Real> s_copy, f_copy;
};

template <class Real, class View>
const Real* as_real(const View& v, std::vector<Real>& copy) {
  if constexpr (std::is_same_v<typename View::value_type, Real>) {
    return v.data();
  } else {
    copy.assign(v.begin(), v.end());
    return copy.data();
  }
}

/// Checks and views two timestamped series for the covariation estimators.
template <class Real, class ExposureTimes, class Exposure, class HedgeTimes, class Hedge>
void timed_pair_of(const ExposureTimes& exposure_time, const Exposure& exposure, const HedgeTimes& hedge_time,
                   const Hedge& hedge, const char* function, timed_pair<Real>& out) {
  require_timestamps<ExposureTimes>();
  require_timestamps<HedgeTimes>();
  const auto ts = view_of(exposure_time, function, "exposure_time");
  const auto s = view_of(exposure, function, "exposure");
  const auto tf = view_of(hedge_time, function, "hedge_time");
  const auto f = view_of(hedge, function, "hedge");
  require_same_length(function, "exposure_time", ts.size(), "exposure", s.size());
  require_same_length(function, "hedge_time", tf.size(), "hedge", f.size());
  require_increasing(ts.data(), ts.size(), "exposure", function);
  require_increasing(tf.data(), tf.size(), "hedge", function);
  out.views.resize(2);
  out.views[0] = timed_series_view<Real>{ts.data(), as_real(s, out.s_copy), s.size(), "exposure"};
  out.views[1] = timed_series_view<Real>{tf.data(), as_real(f, out.f_copy), f.size(), "hedge"};
}

/// missing_data for the covariation estimators: true when the figures must be NaN (propagate and a
/// non-finite value); omit drops observations into `kept`; raise throws.
template <class Real>
bool screen_missing(timed_pair<Real>& pair, missing_data policy, const char* function,
                    std::vector<checked_series<Real>>& kept) {
  align_options options;
  options.missing = policy;
  kept.resize(2);
  bool nonfinite = false;
  for (std::size_t j = 0; j < 2; ++j) {
    series_alignment ignored;
    const auto& v = pair.views[j];
    if (policy == missing_data::propagate) {
      for (std::size_t i = 0; i < v.size; ++i) nonfinite = nonfinite || !std::isfinite(v.value[i]);
      kept[j].time = v.time;
      kept[j].value = v.value;
      kept[j].size = v.size;
    } else {
      // check_series re-checks the order (already done) and handles omit/raise with the same messages as align.
      check_series(v, j, options, function, kept[j], ignored);
    }
  }
  return nonfinite;
}

}  // namespace detail

/// The Hayashi–Yoshida covariance of S and F on their raw timestamps, and the hedge ratio
/// HY(S, F)/RV(F) (see covariation_fit for every figure).
///
/// \f[ \widehat{\langle S,F\rangle} = \sum_i \sum_j \Delta S_i\,\Delta F_j\,
///     \mathbf 1\{(t_{i-1},t_i] \cap (s_{j-1},s_j] \neq \emptyset\} \f]
///
/// No grid and no interpolation: every observation is used at its own time, and the estimator is
/// unbiased for the integrated covariance of two continuous semimartingales observed at times independent
/// of the prices (Hayashi & Yoshida 2005, Theorem 2.3), where the previous-tick estimator on a grid is
/// biased toward zero. Pass price levels for a hedge of price changes, log prices for one of returns.
/// O(nx + ny) time, O(1) memory (two pointers, one subtraction per interval: the ΔF of the overlapping
/// run telescope to a difference of two levels); the products summed pairwise in blocks of 512 and the
/// block sums compensated, so the rounding is at most about 11·eps·Σ|ΔS_i·ΔF-run_i|.
///
/// \param exposure_time, exposure  S's strictly increasing timestamps (std::int64_t) and values.
/// \param hedge_time, hedge        F's, in the same time unit.
/// \param options                  missing-data policy (the grid fields are not used here).
/// \returns covariation_fit<result_t<Exposure, Hedge>>; NaN figures with fewer than 2 observations.
/// \throws std::invalid_argument when a series' timestamps and values differ in length (both lengths in
///         the message) or its timestamps are not strictly increasing (index and values in the message);
///         std::domain_error under missing_data::raise.
/// Reference: Hayashi & Yoshida (2005), "On covariance estimation of non-synchronously observed diffusion
/// processes", Bernoulli 11(2), 359–379, eq. (2.2).
template <class ExposureTimes, class Exposure, class HedgeTimes, class Hedge>
[[nodiscard]] covariation_fit<result_t<Exposure, Hedge>> hayashi_yoshida(
    const ExposureTimes& exposure_time, const Exposure& exposure, const HedgeTimes& hedge_time,
    const Hedge& hedge, const covariation_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::hayashi_yoshida";
  detail::require_timestamps<ExposureTimes>();
  detail::require_timestamps<HedgeTimes>();
  const auto ts = detail::view_of(exposure_time, function, "exposure_time");
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto tf = detail::view_of(hedge_time, function, "hedge_time");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure_time", ts.size(), "exposure", s.size());
  detail::require_same_length(function, "hedge_time", tf.size(), "hedge", f.size());
  if (options.missing == missing_data::propagate) {
    // The fast path reads the caller's arrays in place, whatever their element types, and checks the
    // order of the timestamps as it reads them: the full checks, which throw, run only when that fails.
    bool ordered = true;
    auto fit = detail::hayashi_yoshida_kernel<Real>(ts.data(), s.data(), s.size(), tf.data(), f.data(),
                                                    f.size(), ordered);
    if (!ordered) {
      detail::require_increasing(ts.data(), ts.size(), "exposure", function);
      detail::require_increasing(tf.data(), tf.size(), "hedge", function);
    }
    if (!detail::covariation_needs_scaling(fit)) return fit;
    return detail::rescaled_covariation(
        fit, s.data(), s.size(), f.data(), f.size(), [&](const Real* scaled_s, const Real* scaled_f) {
          return detail::hayashi_yoshida_kernel<Real>(ts.data(), scaled_s, s.size(), tf.data(), scaled_f,
                                                      f.size(), ordered);
        });
  }
  detail::timed_pair<Real> pair;
  detail::timed_pair_of(exposure_time, exposure, hedge_time, hedge, function, pair);  // checks the order
  std::vector<detail::checked_series<Real>> kept;
  detail::screen_missing(pair, options.missing, function, kept);
  bool ordered = true;
  const auto fit = detail::hayashi_yoshida_kernel<Real>(kept[0].time, kept[0].value, kept[0].size,
                                                        kept[1].time, kept[1].value, kept[1].size, ordered);
  if (!detail::covariation_needs_scaling(fit)) return fit;
  return detail::rescaled_covariation(fit, kept[0].value, kept[0].size, kept[1].value, kept[1].size,
                                      [&](const Real* scaled_s, const Real* scaled_f) {
                                        return detail::hayashi_yoshida_kernel<Real>(
                                            kept[0].time, scaled_s, kept[0].size, kept[1].time, scaled_f,
                                            kept[1].size, ordered);
                                      });
}

/// The previous-tick synchronous estimator HY corrects: both series sampled on the grid
/// g_k = grid_start + k·grid_step (each taking its last value at or before g_k, align's calendar_grid),
/// then the realised covariance Σ_k ΔS_k ΔF_k of the grid changes, and the same figures as
/// hayashi_yoshida (covariation_fit; `overlapping_pairs` counts grid steps).
///
/// With independent Poisson observation times of intensities λ_S, λ_F and a grid step Δ much longer
/// than 1/λ, the expected covariance is ⟨S,F⟩·(1 − E|a_S − a_F|/Δ), a_S, a_F the exponential ages at a
/// grid point: (1 − 1/(λΔ)) for λ_S = λ_F = λ, the Epps effect (Epps 1979; Hayashi & Yoshida 2005, §1).
/// The grid runs from grid_start (default: the later first timestamp) to the earlier last timestamp.
/// \throws as hayashi_yoshida does, and std::invalid_argument when grid_step ≤ 0.
template <class ExposureTimes, class Exposure, class HedgeTimes, class Hedge>
[[nodiscard]] covariation_fit<result_t<Exposure, Hedge>> previous_tick_fit(
    const ExposureTimes& exposure_time, const Exposure& exposure, const HedgeTimes& hedge_time,
    const Hedge& hedge, const covariation_options& options) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::previous_tick_fit";
  if (options.grid_step <= 0) {
    detail::fail_invalid(std::string(function) + ": grid_step is " + std::to_string(options.grid_step) +
                         "; it must be > 0 (in timestamp units)");
  }
  detail::timed_pair<Real> pair;
  detail::timed_pair_of(exposure_time, exposure, hedge_time, hedge, function, pair);
  covariation_fit<Real> fit;
  fit.exposure_ticks = pair.views[0].size;
  fit.hedge_ticks = pair.views[1].size;
  std::vector<detail::checked_series<Real>> kept;
  if (detail::screen_missing(pair, options.missing, function, kept)) return fit;
  if (kept[0].size == 0 || kept[1].size == 0) return fit;
  align_options grid;
  grid.policy = join_policy::calendar_grid;
  grid.grid_step = options.grid_step;
  grid.missing = missing_data::propagate;  // already screened
  grid.grid_start = options.grid_start != std::numeric_limits<std::int64_t>::min()
                        ? options.grid_start
                        : std::max(kept[0].time[0], kept[1].time[0]);
  grid.grid_end = std::min(kept[0].time[kept[0].size - 1], kept[1].time[kept[1].size - 1]);
  std::vector<timed_series_view<Real>> views{
      timed_series_view<Real>{kept[0].time, kept[0].value, kept[0].size, "exposure"},
      timed_series_view<Real>{kept[1].time, kept[1].value, kept[1].size, "hedge"}};
  const auto rows = detail::align_kernel(views, grid, function);
  const std::size_t n = rows.time.size();
  if (n < 2) return fit;
  fit.overlapping_pairs = n - 1;
  const auto sums = [&fit, n](const Real* s, const Real* f) {
    detail::compensated_sum<Real> cov, vs, vf;
    for (std::size_t k = 1; k < n; ++k) {
      const Real ds = s[k] - s[k - 1], df = f[k] - f[k - 1];
      cov.add_product(ds, df);
      vs.add_product(ds, ds);
      vf.add_product(df, df);
    }
    covariation_fit<Real> out = fit;
    out.covariance = cov.value();
    out.exposure_variance = vs.value();
    out.hedge_variance = vf.value();
    detail::finish_covariation(out);
    return out;
  };
  const Real* s = rows.values[0].data();
  const Real* f = rows.values[1].data();
  const auto out = sums(s, f);
  if (!detail::covariation_needs_scaling(out)) return out;
  return detail::rescaled_covariation(out, s, n, f, n, sums);
}

// ---------------------------------------------------------------------------------------------------------
// Lead–lag hedge ratios on synchronously sampled changes
// ---------------------------------------------------------------------------------------------------------

/// A lead–lag hedge ratio: the result of dimson_fit and scholes_williams_fit.
///
/// `slopes[k + lags]` is the slope on F_{t+k}, k = −lags..leads (Dimson: the multiple-regression
/// coefficients; Scholes–Williams: the three simple-regression slopes b_{−1}, b_0, b_{+1}).
template <class Real = double>
struct lead_lag_fit {
  std::size_t n = 0;         ///< rows t used (those with every lag and lead present)
  std::size_t lags = 0;      ///< terms F_{t−1}..F_{t−lags}
  std::size_t leads = 0;     ///< terms F_{t+1}..F_{t+leads}
  std::vector<Real> slopes;  ///< slope on F_{t+k} at index k + lags
  Real ratio = std::numeric_limits<Real>::quiet_NaN();                 ///< the lead–lag hedge ratio
  Real ratio_standard_error = std::numeric_limits<Real>::quiet_NaN();  ///< its standard error
  /// Dimson: the multiple regression's R². Scholes–Williams: NaN (three separate regressions).
  Real r_squared = std::numeric_limits<Real>::quiet_NaN();
  /// Scholes–Williams: ρ_F, the first-order autocorrelation of F. Dimson: NaN.
  Real hedge_autocorrelation = std::numeric_limits<Real>::quiet_NaN();
  /// Scholes–Williams: the Newey–West bandwidth used for the standard error. Dimson: 0.
  std::size_t hac_lags = 0;
};

/// Options of dimson_fit (lags, leads) and scholes_williams_fit (missing only: it is one lag, one lead).
struct lead_lag_options {
  std::size_t lags = 1;   ///< lagged terms F_{t−1}..F_{t−lags} (Dimson)
  std::size_t leads = 1;  ///< leading terms F_{t+1}..F_{t+leads} (Dimson)
  /// propagate (every figure NaN on a non-finite value) or raise (std::domain_error). omit is refused:
  /// dropping a row would silently make F_{t−1} the change of another day.
  missing_data missing = missing_data::propagate;
  /// Scholes–Williams: the Newey–West bandwidth L of the standard error; `automatic` takes
  /// ⌊4(n/100)^{2/9}⌋ (Newey & West 1994), 0 the White (independent rows) form.
  std::size_t hac_lags = automatic;
  /// The value of hac_lags that asks for the automatic bandwidth.
  static constexpr std::size_t automatic = std::numeric_limits<std::size_t>::max();
};

namespace detail {

/// Range (detail/power_scale.hpp): where the spread of S or F (views of the same length) is beyond 2^±64,
/// `fit(s, f)` on both divided by the powers of two of their spreads (exact), its slopes, ratio and
/// standard error multiplied back by 2^(e_S − e_F) into `out`; true then, false (and `out` untouched) for
/// data of ordinary size.
template <class Real, class SV, class FV, class Fit>
[[nodiscard]] bool lead_lag_rescaled(const SV& s, const FV& f, Fit&& fit, lead_lag_fit<Real>& out) {
  const int es = significant_exponent(deviation_exponent<Real>(s.data(), s.size()));
  const int ef = significant_exponent(deviation_exponent<Real>(f.data(), f.size()));
  if (es == 0 && ef == 0) return false;
  out = fit(scaled_copy<Real>(s.data(), s.size(), es), scaled_copy<Real>(f.data(), f.size(), ef));
  for (Real& b : out.slopes) b = std::ldexp(b, es - ef);
  out.ratio = std::ldexp(out.ratio, es - ef);
  out.ratio_standard_error = std::ldexp(out.ratio_standard_error, es - ef);
  return true;
}

template <class Real, class SV, class FV>
bool lead_lag_screen(const SV& s, const FV& f, missing_data missing, const char* function) {
  if (missing == missing_data::omit) {
    fail_invalid(std::string(function) +
                 ": missing_data::omit is not accepted: dropping a row would pair F_{t-1} with another "
                 "period's change; align the series first (align) or use propagate or raise");
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!std::isfinite(static_cast<Real>(s[i])) || !std::isfinite(static_cast<Real>(f[i]))) {
      if (missing == missing_data::raise) {
        const bool exposure_bad = !std::isfinite(static_cast<Real>(s[i]));
        HEDGEMETRICS_THROW(std::domain_error(
            std::string(function) + ": " + (exposure_bad ? "exposure" : "hedge") + " value at index " +
            std::to_string(i) + " is " +
            std::to_string(exposure_bad ? static_cast<double>(s[i]) : static_cast<double>(f[i])) +
            " (missing_data::raise)"));
      }
      return true;
    }
  }
  return false;
}

}  // namespace detail

/// Dimson's (1979) aggregated-coefficients hedge ratio: the sum of the slopes of the multiple regression
///
/// \f[ S_t = a + \sum_{k=-L}^{K} b_k F_{t+k} + e_t, \qquad t = L .. n-1-K, \qquad h_D = \sum_k b_k, \f]
///
/// with L = options.lags and K = options.leads, on synchronously sampled changes (or returns) of the
/// exposure S and hedge F. The regression is the library's multi-instrument fit_hedge (Householder QR);
/// SE(h_D) = √(1ᵀ V 1) with V = s²(XᵀX)⁻¹ the OLS covariance of the slopes, s² = SSR/(n − L − K − 2).
/// NaN figures when n ≤ L + K + 2 or the lagged F are collinear (a constant F).
/// \throws std::invalid_argument when the lengths differ or missing is omit; std::domain_error under raise.
/// Reference: Dimson (1979), "Risk measurement when shares are subject to infrequent trading",
/// J. Financial Economics 7(2), 197–226, eq. (13).
template <class Exposure, class Hedge>
[[nodiscard]] lead_lag_fit<result_t<Exposure, Hedge>> dimson_fit(const Exposure& exposure, const Hedge& hedge,
                                                                 const lead_lag_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::dimson_fit";
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
  const std::size_t lags = options.lags, leads = options.leads, p = lags + leads + 1;
  lead_lag_fit<Real> fit;
  fit.lags = lags;
  fit.leads = leads;
  fit.slopes.assign(p, std::numeric_limits<Real>::quiet_NaN());
  const bool nonfinite = detail::lead_lag_screen<Real>(s, f, options.missing, function);
  if (s.size() <= lags + leads) return fit;
  const std::size_t n = s.size() - lags - leads;
  fit.n = n;
  if (nonfinite) return fit;
  // Range: series near 1e∓300 gave a standard error of 0 (its square underflowed). R² is scale-free.
  if (detail::lead_lag_rescaled<Real>(
          s, f,
          [&](const auto& scaled_s, const auto& scaled_f) { return dimson_fit(scaled_s, scaled_f, options); },
          fit)) {
    return fit;
  }
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  matrix x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
  std::vector<Real> y(n);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t t = r + lags;
    y[r] = static_cast<Real>(s[t]);
    for (std::size_t c = 0; c < p; ++c) {
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = static_cast<Real>(f[t + c - lags]);
    }
  }
  const auto m = fit_hedge(y, x, fit_options{});
  if (m.rank < p + 1) return fit;  // collinear: the aggregate of the slopes is not identified
  Real sum = 0;
  for (std::size_t c = 0; c < p; ++c) {
    fit.slopes[c] = m.ratios(static_cast<Eigen::Index>(c));
    sum += fit.slopes[c];
  }
  fit.ratio = sum;
  fit.r_squared = m.r_squared;
  if (n > p + 1) {
    fit.ratio_standard_error = std::sqrt(m.ratio_covariance.sum());  // 1ᵀV1
  }
  return fit;
}

/// Scholes and Williams' (1977) hedge ratio for nonsynchronous data:
///
/// \f[ h_{SW} = \frac{b_{-1} + b_0 + b_{+1}}{1 + 2\rho_F}, \f]
///
/// b_k the simple-regression slope of S_t on F_{t+k} over the common rows t = 1..n−2 (each with its own
/// intercept), ρ_F the correlation of F_t with F_{t−1} over t = 1..n−1.
///
/// Standard error by the delta method on each row's influence, with a Newey–West long-run variance
/// (options.hac_lags; the rows' contributions are serially correlated because F_{t±1} appear in
/// neighbouring rows): b_k − β_k ≈ (1/m)Σ_t ã_{kt}e_{kt}/V_k with ã the centred F_{t+k},
/// e the regression residual, V_k = Σã²/m; ρ̂ − ρ ≈ 1/(n−1) Σ_t (x̃_t ỹ_t − ρ(x̃_t² + ỹ_t²)/2) with x̃, ỹ the
/// standardised F_t, F_{t−1}; with c_t the row's contribution to h_SW through ∂h/∂b_k = 1/(1 + 2ρ),
/// ∂h/∂ρ = −2(b_{−1}+b_0+b_{+1})/(1 + 2ρ)², SE² = Σ_t c_t² + 2Σ_{l=1..L}(1 − l/(L+1))Σ_t c_t c_{t−l}.
/// O(n·L) time, O(n) memory.
/// NaN figures when n < 4, F is constant, or 1 + 2ρ_F = 0.
/// \throws std::invalid_argument when the lengths differ or missing is omit; std::domain_error under raise.
/// Reference: Scholes & Williams (1977), "Estimating betas from nonsynchronous data", J. Financial
/// Economics 5(3), 309–327, eq. (14); the delta method: van der Vaart, Asymptotic Statistics (1998), ch. 3;
/// Newey & West (1987), Econometrica 55(3), 703–708, and (1994), Rev. Econ. Studies 61(4), 631–653.
template <class Exposure, class Hedge>
[[nodiscard]] lead_lag_fit<result_t<Exposure, Hedge>> scholes_williams_fit(
    const Exposure& exposure, const Hedge& hedge, const lead_lag_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::scholes_williams_fit";
  const auto sv = detail::view_of(exposure, function, "exposure");
  const auto fv = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", sv.size(), "hedge", fv.size());
  lead_lag_fit<Real> fit;
  fit.lags = 1;
  fit.leads = 1;
  fit.slopes.assign(3, std::numeric_limits<Real>::quiet_NaN());
  const bool nonfinite = detail::lead_lag_screen<Real>(sv, fv, options.missing, function);
  const std::size_t n = sv.size();
  if (n < 4) {
    fit.n = n >= 2 ? n - 2 : 0;
    return fit;
  }
  const std::size_t m = n - 2;
  fit.n = m;
  if (nonfinite) return fit;
  // Range: series near 1e±300 gave NaN or 0 figures. ρ_F is scale-free.
  if (detail::lead_lag_rescaled<Real>(
          sv, fv,
          [&](const auto& scaled_s, const auto& scaled_f) {
            return scholes_williams_fit(scaled_s, scaled_f, options);
          },
          fit)) {
    return fit;
  }
  auto S = [&](std::size_t t) { return static_cast<Real>(sv[t]); };
  auto F = [&](std::size_t t) { return static_cast<Real>(fv[t]); };
  // Pass 1: means. Rows t = 1..n−2 for the slopes; pairs t = 1..n−1 for ρ.
  Real s_mean = 0, a_mean[3] = {0, 0, 0};
  for (std::size_t t = 1; t + 1 < n; ++t) {
    s_mean += S(t);
    for (int k = 0; k < 3; ++k) a_mean[k] += F(t + static_cast<std::size_t>(k) - 1);
  }
  s_mean /= static_cast<Real>(m);
  for (Real& a : a_mean) a /= static_cast<Real>(m);
  Real x_mean = 0, y_mean = 0;  // F_t and F_{t−1}, t = 1..n−1
  for (std::size_t t = 1; t < n; ++t) {
    x_mean += F(t);
    y_mean += F(t - 1);
  }
  x_mean /= static_cast<Real>(n - 1);
  y_mean /= static_cast<Real>(n - 1);
  // Pass 2: centred co-moments.
  Real sa[3] = {0, 0, 0}, aa[3] = {0, 0, 0}, sxy = 0, sxx = 0, syy = 0;
  for (std::size_t t = 1; t + 1 < n; ++t) {
    const Real ds = S(t) - s_mean;
    for (int k = 0; k < 3; ++k) {
      const Real da = F(t + static_cast<std::size_t>(k) - 1) - a_mean[k];
      sa[k] += ds * da;
      aa[k] += da * da;
    }
  }
  for (std::size_t t = 1; t < n; ++t) {
    const Real dx = F(t) - x_mean, dy = F(t - 1) - y_mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(aa[0] > 0 && aa[1] > 0 && aa[2] > 0 && sxx > 0 && syy > 0)) return fit;
  Real b[3], total = 0;
  for (int k = 0; k < 3; ++k) {
    b[k] = sa[k] / aa[k];
    fit.slopes[static_cast<std::size_t>(k)] = b[k];
    total += b[k];
  }
  const Real rho = sxy / (std::sqrt(sxx) * std::sqrt(syy));
  fit.hedge_autocorrelation = rho;
  const Real denominator = 1 + 2 * rho;
  if (!(denominator != 0)) return fit;
  fit.ratio = total / denominator;
  // Pass 3: each time index's contribution c_t to h_SW (delta method).
  const Real d_b = 1 / denominator;
  const Real d_rho = -2 * total / (denominator * denominator);
  const Real sx = std::sqrt(sxx / static_cast<Real>(n - 1)), sy = std::sqrt(syy / static_cast<Real>(n - 1));
  std::vector<Real> c(n, Real(0));
  for (std::size_t t = 1; t < n; ++t) {
    if (t + 1 < n) {
      const Real ds = S(t) - s_mean;
      Real influence = 0;
      for (int k = 0; k < 3; ++k) {
        const Real da = F(t + static_cast<std::size_t>(k) - 1) - a_mean[k];
        influence += da * (ds - b[k] * da) / (aa[k] / static_cast<Real>(m));
      }
      c[t] += d_b * influence / static_cast<Real>(m);
    }
    const Real xs = (F(t) - x_mean) / sx, ys = (F(t - 1) - y_mean) / sy;
    c[t] += d_rho * (xs * ys - rho * (xs * xs + ys * ys) / 2) / static_cast<Real>(n - 1);
  }
  // Newey–West: the c_t are serially correlated (the b_{−1} term of row t and the b_{+1} term of row t − 2
  // share F_{t−1}), so their variance is a long-run one, Bartlett weights 1 − l/(L + 1).
  const std::size_t bandwidth =
      options.hac_lags != lead_lag_options::automatic
          ? options.hac_lags
          : static_cast<std::size_t>(4 * std::pow(static_cast<double>(n) / 100, 2.0 / 9.0));
  fit.hac_lags = bandwidth;
  Real variance = 0;
  for (std::size_t t = 1; t < n; ++t) variance += c[t] * c[t];
  for (std::size_t l = 1; l <= bandwidth && l + 1 < n; ++l) {
    Real autocovariance = 0;
    for (std::size_t t = l + 1; t < n; ++t) autocovariance += c[t] * c[t - l];
    variance += 2 * (1 - static_cast<Real>(l) / static_cast<Real>(bandwidth + 1)) * autocovariance;
  }
  fit.ratio_standard_error = std::sqrt(variance);
  return fit;
}

// ---------------------------------------------------------------------------------------------------------
// The Epps diagnostic
// ---------------------------------------------------------------------------------------------------------

/// One point of the Epps curve: the hedge fitted on changes over `interval` steps.
template <class Real = double>
struct epps_point {
  std::size_t interval = 0;                             ///< q, the sampling interval in rows (days, minutes)
  std::size_t n = 0;                                    ///< non-overlapping q-step changes used
  Real ratio = std::numeric_limits<Real>::quiet_NaN();  ///< h*(q), fit_hedge's ratio
  Real ratio_standard_error = std::numeric_limits<Real>::quiet_NaN();  ///< its OLS standard error
  Real effectiveness = std::numeric_limits<Real>::quiet_NaN();         ///< R²(q)
  Real correlation = std::numeric_limits<Real>::quiet_NaN();           ///< ρ(q)
};

/// Options of epps_curve.
struct epps_options {
  /// The sampling intervals q, in rows, each ≥ 1.
  std::vector<std::size_t> intervals{1, 2, 5, 10, 20};
  /// Passed to fit_hedge (propagate, omit or raise).
  missing_data missing = missing_data::propagate;
};

/// The Epps diagnostic: the minimum-variance hedge ratio and effectiveness as the sampling interval
/// grows. For each q in options.intervals, the non-overlapping q-step changes
/// ΔS_i = S_{iq} − S_{(i−1)q}, ΔF_i likewise, i = 1..⌊(n−1)/q⌋, are fitted with fit_hedge (hedge_ratio.hpp).
/// Stale prices bias h*(1) toward zero; the q at which h*(q) stops rising is the horizon at which the
/// hedge can be trusted (Epps 1979; Hayashi & Yoshida 2005 for the same bias in the limit). The points
/// are NaN as fit_hedge's are (fewer than 2 or 3 changes, a constant F).
///
/// \param exposure, hedge aligned price levels (the rows of align(), say), the same length.
/// \throws std::invalid_argument when the lengths differ or an interval is 0; what fit_hedge throws.
/// Reference: Epps (1979), "Comovements in stock prices in the very short run", JASA 74(366), 291–298.
template <class Exposure, class Hedge>
[[nodiscard]] std::vector<epps_point<result_t<Exposure, Hedge>>> epps_curve(
    const Exposure& exposure, const Hedge& hedge, const epps_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::epps_curve";
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
  for (std::size_t i = 0; i < options.intervals.size(); ++i) {
    if (options.intervals[i] == 0) {
      detail::fail_invalid(std::string(function) + ": intervals[" + std::to_string(i) +
                           "] is 0; each sampling interval must be at least 1 row");
    }
  }
  // The q-step changes are resample_changes' non-overlapping k-row changes (dated.hpp), the rows' own
  // numbers standing for dates. Prices pass as they are (missing_data::propagate: a NaN price makes the
  // changes that use it NaN), and fit_hedge applies options.missing to the changes, as before dated.hpp.
  std::vector<Real> s_copy, f_copy;
  const auto s_real = detail::as_real<Real>(exposure, s_copy, function, "exposure");
  const auto f_real = detail::as_real<Real>(hedge, f_copy, function, "hedge");
  std::vector<std::int64_t> row_numbers(s.size());
  for (std::size_t t = 0; t < s.size(); ++t) row_numbers[t] = static_cast<std::int64_t>(t);
  const series_view<std::int64_t> rows(row_numbers.data(), row_numbers.size());
  std::vector<epps_point<Real>> curve;
  dated_change_pair<Real> changes;
  for (const std::size_t q : options.intervals) {
    resample_options resampling;
    resampling.horizon = change_horizon::days(q);
    resampling.missing = missing_data::propagate;
    detail::resample_pair(rows, s_real, f_real, resampling, function, changes);
    const auto fit = fit_hedge(changes.exposure, changes.hedge, fit_options{true, options.missing});
    epps_point<Real> point;
    point.interval = q;
    point.n = fit.n;
    point.ratio = fit.ratio;
    point.ratio_standard_error = fit.ratio_standard_error;
    point.effectiveness = fit.effectiveness;
    point.correlation = fit.correlation;
    curve.push_back(point);
  }
  return curve;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_ASYNCHRONOUS_HPP
