// SPDX-License-Identifier: MIT
/// \file
/// basis_risk (basis.hpp) over 1e3 ... 1e7 pairs of spot and futures price levels near 100, double and
/// float, against the bare read of the same two series (the memory limit).
#include <hedgemetrics/basis.hpp>

#include <cstddef>

#include "bench_common.hpp"

namespace {

constexpr const char* per_pair = "time_per_pair";

template <class T>
void BM_basis_risk(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::spot_futures_levels<T>();
  for (auto _ : state) {
    const T* spot = data.first.data();
    const T* futures = data.second.data();
    benchmark::DoNotOptimize(spot);  // opaque: no hoisting across iterations (see bench_common.hpp)
    benchmark::DoNotOptimize(futures);
    auto stats = hedgemetrics::basis_risk(hedgemetrics::series_view<T>(spot, n),
                                          hedgemetrics::series_view<T>(futures, n));
    benchmark::DoNotOptimize(stats);
  }
  hm_bench::set_throughput<T>(state, n, 2, per_pair);
}

/// With a hedge ratio other than 1 (b_t = spot_t - 0.8 futures_t).
template <class T>
void BM_basis_risk_ratio(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto& data = hm_bench::spot_futures_levels<T>();
  for (auto _ : state) {
    const T* spot = data.first.data();
    const T* futures = data.second.data();
    benchmark::DoNotOptimize(spot);
    benchmark::DoNotOptimize(futures);
    auto stats = hedgemetrics::basis_risk(hedgemetrics::series_view<T>(spot, n),
                                          hedgemetrics::series_view<T>(futures, n), 0.8);
    benchmark::DoNotOptimize(stats);
  }
  hm_bench::set_throughput<T>(state, n, 2, per_pair);
}

template <class T>
void BM_bare_read(benchmark::State& state) {
  hm_bench::bare_read_pair_benchmark<T>(state, hm_bench::spot_futures_levels<T>(), per_pair);
}

}  // namespace

BENCHMARK_TEMPLATE(BM_basis_risk, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_basis_risk, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_basis_risk_ratio, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, float)->Apply(hm_bench::sizes);

int main(int argc, char** argv) { return hm_bench::main(argc, argv); }
