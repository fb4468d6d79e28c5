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
  hm_bench::run_pairs(
      state, hm_bench::spot_futures_levels<T>(),
      [](const T* spot, const T* futures, std::size_t n) {
        return hedgemetrics::basis_risk(hedgemetrics::series_view<T>(spot, n),
                                        hedgemetrics::series_view<T>(futures, n));
      },
      per_pair);
}

/// With a hedge ratio other than 1 (b_t = spot_t - 0.8 futures_t).
template <class T>
void BM_basis_risk_ratio(benchmark::State& state) {
  hm_bench::run_pairs(
      state, hm_bench::spot_futures_levels<T>(),
      [](const T* spot, const T* futures, std::size_t n) {
        return hedgemetrics::basis_risk(hedgemetrics::series_view<T>(spot, n),
                                        hedgemetrics::series_view<T>(futures, n), 0.8);
      },
      per_pair);
}

template <class T>
void BM_bare_read(benchmark::State& state) {
  hm_bench::bare_read_pair_benchmark(state, hm_bench::spot_futures_levels<T>(), per_pair);
}

}  // namespace

BENCHMARK_TEMPLATE(BM_basis_risk, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_basis_risk, float)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_basis_risk_ratio, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, double)->Apply(hm_bench::sizes);
BENCHMARK_TEMPLATE(BM_bare_read, float)->Apply(hm_bench::sizes);

int main(int argc, char** argv) {
  return hm_bench::main(argc, argv);
}
