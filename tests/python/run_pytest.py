# SPDX-License-Identifier: MIT
"""Runs the tests of the Python module for CTest: exit 77 (CTest's SKIP_RETURN_CODE) when pytest,
NumPy or pandas is missing, saying which; pytest's own status otherwise, except that "no tests were
collected" (pytest's 5) is a failure, never a pass or a skip.

    python3 run_pytest.py <directory of the tests> [pytest arguments...]

The module itself is found through PYTHONPATH (CTest sets it to the build directory of python/).
"""
import importlib
import sys

SKIP = 77


def main():
    missing = []
    for name in ("pytest", "numpy", "pandas"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        print("run_pytest: skipped, not installed: " + ", ".join(missing) +
              " (Debian: apt-get install python3-pytest python3-numpy python3-pandas)")
        return SKIP
    import pytest

    status = pytest.main([sys.argv[1], "-q", "-p", "no:cacheprovider", *sys.argv[2:]])
    if status == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("run_pytest: FAILED: pytest collected no tests in " + sys.argv[1])
        return 1
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
