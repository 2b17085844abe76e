#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks that the documentation has not drifted from the build or the
tree, for tests/golden/test_docs.sh. Run over a tree ROOT (the repository, or a copy
of its docs/, etc/ and README.md) with what the build says about itself:

  docs_check.py ROOT HELP_TEXT SCHEMA_KEYS

HELP_TEXT is the output of `scrapewatch --help` (and each command's help),
SCHEMA_KEYS the config schema's key paths, one a line (build/sw_config_keys).
Prints one line per finding, FILE[:LINE]: what; exits 1 if there is any.
"""
import os
import re
import sys

import yaml

# The repository the paths in the docs are looked up in (the docs may be a
# copy elsewhere).
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
# Sentences that say a built part is missing, or promise one.
STALE = re.compile(r"not in this build|planned|later builds", re.I)
# A repository path in prose ("src/base/", "tests/lib/common.sh"); not one
# inside an absolute path such as /etc/scrapewatch/.
REPO_PATH = re.compile(r"(?<![\w./-])((?:src|include|bpf|scripts|tests|etc|docs)"
                       r"/[A-Za-z0-9_./*{}-]*[A-Za-z0-9_/])")
# An option defined in the help: at the start of a help line, after at
# most a short option ("  -o, --output URI", "      --json").
HELP_OPT = re.compile(r"^ {2,6}(?:-[A-Za-z], )?(--[a-z0-9][a-z0-9-]*)")


def text_files(root):
    yield "README.md"
    for top in ("docs", "etc"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                yield os.path.relpath(os.path.join(dirpath, n), root)


def check_stale(root, out):
    for rel in text_files(root):
        path = os.path.join(root, rel)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = STALE.search(line)
                if m:
                    out.append(f"{rel}:{n}: stale phrase \"{m.group(0)}\"")


def check_paths(root, out):
    """Every repository path the docs name exists (patterns aside)."""
    for rel in text_files(root):
        path = os.path.join(root, rel)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                for m in REPO_PATH.finditer(line):
                    p = m.group(1)
                    if any(c in p for c in "*{}"):
                        continue
                    if not os.path.exists(os.path.join(REPO, p)):
                        out.append(f"{rel}:{n}: {p} does not exist")


def man_text(path):
    """The man page with troff escapes undone, enough to find options."""
    with open(path, encoding="utf-8") as f:
        s = f.read()
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\e|\\&", "", s)
    return s.replace("\\-", "-")


def check_options(root, help_path, out):
    with open(help_path, encoding="utf-8") as f:
        opts = sorted({m.group(1) for line in f
                       if (m := HELP_OPT.match(line))})
    if not opts:
        out.append(f"{help_path}: no options found in the help text")
        return
    man = man_text(os.path.join(root, "docs/scrapewatch.8"))
    for o in opts:
        if not re.search(re.escape(o) + r"(?![a-z0-9-])", man):
            out.append(f"docs/scrapewatch.8: {o} (in --help) is not named")


def check_tables(root, out):
    """No README table lists a row twice (the same first cell)."""
    seen = {}
    table = 0
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.startswith("|"):
                table += 1
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not cells[0] or set(cells[0]) <= set("-: "):
                continue
            key = (table, cells[0])
            if key in seen:
                out.append(f"README.md:{n}: table row {cells[0]} listed "
                           f"twice (first at line {seen[key]})")
            else:
                seen[key] = n


def yaml_keys(node, prefix=""):
    keys = []
    if isinstance(node, dict):
        for k, v in node.items():
            path = f"{prefix}.{k}" if prefix else str(k)
            keys.append(path)
            # detect.rules is keyed by rule ID, not by schema keys.
            if path != "detect.rules":
                keys += yaml_keys(v, path)
    return keys


def check_config_keys(root, schema_path, out):
    with open(schema_path, encoding="utf-8") as f:
        schema = {line.strip() for line in f if line.strip()}
    if not schema:
        out.append(f"{schema_path}: no schema keys")
        return
    with open(os.path.join(root, "etc/scrapewatch.yaml"), encoding="utf-8") as f:
        example = set(yaml_keys(yaml.safe_load(f)))
    for k in sorted(example - schema):
        out.append(f"etc/scrapewatch.yaml: {k}: not a key of the config schema")
    for k in sorted(schema - example):
        out.append(f"etc/scrapewatch.yaml: {k}: schema key missing from the example")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    root, help_path, schema_path = sys.argv[1:]
    out = []
    check_stale(root, out)
    check_paths(root, out)
    check_options(root, help_path, out)
    check_tables(root, out)
    check_config_keys(root, schema_path, out)
    for line in out:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
