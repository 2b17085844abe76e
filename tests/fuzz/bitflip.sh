#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The bit-flip campaign of issue 20, run on demand (not part of make
# test): captures from tests/fixtures with random bits flipped and cut at
# random lengths, each run through `flows` and `replay` of build/scrapewatch.
# A crash (killed by a signal) or a hang (no exit within HANG_S seconds)
# is a failure; its input is kept in build/fuzz/bitflip/. Exit 0 when
# there were none. Deterministic for a given SEED.
#
#   tests/fuzz/bitflip.sh [COUNT]       COUNT inputs (default 1600)
#   SEED=7 HANG_S=20 tests/fuzz/bitflip.sh 200
#   SW=/path/to/scrapewatch tests/fuzz/bitflip.sh   another binary
set -u
cd "$(dirname "$0")/../.."
SW=${SW:-build/scrapewatch}
count=${1:-1600}
seed=${SEED:-1}
hang_s=${HANG_S:-10}
out=build/fuzz/bitflip
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$SW" ] || { echo "bitflip: $SW missing (make all)"; exit 2; }
mkdir -p "$out"
seeds=()
for f in tests/fixtures/real/real.pcap tests/fixtures/synthetic/*.pcap \
	tests/fixtures/synthetic/*.pcapng; do
	[ -s "$f" ] && seeds+=("$f")
done
[ ${#seeds[@]} -gt 0 ] || { echo "bitflip: no seed captures"; exit 2; }

crashes=0 hangs=0 runs=0
for i in $(seq 1 "$count"); do
	src=${seeds[$(((i * 7919 + seed) % ${#seeds[@]}))]}
	/usr/bin/python3 - "$src" "$work/in" "$((seed * 1000003 + i))" <<'PY'
import random, sys
src, dst, s = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = random.Random(s)
d = bytearray(open(src, "rb").read())
if r.random() < 0.1 and len(d) > 1:
    d = d[: r.randrange(1, len(d))]  # a truncation
else:
    for _ in range(r.choice((1, 1, 2, 4, 8, 32))):
        k = r.randrange(len(d))
        d[k] ^= 1 << r.randrange(8)
open(dst, "wb").write(d)
PY
	for cmd in flows replay; do
		runs=$((runs + 1))
		timeout -s KILL "$hang_s" $SW $cmd "$work/in" >/dev/null 2>"$work/err"
		rc=$?
		if [ $rc -eq 137 ]; then
			hangs=$((hangs + 1))
			cp "$work/in" "$out/hang-$seed-$i-$cmd"
			echo "bitflip: HANG $cmd from $src (input $out/hang-$seed-$i-$cmd)"
		elif [ $rc -gt 2 ]; then
			crashes=$((crashes + 1))
			cp "$work/in" "$out/crash-$seed-$i-$cmd"
			echo "bitflip: CRASH (exit $rc) $cmd from $src (input $out/crash-$seed-$i-$cmd)"
			tail -n 3 "$work/err" | sed 's/^/    /'
		fi
	done
done
echo "bitflip: $count inputs, $runs runs, $crashes crashes, $hangs hangs"
[ $crashes -eq 0 ] && [ $hangs -eq 0 ]
