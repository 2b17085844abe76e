#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Kafka sink against librdkafka's mock cluster (3 brokers on loopback,
# tests/sinks/sw_kafka_mock.c): 30k alerts from 5000 clients, one broker
# taken down mid-stream and brought back. A consumer reads everything back:
# every alert is there, each key (client prefix) on one partition, and in
# order within its key.
set -u
cd "$(dirname "$0")/../.."
NAME=kafka
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
trap 'exec 7>&- 2>/dev/null; sink_cleanup' EXIT
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }
[ -x build/sw_kafka_mock ] || { echo "Kafka sink not in this build (librdkafka-dev)"; exit 77; }
N=30000

mkfifo "$tmp/cmd"
build/sw_kafka_mock alerts 4 3 <"$tmp/cmd" >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock=$!
pids+=("$mock")
exec 7>"$tmp/cmd"
for _ in $(seq 50); do [ -s "$tmp/mock.out" ] && break; sleep 0.1; done
bs=$(head -n 1 "$tmp/mock.out")
echo "mock cluster: $bs"

$FEED --count $N --rate 10000 --clients 5000 --flush-timeout 30 \
	-o "kafka://$bs/alerts" -o "file://$tmp/ref.ndjson" >"$tmp/feed.json" 2>"$tmp/feed.err" &
feed=$!
pids+=("$feed")
sleep 1
echo "down 2" >&7
sleep 1.5
echo "up 2" >&7
wait "$feed"
check "feed exit" $? 0
cat "$tmp/feed.err"
echo "consume $N 60" >&7
for _ in $(seq 700); do grep -q '^END' "$tmp/mock.out" && break; sleep 0.1; done
grep -c "^OK" "$tmp/mock.out" | sed 's/^/broker commands done: /'
check "delivered counter (delivery reports)" "$(sink_stat "$tmp/feed.json" "s['delivered']")" $N
check "nothing dropped" "$(sink_stat "$tmp/feed.json" "sum(s['dropped'].values())")" 0

$PY - "$tmp/mock.out" "$tmp/ref.ndjson" <<'PY' >"$tmp/check.txt"
import json, sys
ref = {json.loads(l)["scrapewatch"]["seq"] for l in open(sys.argv[2])}
msgs = []
for l in open(sys.argv[1]):
    f = l.rstrip("\n").split("\t", 3)
    if len(f) == 4:
        msgs.append((int(f[0]), int(f[1]), f[2], json.loads(f[3])))
seqs = [m[3]["scrapewatch"]["seq"] for m in msgs]
print("all", len(ref - set(seqs)) == 0 and len(ref) > 0)
print("dups", len(seqs) - len(set(seqs)))
parts = {}
order_ok = True
last = {}
for p, off, key, rec in sorted(msgs, key=lambda m: (m[0], m[1])):
    parts.setdefault(key, set()).add(p)
    ip = rec["source"]["ip"].rsplit(".", 1)[0] + ".0/24"
    if key != ip:
        print("bad key", key, ip)
    s = rec["scrapewatch"]["seq"]
    if key in last and s < last[key]:
        order_ok = False
    last[key] = max(s, last.get(key, -1))
print("one partition per key", all(len(v) == 1 for v in parts.values()), "keys", len(parts))
print("in order per key", order_ok)
PY
cat "$tmp/check.txt"
check "every alert read back" "$(grep '^all' "$tmp/check.txt")" "all True"
check "no duplicates (idempotent producer)" "$(grep '^dups' "$tmp/check.txt")" "dups 0"
check "each key on one partition" "$(grep '^one partition' "$tmp/check.txt" | cut -d' ' -f1-5)" "one partition per key True"
check "in order within each key" "$(grep '^in order' "$tmp/check.txt")" "in order per key True"
check "keys are client prefixes" "$(grep -c '^bad key' "$tmp/check.txt")" 0
echo quit >&7
[ $fails -eq 0 ]
