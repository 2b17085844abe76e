#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The spool's tail segment, once read to its end, is truncated and
# written again from the start. A file sink with a 100-record queue hands
# its queue off to the spool all the time while the writer keeps catching
# up with it, so that path runs many times per run. Every record that
# comes back must be one that was sent, in order, once, and the counters
# must add up: enqueued = delivered + sum(dropped), nothing dropped as
# spool_error. (Before the fix the file offset was not rewound after the
# truncate: the spool read a hole of zeros back as empty records, the
# file got empty lines and the drop counters went below zero.)
set -u
cd "$(dirname "$0")/../.."
NAME=spool_reuse
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
trap sink_cleanup EXIT
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }

for run in 1 2 3; do
	rm -f "$tmp/out.ndjson"
	$FEED --count 200000 -o "file://$tmp/out.ndjson?queue=100&spool=$tmp" >"$tmp/stats.json" 2>"$tmp/err"
	check "run $run: feed exit" $? 0
	res=$($PY - "$tmp/out.ndjson" "$tmp/stats.json" <<'PY'
import json, sys
bad = empty = disorder = 0
last = -1
n = 0
for l in open(sys.argv[1], "rb"):
    n += 1
    if not l.strip():
        empty += 1
        continue
    try:
        seq = json.loads(l)["scrapewatch"]["seq"]
    except (ValueError, KeyError, TypeError):
        bad += 1
        continue
    if seq <= last:
        disorder += 1
    last = seq
s = json.load(open(sys.argv[2]))["sinks"][0]
dropped = sum(s["dropped"].values())
print(f"lines={n} empty={empty} unparsable={bad} out_of_order={disorder} "
      f"delivered_is_lines={s['delivered'] == n} "
      f"balanced={s['enqueued'] == s['delivered'] + dropped} "
      f"spool_error={s['dropped']['spool_error']} spooled={s['spooled'] > 0}")
PY
)
	check "run $run: records and counters" "${res#lines=* }" "empty=0 unparsable=0 out_of_order=0 delivered_is_lines=True balanced=True spool_error=0 spooled=True"
	check "run $run: no absurd drop count on stderr" "$(grep -cE '[0-9]{11,} ' "$tmp/err")" 0
done
[ $fails -eq 0 ]
