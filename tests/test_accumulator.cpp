// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/accumulator.hpp>: hedge_accumulator. Independent answers: exact rational
// arithmetic on the same inputs (GMP); a table-driven CRC-32, a second algorithm for the checksum; the
// byte layout written out by hand. Merging is checked against one accumulator over both halves.
#include <hedgemetrics/accumulator.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "support/exact.hpp"
#include "support/fit_check.hpp"
#include "support/generate.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using hm_test::check_same_fit;

namespace {

template <class Real, class T>
hm::hedge_accumulator<Real> pushed_one_by_one(const std::vector<T>& s, const std::vector<T>& f,
                                              std::size_t begin, std::size_t end) {
  hm::hedge_accumulator<Real> acc;
  for (std::size_t i = begin; i < end; ++i) acc.push(static_cast<Real>(s[i]), static_cast<Real>(f[i]));
  return acc;
}

/// CRC-32 (ISO-HDLC) the table-driven way, independent of the library's bitwise loop.
std::uint32_t reference_crc32(const std::uint8_t* p, std::size_t n) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1U) : c >> 1U;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFU;
  for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFFU] ^ (crc >> 8U);
  return crc ^ 0xFFFFFFFFU;
}

std::uint64_t little_endian(const std::vector<std::uint8_t>& bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < width; ++k) v |= static_cast<std::uint64_t>(bytes[at + k]) << (8U * k);
  return v;
}

/// Writes the CRC-32 of everything before the last four bytes into them.
void reseal(std::vector<std::uint8_t>& bytes) {
  const std::size_t at = bytes.size() - 4;
  const std::uint32_t crc = reference_crc32(bytes.data(), at);
  for (unsigned k = 0; k < 4; ++k) bytes[at + k] = static_cast<std::uint8_t>((crc >> (8U * k)) & 0xFFU);
}

}  // namespace

TEST_CASE("reference CRC-32 gives the catalogued check value") {
  const std::string check = "123456789";
  std::vector<std::uint8_t> bytes(check.begin(), check.end());
  CHECK(reference_crc32(bytes.data(), bytes.size()) == 0xCBF43926U);
}

TEST_CASE_TEMPLATE("single pushes give every fit_hedge figure to exact-arithmetic accuracy", Real, double,
                   long double) {
  for (std::size_t n : {std::size_t{3}, std::size_t{255}, std::size_t{256}, std::size_t{257},
                        std::size_t{5000}, std::size_t{100000}}) {
    for (const auto& p : hm_test::hard_families<Real>(n, 0xacc0000U + n)) {
      const auto acc = pushed_one_by_one<Real>(p.exposure, p.hedge, 0, n);
      const std::string label = p.name + ", n = " + std::to_string(n) + ", " + hm_test::type_name<Real>();
      CHECK(acc.count() == n);
      hm_test::check_fit(label, acc.fit(), ex::fit_hedge(p.exposure.data(), p.hedge.data(), n),
                         hm_test::figure_tolerance, hm_test::figure_tolerance);
    }
  }
}

TEST_CASE("near-perfect hedge: residual figures of a stream of pushes within 1e-8 of exact") {
  const std::size_t n = 20000;
  const auto p = hm_test::near_perfect<double>(n, 0xacc1U);
  const auto acc = pushed_one_by_one<double>(p.exposure, p.hedge, 0, n);
  hm_test::check_fit("near-perfect, pushed", acc.fit(), ex::fit_hedge(p.exposure.data(), p.hedge.data(), n),
                     hm_test::figure_tolerance, hm_test::residual_tolerance);
}

TEST_CASE("merging two accumulators equals one accumulator over both halves") {
  const std::size_t n = 30000;
  for (const auto& p : hm_test::hard_families<double>(n, 0xacc2U)) {
    const auto whole = pushed_one_by_one<double>(p.exposure, p.hedge, 0, n);
    const ex::fit exact = ex::fit_hedge(p.exposure.data(), p.hedge.data(), n);
    for (std::size_t split :
         {std::size_t{0}, std::size_t{1}, std::size_t{700}, std::size_t{12345}, n - 1, n}) {
      auto left = pushed_one_by_one<double>(p.exposure, p.hedge, 0, split);
      const auto right = pushed_one_by_one<double>(p.exposure, p.hedge, split, n);
      left.merge(right);
      const std::string label = p.name + ", split at " + std::to_string(split);
      CHECK(left.count() == n);
      check_same_fit(label, left.fit(), whole.fit(), 1e-14);
      hm_test::check_fit(label + " vs exact", left.fit(), exact, hm_test::figure_tolerance,
                         hm_test::figure_tolerance);
    }
  }
}

TEST_CASE("pushing series equals fit_hedge, and mixes with single pushes") {
  const std::size_t n = 10000;
  const auto p = hm_test::near_1e9<double>(n, 0xacc3U);
  hm::hedge_accumulator<> acc;
  acc.push(hm::series_view<double>(p.exposure.data(), 4000), hm::series_view<double>(p.hedge.data(), 4000));
  for (std::size_t i = 4000; i < 4100; ++i) acc.push(p.exposure[i], p.hedge[i]);
  acc.push(hm::series_view<double>(p.exposure.data() + 4100, n - 4100),
           hm::series_view<double>(p.hedge.data() + 4100, n - 4100));
  check_same_fit("batches and pushes vs fit_hedge", acc.fit(), hm::fit_hedge(p.exposure, p.hedge), 1e-13);

  std::vector<float> fs(p.exposure.begin(), p.exposure.begin() + 100);
  std::vector<float> ff(p.hedge.begin(), p.hedge.begin() + 100);
  hm::hedge_accumulator<> floats;
  floats.push(fs, ff);
  check_same_fit("float series", floats.fit(), hm::fit_hedge(fs, ff), 1e-15);
  CHECK_THROWS_WITH_AS(floats.push(fs, std::vector<float>(99)),
                       doctest::Contains("exposure has 100 values and hedge has 99"), std::invalid_argument);
}

TEST_CASE("fewer than two pairs and constant hedges give NaN, as fit_hedge does") {
  hm::hedge_accumulator<> acc;
  CHECK(acc.count() == 0);
  CHECK(std::isnan(acc.fit().ratio));
  acc.push(1.0, 2.0);
  CHECK(acc.fit().exposure_mean == 1.0);
  CHECK(std::isnan(acc.fit().exposure_variance));
  acc.push(3.0, 2.0);
  CHECK(acc.fit().exposure_variance == 2.0);
  CHECK(std::isnan(acc.fit().ratio));  // the hedge is constant
}

TEST_CASE("missing data: propagate, omit, raise") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  hm::hedge_accumulator<> propagate;
  hm::hedge_accumulator<> omit(hm::missing_data::omit);
  hm::hedge_accumulator<> raise(hm::missing_data::raise);
  hm::hedge_accumulator<> clean;
  const std::vector<std::array<double, 2>> pairs{{1.0, 2.0}, {2.0, 3.5},  {nan, 1.0},
                                                 {4.0, 6.0}, {3.0, -inf}, {5.0, 9.0}};
  for (const auto& [s, f] : pairs) {
    propagate.push(s, f);
    omit.push(s, f);
    if (std::isfinite(s) && std::isfinite(f)) clean.push(s, f);
  }
  CHECK(propagate.count() == 6);
  CHECK(std::isnan(propagate.fit().ratio));
  CHECK(std::isnan(propagate.fit().exposure_mean));
  CHECK(omit.count() == 4);
  check_same_fit("omit", omit.fit(), clean.fit(), 0.0);
  raise.push(1.0, 2.0);
  raise.push(2.0, 3.0);
  CHECK_THROWS_WITH_AS(raise.push(nan, 1.0), doctest::Contains("exposure is nan at observation 2"),
                       std::domain_error);
  CHECK_THROWS_WITH_AS(raise.push(1.0, -inf), doctest::Contains("hedge is -inf at observation 3"),
                       std::domain_error);
  // A propagated NaN survives a merge into a clean accumulator.
  clean.merge(propagate);
  CHECK(std::isnan(clean.fit().ratio));
  CHECK(clean.count() == 10);
}

TEST_CASE("serialisation: layout, round trip, and damaged bytes are errors") {
  const std::size_t n = 3000;
  const auto p = hm_test::near_1e7<double>(n, 0xacc4U);
  hm::hedge_accumulator<> acc(hm::missing_data::omit);
  acc.push(p.exposure, p.hedge);
  const auto bytes = acc.serialize();
  REQUIRE(bytes.size() == hm::hedge_accumulator<>::serialized_size);
  REQUIRE(bytes.size() == 104);

  // The layout, byte by byte: magic, version 2, flags (policy omit = 1 in bits 1-2), count, ten values, the
  // two scales (0: data of ordinary size), CRC-32.
  CHECK(std::string(bytes.begin(), bytes.begin() + 4) == "HMAC");
  CHECK(little_endian(bytes, 4, 2) == 2);
  CHECK(little_endian(bytes, 6, 2) == (1U << 1U));
  CHECK(little_endian(bytes, 8, 8) == n);
  CHECK(little_endian(bytes, 96, 2) == 0);
  CHECK(little_endian(bytes, 98, 2) == 0);
  CHECK(little_endian(bytes, 100, 4) == reference_crc32(bytes.data(), 100));

  const auto back = hm::hedge_accumulator<>::deserialize(bytes);
  CHECK(back.count() == n);
  CHECK(back.policy() == hm::missing_data::omit);
  check_same_fit("round trip", back.fit(), acc.fit(), 0.0);
  CHECK(back.serialize() == bytes);

  // Every single-bit flip anywhere is caught.
  std::size_t caught = 0;
  for (std::size_t byte = 0; byte < bytes.size(); ++byte) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      auto damaged = bytes;
      damaged[byte] = static_cast<std::uint8_t>(damaged[byte] ^ (1U << bit));
      try {
        (void)hm::hedge_accumulator<>::deserialize(damaged);
      } catch (const std::invalid_argument&) {
        ++caught;
      }
    }
  }
  CHECK(caught == bytes.size() * 8);

  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(bytes.data(), 99),
                       doctest::Contains("expected 104 bytes (format version 2; 100 for version 1), got 99"),
                       std::invalid_argument);
  auto foreign = bytes;
  foreign[0] = 'X';
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(foreign), doctest::Contains("bad magic"),
                       std::invalid_argument);
  auto future = bytes;
  future[4] = 3;
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(future),
                       doctest::Contains("format version 3 is not supported"), std::invalid_argument);
  auto damaged = bytes;
  damaged[40] ^= 0x10U;
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(damaged),
                       doctest::Contains("checksum mismatch"), std::invalid_argument);

  // A state that passes the checksum but cannot exist: a negative sum of squares, re-signed.
  std::array<std::uint8_t, 104> forged{};
  std::copy(bytes.begin(), bytes.end(), forged.begin());
  forged[16 + 4 * 8 + 7] ^= 0x80U;  // the sign bit of S_SS (fifth value)
  const std::uint32_t crc = reference_crc32(forged.data(), 100);
  for (unsigned k = 0; k < 4; ++k) forged[100 + k] = static_cast<std::uint8_t>((crc >> (8U * k)) & 0xFFU);
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(forged.data(), forged.size()),
                       doctest::Contains("negative"), std::invalid_argument);
}

TEST_CASE("serialised partial results merge like the accumulators they came from") {
  const std::size_t n = 9000;
  const auto p = hm_test::negative_across_scales<double>(n, 0xacc5U);
  std::vector<std::vector<std::uint8_t>> parts;
  for (std::size_t k = 0; k < 3; ++k) {
    hm::hedge_accumulator<> part;
    for (std::size_t i = k * 3000; i < (k + 1) * 3000; ++i) part.push(p.exposure[i], p.hedge[i]);
    parts.push_back(part.serialize());
  }
  auto total = hm::hedge_accumulator<>::deserialize(parts[2]);
  total.merge(hm::hedge_accumulator<>::deserialize(parts[0]));
  total.merge(hm::hedge_accumulator<>::deserialize(parts[1]));
  hm_test::check_fit("three serialised parts", total.fit(),
                     ex::fit_hedge(p.exposure.data(), p.hedge.data(), n), hm_test::figure_tolerance,
                     hm_test::figure_tolerance);
}

namespace {

/// A copy of `bytes` with field k (0 mean_x … 9 ssr) and/or the count and flags replaced, re-sealed with a
/// valid CRC-32: a state that passes the checksum, so only deserialize's invariants can refuse it.
std::vector<std::uint8_t> forged_state(std::vector<std::uint8_t> bytes, int field, double value) {
  if (field >= 0) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    for (unsigned k = 0; k < 8; ++k)
      bytes[16 + 8 * static_cast<std::size_t>(field) + k] =
          static_cast<std::uint8_t>((bits >> (8U * k)) & 0xFFU);
  }
  reseal(bytes);
  return bytes;
}

std::vector<std::uint8_t> with_count(std::vector<std::uint8_t> bytes, std::uint64_t count) {
  for (unsigned k = 0; k < 8; ++k) bytes[8 + k] = static_cast<std::uint8_t>((count >> (8U * k)) & 0xFFU);
  return forged_state(bytes, -1, 0);
}

double field_of(const std::vector<std::uint8_t>& bytes, int field) {
  const std::uint64_t bits = little_endian(bytes, 16 + 8 * static_cast<std::size_t>(field), 8);
  double v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

void check_refused(const std::vector<std::uint8_t>& bytes, const std::string& fragment) {
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(bytes), doctest::Contains(fragment.c_str()),
                       std::invalid_argument);
}

}  // namespace

TEST_CASE("deserialize accepts the states pushes produce: edge states round-trip") {
  // Empty, one pair, a constant hedge, a perfect hedge, a NaN state, extreme scales: each round-trips.
  std::vector<hm::hedge_accumulator<>> states(6);
  states[1].push(1.5, -2.0);
  for (double x : {1.0, 2.0, 4.0}) states[2].push(x, 7.0);
  for (double x : {1.0, 2.0, 4.0, 3.0}) states[3].push(3 * x + 1, x);
  states[4].push(1.0, std::numeric_limits<double>::quiet_NaN());
  const auto p = hm_test::near_1e7<double>(1000, 0xacc6U);
  states[5].push(p.exposure, p.hedge);
  for (std::size_t k = 0; k < states.size(); ++k) {
    INFO("state " << k);
    const auto bytes = states[k].serialize();
    const auto back = hm::hedge_accumulator<>::deserialize(bytes);
    CHECK(back.serialize() == bytes);
  }
}

TEST_CASE("deserialize refuses CRC-valid states no accumulator can hold, naming field and values") {
  hm::hedge_accumulator<> acc;
  for (int i = 0; i < 50; ++i) acc.push(std::sin(i) + 0.3 * std::cos(3 * i), std::cos(2 * i));
  const auto bytes = acc.serialize();
  REQUIRE_NOTHROW((void)hm::hedge_accumulator<>::deserialize(forged_state(bytes, -1, 0)));
  const double sxx = field_of(bytes, 4), syy = field_of(bytes, 5), sxy = field_of(bytes, 6);
  const double ratio = field_of(bytes, 7);
  REQUIRE(sxx > 0);
  REQUIRE(ratio != 0);

  // |sxy| > sqrt(sxx·syy): Cauchy–Schwarz.
  check_refused(forged_state(bytes, 6, 1.01 * std::sqrt(sxx * syy)), "exceeds sqrt(sxx*syy)");
  check_refused(forged_state(bytes, 6, -1.01 * std::sqrt(sxx * syy)), "sxy");
  // ssr > sxx.
  check_refused(forged_state(bytes, 9, 1.5 * sxx), "ssr = ");
  // A ratio whose sign disagrees with sxy; one that is not sxy/syy.
  check_refused(forged_state(bytes, 7, -ratio), "disagrees with sxy");
  check_refused(forged_state(bytes, 7, 2 * ratio), "is not sxy/syy");
  // Negative sums, non-finite values, each named.
  check_refused(forged_state(bytes, 5, -syy), "syy = -");
  check_refused(forged_state(bytes, 9, -1.0), "ssr = -1");
  check_refused(forged_state(bytes, 0, std::numeric_limits<double>::infinity()), "mean_x = inf");
  check_refused(forged_state(bytes, 8, std::numeric_limits<double>::quiet_NaN()), "ratio_tail = nan");
  // Sums in a state of one or no pair.
  check_refused(with_count(bytes, 1), "has no spread");
  check_refused(with_count(bytes, 0), "has no spread");
  // A NaN state carries only its count.
  auto nan_state = hm::hedge_accumulator<>();
  nan_state.push(1.0, std::numeric_limits<double>::quiet_NaN());
  const auto nan_bytes = nan_state.serialize();
  check_refused(forged_state(nan_bytes, 4, 2.0), "a state marked NaN holds sxx = 2");
  check_refused(with_count(nan_bytes, 0), "marked NaN has count 0");
  // An empty state with means.
  const auto empty = hm::hedge_accumulator<>().serialize();
  check_refused(forged_state(empty, 2, 3.0), "an empty state holds mean_y = 3");
  // −0 where a state keeps no sums (serialize() would write +0: a fuzz finding of the round trip).
  check_refused(forged_state(empty, 9, -0.0), "has no spread, but holds ssr");
  // A residual sum that is not sxx − 2r·sxy + r²·syy: R² = 1 (ssr 0) or 0.36 of sxx where the co-moments
  // give 1 − ρ² of it (the fuzz findings of round 5 were such states, with ρ near 0).
  const double ssr = field_of(bytes, 9);
  REQUIRE(ssr > 0);
  check_refused(forged_state(bytes, 9, 0.0), "the residual sum disagrees with the co-moments");
  check_refused(forged_state(bytes, 9, 0.5 * ssr), "is not sxx − 2·ratio·sxy + ratio²·syy");
  // Low parts beyond the rounding of their high parts.
  check_refused(forged_state(bytes, 1, 1e-3 * field_of(bytes, 0)), "a mean's low part exceeds its rounding");
  check_refused(forged_state(bytes, 8, 1e-3 * ratio), "ratio_tail = ");
  // A constant exposure (sxx = sxy = 0) has ratio 0 exactly; a subnormal one, whose product with syy
  // underflows, is refused all the same (a fuzz finding: a merge turned it into 0).
  hm::hedge_accumulator<> flat;
  for (double y : {1e-160, 3e-160, 2e-160}) flat.push(5.0, y);
  const auto flat_bytes = flat.serialize();
  REQUIRE_NOTHROW((void)hm::hedge_accumulator<>::deserialize(flat_bytes));
  check_refused(forged_state(flat_bytes, 7, 1.15e-319), "is not sxy/syy = 0 (sxy = 0");
  // A state of ρ = 0 exactly (sxy = 0, ratio 0, ssr = sxx) is one pushes can produce: accepted.
  hm::hedge_accumulator<> orthogonal;
  for (double x : {1.0, -1.0, 1.0, -1.0}) orthogonal.push(x, 0.0);
  for (double y : {1.0, 1.0, -1.0, -1.0}) orthogonal.push(0.0, y);
  CHECK_NOTHROW((void)hm::hedge_accumulator<>::deserialize(orthogonal.serialize()));
  // On a scale other than 0, a sum of squares is 0 or a normal number. A subnormal sxx (2 units of
  // 2^-1074 on scale 82, true sxx 2e-274) with sxy = ratio = ssr = 0 passed every check above, the
  // residual sum's absolute allowance among the subnormals hiding ssr = 0: R² = 1 for ρ = 0 (a fuzz
  // finding, in the corpus as subnormal-sxx-on-scale-82). Here the same on a genuine scaled state.
  hm::hedge_accumulator<> large;
  for (int i = 0; i < 300; ++i) large.push(1e150 * std::sin(i), std::cos(3 * i));
  const auto large_bytes = large.serialize();
  REQUIRE_NOTHROW((void)hm::hedge_accumulator<>::deserialize(large_bytes));
  auto forged = forged_state(large_bytes, 4, 2 * std::numeric_limits<double>::denorm_min());
  for (const int field : {6, 7, 8, 9}) forged = forged_state(forged, field, 0.0);
  check_refused(forged, "is subnormal on scale_x");
  (void)sxy;
}

TEST_CASE("merge throws rather than let the count wrap") {
  hm::hedge_accumulator<> acc;
  for (int i = 0; i < 10; ++i) acc.push(i * 1.0, i * 0.5 + (i % 3));
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() - 5;
  if (huge <= static_cast<std::uint64_t>(std::numeric_limits<std::size_t>::max())) {
    // A NaN state may carry any count: the largest ones merge into a wrap.
    hm::hedge_accumulator<> nan_state;
    nan_state.push(1.0, std::numeric_limits<double>::quiet_NaN());
    const auto big = hm::hedge_accumulator<>::deserialize(with_count(nan_state.serialize(), huge));
    CHECK(big.count() == huge);
    auto total = big;
    CHECK_THROWS_WITH_AS(total.merge(acc), doctest::Contains("exceeds the largest count"),
                         std::invalid_argument);
    CHECK(total.count() == huge);  // unchanged by the refused merge
    auto small = acc;
    small.merge(hm::hedge_accumulator<>());
    CHECK(small.count() == 10);
  }
}

TEST_CASE("format version 1 (100 bytes, no scales) is still read, as scales 0") {
  const auto p = hm_test::near_1e7<double>(2000, 0xacc7U);
  hm::hedge_accumulator<> acc;
  acc.push(p.exposure, p.hedge);
  const auto v2 = acc.serialize();
  // Version 1 is version 2 without the four bytes of scales, with version 1 in its header.
  std::vector<std::uint8_t> v1(v2.begin(), v2.begin() + 96);
  v1.resize(100);
  v1[4] = 1;
  reseal(v1);
  const auto back = hm::hedge_accumulator<>::deserialize(v1);
  check_same_fit("version 1", back.fit(), acc.fit(), 0.0);
  CHECK(back.serialize() == v2);
  // A version 1 header on 104 bytes, or version 2 on 100, is an error naming both.
  auto long_v1 = v2;
  long_v1[4] = 1;
  reseal(long_v1);
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(long_v1),
                       doctest::Contains("format version 1 has 100 bytes, got 104"), std::invalid_argument);
  auto short_v2 = v1;
  short_v2[4] = 2;
  reseal(short_v2);
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(short_v2),
                       doctest::Contains("format version 2 has 104 bytes, got 100"), std::invalid_argument);
}

TEST_CASE("scaled states: serialised with their powers of two, and impossible scales refused") {
  // Exposures near 1e200 (squares overflow), hedges near 1e-160 (squares underflow): the blocks are
  // summarised at scales 2^k, one per series.
  hm::hedge_accumulator<> big;
  for (int i = 0; i < 600; ++i)
    big.push(1e200 * (std::sin(i) + 2), 1e-160 * (std::sin(i) + 0.1 * std::cos(i)));
  const auto bytes = big.serialize();
  const auto scale_x = static_cast<std::int16_t>(little_endian(bytes, 96, 2));
  const auto scale_y = static_cast<std::int16_t>(little_endian(bytes, 98, 2));
  CHECK(scale_x > 600);   // 1e200 ≈ 2^664
  CHECK(scale_y < -500);  // 1e-160 ≈ 2^-531
  const auto fit = big.fit();
  CHECK(std::isinf(fit.exposure_variance));  // about 0.5e400: beyond DBL_MAX, as the contract says
  CHECK(fit.hedge_variance > 1e-321);        // about 0.5e-320: a subnormal (the plain sums would give 0)
  CHECK(fit.hedge_variance < 1e-319);
  CHECK(fit.effectiveness > 0.98);
  CHECK(fit.effectiveness < 1);
  const auto back = hm::hedge_accumulator<>::deserialize(bytes);
  const auto back_fit = back.fit();
  CHECK(back_fit.ratio == fit.ratio);
  CHECK(back_fit.effectiveness == fit.effectiveness);
  CHECK(back_fit.residual_variance == fit.residual_variance);
  CHECK(back_fit.hedge_variance == fit.hedge_variance);
  CHECK(back.serialize() == bytes);

  auto forged = bytes;
  forged[96] = static_cast<std::uint8_t>(2000 & 0xFF);  // scale_x = 2000
  forged[97] = static_cast<std::uint8_t>(2000 >> 8);
  reseal(forged);
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(forged),
                       doctest::Contains("scale_x = 2000 is beyond ±1100"), std::invalid_argument);
  auto empty = hm::hedge_accumulator<>().serialize();
  empty[98] = 0xFF;  // scale_y = −1
  empty[99] = 0xFF;
  reseal(empty);
  CHECK_THROWS_WITH_AS((void)hm::hedge_accumulator<>::deserialize(empty),
                       doctest::Contains("an empty state has scale_y = -1 (must be 0)"),
                       std::invalid_argument);
}
