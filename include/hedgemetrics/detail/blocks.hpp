// SPDX-License-Identifier: MIT
/// \file
/// The one-pass block driver behind every estimator: it walks the series in cache-resident blocks, lets a
/// kernel summarise each block (the kernel may sweep a block several times: it is in L1 by then, so memory
/// is still read once), applies the missing-data policy to blocks that hold non-finite values, and merges
/// the block summaries pairwise.
#ifndef HEDGEMETRICS_DETAIL_BLOCKS_HPP
#define HEDGEMETRICS_DETAIL_BLOCKS_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics::detail {

/// Pairs per block. 1,024 doubles of each series (16 KiB for a pair) stay in a 32 KiB L1 data cache
/// while a kernel sweeps them; see the block-size note in benchmarks/bench_hedge_ratio.cpp.
inline constexpr std::size_t block_length = 1024;

/// Independent partial sums per accumulator in the scalar loops outside the per-instruction-set kernels
/// (detail/kernels.hpp): the generic kernels for types other than double, and basis_risk's range sweep.
/// A constant, not the unit's vector width, so that those loops sum in the same order, and give the same
/// figures, whatever flags the unit is built with; each lane is its own sum, nothing is reassociated.
inline constexpr std::size_t lanes = 4;

/// A series as the driver sees it: its name (for error messages) and its first element.
template <class T>
struct named_series {
  const char* name;
  const T* data;
};

template <class T>
[[nodiscard]] constexpr bool is_finite_value(T value) noexcept {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isfinite(value);
  } else {
    return true;
  }
}

/// A value as an error message shows it: 15 significant digits, so -37.63 reads "-37.63".
template <class T>
[[nodiscard]] std::string value_text(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char text[64];
    std::snprintf(text, sizeof text, "%.15Lg", static_cast<long double>(value));
    return text;
  } else {
    return std::to_string(value);
  }
}

/// Caller error unless 0 < value < 1 (NaN included): "function: what must be in (0, 1), but it is value".
inline void require_open_unit(double value, const char* what, const char* function) {
  if (!(value > 0.0 && value < 1.0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be in (0, 1), but it is " + value_text(value)));
  }
}

/// Knuth's TwoSum: sum + error == a + b exactly (Knuth, TAOCP vol. 2, §4.2.2, Theorem B). Means are kept
/// as such a pair, a double and its rounding error: a mean near 1e9 stored in one double is off by up to
/// 6e-8, which is the whole signal when two blocks of a near-perfect hedge are merged.
template <class Real>
constexpr void two_sum(Real a, Real b, Real& sum, Real& error) noexcept {
  sum = a + b;
  const Real b_part = sum - a;
  error = (a - (sum - b_part)) + (b - b_part);
}

/// product + error == a·b exactly (the FMA form of Dekker's TwoProduct; Ogita, Rump & Oishi 2005).
template <class Real>
void two_product(Real a, Real b, Real& product, Real& error) noexcept {
  product = a * b;
  error = std::fma(a, b, -product);
}

/// Σ terms accumulated with TwoSum/TwoProduct (Ogita, Rump & Oishi 2005, "Accurate sum and dot
/// product", Algorithm Dot2): as if in twice the working precision; with add() alone, Neumaier's
/// compensated sum.
template <class Real>
struct compensated_sum {
  Real sum = 0;
  Real error = 0;
  void add(Real value) noexcept {
    Real s = 0, e = 0;
    two_sum(sum, value, s, e);
    sum = s;
    error += e;
  }
  void add_product(Real a, Real b) noexcept {
    Real product = 0, product_error = 0;
    two_product(a, b, product, product_error);
    add(product);
    error += product_error;
  }
  [[nodiscard]] Real value() const noexcept { return sum + error; }
};

/// Sum of the lanes of an accumulator array, in a fixed order.
template <class Real, std::size_t N>
[[nodiscard]] constexpr Real lane_sum(const Real (&acc)[N]) noexcept {
  Real total = 0;
  for (std::size_t j = 0; j < N; ++j) total += acc[j];
  return total;
}

/// Least and greatest of the lanes of a running minimum or maximum.
template <class Real, std::size_t N>
[[nodiscard]] constexpr Real lane_min(const Real (&acc)[N]) noexcept {
  Real least = acc[0];
  for (std::size_t j = 1; j < N; ++j) least = acc[j] < least ? acc[j] : least;
  return least;
}

template <class Real, std::size_t N>
[[nodiscard]] constexpr Real lane_max(const Real (&acc)[N]) noexcept {
  Real greatest = acc[0];
  for (std::size_t j = 1; j < N; ++j) greatest = acc[j] > greatest ? acc[j] : greatest;
  return greatest;
}

/// Merges block summaries as a binary counter does, so that every summary is merged with one of about
/// its own size: rounding errors of the merges grow with log2(blocks), not with the number of blocks
/// (the pairwise scheme of Chan, Golub & LeVeque, "Updating formulae and a pairwise algorithm for
/// computing sample variances", 1979).
template <class State>
class pairwise_merger {
 public:
  pairwise_merger() noexcept {}
  pairwise_merger(const pairwise_merger& other) noexcept : top_(other.top_) { copy_from(other); }
  pairwise_merger& operator=(const pairwise_merger& other) noexcept {
    top_ = other.top_;
    copy_from(other);
    return *this;
  }
  ~pairwise_merger() = default;

  void push(State state) {
    unsigned level = 0;
    while (top_ > 0 && levels_[top_ - 1] == level) {
      state = State::merge(stack_[top_ - 1].state, state);
      --top_;
      ++level;
    }
    new (&stack_[top_].state) State(state);
    levels_[top_] = level;
    ++top_;
  }

  [[nodiscard]] State finish() const {
    if (top_ == 0) return State{};
    State result = stack_[top_ - 1].state;
    for (std::size_t k = top_ - 1; k-- > 0;) result = State::merge(stack_[k].state, result);
    return result;
  }

 private:
  static_assert(std::is_trivially_copyable_v<State> && std::is_trivially_destructible_v<State>,
                "pairwise_merger keeps its states in raw slots");
  /// A slot that is not initialised until a state is pushed into it: the 64 states of a merger are
  /// 6.6 KB for the co-moments, and writing them all on every fit cost 0.1 ns per pair at 1e3 pairs.
  union slot {
    slot() noexcept {}
    State state;
  };
  void copy_from(const pairwise_merger& other) noexcept {
    for (std::size_t k = 0; k < top_; ++k) {
      new (&stack_[k].state) State(other.stack_[k].state);
      levels_[k] = other.levels_[k];
    }
  }
  // A binary counter of 64 levels holds 2^64 blocks: more than any size_t length.
  slot stack_[64];
  unsigned levels_[64];
  std::size_t top_ = 0;
};

/// Position of the first index, in [begin, begin + m), where any series holds a non-finite value; and
/// the name and text of that value. `found` is false when every value is finite.
struct nonfinite_position {
  bool found = false;
  std::size_t index = 0;
  const char* name = nullptr;
  std::string value;
};

template <class... T>
[[nodiscard]] nonfinite_position find_nonfinite(std::size_t begin, std::size_t m,
                                                const named_series<T>&... series) {
  nonfinite_position where;
  for (std::size_t i = begin; i < begin + m && !where.found; ++i) {
    // Series are checked in the order given, so the message names the first series at the first index.
    ((!where.found && !is_finite_value(series.data[i])
          ? (where = nonfinite_position{true, i, series.name, value_text(series.data[i])}, 0)
          : 0),
     ...);
  }
  return where;
}

/// The error for a non-finite value, as the library words it: "function: name[index] is value" and the
/// ending, by default " (missing_data::raise)".
[[noreturn]] inline void throw_nonfinite(const char* function, const char* name, std::size_t index,
                                         const std::string& value,
                                         const char* ending = " (missing_data::raise)") {
  HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": " + name + "[" + std::to_string(index) +
                                       "] is " + value + ending));
}

[[noreturn]] inline void throw_nonfinite(const char* function, const nonfinite_position& where,
                                         const char* ending = " (missing_data::raise)") {
  throw_nonfinite(function, where.name, where.index, where.value, ending);
}

template <class... T>
[[nodiscard]] bool all_finite_at(std::size_t i, const named_series<T>&... series) {
  return (is_finite_value(series.data[i]) && ...);
}

/// Length of the first block: a little short of block_length when that makes every later block start on
/// a 64-byte boundary of the first series. Vector loads that straddle two cache lines cost memory
/// bandwidth: bench_hedge_ratio's `cache_aligned` variant ran 1.2× faster at 1e7 pairs on aligned copies.
template <class T>
[[nodiscard]] std::size_t first_block_length(const T* data) noexcept {
  constexpr std::size_t line = 64;
  const auto address = reinterpret_cast<std::uintptr_t>(data);
  if (address % sizeof(T) != 0 || line % sizeof(T) != 0) return block_length;
  const std::size_t past = (address % line) / sizeof(T);  // elements since the previous boundary
  return past == 0 ? block_length : block_length - past;
}

/// missing_data::omit for one block: copies the positions where every series is finite into local
/// buffers, in order, and summarises those.
template <class Real, class Kernel, std::size_t... I, class... T>
[[nodiscard]] typename Kernel::state compact_and_summarise(Kernel& kernel, std::size_t begin, std::size_t m,
                                                           std::index_sequence<I...>,
                                                           const named_series<T>&... series) {
  Real buffers[sizeof...(T)][block_length];
  std::size_t kept = 0;
  for (std::size_t i = begin; i < begin + m; ++i) {
    if (!all_finite_at(i, series...)) continue;
    ((buffers[I][kept] = static_cast<Real>(series.data[i])), ...);
    ++kept;
  }
  return kernel.block(kept, static_cast<const Real*>(buffers[I])...);
}

/// Runs `kernel` over n aligned positions of the series, block by block, and returns the merged state.
///
/// Kernel requirements: a `state` type with a `count` (positions summarised), a `finite` flag (false when a
/// block's sums are not finite: a NaN or infinity in the data, or an overflow), a `nonfinite` flag (set for
/// missing_data::propagate), and `static state merge(const state& earlier, const state& later)`; and a
/// member `state block(std::size_t m, const T*... data)` summarising m positions. Blocks are passed in order,
/// so a kernel may carry context (the previous value) from one block to the next.
template <class Real, class Kernel, class... T>
[[nodiscard]] typename Kernel::state accumulate_blocks(Kernel& kernel, missing_data policy,
                                                       const char* function, std::size_t n,
                                                       const named_series<T>&... series) {
  using state = typename Kernel::state;
  pairwise_merger<state> merger;
  const std::size_t first = first_block_length(std::get<0>(std::forward_as_tuple(series...)).data);
  for (std::size_t begin = 0, length = first; begin < n; begin += length, length = block_length) {
    const std::size_t m = (n - begin < length) ? n - begin : length;
    const Kernel before = kernel;  // a kernel that carries context must see an omitted block only once
    state summary = kernel.block(m, (series.data + begin)...);
    if (!summary.finite) {
      const nonfinite_position where = find_nonfinite(begin, m, series...);
      if (where.found && policy == missing_data::raise) throw_nonfinite(function, where);
      if (where.found && policy == missing_data::omit) {
        // Summarise the block again on its complete positions only.
        kernel = before;
        summary = compact_and_summarise<Real>(kernel, begin, m, std::index_sequence_for<T...>{}, series...);
      }
      if (!summary.finite) {
        // A NaN or infinity under missing_data::propagate, or finite values so large that their sums
        // overflow: no figure can be trusted, so every figure is NaN.
        state poisoned{};
        poisoned.count = n;
        poisoned.nonfinite = true;
        return poisoned;
      }
    }
    if (summary.count > 0) merger.push(summary);
  }
  return merger.finish();
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_BLOCKS_HPP
