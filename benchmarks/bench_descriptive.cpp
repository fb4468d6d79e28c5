// SPDX-License-Identifier: MIT
/// \file
/// variance and describe (descriptive.hpp) over 1e3 ... 1e7 price levels near 100, double and float,
/// against the bare read of the series (the memory limit) and the naive one-pass loop on raw sums
/// (Σx, Σx²), which is fast and loses every digit on price levels.
#include <hedgemetrics/descriptive.hpp>

#include <cstddef>
#include <vector>

#include "bench_common.hpp"

namespace {

constexpr const char* per_value = "time_per_value";

/// The textbook one-pass variance on raw sums, accumulated in double as hedgemetrics computes float input.
template <class T>
double naive_variance(const T* x, std::size_t n) noexcept {
  double sum = 0.0;
  double sum_squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double value = static_cast<double>(x[i]);
    sum += value;
    sum_squares += value * value;
  }
  const double count = static_cast<double>(n);
  return (sum_squares - sum * sum / count) / (count - 1.0);
}

/// Spot price levels near 100 (see bench_common.hpp).
template <class T>
const std::vector<T>& levels() {
  return hm_bench::spot_futures_levels<T>().first;
}

template <class T>
void BM_variance(benchmark::State& state) {
  hm_bench::run_single(
      state, levels<T>(),
      [](const T* x, std::size_t n) { return hedgemetrics::variance(hedgemetrics::series_view<T>(x, n)); },
      per_value);
}

template <class T>
void BM_describe(benchmark::State& state) {
  hm_bench::run_single(
      state, levels<T>(),
      [](const T* x, std::size_t n) { return hedgemetrics::describe(hedgemetrics::series_view<T>(x, n)); },
      per_value);
}

template <class T>
void BM_bare_read(benchmark::State& state) {
  hm_bench::run_single(
      state, levels<T>(), [](const T* x, std::size_t n) { return hm_bench::bare_read(x, n); }, per_value);
}

template <class T>
void BM_naive_variance(benchmark::State& state) {
  hm_bench::run_single(state, levels<T>(), naive_variance<T>, per_value);
}

}  // namespace

BENCHMARK_TEMPLATE(BM_variance, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_variance, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_describe, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_describe, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_naive_variance, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_naive_variance, float)->Apply(hm_bench::sizes);

int main(int argc, char** argv) {
  return hm_bench::main(argc, argv);
}
