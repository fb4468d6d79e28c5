// SPDX-License-Identifier: MIT
// Fuzz target: hedge_accumulator::deserialize on arbitrary bytes.
//
// The first byte chooses how the rest is presented: as it is (so the size, magic, version and checksum
// checks are exercised), or as the 100 bytes before the checksum (format version 2: the ten values and the
// two scale exponents) with the magic and version written in and the CRC-32 computed (so that the fuzzer reaches the checks of the state itself, which a checksum would
// otherwise hide from it).
//
// Contract: deserialize either throws std::invalid_argument with a non-empty message, or returns an
// accumulator whose state pushes could have produced:
//  - the figures of fit() are in range: variances ≥ 0, |correlation| ≤ 1 with Cov² ≤ Var(S)·Var(F),
//    residual variance ≤ exposure variance, effectiveness in [0, 1] or NaN, the ratio's sign that of the
//    covariance and h* = Cov/Var(F);
//  - serialize(deserialize(b)) == b (for version 1 bytes, b rewritten as version 2 with scales 0);
//  - merge with itself doubles the count without wrapping, keeps h*, R² and ρ (the same sample twice), and
//    keeps the figures in range.
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <hedgemetrics/accumulator.hpp>

#include "fuzz_support.hpp"

namespace {

using accumulator = hedgemetrics::hedge_accumulator<double>;

// Open finding switch (issue 10, "deserialize accepts CRC-valid states no accumulator can hold"): while
// true, the checks of an accepted state are off and only crashes, sanitizer reports and hangs are findings.
// Closed on 4 December: deserialize now also checks ssr against sxx − 2r·sxy + r²·syy (the round-5
// findings: R² = 1 with ρ = 2e-94, R² 0.64 with ρ = 0) and the low parts of the means and the ratio.
constexpr bool open_deserialize_invariants = false;

// CRC-32, ISO-HDLC (reflected 0xEDB88320), as the format specifies; written here from the definition.
std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? (crc >> 1U) ^ 0xEDB88320U : crc >> 1U;
  }
  return ~crc;
}

bool close(double a, double b, double tolerance) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= tolerance * std::fmax(std::fabs(a), std::fabs(b));
}

// The figures of a state that pushes could produce. `what` names the accumulator in the message.
void check_fit(const hedgemetrics::hedge_fit<double>& f, const char* what) {
  const auto bad = [&](const std::string& why) { fuzz::fail(std::string(what) + ": " + why); };
  for (const double v : {f.exposure_variance, f.hedge_variance, f.residual_variance,
                         f.residual_standard_error, f.ratio_standard_error, f.intercept_standard_error}) {
    if (v < 0) bad("a negative variance or standard error " + fuzz::show(v));
  }
  if (std::fabs(f.correlation) > 1) bad("|correlation| > 1: " + fuzz::show(f.correlation));
  if (f.effectiveness < 0 || f.effectiveness > 1)
    bad("effectiveness outside [0, 1]: " + fuzz::show(f.effectiveness));
  if (f.n >= 2 && std::isfinite(f.exposure_variance) && std::isfinite(f.hedge_variance) &&
      std::isfinite(f.covariance)) {
    // Where a variance underflowed (below DBL_MIN: sums divided by a count near 2^64 in a forged state,
    // each figure rounded on its own among the subnormals), the relations between the figures below hold
    // only to the subnormals' absolute rounding: they are tested where the variances are normal numbers.
    const bool scale_known = f.exposure_variance >= DBL_MIN && f.hedge_variance >= DBL_MIN;
    // Cauchy–Schwarz, in long double so the products neither overflow nor underflow.
    const long double c = f.covariance;
    const long double bound = static_cast<long double>(f.exposure_variance) * f.hedge_variance;
    if (scale_known && c * c > bound * (1 + 1e-12L)) {
      bad("Cov^2 > Var(S)Var(F): covariance " + fuzz::show(f.covariance) + ", variances " +
          fuzz::show(f.exposure_variance) + ", " + fuzz::show(f.hedge_variance));
    }
    // The minimum-variance hedge removes ρ² of the variance (Ederington 1979): R² = ρ², to 1e-9 and, for
    // sums among the subnormals (absolute rounding), to 32 of their units relative to S_SS.
    const double sum_of_squares = f.exposure_variance * static_cast<double>(f.n - 1);
    const double subnormal_allowance = std::ldexp(1.0, -1069) / sum_of_squares;
    if (std::isfinite(f.effectiveness) && std::isfinite(f.correlation) &&
        std::fabs(f.effectiveness - f.correlation * f.correlation) > 1e-9 + subnormal_allowance) {
      bad("effectiveness " + fuzz::show(f.effectiveness) +
          " is not correlation² = " + fuzz::show(f.correlation * f.correlation));
    }
    if (scale_known && f.residual_variance > f.exposure_variance * (1 + 1e-12)) {
      bad("residual variance " + fuzz::show(f.residual_variance) + " > exposure variance " +
          fuzz::show(f.exposure_variance));
    }
    // The ratio on its scale √(Var S/Var F) (lost where a variance underflowed).
    if (std::isfinite(f.ratio) && scale_known) {
      // On the scale of √(Var S/Var F), as the ratio's own error is (a ratio near 0 is not relatively exact).
      const long double expected = static_cast<long double>(f.covariance) / f.hedge_variance;
      const long double scale = std::fmax(
          std::fabs(expected), std::sqrt(static_cast<long double>(f.exposure_variance) / f.hedge_variance));
      // The sign, where the ratio stands out of its own error (+1e-13 for −1e-262 on a scale of 1 does not).
      if (f.ratio * f.covariance < 0 && std::fabs(static_cast<long double>(f.ratio)) > 1e-9L * scale) {
        bad("the ratio " + fuzz::show(f.ratio) + " and the covariance " + fuzz::show(f.covariance) +
            " have opposite signs");
      }
      if (std::fabs(static_cast<long double>(f.ratio) - expected) > 1e-9L * scale) {
        bad("h* " + fuzz::show(f.ratio) + " is not Cov/Var(F) = " + fuzz::show(expected));
      }
    }
  }
}

}  // namespace

int fuzz::test_one(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if ((data[0] & 1U) != 0) {
    bytes.resize(accumulator::serialized_size - 4);
    bytes[0] = 'H';
    bytes[1] = 'M';
    bytes[2] = 'A';
    bytes[3] = 'C';
    bytes[4] = accumulator::format_version & 0xFFU;
    bytes[5] = 0;
    const std::uint32_t crc = crc32(bytes.data(), bytes.size());
    for (unsigned k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(crc >> (8U * k)));
  }

  std::optional<accumulator> acc;
  try {
    acc.emplace(accumulator::deserialize(bytes));
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).empty()) fuzz::fail("deserialize: an empty error message");
    return 0;
  }
  if (open_deserialize_invariants) {
    accumulator twice = *acc;
    try {
      twice.merge(*acc);
    } catch (const std::invalid_argument&) {  // merge refuses a count that would wrap
      return 0;
    }
    (void)acc->serialize();
    (void)twice.fit();
    return 0;
  }
  const std::uint64_t count = acc->count();
  const auto fit = acc->fit();
  if (fit.n != count) fuzz::fail("fit().n is not count()");
  check_fit(fit, "deserialized state");

  // Format version 1 (100 bytes) is written back as version 2: the same values with scales 0.
  std::vector<std::uint8_t> expected = bytes;
  if (bytes.size() == accumulator::serialized_size_v1) {
    expected.assign(bytes.begin(), bytes.begin() + 96);
    expected[4] = accumulator::format_version & 0xFFU;
    expected.resize(100, 0);
    const std::uint32_t crc = crc32(expected.data(), expected.size());
    for (unsigned k = 0; k < 4; ++k) expected.push_back(static_cast<std::uint8_t>(crc >> (8U * k)));
  }
  if (acc->serialize() != expected) fuzz::fail("serialize(deserialize(b)) != b");

  accumulator twice = *acc;
  if (count > std::numeric_limits<std::uint64_t>::max() / 2) {
    try {
      twice.merge(*acc);
    } catch (const std::invalid_argument&) {  // the documented refusal of a count that would wrap
      return 0;
    }
    fuzz::fail("merge accepted a count " + std::to_string(count) + " that wraps when merged with itself");
  }
  twice.merge(*acc);
  if (twice.count() != 2 * count) fuzz::fail("merge with itself: count is not doubled");
  const auto fit2 = twice.fit();
  check_fit(fit2, "state merged with itself");
  // The same sample twice: the scale-free figures do not change (beyond the 1e-9 by which deserialize lets a
  // stored ratio differ from S_SF/S_FF, as check_fit does: merge recomputes the ratio).
  const double tolerance = 1e-9;
  // As in check_fit; a quotient of square roots, which does not overflow where Var F is subnormal. Where a
  // variance is +inf (a scaled state of data near 1e300), the same quotient from the stored scaled sums:
  // √(S_SS/S_FF)·2^(scale_x − scale_y).
  double ratio_scale = std::sqrt(fit.exposure_variance) / std::sqrt(fit.hedge_variance);
  if (!std::isfinite(fit.exposure_variance) || !std::isfinite(fit.hedge_variance)) {
    const auto stored = [&](std::size_t at) {
      std::uint64_t bits = 0;
      for (unsigned k = 0; k < 8; ++k) bits |= static_cast<std::uint64_t>(expected[at + k]) << (8U * k);
      double v = 0;
      std::memcpy(&v, &bits, sizeof v);
      return v;
    };
    const auto scale = [&](std::size_t at) {
      return static_cast<int>(static_cast<std::int16_t>(expected[at] | (expected[at + 1] << 8U)));
    };
    ratio_scale =
        std::ldexp(std::sqrt(stored(16 + 4 * 8)) / std::sqrt(stored(16 + 5 * 8)), scale(96) - scale(98));
  }
  // Where a variance underflowed (below DBL_MIN), the scale is lost, as in check_fit: no test of the ratio.
  const bool scale_known = fit.exposure_variance >= DBL_MIN && fit.hedge_variance >= DBL_MIN;
  const bool ratio_kept =
      !scale_known || close(fit.ratio, fit2.ratio, tolerance) ||
      std::fabs(fit.ratio - fit2.ratio) <= tolerance * ratio_scale;  // (+inf: a scale beyond DBL_MAX)
  // R² and ρ lie in [0, 1] and [−1, 1]: held to an absolute 1e-9 (relatively, 0 against 1e-321 would differ).
  const auto same = [tolerance](double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || std::fabs(a - b) <= tolerance;
  };
  if (!ratio_kept || !same(fit.effectiveness, fit2.effectiveness) ||
      !same(fit.correlation, fit2.correlation)) {
    fuzz::fail("merge with itself changed h*, R^2 or rho: " + fuzz::show(fit.ratio) + " -> " +
               fuzz::show(fit2.ratio) + ", " + fuzz::show(fit.effectiveness) + " -> " +
               fuzz::show(fit2.effectiveness) + ", " + fuzz::show(fit.correlation) + " -> " +
               fuzz::show(fit2.correlation));
  }
  return 0;
}
