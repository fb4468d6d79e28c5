// SPDX-License-Identifier: MIT
// Must NOT compile: std::list is not contiguous, and hedgemetrics must say so in a static_assert whose
// message contains "contiguous" (checked by tests/CMakeLists.txt). With HEDGEMETRICS_TEST_CONTROL the same
// code uses std::vector and must compile, so the failure can only come from the container.
#include <hedgemetrics/transforms.hpp>

#ifdef HEDGEMETRICS_TEST_CONTROL
#include <vector>
template <class T>
using container = std::vector<T>;
#else
#include <list>
template <class T>
using container = std::list<T>;
#endif

int main() {
  const container<double> a{1.0, 2.0, 4.0, 3.0};
  const container<double> b{2.0, 1.0, 3.0, 5.0};
  const auto returns = hedgemetrics::log_returns(a);
  return returns.size() + 1 == b.size() ? 0 : 1;
}
