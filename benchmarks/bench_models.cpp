// SPDX-License-Identifier: MIT
/// \file
/// The model-based hedge ratios (kalman_hedge.hpp, garch_hedge.hpp, error_correction.hpp) against the
/// library's own baselines:
///  - kalman_hedge with given variances (the filter alone, issue 14's target ≤ 10 ns per observation), its
///    likelihood-only pass (what maximum likelihood calls), with the smoother, and by maximum likelihood;
///    expanding_hedge, the least-squares path it equals with zero state noise, is the baseline;
///  - fit_garch and dcc_hedge (both GARCH fits, (a, b) and the two-step sandwich errors) on 10⁴ pairs
///    (target: well under a second), beside fit_hedge on the same pairs;
///  - error_correction_hedge on 10⁴ price levels.
/// Figures are time per observation (`time_per_point`) for the filters, milliseconds per fit for the rest.
#include <hedgemetrics/error_correction.hpp>
#include <hedgemetrics/garch_hedge.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/kalman_hedge.hpp>
#include <hedgemetrics/rolling.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench_common.hpp"

namespace {

constexpr const char* per_point = "time_per_point";

void filter_sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {10'000, 1'000'000}) b->Arg(n);
}

hedgemetrics::kalman_options given() {
  hedgemetrics::kalman_options o;
  o.observation_variance = 0.1;
  o.ratio_variance = 1e-5;
  o.smooth = false;
  return o;
}

void BM_kalman_filter(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  const auto options = given();
  for (auto _ : state) {
    const auto result = hedgemetrics::kalman_hedge(s, f, options);
    benchmark::DoNotOptimize(result.ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

/// The same filter into a result kept across calls: no allocation, no first-touch page faults.
void BM_kalman_filter_reused(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  const auto options = given();
  hedgemetrics::kalman_hedge_result result;
  hedgemetrics::kalman_hedge(s, f, options, result);  // first touch outside the timed loop
  for (auto _ : state) {
    hedgemetrics::kalman_hedge(s, f, options, result);
    benchmark::DoNotOptimize(result.ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

void BM_kalman_likelihood_pass(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  for (auto _ : state) {
    const auto sums =
        hedgemetrics::detail::kalman_filter_pass(data.first.data(), data.second.data(), n, true, false, 0.1,
                                                 0.0, 1e-5, hedgemetrics::detail::kalman_path{});
    benchmark::DoNotOptimize(sums.log_f);
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

void BM_kalman_filter_and_smoother(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  auto options = given();
  options.smooth = true;
  for (auto _ : state) {
    const auto result = hedgemetrics::kalman_hedge(s, f, options);
    benchmark::DoNotOptimize(result.smoothed_ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

void BM_kalman_maximum_likelihood(benchmark::State& state) {
  const auto& data = hm_bench::correlated_changes<double>();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<double> s(data.first.data(), n), f(data.second.data(), n);
  for (auto _ : state) {
    const auto result = hedgemetrics::kalman_hedge(s, f);
    benchmark::DoNotOptimize(result.ratio.data());
  }
  hm_bench::set_throughput<double>(state, n, 2, per_point);
}

/// The baseline: expanding least squares, what the filter computes with zero state noise.
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

/// Returns with GARCH(1,1) volatility and DCC-like correlation, so the fits have something to find.
const std::vector<std::vector<double>>& garch_pairs() {
  static const std::vector<std::vector<double>> data = [] {
    hm_bench::random_source rng(hm_bench::seed);
    std::vector<double> s, f;
    double v1 = 1, v2 = 1, e1 = 0, e2 = 0;
    for (int t = 0; t < 10'000; ++t) {
      v1 = 0.02 + 0.08 * e1 * e1 + 0.9 * v1;
      v2 = 0.01 + 0.05 * e2 * e2 + 0.93 * v2;
      const double r = 0.7 + 0.2 * std::sin(t / 500.0);
      const double z1 = rng.normal(), z2 = r * z1 + std::sqrt(1 - r * r) * rng.normal();
      e1 = std::sqrt(v1) * z1, e2 = std::sqrt(v2) * z2;
      s.push_back(e1), f.push_back(e2);
    }
    return std::vector<std::vector<double>>{s, f};
  }();
  return data;
}

void BM_fit_garch(benchmark::State& state) {
  const auto& data = garch_pairs();
  for (auto _ : state) {
    const auto fit = hedgemetrics::fit_garch(data[0]);
    benchmark::DoNotOptimize(fit.alpha);
  }
}

void BM_dcc_hedge(benchmark::State& state) {
  const auto& data = garch_pairs();
  for (auto _ : state) {
    const auto fit = hedgemetrics::dcc_hedge(data[0], data[1]);
    benchmark::DoNotOptimize(fit.forecast_ratio);
  }
}

void BM_ccc_hedge(benchmark::State& state) {
  const auto& data = garch_pairs();
  for (auto _ : state) {
    const auto fit = hedgemetrics::dcc_hedge(data[0], data[1], hedgemetrics::correlation_model::constant);
    benchmark::DoNotOptimize(fit.forecast_ratio);
  }
}

/// The baseline: the static OLS ratio of the same 10⁴ pairs.
void BM_fit_hedge_10k(benchmark::State& state) {
  const auto& data = garch_pairs();
  for (auto _ : state) {
    const auto fit = hedgemetrics::fit_hedge(data[0], data[1]);
    benchmark::DoNotOptimize(fit.ratio);
  }
}

void BM_error_correction_hedge(benchmark::State& state) {
  const auto& data = garch_pairs();
  std::vector<double> s(10'001, 50.0), f(10'001, 50.0);
  for (std::size_t t = 0; t < 10'000; ++t) {
    f[t + 1] = f[t] + data[1][t];
    s[t + 1] = s[t] + data[0][t] - 0.05 * (s[t] - f[t]);
  }
  for (auto _ : state) {
    const auto fit = hedgemetrics::error_correction_hedge(s, f);
    benchmark::DoNotOptimize(fit.ratio);
  }
}

}  // namespace

BENCHMARK(BM_kalman_filter)->Apply(filter_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_kalman_filter_reused)->Apply(filter_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_kalman_likelihood_pass)->Apply(filter_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_kalman_filter_and_smoother)->Apply(filter_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_expanding_hedge)->Apply(filter_sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_kalman_maximum_likelihood)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_garch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ccc_hedge)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_dcc_hedge)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_fit_hedge_10k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_error_correction_hedge)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  return hm_bench::main(argc, argv);
}
