// SPDX-License-Identifier: MIT
/// \file
/// Time-varying minimum-variance hedge ratios: over a rolling window (rolling_hedge), with exponentially
/// decaying weights (ewma_hedge, RiskMetrics 1996) and over all data so far (expanding_hedge).
///
/// Convention as in hedge_ratio.hpp: the exposure S is held long, h units of the hedge F are sold per unit
/// of exposure, and the figures at position t are those of the regression of S on F over the observations
/// the estimator sees at t (t included). Use them at t + 1 (walk_forward.hpp does): a ratio that includes
/// observation t is not known before t ends.
///
/// Range (issue 10; README, "Accuracy"): the three functions take finite values anywhere in the double
/// range, subnormals included, each series at its own scale. The ratio and the effectiveness are as exact
/// as on data of ordinary size wherever they are representable: scaling the exposure by k_S and the hedge
/// by k_F scales the ratio by k_S/k_F (to +inf, or to a subnormal or 0, only when that quotient leaves the
/// doubles) and leaves the effectiveness unchanged. residual_variance is a variance of the exposure's units
/// squared: +inf where its true value exceeds DBL_MAX (data near 1e200), a subnormal or 0 where it is below
/// 2^-1022 (data near 1e-200); its error is a share of about 1e-13 of the exposure's variance in the window,
/// so where that variance itself exceeds DBL_MAX a residual variance that is a rounding residue (a
/// two-point window's 0) may come back as +inf too. Data whose magnitudes stay in [2^-400, 2^400] (about
/// 1e-120 to 1e120) are computed exactly as before the range work, bit for bit and at the same speed;
/// beyond that they take power-of-two-scaled paths (detail/window_states.hpp), 3 to 10 times slower per
/// point, and O(window) per window where two adjacent chunks' magnitudes span more than 2^700.
#ifndef HEDGEMETRICS_ROLLING_HPP
#define HEDGEMETRICS_ROLLING_HPP

#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/blocks.hpp"
#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/window_states.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// The pairs behind each figure of a time-varying hedge (time_varying_hedge::count), read as a
/// `const std::vector<std::size_t>` is: size(), operator[], at(), front(), back(), iterators, == and
/// conversion to std::vector<std::size_t> (to_vector(), or implicitly).
///
/// Where the counts follow from the position alone they are computed when read and not stored
/// (computed() is true): under missing_data::propagate, min(t + 1, window) for rolling_hedge and t + 1
/// for ewma_hedge and expanding_hedge. Writing them was 8 bytes per point, 10-17% of rolling_hedge's time
/// once its series and figures are past the caches (bench_rolling at 10^6 points, 2026-12-05), and 8 MB
/// to allocate and touch per million points for a fresh result. Under missing_data::omit they depend on
/// where values are missing and are stored, one per element.
class pair_counts {
 public:
  using value_type = std::size_t;          ///< A count of pairs.
  using size_type = std::size_t;           ///< The type of size() and of positions.
  using difference_type = std::ptrdiff_t;  ///< The distance between two iterators.

  /// A random-access iterator over the counts, giving each by value (a C++17 input iterator by its tag,
  /// a C++20 random-access iterator by its concept).
  class const_iterator {
   public:
    using value_type = std::size_t;          ///< A count of pairs.
    using difference_type = std::ptrdiff_t;  ///< The distance between two iterators.
    using reference = std::size_t;           ///< A count, by value (a computed one has no storage).
    using pointer = void;                    ///< None: the counts are given by value.
    using iterator_category = std::input_iterator_tag;  ///< C++17's tag (its reference is not a reference).
#if defined(__cpp_lib_concepts)
    using iterator_concept = std::random_access_iterator_tag;  ///< C++20's concept.
#endif

    /// An iterator over no counts.
    const_iterator() = default;
    /// The count at this position.
    [[nodiscard]] std::size_t operator*() const noexcept {
      return (*counts_)[index_];
    }
    /// The count k positions on.
    [[nodiscard]] std::size_t operator[](difference_type k) const noexcept {
      return (*counts_)[static_cast<std::size_t>(static_cast<difference_type>(index_) + k)];
    }
    /// The next position.
    const_iterator& operator++() noexcept {
      return ++index_, *this;
    }
    /// The next position, returning this one.
    const_iterator operator++(int) noexcept {
      const_iterator before = *this;
      ++index_;
      return before;
    }
    /// The position before.
    const_iterator& operator--() noexcept {
      return --index_, *this;
    }
    /// The position before, returning this one.
    const_iterator operator--(int) noexcept {
      const_iterator before = *this;
      --index_;
      return before;
    }
    /// k positions on.
    const_iterator& operator+=(difference_type k) noexcept {
      index_ = static_cast<std::size_t>(static_cast<difference_type>(index_) + k);
      return *this;
    }
    /// k positions back.
    const_iterator& operator-=(difference_type k) noexcept {
      return *this += -k;
    }
    /// k positions after i.
    [[nodiscard]] friend const_iterator operator+(const_iterator i, difference_type k) noexcept {
      return i += k;
    }
    /// k positions after i.
    [[nodiscard]] friend const_iterator operator+(difference_type k, const_iterator i) noexcept {
      return i += k;
    }
    /// k positions before i.
    [[nodiscard]] friend const_iterator operator-(const_iterator i, difference_type k) noexcept {
      return i -= k;
    }
    /// How many positions a is after b.
    [[nodiscard]] friend difference_type operator-(const const_iterator& a,
                                                   const const_iterator& b) noexcept {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    /// Whether a and b are at the same position (of the same counts).
    [[nodiscard]] friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept {
      return a.index_ == b.index_;
    }
    /// Whether a and b are at different positions.
    [[nodiscard]] friend bool operator!=(const const_iterator& a, const const_iterator& b) noexcept {
      return a.index_ != b.index_;
    }
    /// Whether a is before b.
    [[nodiscard]] friend bool operator<(const const_iterator& a, const const_iterator& b) noexcept {
      return a.index_ < b.index_;
    }
    /// Whether a is after b.
    [[nodiscard]] friend bool operator>(const const_iterator& a, const const_iterator& b) noexcept {
      return a.index_ > b.index_;
    }
    /// Whether a is not after b.
    [[nodiscard]] friend bool operator<=(const const_iterator& a, const const_iterator& b) noexcept {
      return a.index_ <= b.index_;
    }
    /// Whether a is not before b.
    [[nodiscard]] friend bool operator>=(const const_iterator& a, const const_iterator& b) noexcept {
      return a.index_ >= b.index_;
    }

   private:
    friend class pair_counts;
    const_iterator(const pair_counts* counts, std::size_t index) noexcept : counts_(counts), index_(index) {}
    const pair_counts* counts_ = nullptr;
    std::size_t index_ = 0;
  };
  using iterator = const_iterator;  ///< The counts cannot be changed through an iterator.

  /// No counts.
  pair_counts() = default;
  /// The given counts, stored.
  explicit pair_counts(std::vector<std::size_t> counts) noexcept
      : size_(counts.size()), stored_(std::move(counts)) {}
  /// The counts min(t + 1, cap) for t = 0 … size − 1, computed when read (cap = SIZE_MAX: t + 1).
  /// \throws std::invalid_argument when cap is 0.
  [[nodiscard]] static pair_counts positional(std::size_t size, std::size_t cap) {
    if (cap == 0) {
      HEDGEMETRICS_THROW(
          std::invalid_argument("hedgemetrics::pair_counts::positional: the cap (a window's length) must be "
                                "at least 1, but it is 0"));
    }
    pair_counts counts;
    counts.assign_positional(size, cap);
    return counts;
  }

  /// The number of counts, the input's length.
  [[nodiscard]] std::size_t size() const noexcept {
    return size_;
  }
  /// Whether there are no counts.
  [[nodiscard]] bool empty() const noexcept {
    return size_ == 0;
  }
  /// Count t, for t < size() (not checked).
  [[nodiscard]] std::size_t operator[](std::size_t t) const noexcept {
    return !computed_ ? stored_[t] : (t < cap_ ? t + 1 : cap_);
  }
  /// Count t. \throws std::out_of_range naming t and size() when t ≥ size().
  [[nodiscard]] std::size_t at(std::size_t t) const {
    if (t >= size_) {
      HEDGEMETRICS_THROW(std::out_of_range("hedgemetrics::pair_counts::at: position " + std::to_string(t) +
                                           " is past the last of " + std::to_string(size_) + " counts"));
    }
    return (*this)[t];
  }
  /// The first count (not empty()).
  [[nodiscard]] std::size_t front() const noexcept {
    return (*this)[0];
  }
  /// The last count (not empty()).
  [[nodiscard]] std::size_t back() const noexcept {
    return (*this)[size_ - 1];
  }
  /// The first position.
  [[nodiscard]] const_iterator begin() const noexcept {
    return {this, 0};
  }
  /// Past the last position.
  [[nodiscard]] const_iterator end() const noexcept {
    return {this, size_};
  }
  /// The first position.
  [[nodiscard]] const_iterator cbegin() const noexcept {
    return begin();
  }
  /// Past the last position.
  [[nodiscard]] const_iterator cend() const noexcept {
    return end();
  }
  /// Whether the counts are computed from the position (true) or stored (false).
  [[nodiscard]] bool computed() const noexcept {
    return computed_;
  }

  /// The counts as a vector.
  [[nodiscard]] std::vector<std::size_t> to_vector() const {
    if (!computed_) return {stored_.begin(), stored_.begin() + static_cast<difference_type>(size_)};
    std::vector<std::size_t> counts(size_);
    for (std::size_t t = 0; t < size_; ++t) counts[t] = (*this)[t];
    return counts;
  }
  /// The counts as a vector, so that `std::vector<std::size_t> c = result.count;` reads them.
  operator std::vector<std::size_t>() const {
    return to_vector();
  }  // NOLINT(google-explicit-constructor)

  /// Equal when they have the same counts, however each holds them.
  [[nodiscard]] friend bool operator==(const pair_counts& a, const pair_counts& b) noexcept {
    if (a.size_ != b.size_) return false;
    if (a.computed_ && b.computed_ && a.cap_ == b.cap_) return true;
    for (std::size_t t = 0; t < a.size_; ++t) {
      if (a[t] != b[t]) return false;
    }
    return true;
  }
  /// Not equal: a count differs, or the sizes do.
  [[nodiscard]] friend bool operator!=(const pair_counts& a, const pair_counts& b) noexcept {
    return !(a == b);
  }

  /// For the estimators: computed counts min(t + 1, cap) (all 0 for a cap of 0), keeping any stored ones'
  /// memory for later use.
  void assign_positional(std::size_t size, std::size_t cap) noexcept {
    size_ = size;
    cap_ = cap;
    computed_ = true;
  }
  /// For the estimators: `size` stored counts, whose memory is returned for them to write every one of
  /// (its contents are unspecified until then; a reused object keeps its memory).
  [[nodiscard]] std::size_t* assign_stored(std::size_t size) {
    stored_.resize(size);
    size_ = size;
    computed_ = false;
    return stored_.data();
  }

 private:
  std::size_t size_ = 0;
  std::size_t cap_ = 0;    // the largest count, where computed
  bool computed_ = false;  // computed from the position (cap_), or stored
  std::vector<std::size_t> stored_;
};

/// The figures of a time-varying hedge at every position of the input: element t of each vector belongs to
/// the estimate that ends at observation t. NaN where the estimate is undefined (too few pairs, a constant
/// hedge, a non-finite value under missing_data::propagate). Each vector, and `count`, is as long as the
/// input.
template <class Real = double>
struct time_varying_hedge {
  /// h*_t = S_SF/S_FF over the estimate's observations (Ederington 1979): NaN when fewer pairs than
  /// min_periods (or than 2), or the hedge is constant there.
  std::vector<Real> ratio;
  /// 1 − SSR/S_SS = R² of those observations: NaN where `ratio` is, or the exposure is constant there.
  std::vector<Real> effectiveness;
  /// The variance of the hedged position S − h*F over those observations: SSR/(n − 1) for rolling and
  /// expanding estimates, SSR/W (W the sum of the weights) for ewma_hedge. NaN where `ratio` is.
  std::vector<Real> residual_variance;
  /// Pairs behind element t: the positions in the window (rolling, under missing_data::propagate) or the
  /// complete pairs among them (missing_data::omit); for ewma_hedge and expanding_hedge, the complete pairs
  /// seen so far (all pairs so far under propagate). Under propagate they are computed from t when read,
  /// not stored (pair_counts).
  pair_counts count;
};

// The three options structs below keep `policy`, the name of the previous version, for one version: a
// [[deprecated]] member whose implicit copies are not reported (the pragma), while a caller's own use of
// it is. The estimators read `missing`, or `policy` when only that was set (detail::missing_of).
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

/// Options of rolling_hedge: the window and what else shapes it.
struct rolling_options {
  /// Observations per window, at least 2: the figures at t cover positions t − window + 1 … t. Required
  /// (0, the default, is an std::invalid_argument that says to set it).
  std::size_t window = 0;
  /// Least number of pairs (positions under propagate, complete pairs under omit) a window needs before it
  /// has figures; 0 (the default) means the window length, so the first window-1 positions are NaN.
  /// Figures also need at least 2 pairs whatever this says. Must not exceed the window.
  std::size_t min_periods = 0;
  /// What non-finite values mean. propagate: every window that holds one is NaN (and the windows after
  /// it are not affected). omit: windows are still defined by positions (t − window + 1 … t), and use the
  /// complete pairs among them, so a window with gaps has fewer pairs. raise: std::domain_error.
  missing_data missing = missing_data::propagate;
  /// \deprecated The previous version's name of `missing`, read only when `missing` is left at propagate.
  [[deprecated("use rolling_options::missing")]] missing_data policy = missing_data::propagate;
};

/// Options of ewma_hedge: the decay λ, or a half-life through from_half_life().
struct ewma_options {
  /// Decay per period, in (0, 1): the observation k periods old weighs λ^k. RiskMetrics (1996) uses
  /// 0.94 for daily data, the default.
  double lambda = 0.94;
  /// Least number of complete pairs seen before figures are given (at least 2 in effect).
  std::size_t min_periods = 2;
  /// What non-finite values mean. propagate: every figure from the first non-finite value on is NaN (an
  /// exponential average never forgets entirely). omit: the pair is skipped, but weights still decay by
  /// position, so an observation k positions old weighs λ^k whatever is missing in between. raise:
  /// std::domain_error.
  missing_data missing = missing_data::propagate;
  /// \deprecated The previous version's name of `missing`, read only when `missing` is left at propagate.
  [[deprecated("use ewma_options::missing")]] missing_data policy = missing_data::propagate;

  /// The decay whose weights halve every `periods` periods: λ = 2^(−1/periods).
  /// \throws std::invalid_argument when `periods` is not finite and positive, or when λ is not a double in
  ///         (0, 1): below about 9.3e-4 periods 2^(−1/periods) underflows to 0, above about 1.2e16 it rounds
  ///         to 1 (the message gives the half-life and says what to use instead).
  [[nodiscard]] static ewma_options from_half_life(double periods,
                                                   missing_data missing = missing_data::propagate) {
    if (!(periods > 0) || !std::isfinite(periods)) {
      HEDGEMETRICS_THROW(
          std::invalid_argument("hedgemetrics::ewma_options::from_half_life: the half-life must be finite "
                                "and positive, but it is " +
                                detail::value_text(periods)));
    }
    ewma_options options;
    options.lambda = std::exp2(-1.0 / periods);
    if (!(options.lambda > 0) || !(options.lambda < 1)) {
      HEDGEMETRICS_THROW(std::invalid_argument(
          "hedgemetrics::ewma_options::from_half_life: a half-life of " + detail::value_text(periods) +
          " periods gives λ = 2^(−1/" + detail::value_text(periods) +
          ") = " + detail::value_text(options.lambda) +
          ", outside (0, 1) in double precision; use a half-life between 1/1074 and 2^53 periods"));
    }
    options.missing = missing;
    return options;
  }
};

/// Options of expanding_hedge.
struct expanding_options {
  /// Least number of complete pairs seen before figures are given (at least 2 in effect).
  std::size_t min_periods = 2;
  /// As for ewma_options::missing (propagate: NaN from the first non-finite value on).
  missing_data missing = missing_data::propagate;
  /// \deprecated The previous version's name of `missing`, read only when `missing` is left at propagate.
  [[deprecated("use expanding_options::missing")]] missing_data policy = missing_data::propagate;
};

namespace detail {

/// The missing-data policy of options that still carry the previous version's `policy`: `missing`, unless
/// only `policy` was set.
template <class Options>
[[nodiscard]] missing_data missing_of(const Options& options) noexcept {
  return options.missing != missing_data::propagate ? options.missing : options.policy;
}

}  // namespace detail

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace detail {

template <class X, class Y>
void raise_on_nonfinite(const char* function, const X* x, const Y* y, std::size_t n) {
  const nonfinite_position where =
      find_nonfinite(0, n, named_series<X>{"exposure", x}, named_series<Y>{"hedge", y});
  if (where.found) throw_nonfinite(function, where);
}

/// ewma_hedge and expanding_hedge: decayed_windows (detail/window_states.hpp) over the whole series, into
/// `out` (resized: every element is written by decayed_windows, so a reused result is not filled first).
template <class Real, class X, class Y>
void decayed_into(const X* x, const Y* y, std::size_t n, Real lambda, std::size_t min_periods,
                  missing_data policy, bool sample_variance, time_varying_hedge<Real>& out,
                  const char* function) {
  if (policy == missing_data::raise) raise_on_nonfinite(function, x, y, n);
  out.ratio.resize(n);
  out.effectiveness.resize(n);
  out.residual_variance.resize(n);
  const bool propagate = policy == missing_data::propagate;
  std::size_t* count = nullptr;
  if (propagate) {
    out.count.assign_positional(n, std::numeric_limits<std::size_t>::max());
  } else {
    count = out.count.assign_stored(n);
  }
  decayed_windows(
      x, y, n, lambda, min_periods < 2 ? 2 : min_periods, propagate, sample_variance,
      window_figures<Real>{out.ratio.data(), out.effectiveness.data(), out.residual_variance.data(), count});
}

template <class Exposure, class Hedge>
void ewma_into(const Exposure& exposure, const Hedge& hedge, const ewma_options& options,
               time_varying_hedge<result_t<Exposure, Hedge>>& out) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::ewma_hedge";
  const auto s = view_of(exposure, function, "exposure");
  const auto f = view_of(hedge, function, "hedge");
  require_same_length(function, "exposure", s.size(), "hedge", f.size());
  require_open_unit(options.lambda, "the decay lambda", function);
  decayed_into<Real>(s.data(), f.data(), s.size(), static_cast<Real>(options.lambda), options.min_periods,
                     missing_of(options), false, out, function);
}

template <class Exposure, class Hedge>
void expanding_into(const Exposure& exposure, const Hedge& hedge, const expanding_options& options,
                    time_varying_hedge<result_t<Exposure, Hedge>>& out) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::expanding_hedge";
  const auto s = view_of(exposure, function, "exposure");
  const auto f = view_of(hedge, function, "hedge");
  require_same_length(function, "exposure", s.size(), "hedge", f.size());
  decayed_into<Real>(s.data(), f.data(), s.size(), Real(1), options.min_periods, missing_of(options), true,
                     out, function);
}

}  // namespace detail

namespace detail {

template <class Exposure, class Hedge>
void rolling_into(const Exposure& exposure, const Hedge& hedge, const rolling_options& options,
                  time_varying_hedge<result_t<Exposure, Hedge>>& out, const char* function) {
  using Real = result_t<Exposure, Hedge>;
  const auto s = view_of(exposure, function, "exposure");
  const auto f = view_of(hedge, function, "hedge");
  require_same_length(function, "exposure", s.size(), "hedge", f.size());
  const std::size_t window = options.window;
  if (window == 0) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": set rolling_options::window, the observations per window "
                                             "(at least 2)"));
  }
  if (window < 2) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the window must hold at least 2 " +
                                             "observations, but it is " + std::to_string(window)));
  }
  if (options.min_periods > window) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": min_periods (" + std::to_string(options.min_periods) +
        ") must not exceed the window (" + std::to_string(window) + ")"));
  }
  if (missing_of(options) == missing_data::raise) raise_on_nonfinite(function, s.data(), f.data(), s.size());
  const std::size_t n = s.size();
  // A window longer than the series is a chunk as long as the series: every window is a prefix.
  const std::size_t chunk = window < n ? window : n;
  // Every figure and count is written by the kernel, so resizing (not refilling) is enough: a reused
  // result is not touched twice (filling the counts beforehand was 11% of the time at -O2, bench_rolling).
  out.ratio.resize(n);
  out.effectiveness.resize(n);
  out.residual_variance.resize(n);
  // Under propagate a window's count is its number of positions, min(t + 1, window): computed when read.
  const bool propagate = missing_of(options) == missing_data::propagate;
  std::size_t* count = nullptr;
  if (propagate) {
    out.count.assign_positional(n, window);
  } else {
    count = out.count.assign_stored(n);
  }
  const std::size_t periods = options.min_periods == 0 ? window : options.min_periods;
  rolling_windows<Real>(
      s.data(), f.data(), n, chunk, periods < 2 ? 2 : periods, propagate,
      window_figures<Real>{out.ratio.data(), out.effectiveness.data(), out.residual_variance.data(), count});
}

}  // namespace detail

/// rolling_hedge writing into `out`, whose vectors are resized to the input's length and reuse their
/// storage: for a caller that recomputes the rolling figures often (every new batch of prices), this saves
/// the allocation and first touch of four fresh vectors, which costs more than computing them
/// (bench_rolling). Figures, parameters and exceptions as rolling_hedge below; `out` is unspecified after an
/// exception.
template <class Exposure, class Hedge>
void rolling_hedge(const Exposure& exposure, const Hedge& hedge, const rolling_options& options,
                   time_varying_hedge<result_t<Exposure, Hedge>>& out) {
  detail::rolling_into(exposure, hedge, options, out, "hedgemetrics::rolling_hedge");
}

/// Minimum-variance hedge over a rolling window: for every t, the hedge_fit figures ratio, effectiveness
/// and residual_variance of the regression of S on F over observations t − window + 1 … t (fewer at the
/// start: positions 0 … t, which have figures once they hold min_periods pairs).
///
/// h*_t = S_SF/S_FF, effectiveness_t = 1 − SSR/S_SS (Ederington 1979), residual_variance_t = SSR/(n − 1),
/// with the co-moments centred on each window's own means and SSR = Σ(S − S̄ − h*(F − F̄))².
///
/// O(n) time whatever the window, O(window) extra memory, and no drift: the series is cut into window-long
/// chunks, a window is the tail of one chunk and the head of the next, each summed on its own and restarted
/// with every chunk, so no rounding is carried along the series and no observation stays in a sum after
/// its window has passed (detail/window_states.hpp; the chunks run several at a time in vector lanes,
/// detail/window_lanes.hpp, and every window checks a posteriori that its sums lost fewer than 2 digits,
/// else its chunk is recomputed by exact merges). Every figure is within about 1e-13 relative of the exact
/// figures of that window on market data (tests: 1e-9 checked on every window), and a burst of values 1e9
/// larger than the rest leaves no trace once it has left the window (unlike add-and-subtract rolling sums
/// such as pandas' rolling().cov()). About 1.6–2 ns per point on the README's reference machine, 4–5 on a
/// 2-vCPU Zen 4 at 10⁶ points, whatever the build's -O level and -march (bench_rolling, README).
/// The figures at t use no observation after t; later observations of the same window-long chunk can
/// change them only at the level of rounding (whether the chunk is recomputed, and about which shift).
///
/// Range: as in the file comment. The ratio and effectiveness of data scaled by any factor (1e-300 …
/// 1e300, each series its own) are those of the unscaled data (ratio × k_S/k_F); residual_variance is +inf
/// where its true value exceeds DBL_MAX, a subnormal or 0 where it underflows. NaN only as listed in
/// time_varying_hedge (too few pairs, a constant series in the window, a non-finite value under propagate).
///
/// \param exposure the position held (S): any contiguous series (see series.hpp).
/// \param hedge    the instrument sold (F), aligned with `exposure`.
/// \param options  `window` (required), min_periods and the missing-data policy (see rolling_options).
/// \returns time_varying_hedge<result_t<Exposure, Hedge>>, each vector as long as the input.
/// \throws std::invalid_argument when the lengths differ, the window is not set or below 2, or min_periods >
///         window (the message gives the values); std::domain_error under missing_data::raise, naming the
///         first non-finite value.
template <class Exposure, class Hedge>
[[nodiscard]] time_varying_hedge<result_t<Exposure, Hedge>> rolling_hedge(const Exposure& exposure,
                                                                          const Hedge& hedge,
                                                                          const rolling_options& options) {
  time_varying_hedge<result_t<Exposure, Hedge>> out;
  detail::rolling_into(exposure, hedge, options, out, "hedgemetrics::rolling_hedge");
  return out;
}

/// \deprecated The window now goes in rolling_options (`window`); removed in the next version.
template <class Exposure, class Hedge>
[[deprecated(
    "pass the window in rolling_options: rolling_hedge(s, f, {.window = w}) in C++20, or "
    "rolling_options{w}")]] [[nodiscard]] time_varying_hedge<result_t<Exposure, Hedge>>
rolling_hedge(const Exposure& exposure, const Hedge& hedge, std::size_t window,
              rolling_options options = {}) {
  options.window = window;
  time_varying_hedge<result_t<Exposure, Hedge>> out;
  detail::rolling_into(exposure, hedge, options, out, "hedgemetrics::rolling_hedge");
  return out;
}

/// \deprecated The window now goes in rolling_options (`window`); removed in the next version.
template <class Exposure, class Hedge>
[[deprecated(
    "pass the window in rolling_options: rolling_hedge(s, f, {.window = w}, out) in C++20, or "
    "rolling_options{w}")]] void
rolling_hedge(const Exposure& exposure, const Hedge& hedge, std::size_t window, rolling_options options,
              time_varying_hedge<result_t<Exposure, Hedge>>& out) {
  options.window = window;
  detail::rolling_into(exposure, hedge, options, out, "hedgemetrics::rolling_hedge");
}

/// Exponentially weighted minimum-variance hedge (RiskMetrics 1996, Technical Document §5.2): at t the
/// observation k periods old has weight λ^k, for k = 0 … t (positions before the first are not there: the
/// weights are those of the observations seen, not a seeded variance), so with W_t = Σ λ^k,
/// S̄_t = Σ λ^k S_{t−k}/W_t, S_SF = Σ λ^k (S − S̄_t)(F − F̄_t), and likewise S_SS, S_FF:
/// h*_t = S_SF/S_FF, effectiveness_t = 1 − SSR/S_SS, residual_variance_t = SSR/W_t (a weighted population
/// variance, as RiskMetrics' estimates are) with SSR = Σ λ^k (S − S̄_t − h*_t(F − F̄_t))².
/// The co-moments are centred on the weighted means (RiskMetrics assumes a zero mean; on daily returns the
/// difference is small, and centring makes the ratio that of a weighted regression with an intercept).
///
/// Range: as in the file comment; data anywhere in the double range (each series at its own scale) give
/// the ratio (× k_S/k_F) and effectiveness of the unscaled data, and residual_variance is +inf beyond
/// DBL_MAX, a subnormal or 0 below the normal range. A value outside [2^-400, 2^400] sends the whole path
/// down the power-of-two-scaled one (about 3 times slower per point). NaN as listed in time_varying_hedge;
/// also where the weights of the pairs that decide a figure have decayed below the doubles' range (λ^k
/// underflows for k > 1074/log2(1/λ)), as on data of any scale.
///
/// \param exposure the position held (S): any contiguous series (see series.hpp).
/// \param hedge    the instrument sold (F), aligned with `exposure`.
/// \param options  λ (or from_half_life), min_periods, missing-data policy (see ewma_options).
/// \returns time_varying_hedge<result_t<Exposure, Hedge>>; NaN before min_periods pairs.
/// \throws std::invalid_argument when the lengths differ or λ is outside (0, 1) (the message gives λ);
///         std::domain_error under missing_data::raise.
template <class Exposure, class Hedge>
[[nodiscard]] time_varying_hedge<result_t<Exposure, Hedge>> ewma_hedge(const Exposure& exposure,
                                                                       const Hedge& hedge,
                                                                       const ewma_options& options = {}) {
  time_varying_hedge<result_t<Exposure, Hedge>> out;
  detail::ewma_into(exposure, hedge, options, out);
  return out;
}

/// ewma_hedge writing into `out`, whose vectors are resized to the input's length and reuse their storage
/// (as rolling_hedge's overload with `out`: no allocation and first touch of four fresh vectors). Figures,
/// parameters and exceptions as ewma_hedge; `out` is unspecified after an exception.
template <class Exposure, class Hedge>
void ewma_hedge(const Exposure& exposure, const Hedge& hedge, const ewma_options& options,
                time_varying_hedge<result_t<Exposure, Hedge>>& out) {
  detail::ewma_into(exposure, hedge, options, out);
}

/// Expanding-window minimum-variance hedge: at t, the hedge_fit figures ratio, effectiveness and
/// residual_variance (SSR/(n − 1)) of all observations 0 … t, updated one pair at a time with the exact
/// merge of comoments (Chan, Golub & LeVeque 1979). O(n).
///
/// Range: as in the file comment and ewma_hedge (λ = 1): the ratio (× k_S/k_F) and effectiveness of data
/// at any scale are those of the unscaled data; residual_variance is +inf beyond DBL_MAX, a subnormal or 0
/// below the normal range. NaN as listed in time_varying_hedge.
///
/// \param exposure the position held (S): any contiguous series (see series.hpp).
/// \param hedge    the instrument sold (F), aligned with `exposure`.
/// \param options  min_periods and the missing-data policy (see expanding_options).
/// \returns time_varying_hedge<result_t<Exposure, Hedge>>; NaN before min_periods pairs.
/// \throws std::invalid_argument when the lengths differ; std::domain_error under missing_data::raise.
template <class Exposure, class Hedge>
[[nodiscard]] time_varying_hedge<result_t<Exposure, Hedge>> expanding_hedge(
    const Exposure& exposure, const Hedge& hedge, const expanding_options& options = {}) {
  time_varying_hedge<result_t<Exposure, Hedge>> out;
  detail::expanding_into(exposure, hedge, options, out);
  return out;
}

/// expanding_hedge writing into `out`, whose vectors are resized to the input's length and reuse their
/// storage. Figures, parameters and exceptions as expanding_hedge; `out` is unspecified after an exception.
template <class Exposure, class Hedge>
void expanding_hedge(const Exposure& exposure, const Hedge& hedge, const expanding_options& options,
                     time_varying_hedge<result_t<Exposure, Hedge>>& out) {
  detail::expanding_into(exposure, hedge, options, out);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_ROLLING_HPP
