#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that no kernel in the given object files holds instructions of a set other than its namespace's.

Each object is disassembled (objdump -d -C); every function in hedgemetrics::detail::isa_sse2 must use no
VEX or EVEX instruction (no mnemonic starting with "v", no ymm/zmm register), and every function in isa_avx2
no AVX-512 (no zmm, no opmask k register, no xmm16-31/ymm16-31). Each object must hold kernels of both
namespaces in at least two of the objects (the two units), so the check cannot pass without kernels. Usage: check_isa_symbols.py OBJECT...
Exit status 0 when every object passes, 1 otherwise (naming the function and the instruction)."""
import re
import subprocess
import sys

HEADER = re.compile(r"^[0-9a-f]+ <(.*)>:$")
EVEX_REGISTER = re.compile(r"%(zmm\d+|k[0-7]|[xy]mm(1[6-9]|2\d|3[01]))\b")


def functions(path):
    out = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", path], check=True,
                         capture_output=True, text=True).stdout
    name = None
    for line in out.splitlines():
        m = HEADER.match(line)
        if m:
            name = m.group(1)
            continue
        if name and "\t" in line:
            yield name, line.split("\t", 1)[1].strip()


def main(paths):
    failures = []
    with_kernels = 0
    for path in paths:
        seen = {"isa_sse2": 0, "isa_avx2": 0}
        for name, instruction in functions(path):
            if "::isa_sse2::" in name:
                seen["isa_sse2"] += 1
                if instruction.startswith("v") or re.search(r"%[yz]mm", instruction):
                    failures.append(f"{path}: {name}: AVX instruction in an SSE2 kernel: {instruction}")
            elif "::isa_avx2::" in name:
                seen["isa_avx2"] += 1
                if EVEX_REGISTER.search(instruction):
                    failures.append(f"{path}: {name}: AVX-512 instruction in an AVX2 kernel: {instruction}")
        with_kernels += all(seen.values())
        print(f"{path}: {seen['isa_sse2']} SSE2 and {seen['isa_avx2']} AVX2 kernel instructions checked")
    if with_kernels < 2:
        failures.append(f"only {with_kernels} of the objects hold both SSE2 and AVX2 kernels; the units must")
    return report(failures)


def report(failures):
    """Prints the first 40 failures; the exit status: 1 if any, else 0."""
    for failure in failures[:40]:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def run(check, script):
    """Runs check(paths) on the object files named on the command line (a checker's main)."""
    if len(sys.argv) < 2:
        sys.exit(f"usage: {script} OBJECT...")
    # CMake passes $<TARGET_OBJECTS:...> as one argument, its paths separated by ';'.
    sys.exit(check([path for arg in sys.argv[1:] for path in arg.split(";") if path]))


if __name__ == "__main__":
    run(main, "check_isa_symbols.py")
