#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The OPTIONS section of the man page, from the command line's option
# table (src/cli/options.c) as `scrapewatch help-man` prints it: written
# between the page's "BEGIN OPTIONS" and "END OPTIONS" marker comments,
# or with --check compared (exit 1 when the page is out of date).
#
# usage: scripts/manpage.sh [--check] BINARY PAGE
set -eu

check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--check] BINARY PAGE" >&2; exit 2; }
bin=$1
page=$2
tmp=$(mktemp)
gen=$(mktemp)
trap 'rm -f "$tmp" "$gen"' EXIT

"$bin" help-man >"$gen"
grep -q '^\.\\" BEGIN OPTIONS' "$page" && grep -q '^\.\\" END OPTIONS' "$page" || {
	echo "$page: no BEGIN OPTIONS / END OPTIONS markers" >&2
	exit 2
}
awk -v gen="$gen" '
	/^\.\\" BEGIN OPTIONS/ {
		print
		while ((getline line < gen) > 0)
			print line
		skip = 1
		next
	}
	/^\.\\" END OPTIONS/ { skip = 0 }
	!skip { print }
' "$page" >"$tmp"

if [ $check -eq 1 ]; then
	if ! cmp -s "$tmp" "$page"; then
		echo "$page: OPTIONS differ from the option table; run 'make man'" >&2
		diff -u "$page" "$tmp" >&2 || true
		exit 1
	fi
	exit 0
fi
cmp -s "$tmp" "$page" || cat "$tmp" >"$page"
