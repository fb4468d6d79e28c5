// SPDX-License-Identifier: MIT
/// \file
/// Benchmarks of structural_breaks.hpp (issue 13):
///  - sup_f_test: one forward and one backward pass of Givens recursive residuals, O(n·k²), read against
///    the bare read of the two series;
///  - breakpoints: Bai–Perron by one-pass dynamic programming over every admissible segment's RSS,
///    O(n²·k²), on simulated prices with 5 breaks (the issue asks for 10^4 observations in under 1 s);
///  - `--strucchange` (ours, not Google Benchmark's): the same data written to a temporary folder, and R's
///    strucchange timed on it in the same run (Fstats and breakpoints, h = 0.15, 5 breaks), printing both
///    timings and their ratio. Needs Rscript and r-cran-strucchange.
#include <hedgemetrics/structural_breaks.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace hm = hedgemetrics;

namespace {

struct regimes {
  std::vector<double> s, f;
};

/// F a random walk around 50; S = 2 + h_r F + 0.5 z, h_r changing at n/6, 2n/6, … (5 breaks).
regimes simulate(std::size_t n) {
  hm_bench::random_source rng(42);
  const double ratios[6] = {0.8, 1.1, 0.9, 1.2, 0.85, 1.05};
  regimes out;
  out.s.reserve(n);
  out.f.reserve(n);
  double f = 50;
  for (std::size_t t = 0; t < n; ++t) {
    f += rng.normal();
    out.f.push_back(f);
    out.s.push_back(2 + ratios[std::min<std::size_t>(5, 6 * t / n)] * f + 0.5 * rng.normal());
  }
  return out;
}

void BM_sup_f_test(benchmark::State& state) {
  const regimes data = simulate(hm_bench::size_of(state));
  for (auto _ : state) benchmark::DoNotOptimize(hm::sup_f_test(data.s, data.f).statistic);
  hm_bench::set_throughput<double>(state, data.s.size(), 2, "per_obs");
}

void BM_breakpoints(benchmark::State& state) {
  const regimes data = simulate(hm_bench::size_of(state));
  hm::break_options options;
  options.max_breaks = 5;
  std::size_t found = 0;
  for (auto _ : state) {
    const auto bp = hm::breakpoints(data.s, data.f, options);
    found = bp.chosen;
    benchmark::DoNotOptimize(found);
  }
  state.counters["chosen_breaks"] = static_cast<double>(found);
}

void BM_bare_read(benchmark::State& state) {
  const regimes data = simulate(hm_bench::size_of(state));
  for (auto _ : state) {
    double sum = 0;
    for (std::size_t i = 0; i < data.s.size(); ++i) sum += data.s[i] + data.f[i];
    benchmark::DoNotOptimize(sum);
  }
  hm_bench::set_throughput<double>(state, data.s.size(), 2, "per_obs");
}

}  // namespace

BENCHMARK(BM_sup_f_test)->RangeMultiplier(10)->Range(1'000, 1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_bare_read)->RangeMultiplier(10)->Range(1'000, 1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_breakpoints)->Arg(1'000)->Arg(2'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

namespace {

double seconds_of(const std::function<void()>& work, int repeats) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

/// --strucchange: the same data (n = 2,000) timed here and in R's strucchange, best of 3 each.
int compare_with_strucchange() {
  const std::size_t n = 2'000;
  const regimes data = simulate(n);
  const std::string dir = "/tmp/hedgemetrics_bench_monitoring";
  if (std::system(("mkdir -p " + dir).c_str()) != 0) return 1;
  {
    std::ofstream out(dir + "/data.csv");
    out.precision(17);
    out << "s,f\n";
    for (std::size_t i = 0; i < n; ++i) out << data.s[i] << ',' << data.f[i] << '\n';
  }
  hm::break_options options;
  options.max_breaks = 5;
  const double ours_f =
      seconds_of([&] { benchmark::DoNotOptimize(hm::sup_f_test(data.s, data.f).statistic); }, 3);
  const double ours_bp =
      seconds_of([&] { benchmark::DoNotOptimize(hm::breakpoints(data.s, data.f, options).chosen); }, 3);
  const std::string script =
      "suppressMessages(library(strucchange)); d <- read.csv('" + dir +
      "/data.csv'); best <- function(e) min(replicate(3, system.time(eval(e))[['elapsed']])); "
      "tf <- best(quote(Fstats(s ~ f, data = d, from = 0.15))); "
      "tb <- best(quote(breakpoints(s ~ f, data = d, h = 0.15, breaks = 5))); "
      "cat(sprintf('%.6f %.6f\\n', tf, tb), file = '" +
      dir + "/r_times.txt')";
  const std::string command = "Rscript --vanilla -e \"" + script + "\"";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "bench_monitoring --strucchange: Rscript or strucchange unavailable\n");
    return 1;
  }
  std::ifstream in(dir + "/r_times.txt");
  double r_f = 0, r_bp = 0;
  in >> r_f >> r_bp;
  std::printf("n = %zu, best of 3 (seconds):      hedgemetrics   strucchange   ratio\n", n);
  std::printf("  sup-F (Fstats, from = 0.15)     %12.6f  %12.6f  %6.0fx\n", ours_f, r_f, r_f / ours_f);
  std::printf("  breakpoints (h = 0.15, 5)       %12.6f  %12.6f  %6.0fx\n", ours_bp, r_bp, r_bp / ours_bp);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool strucchange = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--strucchange") == 0) {
      strucchange = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return strucchange ? compare_with_strucchange() : 0;
}
