// SPDX-License-Identifier: MIT
/// \file
/// The one-pass block driver behind every estimator: it walks the series in cache-resident blocks, lets a
/// kernel summarise each block (the kernel may sweep a block several times: it is in L1 by then, so memory
/// is still read once), applies the missing-data policy to blocks that hold non-finite values, and merges
/// the block summaries pairwise. The messages it words (detail/messages.hpp) and the exact sums its kernels
/// use (detail/exact_sums.hpp) are headers of their own, for the headers that need only those.
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
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
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
