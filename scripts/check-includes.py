#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check that includes in src/ only run down the order of the rooms
(docs/architecture.md): a file may include headers of its own room or of
rooms below it, never above, and no two files include each other in a
cycle. Prints each offending include as FILE:LINE and exits 1 if any.

Usage: scripts/check-includes.py [REPO]   (default: the current directory)
"""
import os
import re
import sys

# Lowest first: include/scrapewatch is the kernel/user contract.
ORDER = ["scrapewatch", "base", "decode", "track", "detect", "sink",
         "output", "capture", "pipeline", "config", "daemon", "xdp",
         "engine", "eval", "cli"]
RANK = {room: i for i, room in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def room_of(path):
    """The room of a repository path (src/ROOM/... or include/scrapewatch/...)."""
    parts = path.split("/")
    if parts[0] == "include" and len(parts) > 2:
        return parts[1]
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    return None


def resolve(repo, src, target):
    """Where "target" included from src is found: next to src, or under
    src/ or include/ (the -Isrc -Iinclude of the Makefile)."""
    for base in (os.path.dirname(src), "src", "include"):
        cand = os.path.normpath(os.path.join(base, target))
        if os.path.exists(os.path.join(repo, cand)):
            return cand
    return None


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else "."
    files = []
    for top in ("src", "include/scrapewatch"):
        for dirpath, _, names in os.walk(os.path.join(repo, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    files.append(os.path.relpath(os.path.join(dirpath, n), repo))
    bad = []
    edges = {}
    for f in sorted(files):
        with open(os.path.join(repo, f), encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                dst = resolve(repo, f, m.group(1))
                if dst is None:
                    continue  # generated (build/*.skel.h) or system
                edges.setdefault(f, set()).add(dst)
                a, b = room_of(f), room_of(dst)
                if a not in RANK or b not in RANK:
                    bad.append(f"{f}:{lineno}: {m.group(1)}: room not in the order")
                elif RANK[b] > RANK[a]:
                    bad.append(f"{f}:{lineno}: {a} includes {m.group(1)} "
                               f"from {b}, a room above it")
    # Cycles between files (a .c file is never included, so only headers).
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):] + [nxt]
                bad.append("include cycle: " + " -> ".join(cyc))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for f in sorted(edges):
        if f not in state:
            visit(f, [])
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
