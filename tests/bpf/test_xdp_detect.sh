#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The detector fed from the XDP path: each labelled corpus capture, run
# through the loaded XDP program (eval --through-xdp: flow starts from
# heads and map sweeps, running snapshots from the periodic sweep, ends
# from the sweeper), must flag exactly the clients the userspace path
# flags, and end with the same confusion counts. Times to detect may
# differ by the sweep period; verdicts may not. Skips (77) where BPF
# can't be loaded.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
need_xdp_load

# client_ip and verdict of each labelled row, and the confusion line.
verdicts() {
	awk 'NR > 1 && NF >= 4 && $1 ~ /[.:]/ {
		for (i = 3; i <= NF; i++)
			if ($i ~ /^(TP|FP|FN|TN)$/) { print $1, $i; break }
	}
	/^confusion:/ { print }' "$1"
}

# Every pure ACK accounted, and 1 in 16 (the default, said explicitly).
fail=0
for ns in 1 16; do
for d in tests/fixtures/corpus/*/; do
	c="$(basename "$d") (pure ACKs 1 in $ns)"
	# The capture, decompressed into build/ where stored as .xz.
	pcap=$(/usr/bin/python3 -c 'import sys
sys.path.insert(0, "scripts/eval")
import corpus_eval as ce
print(ce.fixture_file(sys.argv[1], "corpus.pcap") or "")' "$(basename "$d")")
	$SW eval --labels "$d/labels.csv" "$pcap" >"$tmp/user.txt" \
		2>"$tmp/user.err"
	urc=$?
	$SW eval --through-xdp --xdp-ack-sample $ns --labels "$d/labels.csv" \
		"$pcap" >"$tmp/xdp.txt" 2>"$tmp/xdp.err"
	xrc=$?
	if [ $urc -ne 0 ] || [ $xrc -ne 0 ]; then
		echo "FAIL corpus $c: exit actual $xrc (xdp) $urc (user), expected 0"
		cat "$tmp/user.err" "$tmp/xdp.err"
		fail=1
		continue
	fi
	verdicts "$tmp/user.txt" >"$tmp/user.v"
	verdicts "$tmp/xdp.txt" >"$tmp/xdp.v"
	n=$(grep -c ' TP$' "$tmp/user.v")
	if [ "$n" -eq 0 ]; then
		echo "FAIL corpus $c: the userspace path flagged nobody (actual 0 TP, expected > 0)"
		fail=1
		continue
	fi
	if ! diff -u "$tmp/user.v" "$tmp/xdp.v" >"$tmp/diff"; then
		echo "FAIL corpus $c: verdicts differ (--- userspace, +++ through XDP)"
		cat "$tmp/diff"
		fail=1
		continue
	fi
	echo "ok corpus $c: $(grep -c . "$tmp/user.v") rows, $n scrapers flagged on both paths"
	grep '^time to detect' "$tmp/user.txt" | sed 's/^/  userspace: /'
	grep '^time to detect' "$tmp/xdp.txt" | sed 's/^/  XDP:       /'
done
done
exit $fail
