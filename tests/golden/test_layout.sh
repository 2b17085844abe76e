#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The layout of src/ (docs/architecture.md): includes only run down the
# order of the rooms and never in a cycle (scripts/check-includes.py); no
# file over 800 lines and no function over 120 (scripts/check-sizes.py).
# Each checker is also shown to fail on a copy of the tree with one fault
# put in.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=layout
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$($PY scripts/check-includes.py 2>&1)
check "includes run down the rooms, no cycle" "$?:$out" "0:"
out=$($PY scripts/check-sizes.py 2>&1)
check "files and functions within their limits" "$?:$out" "0:"

# Faults on a copy: an upward include, and a function of 130 lines.
cp -r src "$tmp/src"
mkdir -p "$tmp/include" && cp -r include/scrapewatch "$tmp/include/"
sed -i '1a #include "cli/cli.h"' "$tmp/src/decode/decode-tunnel.c"
out=$($PY scripts/check-includes.py "$tmp" 2>&1)
check "an upward include: the checker fails" "$?" 1
check_grep "an upward include: the checker names it" "decode-tunnel.c" <(echo "$out")
{
	printf 'void sw_long_function(void);\nvoid sw_long_function(void)\n{\n'
	for i in $(seq 130); do printf '\t(void)%d;\n' "$i"; done
	printf '}\n'
} >"$tmp/src/base/long.c"
out=$($PY scripts/check-sizes.py "$tmp" 2>&1)
check "a long function: the checker fails" "$?" 1
check_grep "a long function: the checker names it" "sw_long_function is 133 lines" <(echo "$out")
finish
