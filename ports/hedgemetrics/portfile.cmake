# Header-only: one release configuration is all there is to install.
set(VCPKG_BUILD_TYPE release)

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO hedgemetrics/hedgemetrics
    REF "v${VERSION}"
    # The SHA512 of the release tarball of tag v${VERSION}; set it on each release (with SHA512 0,
    # vcpkg install stops and prints the tarball's hash).
    SHA512 0
    HEAD_REF main
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DHEDGEMETRICS_BUILD_TESTS=OFF
        -DHEDGEMETRICS_BUILD_EXAMPLES=OFF
        -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF
        -DHEDGEMETRICS_BUILD_DOCS=OFF
        -DHEDGEMETRICS_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/hedgemetrics)
vcpkg_fixup_pkgconfig()

# The project installs its licence as documentation; vcpkg installs it as the copyright file.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
