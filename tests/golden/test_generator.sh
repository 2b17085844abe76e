#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The synthetic fixtures are reproducible: the generator, run again, writes
# byte-identical captures and ground truth to what is committed.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/sw_pcapgen fixtures "$tmp" || exit 1
if diff -r "$tmp" tests/fixtures/synthetic >"$tmp.diff" 2>&1; then
	echo "PASS generator: fixtures regenerate byte for byte"
	rm -f "$tmp.diff"
else
	echo "FAIL generator: regenerated fixtures differ from tests/fixtures/synthetic:"
	head -n 20 "$tmp.diff"
	rm -f "$tmp.diff"
	exit 1
fi
