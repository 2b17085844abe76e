#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# TCP SYN signatures against p0f, run at test time: p0f -r reads each
# capture (tests/fixtures/tcpsig/*.pcap by default, or the files given) and
# logs raw_sig for the first SYN and SYN+ACK of every connection; our signer
# (build/tests/test_tcp_sig --dump) must print the same string for the same
# packet. Skips (77) without p0f or the test binary.
set -u
cd "$(dirname "$0")/../.."
dump=${TCPSIG_DUMP:-build/tests/test_tcp_sig}
p0f=${P0F:-$(command -v p0f || echo /usr/sbin/p0f)}
if [ ! -x "$p0f" ]; then
	echo "skip: p0f not installed"
	exit 77
fi
if [ ! -x "$dump" ]; then
	echo "skip: $dump not built"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	captures=("$@")
else
	captures=(tests/fixtures/tcpsig/*.pcap)
fi

total=0 bad=0
for cap in "${captures[@]}"; do
	# p0f's log line, less the time stamp and its own verdicts.
	"$p0f" -r "$cap" -o "$tmp/p0f.log" >/dev/null 2>&1
	sed -nE 's/^\[[^]]*\] (mod=syn(\+ack)?\|cli=[^|]*\|srv=[^|]*)\|.*(\|raw_sig=.*)$/\1\3/p' \
		"$tmp/p0f.log" >"$tmp/p0f.txt"
	rm -f "$tmp/p0f.log"
	"$dump" --dump "$cap" >"$tmp/ours.txt" || {
		echo "FAIL $cap: signer failed"
		bad=$((bad + 1))
		continue
	}
	# For each p0f line, our first line for the same direction and
	# endpoints (p0f ignores repeated SYNs) must be identical.
	res=$(awk -F'[|]raw_sig=' '
		NR == FNR { if (!($1 in ours)) ours[$1] = $2; next }
		{
			n++
			if (!($1 in ours)) { print "MISS " $0; next }
			if (ours[$1] != $2) { print "DIFF " $1 "\n  p0f:  " $2 "\n  ours: " ours[$1]; next }
			ok++
		}
		END { print "COUNT " n + 0 " " ok + 0 }' "$tmp/ours.txt" "$tmp/p0f.txt")
	read -r _ n ok <<<"$(grep '^COUNT' <<<"$res")"
	grep -v '^COUNT' <<<"$res" | sed "s|^|$cap: |"
	echo "$cap: $ok of $n p0f signatures matched"
	total=$((total + n))
	bad=$((bad + n - ok))
done
echo "tcpsig oracle: $((total - bad)) of $total matched"
[ "$total" -gt 0 ] && [ "$bad" -eq 0 ]
