// SPDX-License-Identifier: MIT
/// \file
/// The as-of join (alignment.hpp) and Hayashi–Yoshida (asynchronous.hpp) on two tick series of n values
/// each (2n observations; 2n = 1e7 at the largest size), against:
///  - the bare read of the four input arrays (times and values of both series): the memory limit;
///  - a textbook as-of join by binary search per row (std::upper_bound: O(n log n));
///  - pandas `merge_asof` on the same data, in the same run, with `--pandas` (Debian python3-pandas):
///    the data are written to a temporary directory and bench_alignment_pandas.py times the join there
///    and prints its matched-row count and checksum next to ours.
/// Every figure is time per input observation (`time_per_observation`), so they divide directly.
#include <hedgemetrics/alignment.hpp>
#include <hedgemetrics/asynchronous.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace {

constexpr const char* per_observation = "time_per_observation";
/// Per series; 2 × 5e6 = 1e7 observations at the largest size.
constexpr std::int64_t largest_ticks = 5'000'000;
/// The staleness limit of the joins, in the ticks' unit (milliseconds, say): 20 mean gaps.
constexpr std::int64_t staleness = 50;

struct tick_pair {
  std::vector<std::int64_t> tx, ty;
  std::vector<double> x, y;
};

/// Two random walks ticking at independent random times: gaps uniform on 1..4 (mean 2.5) for the
/// exposure and 1..3 (mean 2) for the hedge, so neither stream is a subset of the other.
const tick_pair& ticks() {
  static const tick_pair data = [] {
    tick_pair d;
    hm_bench::random_source random(hm_bench::seed + 16);
    const auto n = static_cast<std::size_t>(largest_ticks);
    d.tx.resize(n);
    d.ty.resize(n);
    d.x.resize(n);
    d.y.resize(n);
    std::int64_t a = 0, b = 0;
    double lx = 100, ly = 90;
    for (std::size_t i = 0; i < n; ++i) {
      a += 1 + static_cast<std::int64_t>(random.next() % 4);
      b += 1 + static_cast<std::int64_t>(random.next() % 3);
      const double common = random.normal();
      lx += 0.01 * (common + 0.5 * random.normal());
      ly += 0.01 * (0.8 * common + 0.5 * random.normal());
      d.tx[i] = a;
      d.ty[i] = b;
      d.x[i] = lx;
      d.y[i] = ly;
    }
    return d;
  }();
  return data;
}

void tick_sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {std::int64_t{1'000}, std::int64_t{100'000}, largest_ticks}) b->Arg(n);
}

std::vector<hedgemetrics::timed_series_view<double>> views(std::size_t n) {
  const auto& d = ticks();
  return {{d.tx.data(), d.x.data(), n, "exposure"}, {d.ty.data(), d.y.data(), n, "hedge"}};
}

void BM_bare_read(benchmark::State& state) {
  const auto& d = ticks();
  const std::size_t n = hm_bench::size_of(state);
  for (auto _ : state) {
    const double values = hm_bench::bare_read(d.x.data(), d.y.data(), n);
    const std::int64_t* const times[2] = {d.tx.data(), d.ty.data()};
    const std::int64_t stamps = hm_bench::bare_read_all(times, n);
    benchmark::DoNotOptimize(values);
    benchmark::DoNotOptimize(stamps);
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

/// merge_asof's join: a row per exposure tick, the hedge's last value at or before it, within the limit.
/// Output storage reused from one call to the next (the computation without page faults).
void BM_as_of_join(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto input = views(n);
  hedgemetrics::align_options o;
  o.policy = hedgemetrics::join_policy::as_of;
  o.max_staleness = staleness;
  hedgemetrics::aligned_series<double> out;
  hedgemetrics::align(input, o, out);  // first touch of the output pages, outside the timed loop
  for (auto _ : state) {
    hedgemetrics::align(input, o, out);
    benchmark::DoNotOptimize(out.time.data());
    benchmark::ClobberMemory();
  }
  state.counters["rows"] = static_cast<double>(out.time.size());
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

/// The same join into a fresh result each call: allocation and first touch of 40 bytes per row included.
void BM_as_of_join_fresh(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto input = views(n);
  hedgemetrics::align_options o;
  o.policy = hedgemetrics::join_policy::as_of;
  o.max_staleness = staleness;
  for (auto _ : state) {
    const auto out = hedgemetrics::align(input, o);
    benchmark::DoNotOptimize(out.time.data());
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

/// A row whenever either series ticks (the union), both carried forward.
void BM_union_as_of(benchmark::State& state) {
  const std::size_t n = hm_bench::size_of(state);
  const auto input = views(n);
  hedgemetrics::align_options o;
  o.max_staleness = staleness;
  hedgemetrics::aligned_series<double> out;
  hedgemetrics::align(input, o, out);  // first touch of the output pages, outside the timed loop
  for (auto _ : state) {
    hedgemetrics::align(input, o, out);
    benchmark::DoNotOptimize(out.time.data());
    benchmark::ClobberMemory();
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

/// The textbook as-of join: for each exposure tick, binary search of the hedge's times.
void BM_binary_search_as_of(benchmark::State& state) {
  const auto& d = ticks();
  const std::size_t n = hm_bench::size_of(state);
  std::vector<double> value(n);
  std::vector<std::int64_t> age(n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto it = std::upper_bound(d.ty.begin(), d.ty.begin() + static_cast<std::ptrdiff_t>(n), d.tx[i]);
      if (it == d.ty.begin()) {
        value[i] = std::nan("");
        age[i] = -1;
      } else {
        const auto j = static_cast<std::size_t>(it - d.ty.begin()) - 1;
        value[i] = d.y[j];
        age[i] = d.tx[i] - d.ty[j];
      }
    }
    benchmark::DoNotOptimize(value.data());
    benchmark::DoNotOptimize(age.data());
    benchmark::ClobberMemory();
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

void BM_hayashi_yoshida(benchmark::State& state) {
  const auto& d = ticks();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<std::int64_t> tx(d.tx.data(), n), ty(d.ty.data(), n);
  const hedgemetrics::series_view<double> x(d.x.data(), n), y(d.y.data(), n);
  for (auto _ : state) {
    const auto fit = hedgemetrics::hayashi_yoshida(tx, x, ty, y);
    benchmark::DoNotOptimize(fit.covariance);
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

/// The same estimator as two pointers advanced by `while` loops (the first version of the library's
/// kernel): a branch per tick on which stream comes next, mispredicted about once per tick with random
/// gaps; plain sums.
double branchy_hayashi_yoshida(const std::int64_t* tx, const double* x, std::size_t nx,
                               const std::int64_t* ty, const double* y, std::size_t ny) {
  double cov = 0;
  std::size_t at_or_before = 0, before = 0;
  for (std::size_t i = 1; i < nx; ++i) {
    while (at_or_before < ny && ty[at_or_before] <= tx[i - 1]) ++at_or_before;
    while (before < ny && ty[before] < tx[i]) ++before;
    const std::size_t lo = at_or_before > 0 ? at_or_before : 1;
    const std::size_t hi = before < ny - 1 ? before : ny - 1;
    if (lo <= hi) cov += (x[i] - x[i - 1]) * (y[hi] - y[lo - 1]);
  }
  return cov;
}

void BM_branchy_hayashi_yoshida(benchmark::State& state) {
  const auto& d = ticks();
  const std::size_t n = hm_bench::size_of(state);
  for (auto _ : state) {
    const double cov = branchy_hayashi_yoshida(d.tx.data(), d.x.data(), n, d.ty.data(), d.y.data(), n);
    benchmark::DoNotOptimize(cov);
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

void BM_previous_tick(benchmark::State& state) {
  const auto& d = ticks();
  const std::size_t n = hm_bench::size_of(state);
  const hedgemetrics::series_view<std::int64_t> tx(d.tx.data(), n), ty(d.ty.data(), n);
  const hedgemetrics::series_view<double> x(d.x.data(), n), y(d.y.data(), n);
  hedgemetrics::covariation_options o;
  o.grid_step = 10;
  for (auto _ : state) {
    const auto fit = hedgemetrics::previous_tick_fit(tx, x, ty, y, o);
    benchmark::DoNotOptimize(fit.covariance);
  }
  hm_bench::set_throughput<double>(state, 2 * n, 2, per_observation);
}

/// --pandas: write the largest data set, run bench_alignment_pandas.py on it, print both joins' results.
int compare_with_pandas(const char* script) {
  const auto& d = ticks();
  const std::string dir = "/tmp/hedgemetrics_bench_alignment";
  if (std::system(("mkdir -p " + dir).c_str()) != 0) return 1;
  auto write = [&](const char* name, const void* data, std::size_t bytes) {
    std::FILE* file = std::fopen((dir + "/" + name).c_str(), "wb");
    if (file == nullptr) return false;
    const bool ok = std::fwrite(data, 1, bytes, file) == bytes;
    return std::fclose(file) == 0 && ok;
  };
  const std::size_t n = d.tx.size();
  if (!write("tx.bin", d.tx.data(), n * 8) || !write("x.bin", d.x.data(), n * 8) ||
      !write("ty.bin", d.ty.data(), n * 8) || !write("y.bin", d.y.data(), n * 8)) {
    std::fprintf(stderr, "bench_alignment: cannot write %s\n", dir.c_str());
    return 1;
  }
  hedgemetrics::align_options o;
  o.policy = hedgemetrics::join_policy::as_of;
  o.max_staleness = staleness;
  const auto joined = hedgemetrics::align(views(n), o);
  double checksum = 0;
  for (const double v : joined.values[1]) checksum += v;
  std::printf("\nhedgemetrics as-of join, %zu + %zu ticks: %zu rows matched, sum of hedge values %.6f\n", n,
              n, joined.time.size(), checksum);
  std::fflush(stdout);
  // Debian's python3 first: python3-pandas installs there, not into a python3 earlier on PATH (pyenv).
  const char* python = std::system("test -x /usr/bin/python3") == 0 ? "/usr/bin/python3" : "python3";
  const std::string command =
      std::string(python) + " '" + script + "' " + dir + " " + std::to_string(staleness);
  return std::system(command.c_str()) == 0 ? 0 : 1;
}

}  // namespace

BENCHMARK(BM_bare_read)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_as_of_join)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_as_of_join_fresh)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_union_as_of)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_binary_search_as_of)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_hayashi_yoshida)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_branchy_hayashi_yoshida)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_previous_tick)->Apply(tick_sizes)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  // --pandas (ours, not Google Benchmark's): after the benchmarks, the same join in pandas.
  bool pandas = false;
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strcmp(argv[i], "--pandas") == 0) {
      pandas = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argv[kept] = nullptr;
  const int status = hm_bench::main(kept, argv);
  if (status != 0 || !pandas) return status;
  return compare_with_pandas(HEDGEMETRICS_BENCH_PANDAS_SCRIPT);
}
