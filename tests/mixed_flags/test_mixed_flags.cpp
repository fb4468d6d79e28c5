// SPDX-License-Identifier: MIT
// A program whose units are built with different flags (baseline_unit.cpp at -O2 with no -march,
// native_unit.cpp at -O3 -march=native) gets the same figures, bit for bit, from both, on every instruction
// set this CPU runs: both run the one kernel the process chose. check_isa_symbols.py checks the other half,
// that neither object holds a kernel compiled for a set other than its namespace's.
#include <doctest/doctest.h>

#include <hedgemetrics/instruction_set.hpp>

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

}  // namespace

TEST_CASE("units built with -O2 and with -O3 -march=native give the same fit, bit for bit, on every set") {
  const hm::instruction_set before = hm::active_instruction_set();
  for (const hm::instruction_set set : {hm::instruction_set::portable, hm::instruction_set::sse2,
                                        hm::instruction_set::avx2, hm::instruction_set::avx512}) {
    if (!hm::instruction_set_supported(set)) continue;
    hm::use_instruction_set(set);
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
  }
  hm::use_instruction_set(before);
}
