#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Prometheus scrapes `replay --metrics` while it processes a capture fed
# through a pipe in two halves: a real Prometheus server (its own scrape
# config on loopback, its own storage directory, free loopback ports) is
# queried through its HTTP API. Checks that the scrape target is up, that
# the capture, flow, detector, alert, sink and process series arrived, and
# that the packet counter increased between the halves. A bad --metrics
# address is refused with exit 2. Only polling with generous timeouts.
# Skips (77) without prometheus or curl.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
SW=$PWD/build/scrapewatch
PCAP=$PWD/tests/fixtures/corpus/a/corpus.pcap
tmp=$(mktemp -d)
sw_pid= prom_pid= feed_pid=

cleanup() {
	touch "$tmp/go1" "$tmp/go2"
	[ -n "$prom_pid" ] && kill -TERM "$prom_pid" 2>/dev/null
	[ -n "$sw_pid" ] && kill -TERM "$sw_pid" 2>/dev/null
	[ -n "$feed_pid" ] && kill -TERM "$feed_pid" 2>/dev/null
	[ -n "$prom_pid" ] && wait "$prom_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

command -v prometheus >/dev/null || skip "prometheus not installed"
command -v curl >/dev/null || skip "curl not installed"
[ -x $PY ] || skip "no $PY"

# Bad addresses are refused before any input is read.
"$SW" replay --metrics nonsense -q "$PCAP" >/dev/null 2>"$tmp/err"
check "bad --metrics exit" "$?" 2
check "bad --metrics message" \
	"$(grep -c "metrics listen address 'nonsense'" "$tmp/err")" 1

SW_PORT=$(free_port)
PROM_PORT=$(free_port)

# The capture in two halves, each released by a file the test creates.
cat >"$tmp/feed.py" <<'PYEOF'
import os, sys, time
data = open(sys.argv[1], "rb").read()
half = len(data) // 2
out = sys.stdout.buffer
for part, gate in ((data[:half], sys.argv[2]), (data[half:], sys.argv[3])):
    out.write(part)
    out.flush()
    while not os.path.exists(gate):
        time.sleep(0.1)
PYEOF
$PY "$tmp/feed.py" "$PCAP" "$tmp/go1" "$tmp/go2" |
	"$SW" replay --metrics 127.0.0.1:$SW_PORT -q -o "file://$tmp/alerts.json" - \
		2>"$tmp/sw.err" &
sw_pid=$!
feed_pid=$(pgrep -P $$ -f "$tmp/feed.py" | head -1)

cat >"$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: scrapewatch
    static_configs:
      - targets: ["127.0.0.1:$SW_PORT"]
YML
prometheus --config.file="$tmp/prometheus.yml" \
	--storage.tsdb.path="$tmp/data" \
	--web.listen-address=127.0.0.1:$PROM_PORT >"$tmp/prom.log" 2>&1 &
prom_pid=$!

# query EXPR: the first result's value, or "" (no series).
query() {
	curl -s --max-time 5 "http://127.0.0.1:$PROM_PORT/api/v1/query" \
		--data-urlencode "query=$1" |
		$PY -c 'import json,sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "")
except Exception:
    print("")'
}
# wait_for EXPR: poll (up to 60 s) until EXPR has a result; print it.
wait_for() {
	local i v
	for i in $(seq 1 300); do
		v=$(query "$1")
		if [ -n "$v" ]; then
			echo "$v"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

up=$(wait_for 'up{job="scrapewatch"} == 1')
check "target up" "$up" 1
p1=$(wait_for 'scrapewatch_packets_total{interface="all"} > 0')
[ -n "$p1" ] && echo "PASS first half scraped: $p1 packets" ||
	{ echo "FAIL no packet count scraped"; fails=$((fails + 1)); }

# Every family the issue asks for is there.
for series in \
	'scrapewatch_bytes_total' \
	'scrapewatch_decode_errors_total{reason="trunc_tcp"}' \
	'scrapewatch_flows_active' \
	'scrapewatch_flows_evicted_total' \
	'scrapewatch_clients_tracked' \
	'scrapewatch_sketch_events_total' \
	'scrapewatch_sink_queue_depth{type="file"}' \
	'scrapewatch_sink_spool_bytes{type="file"}' \
	'scrapewatch_sink_errors_total{type="file"}' \
	'scrapewatch_sink_delivered_total{type="file"}' \
	'process_cpu_seconds_total' \
	'process_resident_memory_bytes > 1000000'; do
	v=$(wait_for "$series")
	[ -n "$v" ] && echo "PASS series $series = $v" ||
		{ echo "FAIL series $series missing"; fails=$((fails + 1)); }
done

# The second half: the counters go on from where they were.
touch "$tmp/go1"
p2=$(wait_for "scrapewatch_packets_total{interface=\"all\"} > ${p1:-0}")
[ -n "$p2" ] && echo "PASS packets increased: $p1 -> $p2" ||
	{ echo "FAIL packets did not increase past $p1"; fails=$((fails + 1)); }
a=$(wait_for 'sum(scrapewatch_alerts_total{action="start"}) > 0')
[ -n "$a" ] && echo "PASS alerts by rule: $a started" ||
	{ echo "FAIL no alert starts scraped"; fails=$((fails + 1)); }
d=$(wait_for 'sum(scrapewatch_sink_delivered_total) > 0')
[ -n "$d" ] && echo "PASS sink delivered: $d" ||
	{ echo "FAIL no sink deliveries scraped"; fails=$((fails + 1)); }
pr=$(wait_for "sum(scrapewatch_packets_total{interface=\"all\"})")
check "monotonic counter (no resets)" \
	"$(query 'resets(scrapewatch_packets_total[5m])')" 0

touch "$tmp/go2"
wait "$sw_pid"
rc=$?
sw_pid=
check "replay exit" "$rc" 0
total=$(grep '"scrapewatch.stats"' "$tmp/alerts.json" |
	$PY -c 'import json,sys; print(json.loads(sys.stdin.readline())["scrapewatch"]["stats"]["packets"])')
[ -n "$total" ] && [ "${pr%.*}" -le "$total" ] &&
	echo "PASS scraped $pr <= final $total packets" ||
	{ echo "FAIL scraped [$pr] vs final stats [$total]"; fails=$((fails + 1)); }
if [ $fails -ne 0 ]; then
	echo "--- scrapewatch stderr"; cat "$tmp/sw.err"
	echo "--- prometheus log (tail)"; tail -5 "$tmp/prom.log"
fi
finish
