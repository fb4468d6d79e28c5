# SPDX-License-Identifier: MIT
"""Conan 2 recipe of hedgemetrics, a header-only library.

    conan create .          # packages this checkout and runs test_package/ against the package

The version is not written here: set_version() reads it from include/hedgemetrics/version.hpp, the one
place it is defined (tests/consumers/check_versions.py checks that the two agree).
"""
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class HedgemetricsConan(ConanFile):
    name = "hedgemetrics"
    description = ("Header-only C++17 estimators of hedge ratios, residual risk, basis risk and hedge "
                   "effectiveness")
    license = "MIT"
    homepage = "https://github.com/hedgemetrics/hedgemetrics"
    topics = ("finance", "hedging", "hedge-ratio", "statistics", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    exports_sources = "include/*", "LICENSE"
    no_copy_source = True

    def set_version(self):
        header = load(self, os.path.join(self.recipe_folder, "include", "hedgemetrics", "version.hpp"))
        parts = [re.search(rf"^#define HEDGEMETRICS_VERSION_{part} (\d+)$", header, re.M).group(1)
                 for part in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def layout(self):
        basic_layout(self, src_folder=".")

    def requirements(self):
        # Eigen 3.4 or 5: the library accepts both (ConanCenter has both).
        self.requires("eigen/[>=3.4.0 <6]")

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"),
             os.path.join(self.package_folder, "include"))

    def package_info(self):
        # The names of the project's own CMake package and pkg-config file.
        self.cpp_info.set_property("cmake_file_name", "hedgemetrics")
        self.cpp_info.set_property("cmake_target_name", "hedgemetrics::hedgemetrics")
        self.cpp_info.set_property("pkg_config_name", "hedgemetrics")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        # simulate_delta_hedge runs blocks on std::thread: the CMake target links Threads::Threads, and
        # glibc before 2.34 needs -pthread for that (hedgemetrics.pc adds it too).
        if self.settings.os in ("Linux", "FreeBSD"):
            self.cpp_info.system_libs = ["pthread"]
