// SPDX-License-Identifier: MIT
/// \file
/// delta_hedge.hpp: QuantLib's DiscreteHedging experiment (S = K = 100, T = 1/12, σ 20%, r 5%, 50,000
/// paths, 21 and 84 hedges) run by simulate_delta_hedge on one thread, against Debian's quantlib-examples
/// program DiscreteHedging doing the same in the same run (wall time of the whole program; it prints the
/// P&L standard deviations 0.43 and 0.22, which this benchmark parses and reports beside ours), and
/// delta_hedge on one path of 1e3 ... 1e5 steps (the per-step cost of the path hedge with its attribution).
/// Without /usr/bin/DiscreteHedging (apt-get install quantlib-examples) the QuantLib benchmark is not
/// registered, and a line says so.
#include <hedgemetrics/delta_hedge.hpp>

#if defined(__unix__) || defined(__APPLE__)
#define HEDGEMETRICS_BENCH_HAVE_POSIX 1
#include <sys/resource.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace {

namespace hm = hedgemetrics;

constexpr const char* quantlib_program = "/usr/bin/DiscreteHedging";
constexpr std::size_t experiment_paths = 50000;

hm::delta_hedge_options quantlib_option() {
  hm::delta_hedge_options o;
  o.type = hm::option_type::call;
  o.strike = 100.0;
  o.expiry = 1.0 / 12.0;
  o.rate = 0.05;
  o.volatility = 0.20;
  return o;
}

/// One hedging experiment: 50,000 paths with `hedges` rebalances, single-threaded.
void BM_simulate_delta_hedge(benchmark::State& state) {
  const auto o = quantlib_option();
  hm::hedging_simulation sim;
  sim.paths = experiment_paths;
  sim.rebalances = static_cast<std::size_t>(state.range(0));
  sim.threads = 1;
  double sd = 0;
  for (auto _ : state) {
    sd = hm::simulate_delta_hedge(100.0, o, sim).standard_deviation;
    benchmark::DoNotOptimize(sd);
  }
  state.counters["pnl_sd"] = benchmark::Counter(sd);
  state.counters["time_per_hedge_step"] =
      benchmark::Counter(static_cast<double>(sim.paths * sim.rebalances),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_simulate_delta_hedge)->Arg(21)->Arg(84)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The whole of QuantLib's program, both rows (21 and 84 hedges): what DiscreteHedging does.
void BM_hedgemetrics_discrete_hedging_experiment(benchmark::State& state) {
  const auto o = quantlib_option();
  hm::hedging_simulation sim;
  sim.paths = experiment_paths;
  double sd21 = 0, sd84 = 0;
  for (auto _ : state) {
    sim.rebalances = 21;
    sd21 = hm::simulate_delta_hedge(100.0, o, sim).standard_deviation;
    sim.rebalances = 84;
    sd84 = hm::simulate_delta_hedge(100.0, o, sim).standard_deviation;
    benchmark::DoNotOptimize(sd21);
    benchmark::DoNotOptimize(sd84);
  }
  state.counters["pnl_sd_21"] = sd21;
  state.counters["pnl_sd_84"] = sd84;
}
BENCHMARK(BM_hedgemetrics_discrete_hedging_experiment)->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef HEDGEMETRICS_BENCH_HAVE_POSIX
/// Runs DiscreteHedging and reads the standard deviation column (the 4th) of its two result rows.
std::vector<double> run_quantlib() {
  std::vector<double> sds;
  FILE* pipe = popen(quantlib_program, "r");
  if (!pipe) return sds;
  char line[512];
  while (std::fgets(line, sizeof line, pipe)) {
    double samples = 0, trades = 0, mean = 0, sd = 0;
    if (std::sscanf(line, " %lf | %lf | %lf | %lf |", &samples, &trades, &mean, &sd) == 4) sds.push_back(sd);
  }
  pclose(pipe);
  return sds;
}

/// CPU seconds used by finished child processes so far (the benchmark's own CPU column cannot see them).
double children_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

/// The program's wall time (the Time column) and its CPU time per run (child_cpu_ms): on a busy machine
/// compare CPU times, which the CPU column gives for the hedgemetrics benchmarks.
void BM_quantlib_DiscreteHedging_program(benchmark::State& state) {
  std::vector<double> sds;
  const double cpu_before = children_cpu_seconds();
  for (auto _ : state) {
    sds = run_quantlib();
  }
  const double cpu = children_cpu_seconds() - cpu_before;
  if (sds.size() != 2) {
    state.SkipWithError("DiscreteHedging did not print two result rows");
    return;
  }
  state.counters["pnl_sd_21"] = sds[0];
  state.counters["pnl_sd_84"] = sds[1];
  state.counters["child_cpu_ms"] = 1e3 * cpu / static_cast<double>(state.iterations());
}

#endif  // HEDGEMETRICS_BENCH_HAVE_POSIX

/// delta_hedge along one path of n steps (a year), with the attribution: the per-step cost of the path
/// kernel, which prices the option and its greeks at every step.
void BM_delta_hedge_path(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  hm::delta_hedge_options o = quantlib_option();
  o.expiry = 1.0;
  o.cost = 0.001;
  hm::hedging_simulation sim;
  sim.paths = 2;
  sim.rebalances = n;
  const auto path = hm::simulate_price_paths(100.0, o, sim).front();
  std::vector<double> times(n + 1);
  for (std::size_t i = 0; i <= n; ++i) times[i] = static_cast<double>(i) / static_cast<double>(n);
  times.back() = 1.0;
  for (auto _ : state) {
    const auto h = hm::delta_hedge(path, times, o);
    benchmark::DoNotOptimize(h.hedging_cost);
  }
  state.counters["time_per_step"] = benchmark::Counter(
      static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_delta_hedge_path)->RangeMultiplier(10)->Range(1'000, 100'000);

}  // namespace

int main(int argc, char** argv) {
#ifdef HEDGEMETRICS_BENCH_HAVE_POSIX
  if (FILE* probe = std::fopen(quantlib_program, "r")) {
    std::fclose(probe);
    benchmark::RegisterBenchmark("BM_quantlib_DiscreteHedging_program", BM_quantlib_DiscreteHedging_program)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  } else {
    std::printf(
        "bench_delta_hedge: %s not found (Debian: apt-get install quantlib-examples); the QuantLib "
        "comparison is skipped\n",
        quantlib_program);
  }
#else
  std::printf("bench_delta_hedge: the QuantLib comparison runs %s through popen, POSIX only\n",
              quantlib_program);
#endif
  return hm_bench::main(argc, argv);
}
