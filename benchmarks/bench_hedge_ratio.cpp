// SPDX-License-Identifier: MIT
/// \file
/// fit_hedge (hedge_ratio.hpp) over 1e3 ... 1e7 pairs of price changes, double and float, against the
/// baselines it is judged by, on the same data:
///  - bare_read: the two series read once and summed, vectorised: the memory limit;
///  - naive_one_pass: the raw sums Σx, Σy, Σxy, Σx², Σy² and the textbook formulas, the loop people write
///    by hand (and which loses every digit on price levels);
///  - textbook_two_pass: means, then centred sums;
///  - gsl_fit_linear: GSL's least-squares line (x = hedge, y = exposure), when GSL was found.
/// The target (issue 2): at 1e7 pairs fit_hedge within 1.3x of bare_read and at least 10x faster than GSL.
///
/// Block-size note (hedgemetrics::detail::block_length). fit_hedge<double>, ns per pair, medians of 5,
/// this binary built against copies of the headers of commit ad050ae with only block_length changed (before
/// refine_ratio, which now adds about 3.8 ns per pair up to 4096 pairs); AMD EPYC (Zen 5, 48 KiB L1d,
/// 1 MiB L2), GCC 12.2 -O3 -march=native, 2026-11-24:
///
///   block_length    1e3    1e4    1e5    1e6    1e7 (std::vector)   1e7 (64-byte aligned)
///            256   0.55   0.31   0.30   0.30   0.39-0.40           0.37-0.40
///            512   0.59   0.24   0.22   0.23   0.49-0.52           0.36-0.37
///           1024   0.80   0.21   0.18   0.20   0.46-0.51           0.36-0.41
///           2048   0.81   0.23   0.17   0.19   0.46-0.49           0.35-0.38
///           4096   0.81   0.33   0.17   0.18   0.41-0.51           0.34-0.38
///
/// In cache (1e5, 1e6) the per-block work (lane sums, checks, merge) is amortised up to 2048 pairs; 4096
/// pairs of doubles (64 KiB) no longer fit in L1 and gain nothing. Small series pay for the first block,
/// which is always summed the careful way (three sweeps): the longer the block, the more of a 1e3 or 1e4
/// series takes that path. In memory (1e7) the differences are within the run-to-run spread (shown as
/// the range of two runs), except 256, which has held 0.39-0.43 in every run. 1024 is the compromise:
/// within 8% of the best in-cache figure and 0.21 ns at 1e4. float: 1024 gives 0.19 / 0.21 ns at 1e5 /
/// 1e7, 2048 gives 0.175 / 0.20.
#include <hedgemetrics/accumulator.hpp>
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

/// fit_hedge on n pairs, as run_pairs calls a kernel.
template <class T>
hedgemetrics::hedge_fit<double> fit_kernel(const T* exposure, const T* hedge, std::size_t n) {
  return hedgemetrics::fit_hedge(hedgemetrics::series_view<T>(exposure, n),
                                 hedgemetrics::series_view<T>(hedge, n));
}

template <class T>
void BM_fit_hedge(benchmark::State& state) {
  hm_bench::run_pairs(state, hm_bench::correlated_changes<T>(), fit_kernel<T>, per_pair);
}

/// The cost of missing_data::omit on clean data (every pair kept): the finiteness test per pair.
template <class T>
void BM_fit_hedge_omit(benchmark::State& state) {
  hm_bench::run_pairs(
      state, hm_bench::correlated_changes<T>(),
      [](const T* exposure, const T* hedge, std::size_t n) {
        return hedgemetrics::fit_hedge(hedgemetrics::series_view<T>(exposure, n),
                                       hedgemetrics::series_view<T>(hedge, n),
                                       hedgemetrics::fit_options{true, hedgemetrics::missing_data::omit});
      },
      per_pair);
}

/// fit_hedge and the bare read on the same data in storage that starts on a 64-byte boundary (see
/// hm_bench::correlated_changes_cache_aligned): the difference to BM_fit_hedge is the cost of vector loads
/// that straddle cache lines.
template <class T>
void BM_fit_hedge_cache_aligned(benchmark::State& state) {
  hm_bench::run_pairs(state, hm_bench::correlated_changes_cache_aligned<T>(), fit_kernel<T>, per_pair);
}

template <class T>
void BM_bare_read_cache_aligned(benchmark::State& state) {
  hm_bench::bare_read_pair_benchmark(state, hm_bench::correlated_changes_cache_aligned<T>(), per_pair);
}

template <class T>
void BM_bare_read(benchmark::State& state) {
  hm_bench::bare_read_pair_benchmark(state, hm_bench::correlated_changes<T>(), per_pair);
}

template <class T>
void BM_naive_one_pass(benchmark::State& state) {
  hm_bench::run_pairs(state, hm_bench::correlated_changes<T>(), naive_one_pass<T>, per_pair);
}

template <class T>
void BM_textbook_two_pass(benchmark::State& state) {
  hm_bench::run_pairs(state, hm_bench::correlated_changes<T>(), textbook_two_pass<T>, per_pair);
}

#if defined(HEDGEMETRICS_BENCH_HAVE_GSL)
/// GSL's least-squares line of the exposure on the hedge (x = hedge, y = exposure, stride 1). GSL takes
/// double only, so it runs on the double series alone.
baseline_fit gsl_fit(const double* exposure, const double* hedge, std::size_t n) noexcept {
  double c0 = 0.0;
  double c1 = 0.0;
  double cov00 = 0.0;
  double cov01 = 0.0;
  double cov11 = 0.0;
  double sumsq = 0.0;
  gsl_fit_linear(hedge, 1, exposure, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
  return {c1, c0, cov11, sumsq};  // the fields only keep every output alive
}

void BM_gsl_fit_linear(benchmark::State& state) {
  hm_bench::run_pairs(state, hm_bench::correlated_changes<double>(), gsl_fit, per_pair);
}
#endif

/// hedge_accumulator fed one pair at a time (a stream), then fit(): the 256-pair buffer, the block kernel
/// and its range check per block, the pairwise merges.
void BM_accumulator_push(benchmark::State& state) {
  hm_bench::run_pairs(
      state, hm_bench::correlated_changes<double>(),
      [](const double* exposure, const double* hedge, std::size_t n) {
        hedgemetrics::hedge_accumulator<> acc;
        for (std::size_t i = 0; i < n; ++i) acc.push(exposure[i], hedge[i]);
        return acc.fit();
      },
      per_pair);
}

}  // namespace

BENCHMARK_TEMPLATE(BM_fit_hedge, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_fit_hedge, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_fit_hedge_omit, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_fit_hedge_cache_aligned, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read_cache_aligned, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_naive_one_pass, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_naive_one_pass, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_textbook_two_pass, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_textbook_two_pass, float)->Apply(hm_bench::sizes);
BENCHMARK(BM_accumulator_push)->Apply(hm_bench::sizes);
#if defined(HEDGEMETRICS_BENCH_HAVE_GSL)
BENCHMARK(BM_gsl_fit_linear)->Apply(hm_bench::sizes);
#endif

int main(int argc, char** argv) {
  return hm_bench::main(argc, argv);
}
