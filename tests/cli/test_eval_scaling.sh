#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `eval` costs the same per label however many labels there are: labels are
# found through a hash, not by scanning the list at load and at every flow
# start (which made 80k labels take 12 s). Work is counted in instructions
# under callgrind, not timed: the extra instructions per label going from 1k
# to 4k labels and from 4k to 16k must stay within 2x of each other (a
# scan per label or per flow grows that ratio to about 4).
set -u
cd "$(dirname "$0")/../.."
SW=${SW:-build/scrapewatch}
REAL=tests/fixtures/real/real.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
LABEL=eval-scaling
need valgrind

labels() { # N: N labels, half scrapers, in 198.18.0.0/15
	"$PY" - "$1" <<'PY'
import sys
n = int(sys.argv[1])
print("client_ip,label,tool")
for i in range(n):
    print(f"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255},"
          f"{'scraper' if i % 2 else 'benign'},t{i % 7}")
PY
}

instructions() { # N: instructions of one eval run with N labels
	labels "$1" >"$tmp/l$1.csv"
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$SW" eval --labels "$tmp/l$1.csv" "$REAL" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

i1=$(instructions 1000)
i4=$(instructions 4000)
i16=$(instructions 16000)
echo "instructions: 1k labels $i1, 4k $i4, 16k $i16"
check "callgrind counted each run" "$([ -n "$i1" ] && [ -n "$i4" ] && [ -n "$i16" ] && echo yes)" yes
per_a=$(((i4 - i1) / 3000))
per_b=$(((i16 - i4) / 12000))
echo "extra instructions per label: 1k-4k $per_a, 4k-16k $per_b"
check "per-label cost does not grow with the label count" \
	"$([ "$per_b" -le $((2 * per_a)) ] && echo flat || echo "grows ($per_a -> $per_b)")" flat
finish
