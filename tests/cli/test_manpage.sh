#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The man page's OPTIONS section is what the option table generates
# (`make man`; scripts/manpage.sh --check), it lists every option of
# every command (--workers, --dpdk-args and --capture dpdk|afxdp among
# them), and it renders without groff warnings.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
PAGE=docs/scrapewatch.8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
LABEL=manpage

scripts/manpage.sh --check "$SW" "$PAGE" 2>"$tmp/diff"
check "docs/scrapewatch.8 OPTIONS match the option table" $? 0
[ -s "$tmp/diff" ] && head -40 "$tmp/diff"

# A page edited by hand is caught.
cp "$PAGE" "$tmp/page.8"
sed -i '/^\.\\" BEGIN OPTIONS/a .TP\nstale' "$tmp/page.8"
scripts/manpage.sh --check "$SW" "$tmp/page.8" 2>/dev/null
check "a stale OPTIONS section is caught" $? 1

out=$(MANWIDTH=80 man -l "$PAGE" 2>/dev/null)
echo "$out" >"$tmp/man.txt"
for o in --workers --dpdk-args --capture --interface --output --config \
	--user --pcap-filter --xdp-mode --labels --through-xdp --mbufs; do
	check_grep "man page lists $o" "^ *(-[a-z], )?$o" "$tmp/man.txt"
done
check_grep "man page: --capture names dpdk and afxdp" \
	'--capture xdp\|pcap\|dpdk\|afxdp' "$tmp/man.txt"
# Every long option that any command's --help lists is in the page.
for c in flows replay eval live; do
	for o in $($SW "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		echo "$out" | grep -q -- "$o" ||
			{ echo "FAIL manpage: $c $o missing"; fails=$((fails + 1)); }
	done
done
MANWIDTH=80 man --warnings -l "$PAGE" >/dev/null 2>"$tmp/warn"
check "no groff warnings" "$(wc -c <"$tmp/warn")" 0
finish
