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

// Each target defines this; LLVMFuzzerTestOneInput below calls it.
int test_one(const std::uint8_t* data, std::size_t size);

// Thrown by fail() in survey mode, caught by LLVMFuzzerTestOneInput.
struct violation_seen {};

struct current_input {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};
inline current_input current;

// A broken contract: what was expected and what came back, then abort() so that libFuzzer keeps the input.
// Survey mode (HEDGEMETRICS_FUZZ_SURVEY=<dir>, for long local runs while known findings are still open):
// the first input of each kind of violation (its message with the numbers taken out) is written to <dir>
// and reported, and fuzzing goes on.
[[noreturn]] inline void fail(const std::string& what) {
  static const char* survey = std::getenv("HEDGEMETRICS_FUZZ_SURVEY");
  if (survey == nullptr) {
    std::fprintf(stderr, "\nCONTRACT VIOLATION: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
  }
  static std::vector<std::string> kinds;
  std::string kind;
  for (const char ch : what.substr(0, what.find('\n'))) {
    const bool numeric = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e';
    if (!numeric) {
      kind += ch;
    } else if (kind.empty() || kind.back() != '#') {
      kind += '#';
    }
  }
  bool seen = false;
  for (const auto& k : kinds) seen = seen || k == kind;
  if (!seen) {
    kinds.push_back(kind);
    const std::string path = std::string(survey) + "/finding-" + std::to_string(kinds.size());
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(current.data, 1, current.size, f);
      std::fclose(f);
    }
    std::fprintf(stderr, "\nCONTRACT VIOLATION (%s): %s\n", path.c_str(), what.c_str());
    std::fflush(stderr);
  }
  throw violation_seen{};
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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::current = {data, size};
  try {
    return fuzz::test_one(data, size);
  } catch (const fuzz::violation_seen&) {
    return 0;
  }
}

#endif  // HEDGEMETRICS_FUZZ_SUPPORT_HPP
