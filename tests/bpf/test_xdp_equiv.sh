#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Equivalence of the two accounting paths (docs/xdp.md): every
# fixture capture, run through the loaded XDP program with
# BPF_PROG_TEST_RUN (flows --through-xdp), must give the same flow records
# as the userspace path (flows), flow by flow and field by field:
# addresses, ports, bytes and packets each way, turns, start and end time,
# close reason, and fingerprints. Twice: every pure ACK accounted
# (--xdp-ack-sample 1: exact, field by field), and the default sampling
# (1 in 16; test_xdp_close_sampled.sh covers the close with others): the
# records say packets_sampled and may differ only in packet counts (a
# lower bound), except flows that never closed (idle, end of input), whose
# trailing skipped ACKs may also move their end and, in one-direction
# captures, their ACK-derived bytes (flows_equal.py, docs/xdp.md). Skips
# (77) where BPF can't be loaded.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
need_xdp_load

fail=0 n=0
for ns in 1 default; do
for f in tests/fixtures/*/*.pcap tests/fixtures/*/*.pcapng; do
	base="${f#tests/fixtures/} (pure ACKs 1 in $ns)"
	opt=()
	[ $ns != default ] && opt=(--xdp-ack-sample $ns)
	$SW flows -q "$f" >"$tmp/user.ndjson" 2>"$tmp/user.err"
	urc=$?
	$SW flows -q --through-xdp "${opt[@]}" "$f" \
		>"$tmp/xdp.ndjson" 2>"$tmp/xdp.err"
	xrc=$?
	if [ $urc -ne $xrc ]; then
		echo "FAIL $base: exit actual $xrc expected $urc"
		cat "$tmp/xdp.err"
		fail=1
		continue
	fi
	if ! out=$(python3 tests/bpf/flows_equal.py "$tmp/user.ndjson" \
		"$tmp/xdp.ndjson"); then
		echo "FAIL $base:"
		echo "$out" | head -20
		fail=1
		continue
	fi
	echo "PASS $base: $(echo "$out" | tail -1)"
	n=$((n + 1))
done
done

# Sampled records (the default) fit the flow schema (packets_sampled).
$SW flows -q --through-xdp tests/fixtures/real/real.pcap \
	>"$tmp/sampled.ndjson"
if ! python3 - "$tmp/sampled.ndjson" <<'PY'; then
import json, sys
import jsonschema
schema = json.load(open("docs/schema/flow.schema.json"))
recs = [json.loads(l) for l in open(sys.argv[1])]
for r in recs:
    jsonschema.validate(r, schema)
marked = sum(1 for r in recs if r["scrapewatch"]["flow"].get("packets_sampled"))
if not recs or marked != len(recs):
    print(f"packets_sampled: actual {marked} of {len(recs)} records, expected all")
    sys.exit(1)
print(f"PASS sampled flow records: schema, {marked} marked packets_sampled")
PY
	fail=1
fi

# The stats record carries the kernel's counters and fits its schema.
$SW replay -q --through-xdp tests/fixtures/real/real.pcap \
	>"$tmp/stats.json"
if ! python3 - "$tmp/stats.json" <<'PY'; then
import json, sys
import jsonschema
rec = json.loads(open(sys.argv[1]).read().splitlines()[-1])
schema = json.load(open("docs/schema/stats.schema.json"))
jsonschema.validate(rec, schema)
x = rec["scrapewatch"]["stats"]["xdp"]
want = rec["scrapewatch"]["stats"]["packets"]
if x["packets"] != want:
    print(f"xdp.packets actual {x['packets']} expected {want}")
    sys.exit(1)
if x["pure_acks"] == 0 or x["heads_sampled"] == 0:
    print(f"pure_acks {x['pure_acks']}, heads_sampled {x['heads_sampled']}: expected both > 0")
    sys.exit(1)
if not 0 < x["acks_sampled_out"] < x["pure_acks"]:
    print(f"acks_sampled_out actual {x['acks_sampled_out']}, expected between 0 and pure_acks {x['pure_acks']} (1 in 16)")
    sys.exit(1)
# Every flow of real.pcap closes with FINs, and the close's last ACKs
# are kept from sampling.
if x["acks_after_fin"] == 0:
    print(f"acks_after_fin actual 0, expected > 0")
    sys.exit(1)
print("PASS stats record: schema, xdp counters")
PY
	fail=1
fi
[ $fail -eq 0 ] && echo "all $n captures equal through the XDP program"
exit $fail
