// SPDX-License-Identifier: MIT
// A program whose units are built with different flags (baseline_unit.cpp at -O2 with no -march,
// native_unit.cpp at -O3 -march=native, each in its own shared library with hidden symbols, so each runs
// its own copy of the library's inline code) gets the same figures, bit for bit, from both, on every
// instruction set this CPU runs: both run the kernel of the same set, and the code around the kernels gives
// the same bits whatever the unit's flags. check_isa_symbols.py checks the other half,
// that neither object holds a kernel compiled for a set other than its namespace's.
#include <doctest/doctest.h>

#include <hedgemetrics/instruction_set.hpp>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "mixed_flags/units.hpp"
#include "support/generate.hpp"

namespace hm = hedgemetrics;

namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Runs check(set) with both units' dispatch on each instruction set this CPU runs, then restores it.
template <class Check>
void on_every_set(Check&& check) {
  const hm::instruction_set before = hm::active_instruction_set();
  for (const hm::instruction_set set : {hm::instruction_set::portable, hm::instruction_set::sse2,
                                        hm::instruction_set::avx2, hm::instruction_set::avx512}) {
    if (!hm::instruction_set_supported(set)) continue;
    use_set_in_baseline_unit(set);
    use_set_in_native_unit(set);
    check(set);
  }
  use_set_in_baseline_unit(before);
  use_set_in_native_unit(before);
}

}  // namespace

TEST_CASE("units built with -O2 and with -O3 -march=native give the same fit, bit for bit, on every set") {
  on_every_set([&](hm::instruction_set set) {
    for (const std::size_t n : {std::size_t{1000}, std::size_t{100000}}) {
      for (const auto& p : hm_test::hard_families<double>(n, 7u + n)) {
        INFO(std::string(hm::instruction_set_name(set)) << ", " << p.name << ", n = " << n);
        const auto a = fit_in_baseline_unit(p.exposure, p.hedge);
        const auto b = fit_in_native_unit(p.exposure, p.hedge);
        CHECK(same_bits(a.ratio, b.ratio));
        CHECK(same_bits(a.intercept, b.intercept));
        CHECK(same_bits(a.effectiveness, b.effectiveness));
        CHECK(same_bits(a.residual_variance, b.residual_variance));
        CHECK(same_bits(a.ratio_standard_error, b.ratio_standard_error));
      }
    }
  });
}

TEST_CASE(
    "the several-instrument fit's streaming QR gives the same factor in both units, bit for bit, on every "
    "set") {
  const auto compare = [](const std::vector<double>& exposure, const std::vector<double>& hedges) {
    const auto a = qr_in_baseline_unit(exposure, hedges);
    const auto b = qr_in_native_unit(exposure, hedges);
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() == 4 * 5 + 1);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_bits(a[i], b[i])) ++differ;
    CHECK(differ == 0);
    CHECK(std::isfinite(a.back()));
    CHECK(a.back() > 0);
  };
  on_every_set([&](hm::instruction_set set) {
    // Sizes below one block, across blocks (1,024 rows) and with a partial last block; three hedges: the
    // family's, its square and its lag, so that every reflector has trailing columns to update.
    for (const std::size_t n : {std::size_t{1000}, std::size_t{5001}}) {
      for (const auto& p : hm_test::hard_families<double>(n, 11u + n)) {
        std::vector<double> hedges(3 * n);
        for (std::size_t t = 0; t < n; ++t) {
          hedges[t] = p.hedge[t];
          hedges[n + t] = p.hedge[t] * p.hedge[t];
          hedges[2 * n + t] = p.hedge[t == 0 ? 0 : t - 1];
        }
        INFO(std::string(hm::instruction_set_name(set)) << ", " << p.name << ", n = " << n);
        compare(p.exposure, hedges);
      }
    }
    // Ordinary data over many blocks: random walks whose column sums have every bit set, so the order of
    // their additions shows (Eigen's colwise().sum(), as wide as each unit's flags allowed, gave sums that
    // differed in their last bits, and R's first row and the residual sum with them).
    for (const double level : {0.0, 1e4}) {
      const std::size_t n = 100000;
      hm_test::random_source rng(99);
      std::vector<double> exposure(n), hedges(3 * n);
      double a = level, b = level;
      for (std::size_t t = 0; t < n; ++t) {
        a += rng.symmetric();
        b += rng.symmetric();
        hedges[t] = a;
        hedges[n + t] = b;
        hedges[2 * n + t] = (a - level) * (b - level) * 1e-3;
        exposure[t] = 0.8 * a + 0.3 * rng.symmetric();
      }
      INFO(std::string(hm::instruction_set_name(set)) << ", random walks at " << level << ", n = " << n);
      compare(exposure, hedges);
    }
  });
}

TEST_CASE(
    "rolling, EWMA, the several-instrument fit, accumulator, dollar offset, basis and describe give the same "
    "figures in both units, bit for bit, on every set") {
  on_every_set([&](hm::instruction_set set) {
    // A hedge following a random walk and an exposure following it, near 0, 1e4 and 1e9 (where the careful
    // paths run). Before the code around the kernels was compiled without contraction, a quarter to a third
    // of such figures differed between the units (131 to 149 of 514 in a trial on 10^5 points).
    for (const double level : {0.0, 1e4, 1e9}) {
      const std::size_t n = 20000;
      hm_test::random_source rng(7);
      std::vector<double> exposure(n), hedge(n);
      double b = level;
      for (std::size_t t = 0; t < n; ++t) {
        b += rng.symmetric();
        hedge[t] = b;
        exposure[t] = 0.8 * b + 0.3 * rng.symmetric();
      }
      INFO(std::string(hm::instruction_set_name(set)) << ", level " << level);
      const auto a = figures_in_baseline_unit(exposure, hedge);
      const auto c = figures_in_native_unit(exposure, hedge);
      REQUIRE(a.size() == c.size());
      std::size_t differ = 0, finite = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_bits(a[i], c[i])) ++differ;
        if (std::isfinite(a[i])) ++finite;
      }
      CHECK(differ == 0);
      CHECK(finite > a.size() / 2);
    }
  });
}
