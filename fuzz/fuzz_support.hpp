// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: reading typed values from the fuzzer's bytes, and reporting a broken contract
// (a message on stderr, then abort(), which libFuzzer records as a crash together with the input).
#ifndef HEDGEMETRICS_FUZZ_SUPPORT_HPP
#define HEDGEMETRICS_FUZZ_SUPPORT_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace fuzz {

// A broken contract: what was expected and what came back, then abort() so that libFuzzer keeps the input.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "\nCONTRACT VIOLATION: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string show(long double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.21Lg", v);
  return text;
}

inline std::string show(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

// The fuzzer's bytes, consumed front to back; past the end every read gives zeros.
class bytes {
 public:
  bytes(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}
  [[nodiscard]] std::size_t left() const noexcept { return size_ - pos_; }
  std::uint8_t byte() noexcept { return pos_ < size_ ? data_[pos_++] : std::uint8_t{0}; }
  std::uint16_t u16() noexcept {
    const unsigned lo = byte();
    const unsigned hi = byte();
    return static_cast<std::uint16_t>(lo | (hi << 8U));
  }
  std::uint64_t u64() noexcept {
    std::uint64_t v = 0;
    for (unsigned k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(byte()) << (8U * k);
    return v;
  }
  double raw_double() noexcept {
    const std::uint64_t bits = u64();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace fuzz

#endif  // HEDGEMETRICS_FUZZ_SUPPORT_HPP
