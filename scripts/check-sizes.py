#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check the size limits of src/ (docs/architecture.md): no file over 800
lines, and no function over 120 lines, counted from the line of its name
to its closing brace. A function is a top-level brace block that opens on
a line of its own ("{" in column 0), as clang-format writes them. Prints
each offender and exits 1 if any.

Usage: scripts/check-sizes.py [REPO]   (default: the current directory)
"""
import os
import re
import sys

FILE_MAX = 800
FUNC_MAX = 120
NAME = re.compile(r"(\w+)\s*\(")


def check(path, rel):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    bad = []
    if len(lines) - 1 > FILE_MAX:
        bad.append(f"{rel}: {len(lines) - 1} lines (at most {FILE_MAX})")
    i = 0
    while i < len(lines):
        if lines[i] == "{":
            j = i - 1
            while j > 0 and not NAME.search(lines[j]):
                j -= 1
            m = NAME.search(lines[j])
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            n = k - j + 1
            if n > FUNC_MAX:
                bad.append(f"{rel}:{j + 1}: {m.group(1) if m else '?'} is "
                           f"{n} lines (at most {FUNC_MAX})")
            i = k
        i += 1
    return bad


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    for top, _, files in os.walk(os.path.join(repo, "src")):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                p = os.path.join(top, f)
                bad += check(p, os.path.relpath(p, repo))
    for b in sorted(bad):
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
