// SPDX-License-Identifier: MIT
/// \file
/// hedge_accounting.hpp (dollar offset, regression and variance reduction tests, the assessment) and
/// downside.hpp (VaR, ES, LPM, downside effectiveness, the minimum-ES and minimum-semivariance ratios) on
/// 1e3 ... 1e6 correlated price changes (bench_common.hpp), against the bare read of the pair (the memory
/// limit), a full std::sort of one series (what a quantile costs without nth_element, and the O(n log n)
/// yardstick of the minimisers), and the textbook expected shortfall that sorts.
#include <hedgemetrics/downside.hpp>
#include <hedgemetrics/hedge_accounting.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

#include "bench_common.hpp"

namespace {

constexpr const char* per_pair = "time_per_pair";
constexpr const char* per_value = "time_per_value";
constexpr double level = 0.95;

/// 1e3 ... 1e6: the 10⁶ observations at the top.
void sizes(benchmark::internal::Benchmark* b) {
  b->RangeMultiplier(10)->Range(1'000, 1'000'000);
}

/// Exposure S and hedge F (correlation 0.95, slope 0.8).
const hm_bench::series_pair<double>& changes() {
  return hm_bench::correlated_changes<double>();
}

/// The same pair in hedge-accounting form: item ΔH = S, instrument ΔI = −0.8·F (a hedge sold at 0.8).
const hm_bench::series_pair<double>& designation() {
  static const hm_bench::series_pair<double> data = [] {
    hm_bench::series_pair<double> d;
    d.first = changes().first;
    d.second.reserve(changes().second.size());
    for (const double f : changes().second) d.second.push_back(-0.8 * f);
    return d;
  }();
  return data;
}

using view = hedgemetrics::series_view<double>;

void BM_bare_read(benchmark::State& state) {
  hm_bench::bare_read_pair_benchmark(state, changes(), per_pair);
}

void BM_full_sort(benchmark::State& state) {
  std::vector<double> work;
  hm_bench::run_single(
      state, changes().first,
      [&work](const double* x, std::size_t n) {
        work.assign(x, x + n);
        std::sort(work.begin(), work.end());
        return work[n / 2];
      },
      per_value);
}

/// The textbook historical ES: sort the losses, average the worst n(1 − α).
void BM_expected_shortfall_by_sort(benchmark::State& state) {
  std::vector<double> work;
  hm_bench::run_single(
      state, changes().first,
      [&work](const double* x, std::size_t n) {
        work.resize(n);
        for (std::size_t i = 0; i < n; ++i) work[i] = -x[i];
        std::sort(work.begin(), work.end());
        const auto tail = static_cast<std::size_t>(static_cast<double>(n) * (1.0 - level));
        double sum = 0.0;
        for (std::size_t i = n - tail; i < n; ++i) sum += work[i];
        return sum / static_cast<double>(tail);
      },
      per_value);
}

void BM_value_at_risk(benchmark::State& state) {
  hm_bench::run_single(
      state, changes().first,
      [](const double* x, std::size_t n) { return hedgemetrics::value_at_risk(view(x, n), level); },
      per_value);
}

void BM_expected_shortfall(benchmark::State& state) {
  hm_bench::run_single(
      state, changes().first,
      [](const double* x, std::size_t n) { return hedgemetrics::expected_shortfall(view(x, n), level); },
      per_value);
}

void BM_lower_partial_moment(benchmark::State& state) {
  hm_bench::run_single(
      state, changes().first,
      [](const double* x, std::size_t n) { return hedgemetrics::lower_partial_moment(view(x, n), 2, 0.0); },
      per_value);
}

void BM_downside_effectiveness(benchmark::State& state) {
  hm_bench::run_pairs(
      state, changes(),
      [](const double* s, const double* f, std::size_t n) {
        return hedgemetrics::downside_effectiveness(view(s, n), view(f, n), 0.8, level).expected_shortfall;
      },
      per_pair);
}

void BM_min_expected_shortfall_ratio(benchmark::State& state) {
  hm_bench::run_pairs(
      state, changes(),
      [](const double* s, const double* f, std::size_t n) {
        return hedgemetrics::min_expected_shortfall_ratio(view(s, n), view(f, n), level);
      },
      per_pair);
}

void BM_min_semivariance_ratio(benchmark::State& state) {
  hm_bench::run_pairs(
      state, changes(),
      [](const double* s, const double* f, std::size_t n) {
        return hedgemetrics::min_semivariance_ratio(view(s, n), view(f, n));
      },
      per_pair);
}

void BM_dollar_offset(benchmark::State& state) {
  hm_bench::run_pairs(
      state, designation(),
      [](const double* h, const double* i, std::size_t n) {
        return hedgemetrics::dollar_offset(view(h, n), view(i, n)).passed;
      },
      per_pair);
}

void BM_variance_reduction_test(benchmark::State& state) {
  hm_bench::run_pairs(
      state, designation(),
      [](const double* h, const double* i, std::size_t n) {
        return hedgemetrics::variance_reduction_test(view(h, n), view(i, n)).reduction;
      },
      per_pair);
}

void BM_regression_test(benchmark::State& state) {
  hm_bench::run_pairs(
      state, designation(),
      [](const double* h, const double* i, std::size_t n) {
        return hedgemetrics::regression_test(view(h, n), view(i, n)).p_value;
      },
      per_pair);
}

void BM_assess_hedge(benchmark::State& state) {
  hm_bench::run_pairs(
      state, designation(),
      [](const double* h, const double* i, std::size_t n) {
        return hedgemetrics::assess_hedge(view(h, n), view(i, n)).overall;
      },
      per_pair);
}

}  // namespace

BENCHMARK(BM_bare_read)->Apply(sizes);
BENCHMARK(BM_full_sort)->Apply(sizes);
BENCHMARK(BM_expected_shortfall_by_sort)->Apply(sizes);
BENCHMARK(BM_value_at_risk)->Apply(sizes);
BENCHMARK(BM_expected_shortfall)->Apply(sizes);
BENCHMARK(BM_lower_partial_moment)->Apply(sizes);
BENCHMARK(BM_downside_effectiveness)->Apply(sizes);
BENCHMARK(BM_min_expected_shortfall_ratio)->Apply(sizes);
BENCHMARK(BM_min_semivariance_ratio)->Apply(sizes);
BENCHMARK(BM_dollar_offset)->Apply(sizes);
BENCHMARK(BM_variance_reduction_test)->Apply(sizes);
BENCHMARK(BM_regression_test)->Apply(sizes);
BENCHMARK(BM_assess_hedge)->Apply(sizes);

int main(int argc, char** argv) {
  return hm_bench::main(argc, argv);
}
