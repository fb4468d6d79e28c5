#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that every place that states hedgemetrics' version agrees with include/hedgemetrics/version.hpp,
the one place it is defined: the vcpkg manifests (root and port), the Conan recipe (imported, its
set_version() run), and, when given, an installed CMake package and pkg-config file. Also checks that
the manifests parse as JSON. Exits 1, naming each disagreement, when any disagrees.

    check_versions.py [--root DIR] [--prefix INSTALL_PREFIX]

Conan need not be installed: the recipe is imported against stand-ins of the few conan modules it uses,
so this runs wherever python3 does (CI cannot install Conan).
"""
import argparse
import importlib.util
import json
import re
import sys
import types
from pathlib import Path


def header_version(root):
    text = (root / "include/hedgemetrics/version.hpp").read_text()
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        match = re.search(rf"^#define HEDGEMETRICS_VERSION_{part} (\d+)$", text, re.M)
        if not match:
            sys.exit(f"check_versions: no '#define HEDGEMETRICS_VERSION_{part} <number>' in version.hpp")
        parts.append(match.group(1))
    return ".".join(parts)


def manifest_version(path):
    with open(path) as f:
        manifest = json.load(f)  # a parse error fails the check with json's message
    for key in ("version-semver", "version", "version-string"):
        if key in manifest:
            return manifest[key]
    return None


def conan_version(root):
    """Imports conanfile.py with stand-ins for the conan modules and runs its set_version()."""
    class ConanFile:  # the attributes set_version() may use
        pass

    def load(_conanfile, path, encoding="utf-8"):
        with open(path, encoding=encoding) as f:
            return f.read()

    def noop(*_args, **_kwargs):
        return None

    stubs = {
        "conan": {"ConanFile": ConanFile},
        "conan.errors": {"ConanInvalidConfiguration": Exception, "ConanException": Exception},
        "conan.tools": {},
        "conan.tools.build": {"check_min_cppstd": noop},
        "conan.tools.files": {"copy": noop, "load": load},
        "conan.tools.layout": {"basic_layout": noop},
        "conan.tools.cmake": {"CMake": object, "CMakeToolchain": object, "CMakeDeps": object,
                              "cmake_layout": noop},
    }
    saved = {name: sys.modules.get(name) for name in stubs}
    try:
        for name, attrs in stubs.items():
            module = types.ModuleType(name)
            module.__dict__.update(attrs)
            sys.modules[name] = module
        spec = importlib.util.spec_from_file_location("hedgemetrics_conanfile", root / "conanfile.py")
        recipe = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(recipe)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    classes = [c for c in vars(recipe).values()
               if isinstance(c, type) and issubclass(c, ConanFile) and c is not ConanFile]
    if len(classes) != 1:
        sys.exit(f"check_versions: conanfile.py should define one ConanFile subclass, found {len(classes)}")
    conanfile = classes[0]()
    conanfile.recipe_folder = str(root)
    conanfile.version = None
    conanfile.set_version()
    return conanfile.version


def cmake_package_version(prefix):
    text = (prefix / "share/cmake/hedgemetrics/hedgemetricsConfigVersion.cmake").read_text()
    match = re.search(r'set\(PACKAGE_VERSION "([^"]*)"\)', text)
    return match.group(1) if match else None


def pkg_config_version(prefix):
    pc = prefix / "share/pkgconfig/hedgemetrics.pc"
    match = re.search(r"^Version: (.*)$", pc.read_text(), re.M)
    return match.group(1).strip() if match else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--prefix", type=Path, help="an install prefix of hedgemetrics to check too")
    args = parser.parse_args()
    root = args.root.resolve()

    expected = header_version(root)
    found = {
        "vcpkg.json": manifest_version(root / "vcpkg.json"),
        "ports/hedgemetrics/vcpkg.json": manifest_version(root / "ports/hedgemetrics/vcpkg.json"),
        "conanfile.py set_version()": conan_version(root),
    }
    if args.prefix:
        found["installed hedgemetricsConfigVersion.cmake"] = cmake_package_version(args.prefix)
        found["installed hedgemetrics.pc"] = pkg_config_version(args.prefix)

    wrong = {where: v for where, v in found.items() if v != expected}
    for where, version in found.items():
        print(f"check_versions: {where:45} {version}{'' if version == expected else '   <-- disagrees'}")
    if wrong:
        print(f"check_versions: FAILED: version.hpp says {expected}; "
              + "; ".join(f"{w} says {v}" for w, v in wrong.items()), file=sys.stderr)
        return 1
    print(f"check_versions: all agree with version.hpp: {expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
