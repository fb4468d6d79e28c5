// SPDX-License-Identifier: MIT
/// \file
/// The library version, defined once: CMake, the vcpkg port and the Conan recipe read it from here.
#ifndef HEDGEMETRICS_VERSION_HPP
#define HEDGEMETRICS_VERSION_HPP

/// The major version: a change here breaks the API (the CMake package accepts only the same major).
#define HEDGEMETRICS_VERSION_MAJOR 0
/// The minor version: new features, compatible.
#define HEDGEMETRICS_VERSION_MINOR 1
/// The patch version: fixes only.
#define HEDGEMETRICS_VERSION_PATCH 0

/// The version as one integer, MAJOR * 10000 + MINOR * 100 + PATCH, for preprocessor comparisons.
#define HEDGEMETRICS_VERSION \
  (HEDGEMETRICS_VERSION_MAJOR * 10000 + HEDGEMETRICS_VERSION_MINOR * 100 + HEDGEMETRICS_VERSION_PATCH)

#endif  // HEDGEMETRICS_VERSION_HPP
