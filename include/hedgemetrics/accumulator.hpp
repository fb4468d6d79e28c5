// SPDX-License-Identifier: MIT
/// \file
/// A streaming, mergeable, serialisable hedge estimator: the same figures as fit_hedge, built up one pair
/// or one batch at a time, in O(1) memory, from threads, processes or machines.
#ifndef HEDGEMETRICS_ACCUMULATOR_HPP
#define HEDGEMETRICS_ACCUMULATOR_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Accumulates pairs (exposure, hedge) and returns the minimum-variance hedge of everything pushed so far.
///
/// Its state is fit_hedge's: count, means (each a double and its rounding error), centred sums S_SS, S_FF,
/// S_SF, and the residual sum of squares at the current ratio, summed from the residuals. Single pairs are
/// buffered and summed by fit_hedge's block kernel 256 at a time; series are summed in fit_hedge's one-pass
/// blocks; the block states are merged pairwise (Chan, Golub & LeVeque 1979), so rounding grows with the
/// logarithm of the number of blocks. Memory is fixed (about 10 KiB), whatever the number of pairs.
/// `merge` of two accumulators equals one accumulator over both samples to rounding, so partial results
/// from threads, processes or machines combine in any order.
///
/// Non-finite values follow the policy given at construction: propagate (every figure NaN from then on),
/// omit (the pair is skipped) or raise (std::domain_error naming the value and its observation number).
///
/// \tparam Real `double` (the default) or `long double`.
template <class Real = double>
class hedge_accumulator {
  static_assert(
      std::is_floating_point_v<Real> && !std::is_same_v<Real, float>,
      "hedge_accumulator computes in double or long double: use hedge_accumulator<double> for float "
      "data");

 public:
  /// The format version written by serialize(); deserialize() reads it and version 1.
  static constexpr std::uint16_t format_version = 2;
  /// Bytes in a serialised accumulator: magic 4, version 2, flags 2, count 8, ten binary64 values 80, the
  /// two scale exponents 2 + 2, CRC-32 4.
  static constexpr std::size_t serialized_size = 4 + 2 + 2 + 8 + 10 * 8 + 2 + 2 + 4;
  /// Bytes of format version 1 (before the scale exponents), which deserialize() still reads.
  static constexpr std::size_t serialized_size_v1 = 4 + 2 + 2 + 8 + 10 * 8 + 4;
  /// The largest scale exponent a state can carry (data within the double range never need more).
  static constexpr int largest_scale = 1100;

  /// An empty accumulator that treats non-finite values as `policy` says.
  explicit hedge_accumulator(missing_data policy = missing_data::propagate) noexcept : policy_(policy) {}

  /// Adds one pair. Pairs are buffered and summed 256 at a time by fit_hedge's block kernel, and the block
  /// sums merged pairwise, so a long stream of single pushes is as exact as one fit_hedge over it.
  /// \throws std::domain_error under missing_data::raise when a value is not finite.
  void push(Real exposure, Real hedge) {
    ++seen_;
    if (!std::isfinite(exposure) || !std::isfinite(hedge)) {
      handle_nonfinite(!std::isfinite(exposure) ? "exposure" : "hedge",
                       !std::isfinite(exposure) ? exposure : hedge, seen_ - 1);
      return;
    }
    ++count_;
    if (nonfinite_) return;
    buffer_x_[buffered_] = exposure;
    buffer_y_[buffered_] = hedge;
    if (++buffered_ == buffer_length) flush();
  }

  /// Adds two aligned series, as fit_hedge reads them (one pass, in blocks), then merges them in.
  /// \throws std::invalid_argument when the lengths differ; std::domain_error under missing_data::raise.
  template <class Exposure, class Hedge,
            class = std::enable_if_t<!std::is_arithmetic_v<Exposure> && !std::is_arithmetic_v<Hedge>>>
  void push(const Exposure& exposure, const Hedge& hedge) {
    constexpr const char* function = "hedgemetrics::hedge_accumulator::push";
    const auto s = detail::view_of(exposure, function, "exposure");
    const auto f = detail::view_of(hedge, function, "hedge");
    detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
    const auto batch = detail::compute_comoments_in_range<Real>(s.data(), f.data(), s.size(), policy_,
                                                                function, "exposure", "hedge");
    seen_ += s.size();
    absorb(batch);
  }

  /// Adds everything another accumulator has seen. The other's policy does not matter: what it dropped
  /// stays dropped, and a NaN it propagated makes this one NaN.
  /// \throws std::invalid_argument when the merged count would exceed std::size_t (it would wrap).
  void merge(const hedge_accumulator& other) {
    constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
    if (other.count_ > most - count_ || other.seen_ > most - seen_) {
      HEDGEMETRICS_THROW(std::invalid_argument(
          "hedgemetrics::hedge_accumulator::merge: count " + std::to_string(count_) + " + " +
          std::to_string(other.count_) + " (pairs seen " + std::to_string(seen_) + " + " +
          std::to_string(other.seen_) + ") exceeds the largest count " + std::to_string(most)));
    }
    seen_ += other.seen_;
    absorb(other.state());
  }

  /// The minimum-variance hedge of everything pushed so far: the figures of fit_hedge on the same pairs.
  ///
  /// Range: the figures keep fit_hedge's range contract (README, "Range contract") on data anywhere in
  /// the double range: each block of 256 pairs whose sums leave [2^-900, 2^900] is summarised again with
  /// each series divided by a power of two, and states on different scales merge on the coarser one.
  [[nodiscard]] hedge_fit<Real> fit() const noexcept { return detail::fit_from(state()); }

  /// Pairs in the estimate (under omit, the complete ones).
  [[nodiscard]] std::size_t count() const noexcept { return count_; }

  /// How non-finite values are treated, as given to the constructor.
  [[nodiscard]] missing_data policy() const noexcept { return policy_; }

  /// The state as 104 bytes: "HMAC", format version 2, flags, the count, ten IEEE-754 binary64 values
  /// (the means, their low parts, S_SS, S_FF, S_SF, the reference ratio and its low part, the residual
  /// sum), the power-of-two scale of each series as a signed 16-bit integer (the values are of the data
  /// divided by 2^scale_x and 2^scale_y; 0 for data of ordinary size), all little-endian whatever the
  /// machine, and a CRC-32 (ISO-HDLC, as zlib) of the bytes before it. A `long double` accumulator is
  /// written in binary64: the figures keep double precision.
  [[nodiscard]] std::vector<std::uint8_t> serialize() const {
    const detail::scaled_comoments<Real> scaled = state();
    const detail::comoments<Real>& total = scaled.c;
    std::vector<std::uint8_t> bytes;
    bytes.reserve(serialized_size);
    const char magic[4] = {'H', 'M', 'A', 'C'};
    for (char c : magic) bytes.push_back(static_cast<std::uint8_t>(c));
    put(bytes, format_version, 2);
    const std::uint16_t flags =
        static_cast<std::uint16_t>((total.nonfinite ? 1U : 0U) | (static_cast<unsigned>(policy_) << 1U));
    put(bytes, flags, 2);
    put(bytes, static_cast<std::uint64_t>(total.count), 8);
    for (Real v : {total.mean_x, total.tail_x, total.mean_y, total.tail_y, total.sxx, total.syy, total.sxy,
                   total.ratio, total.ratio_tail, total.ssr}) {
      put(bytes, bits_of(static_cast<double>(v)), 8);
    }
    for (int scale : {scaled.scale_x, scaled.scale_y})
      put(bytes, static_cast<std::uint16_t>(static_cast<std::int16_t>(scale)), 2);
    put(bytes, crc32(bytes.data(), bytes.size()), 4);
    return bytes;
  }

  /// Reads what serialize() wrote. Damaged or foreign bytes are an error, never a garbage estimate.
  /// \throws std::invalid_argument naming what is wrong: the size, the magic, an unknown version or
  ///         policy, a checksum mismatch, or a state no accumulator can hold, naming the field and its
  ///         value: a negative sum of squares, a non-finite value in a state not marked NaN, sums in a
  ///         state of fewer than two pairs, |sxy| > √(sxx·syy), ssr > sxx, a ratio that is not sxy/syy
  ///         (sign, or beyond rounding), a NaN state with sums or a count of 0, a count beyond size_t.
  ///         Each check allows for rounding (relative 2^-30; 2^-20 for the ratio). A scale exponent beyond
  ///         ±largest_scale, a scale other than 0 in an empty or NaN state, means that the scales put
  ///         beyond the double range, or a subnormal sum of squares on a scale other than 0, are refused too.
  ///         Format version 1 (100 bytes, no scales: data of ordinary size) is read as scales 0.
  [[nodiscard]] static hedge_accumulator deserialize(const std::uint8_t* data, std::size_t size) {
    constexpr const char* function = "hedgemetrics::hedge_accumulator::deserialize";
    const auto fail = [&](const std::string& why) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + why));
    };
    if (data == nullptr || (size != serialized_size && size != serialized_size_v1)) {
      fail("expected " + std::to_string(serialized_size) + " bytes (format version " +
           std::to_string(format_version) + "; " + std::to_string(serialized_size_v1) +
           " for version 1), got " + std::to_string(size));
    }
    if (std::memcmp(data, "HMAC", 4) != 0) fail("these bytes are not a hedge_accumulator (bad magic)");
    const auto version = static_cast<std::uint16_t>(get(data + 4, 2));
    if (version != 1 && version != format_version) {
      fail("format version " + std::to_string(version) +
           " is not supported (this build reads versions 1 and " + std::to_string(format_version) + ")");
    }
    const std::size_t expected_size = version == 1 ? serialized_size_v1 : serialized_size;
    if (size != expected_size) {
      fail("format version " + std::to_string(version) + " has " + std::to_string(expected_size) +
           " bytes, got " + std::to_string(size));
    }
    const auto stored_crc = static_cast<std::uint32_t>(get(data + size - 4, 4));
    const std::uint32_t computed_crc = crc32(data, size - 4);
    if (stored_crc != computed_crc) {
      fail("checksum mismatch (stored " + std::to_string(stored_crc) + ", computed " +
           std::to_string(computed_crc) + "): the bytes are damaged");
    }
    const auto flags = static_cast<std::uint16_t>(get(data + 6, 2));
    const unsigned policy_code = (flags >> 1U) & 3U;
    if ((flags >> 3U) != 0 || policy_code > 2) fail("unknown flags " + std::to_string(flags));
    hedge_accumulator out(static_cast<missing_data>(policy_code));
    detail::comoments<Real> s;
    s.nonfinite = (flags & 1U) != 0;
    const std::uint64_t stored_count = get(data + 8, 8);
    if (stored_count > static_cast<std::uint64_t>(std::numeric_limits<std::size_t>::max())) {
      fail("count " + std::to_string(stored_count) + " exceeds what this machine can count (" +
           std::to_string(std::numeric_limits<std::size_t>::max()) + ")");
    }
    s.count = static_cast<std::size_t>(stored_count);
    static constexpr const char* names[10] = {"mean_x", "tail_x", "mean_y", "tail_y",     "sxx",
                                              "syy",    "sxy",    "ratio",  "ratio_tail", "ssr"};
    double values[10] = {};
    Real* fields[10] = {&s.mean_x, &s.tail_x, &s.mean_y, &s.tail_y,     &s.sxx,
                        &s.syy,    &s.sxy,    &s.ratio,  &s.ratio_tail, &s.ssr};
    for (std::size_t k = 0; k < 10; ++k) {
      values[k] = double_of(get(data + 16 + 8 * k, 8));
      *fields[k] = static_cast<Real>(values[k]);
    }
    detail::scaled_comoments<Real> scaled;
    if (version != 1) {
      static constexpr const char* scale_names[2] = {"scale_x", "scale_y"};
      int* scales[2] = {&scaled.scale_x, &scaled.scale_y};
      for (std::size_t k = 0; k < 2; ++k) {
        const auto raw = static_cast<std::uint16_t>(get(data + 96 + 2 * k, 2));
        const int scale = raw < 0x8000U ? static_cast<int>(raw) : static_cast<int>(raw) - 0x10000;
        if (scale > largest_scale || scale < -largest_scale) {
          fail(std::string(scale_names[k]) + " = " + std::to_string(scale) + " is beyond ±" +
               std::to_string(largest_scale) + " (data in the double range never need it)");
        }
        if (scale != 0 && (s.nonfinite || s.count == 0)) {
          fail(std::string(s.nonfinite ? "a state marked NaN" : "an empty state") + " has " + scale_names[k] +
               " = " + std::to_string(scale) + " (must be 0)");
        }
        *scales[k] = scale;
      }
      // Data in the double range have means in it: the scaled means times their powers of two are finite.
      if (!s.nonfinite && (!std::isfinite(std::ldexp(values[0], scaled.scale_x)) ||
                           !std::isfinite(std::ldexp(values[2], scaled.scale_y)))) {
        fail("the means mean_x = " + detail::value_text(values[0]) + " × 2^" +
             std::to_string(scaled.scale_x) + ", mean_y = " + detail::value_text(values[2]) + " × 2^" +
             std::to_string(scaled.scale_y) + " are beyond the double range");
      }
      // A series is divided by a power of two only to bring its sum of squares into the safe band (or for
      // a constant series, whose sum is 0), and merges on a coarser scale keep the coarser part's sum: on a
      // scale other than 0 a sum of squares is 0 or a normal number. A subnormal one would let the
      // residual sum's absolute allowance among the subnormals hide any ssr (fuzz finding: sxx = 2 units
      // of 2^-1074 at scale 82 with ssr = 0, R² = 1 for ρ = 0).
      for (std::size_t k = 0; k < 2; ++k) {
        const double sum = values[4 + k];
        if (*scales[k] != 0 && sum != 0 && !(std::fabs(sum) >= std::numeric_limits<double>::min())) {
          fail(std::string(k == 0 ? "sxx" : "syy") + " = " + detail::value_text(sum) + " is subnormal on " +
               scale_names[k] + " = " + std::to_string(*scales[k]) +
               " (a scaled state's sums of squares are 0 or normal numbers)");
        }
      }
    }
    const auto text = [](double v) { return detail::value_text(v); };
    if (s.nonfinite) {
      // serialize() writes a NaN state as its count alone: pushes that propagate a NaN leave no sums.
      if (s.count == 0) fail("a state marked NaN has count 0 (a propagated NaN is counted)");
      for (std::size_t k = 0; k < 10; ++k) {
        if (values[k] != 0 || std::signbit(values[k])) {
          fail(std::string("a state marked NaN holds ") + names[k] + " = " + text(values[k]) +
               " (must be 0)");
        }
      }
    } else {
      for (std::size_t k = 0; k < 10; ++k) {
        if (!std::isfinite(values[k])) {
          fail(std::string("a finite state holds a non-finite value: ") + names[k] + " = " + text(values[k]));
        }
      }
      const double sxx = values[4], syy = values[5], sxy = values[6], ratio = values[7], ssr = values[9];
      for (std::size_t k : {std::size_t{4}, std::size_t{5}, std::size_t{9}}) {
        if (values[k] < 0) {
          fail(std::string("a sum of squares is negative: ") + names[k] + " = " + text(values[k]));
        }
      }
      if (s.count < 2) {
        // +0 exactly (−0 too is refused: such a state keeps no sums, and serialize() would write +0).
        for (std::size_t k = 4; k < 10; ++k) {
          if (values[k] != 0 || std::signbit(values[k])) {
            fail("a state of " + std::to_string(s.count) + " pair(s) has no spread, but holds " + names[k] +
                 " = " + text(values[k]));
          }
        }
        if (s.count == 0) {
          for (std::size_t k = 0; k < 4; ++k) {
            if (values[k] != 0 || std::signbit(values[k]))
              fail(std::string("an empty state holds ") + names[k] + " = " + text(values[k]));
          }
        }
      }
      // What any sample satisfies, with an allowance for rounding (relative 2^-30, far above the kernels'
      // errors, far below any forged inconsistency worth the name). Square roots keep it free of overflow.
      const double allowance = 1 + std::ldexp(1.0, -30);
      const double bound = std::sqrt(sxx) * std::sqrt(syy);
      if (!(std::fabs(sxy) <= bound * allowance)) {
        fail("|sxy| = " + text(std::fabs(sxy)) + " exceeds sqrt(sxx*syy) = " + text(bound) +
             " (sxx = " + text(sxx) + ", syy = " + text(syy) + "): no sample has such co-moments");
      }
      if (!(ssr <= sxx * (1 + std::ldexp(1.0, -40)))) {  // (a few ulps above sxx at most, by rounding)
        fail("ssr = " + text(ssr) + " exceeds sxx = " + text(sxx) +
             ": the residuals of the minimum-variance hedge cannot spread more than the exposure");
      }
      if (syy == 0 ? ratio != 0 : (ratio != 0 && sxy != 0 && (ratio > 0) != (sxy > 0))) {
        fail("ratio = " + text(ratio) + " disagrees with sxy = " + text(sxy) + " and syy = " + text(syy) +
             " (the ratio is sxy/syy: same sign, 0 when syy = 0)");
      }
      // The ratio, the means' and the ratio's low parts and the residual sum are held to 2^-36 (1.5e-11):
      // far above the kernels' rounding (a few ulps), far below what the figures are quoted to.
      constexpr int tight = -36;
      if (syy > 0 && !(std::fabs(sxy - ratio * syy) <= (std::fabs(sxy) + bound) * std::ldexp(1.0, tight))) {
        fail("ratio = " + text(ratio) + " is not sxy/syy = " + text(sxy / syy) + " (sxy = " + text(sxy) +
             ", syy = " + text(syy) + ")");
      }
      // The same in the ratio's own terms, on its natural scale √(sxx/syy): where r·syy underflows (a
      // subnormal ratio against a small syy) the test above cannot see r, and a ratio where sxx = 0 must be
      // sxy/syy = 0 exactly (fuzz finding: 1.15e-319 that a merge turned into 0).
      if (syy > 0) {
        const double quotient = sxy / syy;
        const double scale = std::fabs(quotient) + std::sqrt(sxx) / std::sqrt(syy);
        if (!(std::fabs(ratio - quotient) <= scale * std::ldexp(1.0, tight))) {
          fail("ratio = " + text(ratio) + " is not sxy/syy = " + text(quotient) + " (sxy = " + text(sxy) +
               ", syy = " + text(syy) + ", sxx = " + text(sxx) + ")");
        }
      }
      // ssr is Σ((x − x̄) − r(y − ȳ))² = sxx − 2r·sxy + r²·syy at the stored ratio r (an identity for any r):
      // to 2^-36 of sxx (the rounding of either side is a few ulps of sxx; R² = 1 − ssr/sxx then equals ρ²
      // to about 1e-11), in terms that cannot overflow: r·sxy and r·(r·syy) are at most about sxx when r is
      // sxy/syy, as checked above.
      if (sxx > 0) {
        const double rx = ratio * sxy, ry = ratio * (ratio * syy);
        const double expected = ((sxx - rx) - rx) + ry;
        // (Plus 4 units of the smallest subnormal, for sums among the subnormals, whose rounding is
        // absolute.)
        if (!(std::fabs(ssr - expected) <= sxx * std::ldexp(1.0, tight) + std::ldexp(1.0, -1072))) {
          fail("ssr = " + text(ssr) + " is not sxx − 2·ratio·sxy + ratio²·syy = " + text(expected) +
               " (sxx = " + text(sxx) + ", sxy = " + text(sxy) + ", syy = " + text(syy) +
               ", ratio = " + text(ratio) + "): the residual sum disagrees with the co-moments");
        }
      }
      // The low parts of the double-double means and ratio: below a few ulps of their high parts (of the
      // ratio's natural scale √(sxx/syy) for the ratio, whose high part can be 0 where sxy cancels).
      const double tail_x = values[1], tail_y = values[3], ratio_tail = values[8];
      if (!(std::fabs(tail_x) <= std::ldexp(std::fabs(values[0]), -50)) ||
          !(std::fabs(tail_y) <= std::ldexp(std::fabs(values[2]), -50))) {
        fail("a mean's low part exceeds its rounding: mean_x = " + text(values[0]) + " + " + text(tail_x) +
             ", mean_y = " + text(values[2]) + " + " + text(tail_y));
      }
      const double ratio_scale = syy > 0 ? std::fabs(ratio) + std::sqrt(sxx) / std::sqrt(syy) : 0.0;
      if (!(std::fabs(ratio_tail) <= ratio_scale * std::ldexp(1.0, tight))) {
        fail("ratio_tail = " + text(ratio_tail) + " exceeds the rounding of the ratio " + text(ratio) +
             (syy > 0 ? "" : " (it must be 0 when syy = 0)"));
      }
    }
    out.seen_ = s.count;
    scaled.c = s;
    out.absorb(scaled);
    return out;
  }

  /// Reads what serialize() wrote; see the pointer overload.
  [[nodiscard]] static hedge_accumulator deserialize(const std::vector<std::uint8_t>& bytes) {
    return deserialize(bytes.data(), bytes.size());
  }

 private:
  static constexpr std::size_t buffer_length = 256;

  // Everything pushed so far as one state, without disturbing the pairwise merges still to come.
  [[nodiscard]] detail::scaled_comoments<Real> state() const noexcept {
    detail::scaled_comoments<Real> total;
    if (nonfinite_) {
      total.c.count = count_;
      total.c.nonfinite = true;
      return total;
    }
    total = merger_.finish();
    if (buffered_ > 0) {
      total = detail::scaled_comoments<Real>::merge(
          total, in_range(detail::careful_block_comoments<Real>(buffered_, buffer_x_, buffer_y_), buffered_,
                          buffer_x_, buffer_y_));
    }
    return total;
  }

  void flush() noexcept {
    merger_.push(in_range(detail::block_comoments<Real>(buffered_, buffer_x_, buffer_y_, context_), buffered_,
                          buffer_x_, buffer_y_));
    buffered_ = 0;
  }

  // A block's summary under the range contract (detail/range.hpp): kept as it is when its sums stayed in
  // the safe band, else summarised again with each series divided by a power of two. Pushed pairs are
  // finite, so a summary marked not finite is an overflow.
  [[nodiscard]] static detail::scaled_comoments<Real> in_range(const detail::comoments<Real>& block,
                                                               std::size_t m, const Real* x,
                                                               const Real* y) noexcept {
    detail::scaled_comoments<Real> out;
    out.c = block;
    if (block.finite && !block.nonfinite && !detail::comoments_out_of_range(block)) return out;
    return rescaled_block(block, m, x, y);
  }

  // The careful half of in_range, out of line (GCC, Clang): its 4 KiB of scaled copies would otherwise
  // sit in flush()'s frame on every block.
  [[nodiscard]]
#if defined(__GNUC__)
  __attribute__((noinline))
#endif
  static detail::scaled_comoments<Real>
  rescaled_block(const detail::comoments<Real>& block, std::size_t m, const Real* x, const Real* y) noexcept {
    detail::scaled_comoments<Real> out;
    out.c = block;
    detail::choose_scales(out, x, y, m, false);
    if (out.scale_x == 0 && out.scale_y == 0 && block.finite) return out;
    Real sx[buffer_length];
    Real sy[buffer_length];
    detail::scale_into(x, m, out.scale_x, sx);
    detail::scale_into(y, m, out.scale_y, sy);
    out.c = detail::careful_block_comoments<Real>(m, sx, sy);
    return out;
  }

  void absorb(const detail::scaled_comoments<Real>& other) noexcept {
    count_ += other.c.count;
    if (other.c.nonfinite) nonfinite_ = true;
    if (nonfinite_ || other.c.count == 0) return;
    merger_.push(other);
  }

  void handle_nonfinite(const char* name, Real value, std::size_t observation) {
    switch (policy_) {
      case missing_data::omit:
        return;
      case missing_data::raise:
        HEDGEMETRICS_THROW(std::domain_error("hedgemetrics::hedge_accumulator::push: " + std::string(name) +
                                             " is " + detail::value_text(value) + " at observation " +
                                             std::to_string(observation) + " (missing_data::raise)"));
      case missing_data::propagate:
        ++count_;
        nonfinite_ = true;
        return;
    }
  }

  static std::uint64_t bits_of(double v) noexcept {
    static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559,
                  "hedge_accumulator serialisation needs IEEE-754 binary64 doubles");
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
  }
  static double double_of(std::uint64_t bits) noexcept {
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  // Little-endian on every machine: the byte order is part of the format, not of the host.
  static void put(std::vector<std::uint8_t>& bytes, std::uint64_t value, unsigned width) {
    for (unsigned k = 0; k < width; ++k)
      bytes.push_back(static_cast<std::uint8_t>((value >> (8U * k)) & 0xFFU));
  }
  static std::uint64_t get(const std::uint8_t* p, unsigned width) noexcept {
    std::uint64_t value = 0;
    for (unsigned k = 0; k < width; ++k) value |= static_cast<std::uint64_t>(p[k]) << (8U * k);
    return value;
  }
  // CRC-32 with the reflected polynomial 0xEDB88320 (ISO-HDLC, the zlib/PNG one), bit by bit: 96 bytes.
  static std::uint32_t crc32(const std::uint8_t* p, std::size_t n) noexcept {
    std::uint32_t crc = 0xFFFFFFFFU;
    for (std::size_t i = 0; i < n; ++i) {
      crc ^= p[i];
      for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1U) ^ (0xEDB88320U & (0U - (crc & 1U)));
    }
    return ~crc;
  }

  detail::pairwise_merger<detail::scaled_comoments<Real>> merger_;
  detail::comoment_context<Real> context_;
  Real buffer_x_[buffer_length] = {};
  Real buffer_y_[buffer_length] = {};
  std::size_t buffered_ = 0;
  std::size_t count_ = 0;
  bool nonfinite_ = false;
  std::size_t seen_ = 0;  // every pair offered, for the observation number in raise's message
  missing_data policy_;
};

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_ACCUMULATOR_HPP
