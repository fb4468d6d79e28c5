// SPDX-License-Identifier: MIT
/// \file
/// rolling_hedge, ewma_hedge and expanding_hedge (rolling.hpp) over 1e6 pairs of price changes, against:
///  - fit_hedge per pair over the same 1e6 pairs (the targets: rolling at most 10x fit_hedge's cost per
///    pair in issue 4, 8x in issue 11, for windows of 20, 250 and 5,000), and both over 1e5 pairs, in L3;
///  - a naive per-window recomputation (fit_hedge on every window: O(n·window));
///  - the textbook add-and-subtract rolling sums (O(n), what pandas' rolling().cov() does, and drifts).
/// Every figure is time per output point (`time_per_point`), so they divide directly.
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/rolling.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench_common.hpp"

namespace {

constexpr const char* per_point = "time_per_point";
constexpr std::int64_t points = 1'000'000;

void windows(benchmark::internal::Benchmark* b) {
  for (std::int64_t w : {20, 250, 5000}) b->Args({points, w});
}

/// The same windows over 1e5 pairs as well, whose 4.8 MB of series and figures stay in L3: the engine's own
/// cost, where at 1e6 writing its figures to memory in 24 streams is much of it (issue 11). And a window
/// of 512, whose lanes would start a multiple of 4 KiB apart, sharing L1 sets (the lane engine's
/// lane_starts spreads them: 1.9x the time of window 250 before).
void windows_in_cache(benchmark::internal::Benchmark* b) {
  for (std::int64_t w : {20, 250, 512, 5000}) b->Args({points / 10, w});
  windows(b);
}

void BM_rolling_hedge(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const auto window = static_cast<std::size_t>(state.range(1));
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  for (auto _ : state) {
    const auto result = hedgemetrics::rolling_hedge(s, f, hedgemetrics::rolling_options{window});
    benchmark::DoNotOptimize(result.ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

/// 1 where the three vectors of figures start at the same offset in a 64-byte line, else 0. The lane engine
/// writes whole lines (and, past the caches, streams them) only then, and that depends on the allocator:
/// glibc serves the first result of 8 MB from fresh mappings (offset 16 each), and after that first one is
/// freed, from its heap, one after the other (offsets 16, 32, 48). So the first run of a benchmark and the
/// later ones can measure different cases: the counter says which.
double outputs_alike(const hedgemetrics::time_varying_hedge<double>& result) {
  const auto offset = [](const std::vector<double>& v) { return hm_bench::offset_from_cache_line(v.data()); };
  return offset(result.ratio) == offset(result.effectiveness) &&
                 offset(result.ratio) == offset(result.residual_variance)
             ? 1.0
             : 0.0;
}

/// rolling_hedge into a result whose vectors are reused from one call to the next: the computation alone,
/// without the allocation and first touch of 32 bytes of fresh memory per point (page faults cost more than
/// the computation on this machine). When `mapped`, the result's three vectors of figures are each reserved
/// past 32 MiB, above the largest size from which glibc's allocator serves blocks from its heap, so each is
/// a fresh mapping and they start lines alike (the counter checks it; another allocator may differ).
void run_reused(benchmark::State& state, const hm_bench::series_pair<double>& data, bool mapped) {
  const std::size_t n = hm_bench::size_of(state);
  const auto window = static_cast<std::size_t>(state.range(1));
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  hedgemetrics::time_varying_hedge<double> result;
  if (mapped) {
    constexpr std::size_t past_heap = (std::size_t{33} << 20) / sizeof(double);
    result.ratio.reserve(past_heap);
    result.effectiveness.reserve(past_heap);
    result.residual_variance.reserve(past_heap);
  }
  // Allocated and first touched before the timing: each run of a benchmark starts with a new result, and
  // its first call, 20 ns per point at 10^6 points (page faults), was 0.3-0.4 ns of the 2.7-2.9 per point
  // that 50 timed calls averaged.
  hedgemetrics::rolling_hedge(s, f, hedgemetrics::rolling_options{window}, result);
  for (auto _ : state) {
    hedgemetrics::rolling_hedge(s, f, hedgemetrics::rolling_options{window}, result);
    benchmark::DoNotOptimize(result.ratio.data());
    benchmark::ClobberMemory();
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
  state.counters["outputs_alike"] = outputs_alike(result);
}

/// The result's vectors as the allocator gives them: from glibc's heap after the first result is freed.
void BM_rolling_hedge_reused(benchmark::State& state) {
  run_reused(state, hm_bench::correlated_changes<double>(), false);
}

/// The result's vectors as fresh mappings, starting lines alike.
void BM_rolling_hedge_reused_mapped(benchmark::State& state) {
  run_reused(state, hm_bench::correlated_changes<double>(), true);
}

/// rolling_hedge into a reused result over price levels (a spot and a futures price near 100, bench_common's
/// spot_futures_levels): the lanes carry their constants from chunk to chunk while they fit within a factor
/// of 8, the level moves, and where a window then keeps less than 1/64 of the sums about them its chunk is
/// refused: 14-19% of the chunks at windows of 20 to 1,000. Those are taken again in the lanes with
/// constants fitted to the chunk and the one before (lane_retry), and what still fails goes to the general
/// path, which costs about 150 ns per window.
void BM_rolling_hedge_levels_reused(benchmark::State& state) {
  run_reused(state, hm_bench::spot_futures_levels<double>(), false);
}

/// The naive method: fit_hedge on every window. Its cost per point grows with the window, so it runs on
/// the first 1e5 points only (the time per point does not depend on n).
void BM_naive_per_window(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state) / 10;
  const auto window = static_cast<std::size_t>(state.range(1));
  std::vector<double> ratio(n);
  for (auto _ : state) {
    for (std::size_t t = window - 1; t < n; ++t) {
      ratio[t] = hedgemetrics::fit_hedge(
                     hedgemetrics::series_view<double>(data.first.data() + t + 1 - window, window),
                     hedgemetrics::series_view<double>(data.second.data() + t + 1 - window, window))
                     .ratio;
    }
    benchmark::DoNotOptimize(ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

/// Add-and-subtract running sums Σx, Σy, Σx², Σy², Σxy: the fastest O(n) method and the one that drifts
/// (the entering value is added, the leaving one subtracted, and their roundings never leave).
void BM_add_subtract_sums(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const auto window = static_cast<std::size_t>(state.range(1));
  std::vector<double> ratio(n), effectiveness(n), residual(n);
  const double* x = data.first.data();
  const double* y = data.second.data();
  for (auto _ : state) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const double m = static_cast<double>(window);
    for (std::size_t t = 0; t < n; ++t) {
      sx += x[t], sy += y[t], sxx += x[t] * x[t], syy += y[t] * y[t], sxy += x[t] * y[t];
      if (t >= window) {
        const std::size_t o = t - window;
        sx -= x[o], sy -= y[o], sxx -= x[o] * x[o], syy -= y[o] * y[o], sxy -= x[o] * y[o];
      }
      const double cxx = sxx - sx * sx / m, cyy = syy - sy * sy / m, cxy = sxy - sx * sy / m;
      ratio[t] = cxy / cyy;
      effectiveness[t] = cxy * cxy / (cxx * cyy);
      residual[t] = (cxx - ratio[t] * cxy) / (m - 1);
    }
    benchmark::DoNotOptimize(ratio.data());
    benchmark::DoNotOptimize(effectiveness.data());
    benchmark::DoNotOptimize(residual.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

void BM_fit_hedge(benchmark::State& state) {
  hm_bench::run_pairs(
      state, hm_bench::correlated_changes<double>(),
      [](const double* exposure, const double* hedge, std::size_t n) {
        return hedgemetrics::fit_hedge(hedgemetrics::series_view<double>(exposure, n),
                                       hedgemetrics::series_view<double>(hedge, n));
      },
      per_point);
}

void BM_ewma_hedge(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  for (auto _ : state) {
    const auto result = hedgemetrics::ewma_hedge(s, f);
    benchmark::DoNotOptimize(result.ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

void BM_expanding_hedge(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  for (auto _ : state) {
    const auto result = hedgemetrics::expanding_hedge(s, f);
    benchmark::DoNotOptimize(result.ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

/// ewma_hedge and expanding_hedge into a reused result: the recursion alone, without the allocation and
/// first touch of a fresh result (allocated and touched by a first call before the timing).
template <bool Expanding>
void run_decayed_reused(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  hedgemetrics::time_varying_hedge<double> result;
  const auto call = [&]() {
    if constexpr (Expanding) {
      hedgemetrics::expanding_hedge(s, f, hedgemetrics::expanding_options{}, result);
    } else {
      hedgemetrics::ewma_hedge(s, f, hedgemetrics::ewma_options{}, result);
    }
  };
  call();
  for (auto _ : state) {
    call();
    benchmark::DoNotOptimize(result.ratio.data());
    benchmark::ClobberMemory();
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

void BM_ewma_hedge_reused(benchmark::State& state) {
  run_decayed_reused<false>(state);
}

void BM_expanding_hedge_reused(benchmark::State& state) {
  run_decayed_reused<true>(state);
}

/// rolling_hedge into a reused result against fit_hedge over the same n pairs, timed in the same iterations
/// (hm_bench::paired_ratio): issue 11's target is rolling at most 8x fit_hedge's cost per pair. Counters:
/// `ratio`, `rolling_per_point` and `fit_per_pair` (ns).
///
/// A new result per call is left to BM_rolling_hedge, which runs first: what it costs depends on the state
/// of the allocator more than on the engine. glibc takes 8 MB blocks from its heap once a first one has been
/// freed, and returns them to the system when freeing leaves more than 16 MB at the top of the heap; then
/// each call's 24 MB are new pages, 40-57 ns per point on this KVM guest (page faults), against 2.1-2.7 ns
/// where the heap keeps them (run after the other benchmarks here, it measured the former).
void BM_rolling_over_fit(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::rolling_options options{static_cast<std::size_t>(state.range(1))};
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  hedgemetrics::time_varying_hedge<double> result;
  hm_bench::paired_ratio(
      state, n,
      [&]() {
        hedgemetrics::rolling_hedge(s, f, options, result);
        benchmark::DoNotOptimize(result.ratio.data());
        benchmark::ClobberMemory();
      },
      [&]() {
        const auto fitted = hedgemetrics::fit_hedge(s, f);
        benchmark::DoNotOptimize(fitted);
      },
      "rolling_per_point", "fit_per_pair");
}

/// The windows of BM_rolling_hedge_reused, and windows that leave a last incomplete chunk, as most series'
/// lengths do: 2,048 over 1e5 pairs (1,696 positions after 48 whole chunks) and 4,096 over 1e6 (576 after
/// 244). The general path took those until the lanes did: 1.5x and 1.6x the time of their neighbours 2,000
/// and 4,000 (one process, -O2).
void paired(benchmark::internal::Benchmark* b) {
  for (std::int64_t w : {20, 250, 512, 2048, 5000}) b->Args({points / 10, w});
  for (std::int64_t w : {20, 250, 4096, 5000}) b->Args({points, w});
}

}  // namespace

BENCHMARK(BM_rolling_hedge)->Apply(windows)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_rolling_hedge_reused)->Apply(windows_in_cache)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_rolling_hedge_reused_mapped)->Apply(windows_in_cache)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_rolling_hedge_levels_reused)->Apply(windows_in_cache)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_naive_per_window)->Apply(windows)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_add_subtract_sums)->Apply(windows)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_rolling_over_fit)->Apply(paired)->Iterations(15)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_hedge)->Arg(points / 10)->Arg(points)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ewma_hedge)->Arg(points)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_expanding_hedge)->Arg(points)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ewma_hedge_reused)->Arg(points)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_expanding_hedge_reused)->Arg(points)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  return hm_bench::main(argc, argv);
}
