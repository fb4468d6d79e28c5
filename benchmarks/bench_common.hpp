// SPDX-License-Identifier: MIT
/// \file
/// What every hedgemetrics benchmark shares: reproducible market-like data built once, outside the timed
/// loops; the bare streaming read that every figure is measured against; the sizes; the throughput
/// counters; and main().
///
/// Reading the figures: `bytes_per_second` is the size of the *input* (n values of each series) divided by
/// the time, for every benchmark alike, so a two-pass loop that reads the data twice shows half the
/// bandwidth of a one-pass loop at the same speed per pass, and every figure divides directly by the bare
/// read's. `time_per_pair` / `time_per_value` is the time per element of the series.
#ifndef HEDGEMETRICS_BENCH_COMMON_HPP
#define HEDGEMETRICS_BENCH_COMMON_HPP

#include <benchmark/benchmark.h>
#include <hedgemetrics/instruction_set.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

namespace hm_bench {

/// From cache-resident (1e3 pairs of doubles = 16 kB, in L1) to memory-bound (1e7 pairs = 160 MB).
inline constexpr std::int64_t smallest_size = 1'000;
inline constexpr std::int64_t largest_size = 10'000'000;
inline constexpr int size_multiplier = 10;

/// Registers the sizes 1e3, 1e4, ..., 1e7: `BENCHMARK_TEMPLATE(BM_x, double)->Apply(hm_bench::sizes);`
inline void sizes(benchmark::internal::Benchmark* b) {
  b->RangeMultiplier(size_multiplier)->Range(smallest_size, largest_size);
}

/// The size the benchmark runs at, as an index type.
[[nodiscard]] inline std::size_t size_of(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

/// Items, bytes and time per item; `series` is the number of input series the benchmark reads.
template <class T>
void set_throughput(benchmark::State& state, std::size_t n, std::size_t series, const char* per_item_name) {
  const auto items = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n);
  state.SetItemsProcessed(items);
  state.SetBytesProcessed(items * static_cast<std::int64_t>(series * sizeof(T)));
  // kInvert turns the rate (items per second) into seconds per item, printed as e.g. "812.4ps".
  state.counters[per_item_name] = benchmark::Counter(
      static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/// splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) with a
/// Box–Muller transform: the same numbers with every standard library (up to the last bits of libm's log,
/// sin and cos), unlike std::normal_distribution, whose algorithm the standard leaves to each library.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) noexcept : state_(seed) {}

  [[nodiscard]] std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform on (0, 1].
  [[nodiscard]] double uniform() noexcept { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

  /// Standard normal.
  [[nodiscard]] double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    constexpr double two_pi = 6.283185307179586476925286766559;
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = two_pi * uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

inline constexpr std::uint64_t seed = 20240229;

/// An allocator whose blocks start on a 64-byte boundary (a cache line, and an AVX-512 vector).
template <class T>
struct cache_line_allocator {
  using value_type = T;
  static constexpr std::align_val_t alignment{64};
  cache_line_allocator() noexcept = default;
  template <class U>
  cache_line_allocator(const cache_line_allocator<U>&) noexcept {}  // NOLINT: implicit, as allocators are
  [[nodiscard]] T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), alignment));
  }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, alignment); }
  friend bool operator==(const cache_line_allocator&, const cache_line_allocator&) noexcept { return true; }
  friend bool operator!=(const cache_line_allocator&, const cache_line_allocator&) noexcept { return false; }
};

/// Two series of the same length, index-aligned (exposure and hedge, or spot and futures).
template <class T, class Allocator = std::allocator<T>>
struct series_pair {
  std::vector<T, Allocator> first;
  std::vector<T, Allocator> second;
};

/// The same pair copied into storage that starts on a 64-byte boundary.
template <class T>
using cache_aligned_pair = series_pair<T, cache_line_allocator<T>>;

/// How far past a 64-byte boundary `data` starts.
template <class T>
[[nodiscard]] std::size_t offset_from_cache_line(const T* data) noexcept {
  return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(data) % 64);
}

namespace detail {

template <class T>
series_pair<T> narrow(const series_pair<double>& data) {
  series_pair<T> out;
  out.first.assign(data.first.begin(), data.first.end());  // element-wise static conversion to T
  out.second.assign(data.second.begin(), data.second.end());
  return out;
}

inline series_pair<double> make_correlated_changes() {
  // Price changes of an instrument near 100 moving about 1% a step (sigma_F = 1), and of an exposure that
  // follows it with slope 0.8 and correlation 0.95 (a good cross hedge; Hull's jet fuel example has 0.928).
  constexpr double slope = 0.8;
  constexpr double rho = 0.95;
  const double noise = slope * std::sqrt(1.0 / (rho * rho) - 1.0);
  const auto n = static_cast<std::size_t>(largest_size);
  series_pair<double> data;
  data.first.resize(n);
  data.second.resize(n);
  random_source random(seed);
  for (std::size_t i = 0; i < n; ++i) {
    const double hedge = random.normal();
    data.second[i] = hedge;
    data.first[i] = slope * hedge + noise * random.normal();
  }
  return data;
}

inline series_pair<double> make_spot_futures_levels() {
  // Futures price levels mean-reverting around 100 (AR(1), phi 0.999, stationary s.d. about 6.7, so they
  // wander like a random walk over short spans and never go negative over 1e7 steps), and a spot price
  // at a basis of 0.5 +- 0.16 that itself mean-reverts quickly (phi 0.95).
  const auto n = static_cast<std::size_t>(largest_size);
  series_pair<double> data;
  data.first.resize(n);
  data.second.resize(n);
  random_source random(seed + 1);
  double futures = 100.0;
  double basis = 0.5;
  for (std::size_t i = 0; i < n; ++i) {
    futures = 100.0 + 0.999 * (futures - 100.0) + 0.3 * random.normal();
    basis = 0.5 + 0.95 * (basis - 0.5) + 0.05 * random.normal();
    data.first[i] = futures + basis;
    data.second[i] = futures;
  }
  return data;
}

}  // namespace detail

/// Correlated price changes: `first` the exposure S, `second` the hedge instrument F; `largest_size`
/// values each. Built on first use (about a second for doubles), then shared by every benchmark and size:
/// a size n uses the first n pairs.
template <class T>
const series_pair<T>& correlated_changes() {
  static const series_pair<double> data = detail::make_correlated_changes();
  if constexpr (std::is_same_v<T, double>) {
    return data;
  } else {
    static const series_pair<T> narrowed = detail::narrow<T>(data);
    return narrowed;
  }
}

/// Price levels near 100: `first` spot, `second` futures; `largest_size` values each, shared like
/// correlated_changes().
template <class T>
const series_pair<T>& spot_futures_levels() {
  static const series_pair<double> data = detail::make_spot_futures_levels();
  if constexpr (std::is_same_v<T, double>) {
    return data;
  } else {
    static const series_pair<T> narrowed = detail::narrow<T>(data);
    return narrowed;
  }
}

/// correlated_changes() copied into storage that starts on a 64-byte boundary. std::vector's storage need
/// not: glibc's malloc, for instance, returns large blocks 16 bytes past one, so that every 64-byte vector
/// load from them straddles two cache lines. The pair of benchmarks on these copies shows what that costs.
template <class T>
const cache_aligned_pair<T>& correlated_changes_cache_aligned() {
  static const cache_aligned_pair<T> data = [] {
    const series_pair<T>& source = correlated_changes<T>();
    cache_aligned_pair<T> copy;
    copy.first.assign(source.first.begin(), source.first.end());
    copy.second.assign(source.second.begin(), source.second.end());
    return copy;
  }();
  return data;
}

/// The memory limit: read each value of the series once and add it up, as fast as plain code can.
///
/// Floating-point addition is not associative, so without -ffast-math a compiler keeps an ordered sum in
/// one register and cannot vectorise it. Here the sums are explicitly split into independent 32-byte
/// vector accumulators (GNU vector extensions, GCC and Clang; elsewhere the same split with scalar
/// accumulators, which a compiler may or may not vectorise). Why these choices, measured on the machine
/// behind the README figures (AMD EPYC, GCC 12, 2 x 80 MB of doubles in std::vector storage, 16 bytes
/// past a cache line): a loop with scalar accumulator arrays was vectorised by GCC across blocks with
/// permutes and streamed at 31 GiB/s; 64-byte (zmm) vectors, each load straddling two cache lines, at
/// 38.5 GiB/s; 32-byte vectors at 42.5 GiB/s, as fast as any variant tried (an `omp simd` reduction gave
/// 41). Two accumulators per series already hide the add latency at every size that is not in L1.
template <class T, std::size_t Series>
[[nodiscard]] T bare_read_all(const T* const (&series)[Series], std::size_t n) noexcept {
  constexpr std::size_t accumulators = Series >= 2 ? 2 : 4;  // per series
#if defined(__GNUC__)
  constexpr std::size_t vector_bytes = 32;
  typedef T vector __attribute__((vector_size(vector_bytes)));
  constexpr std::size_t width = vector_bytes / sizeof(T);
  vector sum[Series][accumulators] = {};
  std::size_t i = 0;
  for (; i + accumulators * width <= n; i += accumulators * width) {
    for (std::size_t s = 0; s < Series; ++s) {
      for (std::size_t k = 0; k < accumulators; ++k) {
        vector values;
        std::memcpy(&values, series[s] + i + k * width, vector_bytes);  // an unaligned vector load
        sum[s][k] += values;
      }
    }
  }
  vector lanes{};
  for (std::size_t s = 0; s < Series; ++s) {
    for (std::size_t k = 0; k < accumulators; ++k) {
      lanes += sum[s][k];
    }
  }
  T total{};
  for (std::size_t k = 0; k < width; ++k) {
    total += lanes[k];
  }
#else
  constexpr std::size_t width = 32 / sizeof(T);
  T sum[Series][accumulators * width] = {};
  std::size_t i = 0;
  for (; i + accumulators * width <= n; i += accumulators * width) {
    for (std::size_t s = 0; s < Series; ++s) {
      for (std::size_t k = 0; k < accumulators * width; ++k) {
        sum[s][k] += series[s][i + k];
      }
    }
  }
  T total{};
  for (std::size_t s = 0; s < Series; ++s) {
    for (std::size_t k = 0; k < accumulators * width; ++k) {
      total += sum[s][k];
    }
  }
#endif
  for (; i < n; ++i) {
    for (std::size_t s = 0; s < Series; ++s) {
      total += series[s][i];
    }
  }
  return total;
}

/// The memory limit for two series.
template <class T>
[[nodiscard]] T bare_read(const T* x, const T* y, std::size_t n) noexcept {
  const T* const series[2] = {x, y};
  return bare_read_all(series, n);
}

/// The memory limit for one series.
template <class T>
[[nodiscard]] T bare_read(const T* x, std::size_t n) noexcept {
  const T* const series[1] = {x};
  return bare_read_all(series, n);
}

/// The timed loop every benchmark uses: `kernel(first, second, n)` on the first n values of both series.
///
/// The result goes to DoNotOptimize as a const lvalue, an input-only asm operand with a "memory" clobber:
/// the compiler must produce the result, and must assume that any memory, the series included, may have
/// changed between iterations, so it recomputes every iteration. The kernels only read memory, so there
/// is nothing for ClobberMemory to flush. The input pointers are deliberately not passed through the
/// read-write DoNotOptimize(T&): with GCC 12.2 -O3 its "+m,r" operand on a pointer local lost the store
/// of the pointer, and the kernel read through an uninitialised stack slot.
template <class T, class Allocator, class Kernel>
void run_pairs(benchmark::State& state, const series_pair<T, Allocator>& series, Kernel kernel,
               const char* per_item_name) {
  const std::size_t n = size_of(state);
  for (auto _ : state) {
    const auto result = kernel(series.first.data(), series.second.data(), n);
    benchmark::DoNotOptimize(result);
  }
  set_throughput<T>(state, n, 2, per_item_name);
}

/// run_pairs for a single series.
template <class T, class Kernel>
void run_single(benchmark::State& state, const std::vector<T>& series, Kernel kernel,
                const char* per_item_name) {
  const std::size_t n = size_of(state);
  for (auto _ : state) {
    const auto result = kernel(series.data(), n);
    benchmark::DoNotOptimize(result);
  }
  set_throughput<T>(state, n, 1, per_item_name);
}

/// run_pairs for a kernel that keeps storage from call to call (a result or a buffer it reuses): one
/// untimed call first, which allocates and first touches that storage. Without it, each repetition's
/// first call was most of the figure where a call takes long enough that it runs only a few: at 10^6
/// periods a dollar-offset result is 80 MB of new pages, and BM_dollar_offset_reused measured 190-216 ns a
/// period after the other benchmarks had run, against 10 in a steady state (page faults on a KVM guest).
template <class T, class Allocator, class Kernel>
void run_pairs_reused(benchmark::State& state, const series_pair<T, Allocator>& series, Kernel kernel,
                      const char* per_item_name) {
  benchmark::DoNotOptimize(kernel(series.first.data(), series.second.data(), size_of(state)));
  run_pairs(state, series, kernel, per_item_name);
}

/// run_pairs_reused for a single series.
template <class T, class Kernel>
void run_single_reused(benchmark::State& state, const std::vector<T>& series, Kernel kernel,
                       const char* per_item_name) {
  benchmark::DoNotOptimize(kernel(series.data(), size_of(state)));
  run_single(state, series, kernel, per_item_name);
}

/// The bare read of two series, the baseline each binary carries.
template <class T, class Allocator>
void bare_read_pair_benchmark(benchmark::State& state, const series_pair<T, Allocator>& series,
                              const char* per_item_name) {
  run_pairs(
      state, series, [](const T* x, const T* y, std::size_t n) { return bare_read(x, y, n); }, per_item_name);
}

/// The median of `values` (reordered; not empty).
inline double median_of(std::vector<double>& values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 != 0) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

/// A target that is a ratio of two costs (issue 11: rolling_hedge at most 8x fit_hedge per pair,
/// dollar_offset at most 2x a direct loop), timed in the same iterations: on a shared host two benchmarks
/// run a minute apart, or even a few seconds apart, can see its speed differ by 20%, and the ratio of their
/// figures with it. Each iteration times a batch of calls of `measured`, then one of `baseline`, each batch
/// lasting about 20 ms after an untimed call, so that its calls find the caches as its own benchmark leaves
/// them (at 10^6 points fit_hedge took 30% longer per pair in batches of 5 ms after rolling_hedge than
/// alone, its 16 MB evicted from L3 by rolling_hedge's 40 MB; as long as alone in batches of 20 ms).
/// Counters, the medians over the iterations (register the benchmark with ->Iterations(15): left to the
/// library, it ran 4): `ratio`, `measured`'s time per call over `baseline`'s; and each one's time per item
/// of the n, in ns, under the names given.
template <class Measured, class Baseline>
void paired_ratio(benchmark::State& state, std::size_t n, const Measured& measured, const Baseline& baseline,
                  const char* measured_name, const char* baseline_name) {
  using clock = std::chrono::steady_clock;
  // Time per call over `calls` calls, after an untimed one.
  const auto batch_time = [](const auto& call, std::size_t calls) {
    call();
    const auto start = clock::now();
    for (std::size_t i = 0; i < calls; ++i) call();
    return std::chrono::duration<double, std::nano>(clock::now() - start).count() /
           static_cast<double>(calls);
  };
  constexpr double batch_ns = 2e7;
  const auto calls_for = [&](const auto& call) {
    return static_cast<std::size_t>(std::max(1.0, std::ceil(batch_ns / batch_time(call, 1))));
  };
  const std::size_t measured_calls = calls_for(measured), baseline_calls = calls_for(baseline);
  std::vector<double> ratio, measured_ns, baseline_ns;
  for (auto _ : state) {
    const double a = batch_time(measured, measured_calls);
    const double b = batch_time(baseline, baseline_calls);
    ratio.push_back(a / b);
    measured_ns.push_back(a / static_cast<double>(n));
    baseline_ns.push_back(b / static_cast<double>(n));
  }
  if (ratio.empty()) return;
  state.counters["ratio"] = median_of(ratio);
  state.counters[measured_name] = median_of(measured_ns);
  state.counters[baseline_name] = median_of(baseline_ns);
}

/// How the binary was compiled, in the report's context (console header and JSON "context").
inline void add_build_context() {
#if defined(__VERSION__)
  benchmark::AddCustomContext("compiler", __VERSION__);
#endif
  // What the binary's own code (the baselines) was compiled for; the library's kernels choose their
  // instruction set at run time (instruction_set.hpp), reported as kernels_run_on.
#if defined(__AVX512F__)
  benchmark::AddCustomContext("compiled_for", "AVX-512F");
#elif defined(__AVX2__)
  benchmark::AddCustomContext("compiled_for", "AVX2");
#elif defined(__AVX__)
  benchmark::AddCustomContext("compiled_for", "AVX");
#elif defined(__SSE2__)
  benchmark::AddCustomContext("compiled_for", "SSE2 (x86-64 baseline: no -march)");
#elif defined(__ARM_NEON)
  benchmark::AddCustomContext("compiled_for", "NEON");
#endif
  benchmark::AddCustomContext("kernels_run_on",
                              hedgemetrics::instruction_set_name(hedgemetrics::active_instruction_set()));
#if defined(__FAST_MATH__)
  benchmark::AddCustomContext("fast_math", "ON: figures do not show what users get");
#endif
  {
    // Where this platform's allocator puts storage of the size the largest benchmarks use.
    std::allocator<double> allocator;
    const auto size = static_cast<std::size_t>(largest_size);
    double* probe = allocator.allocate(size);
    benchmark::AddCustomContext("vector_storage", "std::vector<double>(1e7).data() is " +
                                                      std::to_string(offset_from_cache_line(probe)) +
                                                      " bytes past a 64-byte boundary");
    allocator.deallocate(probe, size);
  }
#if defined(NDEBUG)
  benchmark::AddCustomContext("hedgemetrics_build", "release (NDEBUG)");
#else
  benchmark::AddCustomContext("hedgemetrics_build", "debug (assertions on): figures are not meaningful");
#endif
}

/// main() of every benchmark binary. Each benchmark runs for at least 0.1 s unless --benchmark_min_time is
/// given (Google Benchmark's default, 0.5 s, would make the full run at five repetitions take several
/// minutes); CI runs `--benchmark_min_time=0.01` as a quick check that the binaries still work.
inline int main(int argc, char** argv) {
  static char default_min_time[] = "--benchmark_min_time=0.1";
  bool min_time_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) {
      min_time_given = true;
    }
  }
  // argv with the default inserted after the program name, null-terminated as argv is. (Not built with
  // std::vector::insert: GCC 12 in C++20 mode reports a false null dereference in its relocation code.)
  const auto given = static_cast<std::size_t>(argc > 0 ? argc : 0);
  const auto args = std::make_unique<char*[]>(given + 2);
  std::size_t count_args = 0;
  for (std::size_t i = 0; i < given; ++i) {
    args[count_args++] = argv[i];
    if (i == 0 && !min_time_given) {
      args[count_args++] = default_min_time;
    }
  }
  args[count_args] = nullptr;
  int count = static_cast<int>(count_args);
  benchmark::Initialize(&count, args.get());
  if (benchmark::ReportUnrecognizedArguments(count, args.get())) {
    return 1;
  }
  add_build_context();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace hm_bench

#endif  // HEDGEMETRICS_BENCH_COMMON_HPP
