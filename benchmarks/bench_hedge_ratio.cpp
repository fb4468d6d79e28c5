// SPDX-License-Identifier: MIT
/// \file
/// fit_hedge (hedge_ratio.hpp) over 1e3 ... 1e7 pairs of price changes, double and float, against the
/// baselines it is judged by, on the same data:
///  - bare_read: the two series read once and summed, vectorised: the memory limit;
///  - naive_one_pass: the raw sums Σx, Σy, Σxy, Σx², Σy² and the textbook formulas, the loop people write
///    by hand (it loses every digit on price levels; fit_hedge must not, and must not be slower);
///  - textbook_two_pass: means, then centred sums;
///  - gsl_fit_linear: GSL's least-squares line (x = hedge, y = exposure), when GSL was found.
/// The target (issue 2): at 1e7 pairs fit_hedge within 1.3x of bare_read and at least 10x faster than GSL.
#include <hedgemetrics/hedge_ratio.hpp>

#include <cstddef>

#include "bench_common.hpp"

#if defined(HEDGEMETRICS_BENCH_HAVE_GSL)
#include <gsl/gsl_fit.h>
#endif

namespace {

constexpr const char* per_pair = "time_per_pair";

/// The figures the baseline loops compute, as fit_hedge names them.
struct baseline_fit {
  double ratio;
  double intercept;
  double effectiveness;
  double residual_variance;
};

/// The textbook one-pass formulas on raw sums (x = hedge F, y = exposure S), accumulated in double as
/// hedgemetrics computes float input. Each sum is one ordered dependency chain: without -ffast-math a
/// compiler may not reassociate it, so this loop runs at the latency of one add per element.
template <class T>
baseline_fit naive_one_pass(const T* exposure, const T* hedge, std::size_t n) noexcept {
  double sum_x = 0.0;
  double sum_y = 0.0;
  double sum_xy = 0.0;
  double sum_xx = 0.0;
  double sum_yy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(hedge[i]);
    const double y = static_cast<double>(exposure[i]);
    sum_x += x;
    sum_y += y;
    sum_xy += x * y;
    sum_xx += x * x;
    sum_yy += y * y;
  }
  const double count = static_cast<double>(n);
  const double sxy = count * sum_xy - sum_x * sum_y;
  const double sxx = count * sum_xx - sum_x * sum_x;
  const double syy = count * sum_yy - sum_y * sum_y;
  const double ratio = sxy / sxx;
  const double effectiveness = sxy * sxy / (sxx * syy);
  return {ratio, (sum_y - ratio * sum_x) / count, effectiveness,
          (syy - ratio * sxy) / (count * (count - 1.0))};
}

/// The textbook two-pass algorithm: the means, then the centred sums of squares and products.
template <class T>
baseline_fit textbook_two_pass(const T* exposure, const T* hedge, std::size_t n) noexcept {
  double sum_x = 0.0;
  double sum_y = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum_x += static_cast<double>(hedge[i]);
    sum_y += static_cast<double>(exposure[i]);
  }
  const double count = static_cast<double>(n);
  const double mean_x = sum_x / count;
  const double mean_y = sum_y / count;
  double sxx = 0.0;
  double syy = 0.0;
  double sxy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = static_cast<double>(hedge[i]) - mean_x;
    const double dy = static_cast<double>(exposure[i]) - mean_y;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const double ratio = sxy / sxx;
  return {ratio, mean_y - ratio * mean_x, sxy * sxy / (sxx * syy), (syy - ratio * sxy) / (count - 1.0)};
}

template <class T>
void BM_fit_hedge(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::correlated_changes<T>();
  for (auto _ : state) {
    const T* exposure = data.first.data();
    const T* hedge = data.second.data();
    benchmark::DoNotOptimize(exposure);  // opaque: no hoisting across iterations (see bench_common.hpp)
    benchmark::DoNotOptimize(hedge);
    auto fit = hedgemetrics::fit_hedge(hedgemetrics::series_view<T>(exposure, n),
                                       hedgemetrics::series_view<T>(hedge, n));
    benchmark::DoNotOptimize(fit);
  }
  hm_bench::set_throughput<T>(state, n, 2, per_pair);
}

/// The cost of missing_data::omit on clean data (every pair kept): the finiteness test per pair.
template <class T>
void BM_fit_hedge_omit(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::correlated_changes<T>();
  for (auto _ : state) {
    const T* exposure = data.first.data();
    const T* hedge = data.second.data();
    benchmark::DoNotOptimize(exposure);
    benchmark::DoNotOptimize(hedge);
    auto fit = hedgemetrics::fit_hedge(hedgemetrics::series_view<T>(exposure, n),
                                       hedgemetrics::series_view<T>(hedge, n), hedgemetrics::missing_data::omit);
    benchmark::DoNotOptimize(fit);
  }
  hm_bench::set_throughput<T>(state, n, 2, per_pair);
}

template <class T>
void BM_bare_read(benchmark::State& state) {
  hm_bench::bare_read_pair_benchmark<T>(state, hm_bench::correlated_changes<T>(), per_pair);
}

template <class T>
void BM_naive_one_pass(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::correlated_changes<T>();
  for (auto _ : state) {
    const T* exposure = data.first.data();
    const T* hedge = data.second.data();
    benchmark::DoNotOptimize(exposure);
    benchmark::DoNotOptimize(hedge);
    baseline_fit fit = naive_one_pass(exposure, hedge, n);
    benchmark::DoNotOptimize(fit);
  }
  hm_bench::set_throughput<T>(state, n, 2, per_pair);
}

template <class T>
void BM_textbook_two_pass(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::correlated_changes<T>();
  for (auto _ : state) {
    const T* exposure = data.first.data();
    const T* hedge = data.second.data();
    benchmark::DoNotOptimize(exposure);
    benchmark::DoNotOptimize(hedge);
    baseline_fit fit = textbook_two_pass(exposure, hedge, n);
    benchmark::DoNotOptimize(fit);
  }
  hm_bench::set_throughput<T>(state, n, 2, per_pair);
}

#if defined(HEDGEMETRICS_BENCH_HAVE_GSL)
/// GSL takes double only, so it runs on the double series alone.
void BM_gsl_fit_linear(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::correlated_changes<double>();
  for (auto _ : state) {
    const double* exposure = data.first.data();
    const double* hedge = data.second.data();
    benchmark::DoNotOptimize(exposure);
    benchmark::DoNotOptimize(hedge);
    double c0 = 0.0;
    double c1 = 0.0;
    double cov00 = 0.0;
    double cov01 = 0.0;
    double cov11 = 0.0;
    double sumsq = 0.0;
    int status = gsl_fit_linear(hedge, 1, exposure, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(c0);
    benchmark::DoNotOptimize(c1);
    benchmark::DoNotOptimize(cov00);
    benchmark::DoNotOptimize(cov01);
    benchmark::DoNotOptimize(cov11);
    benchmark::DoNotOptimize(sumsq);
  }
  hm_bench::set_throughput<double>(state, n, 2, per_pair);
}
#endif

}  // namespace

BENCHMARK_TEMPLATE(BM_fit_hedge, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_fit_hedge, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_fit_hedge_omit, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_naive_one_pass, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_naive_one_pass, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_textbook_two_pass, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_textbook_two_pass, float)->Apply(hm_bench::sizes);
#if defined(HEDGEMETRICS_BENCH_HAVE_GSL)
BENCHMARK(BM_gsl_fit_linear)->Apply(hm_bench::sizes);
#endif

int main(int argc, char** argv) { return hm_bench::main(argc, argv); }
