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

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
  state.counters[per_item_name] = benchmark::Counter(static_cast<double>(n),
                                                     benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

/// splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) with a
/// Box–Muller transform: the same numbers on every platform, unlike std::normal_distribution, whose
/// algorithm the standard leaves to each library.
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

/// Two aligned series of the same length.
template <class T>
struct series_pair {
  std::vector<T> first;
  std::vector<T> second;
};

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

/// Independent accumulators per series in bare_read: 128 bytes of them, i.e. 16 doubles or 32 floats, four
/// 256-bit vectors per series. With two series that is eight dependency chains, enough to keep two vector
/// adders of 3-cycle latency busy, so the read is limited by loads (in cache) or by memory bandwidth, never
/// by the add latency.
template <class T>
inline constexpr std::size_t bare_read_lanes = 128 / sizeof(T);

/// The memory limit: read each value of the two series once and add it up. Floating-point addition is not
/// associative, so without -ffast-math a compiler keeps an ordered sum in one register and cannot
/// vectorise it; the explicit independent accumulators here are what lets it use vector loads and adds
/// (the inner loop maps onto whole vector registers).
template <class T>
[[nodiscard]] T bare_read(const T* x, const T* y, std::size_t n) noexcept {
  constexpr std::size_t lanes = bare_read_lanes<T>;
  T sum_x[lanes] = {};
  T sum_y[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    for (std::size_t k = 0; k < lanes; ++k) {
      sum_x[k] += x[i + k];
      sum_y[k] += y[i + k];
    }
  }
  T total{};
  for (; i < n; ++i) {
    total += x[i] + y[i];
  }
  for (std::size_t k = 0; k < lanes; ++k) {
    total += sum_x[k] + sum_y[k];
  }
  return total;
}

/// The memory limit for one series.
template <class T>
[[nodiscard]] T bare_read(const T* x, std::size_t n) noexcept {
  constexpr std::size_t lanes = 2 * bare_read_lanes<T>;
  T sum[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    for (std::size_t k = 0; k < lanes; ++k) {
      sum[k] += x[i + k];
    }
  }
  T total{};
  for (; i < n; ++i) {
    total += x[i];
  }
  for (std::size_t k = 0; k < lanes; ++k) {
    total += sum[k];
  }
  return total;
}

/// Benchmark of the bare read of two series, the baseline each binary carries.
template <class T>
void bare_read_pair_benchmark(benchmark::State& state, const series_pair<T>& series, const char* per_item_name) {
  const std::size_t n = size_of(state);
  for (auto _ : state) {
    // Opaque pointers: the compiler cannot prove two iterations read the same data, so it cannot hoist the
    // read out of the loop. The kernels only read memory, so there is nothing for ClobberMemory to flush.
    const T* x = series.first.data();
    const T* y = series.second.data();
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(y);
    T total = bare_read(x, y, n);
    benchmark::DoNotOptimize(total);
  }
  set_throughput<T>(state, n, 2, per_item_name);
}

/// How the binary was compiled, in the report's context (console header and JSON "context").
inline void add_build_context() {
#if defined(__VERSION__)
  benchmark::AddCustomContext("compiler", __VERSION__);
#endif
#if defined(__AVX512F__)
  benchmark::AddCustomContext("vector_isa", "AVX-512F (the compiler's default vector width applies)");
#elif defined(__AVX2__)
  benchmark::AddCustomContext("vector_isa", "AVX2");
#elif defined(__AVX__)
  benchmark::AddCustomContext("vector_isa", "AVX");
#elif defined(__SSE2__)
  benchmark::AddCustomContext("vector_isa", "SSE2 (no -march=native?)");
#elif defined(__ARM_NEON)
  benchmark::AddCustomContext("vector_isa", "NEON");
#endif
#if defined(__FAST_MATH__)
  benchmark::AddCustomContext("fast_math", "ON: figures do not show what users get");
#endif
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
  std::vector<char*> args(argv, argv + argc);
  bool min_time_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) {
      min_time_given = true;
    }
  }
  static char default_min_time[] = "--benchmark_min_time=0.1";
  if (!min_time_given && !args.empty()) {
    args.insert(args.begin() + 1, default_min_time);
  }
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) {
    return 1;
  }
  add_build_context();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace hm_bench

#endif  // HEDGEMETRICS_BENCH_COMMON_HPP
