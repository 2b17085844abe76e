#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Sink figures for `make bench` (called by scripts/bench.sh; runs alone
# too): alerts per second through each sink (build/sw_sinkfeed, from the
# first enqueue to the last delivery, rsyslog as the syslog peer), and
# `scrapewatch flows` on the bench capture with no network sink against
# the same run with a syslog+tcp sink whose peer accepts and never reads,
# once with the default queue and once with queue=1000, so that the
# queue fills and is handed off to the spool during the replay. Runs are
# interleaved. Medians; figures only, nothing here passes or fails.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/sinks/sink_common.sh 2>/dev/null || true
RUNS=${BENCH_RUNS:-5}
ALERTS=${BENCH_ALERTS:-200000}
PACKETS=${BENCH_PACKETS:-5000000}
cap=build/bench/bench-$PACKETS.pcap
tmp=$(mktemp -d)
pids=()
trap sink_cleanup EXIT
NAME=bench

rate() { # label uri...: median alerts/s over RUNS
	local label=$1 i t
	shift
	: >"$tmp/rates"
	for i in $(seq "$RUNS"); do
		rm -f "$tmp/out.ndjson"
		t=$($FEED --count "$ALERTS" "$@" | $PY -c 'import json,sys; d=json.load(sys.stdin); s=d["sinks"][0]; print(s["delivered"] / d["total_seconds"] if s["delivered"] else 0)')
		echo "$t" >>"$tmp/rates"
	done
	$PY -c "import statistics; v=[float(l) for l in open('$tmp/rates')]; m=statistics.median(v); print(f'  {\"$label\":<34} {m/1e3:8.1f} k alerts/s (target >= 100k: {\"met\" if m >= 1e5 else \"NOT met\"})')"
}

echo "bench: sinks, $ALERTS alerts per run, medians of $RUNS runs"
rate "file" -o "file://$tmp/out.ndjson"
if command -v rsyslogd >/dev/null; then
	mkdir -p "$tmp/rs"
	tcp=$(free_port)
	rsyslog_conf "$tmp/rs" 0 "$tcp" 0
	# the peer's own output is not what is measured
	sed -i "s|file=\"$tmp/rs/out.log\"|file=\"/dev/null\"|" "$tmp/rs/rs.conf"
	start_rsyslog "$tmp/rs" "$tcp" &&
		rate "syslog+tcp (rsyslog, hold_ms=100)" -o "syslog+tcp://127.0.0.1:$tcp?hold_ms=100"
	stop_rsyslog
fi

if [ -s "$cap" ]; then
	port=$(free_port)
	# accepts, never reads: the sink's sends stall once buffers fill
	$PY -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(16)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
" &
	pids+=($!)
	wait_port "$port"
	: >"$tmp/none"
	: >"$tmp/blocked"
	: >"$tmp/spooling"
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S" -a -o "$tmp/none" $SW flows -q --flush-timeout 0 "$cap" -o "file://$tmp/f.ndjson" >/dev/null 2>&1
		rm -f "$tmp/f.ndjson"
		/usr/bin/time -f "%e %U %S" -a -o "$tmp/blocked" $SW flows -q --flush-timeout 0 "$cap" -o "file://$tmp/f.ndjson" \
			-o "syslog+tcp://127.0.0.1:$port?timeout_ms=1000" >/dev/null 2>"$tmp/blocked.err"
		rm -f "$tmp/f.ndjson"
		/usr/bin/time -f "%e %U %S" -a -o "$tmp/spooling" $SW flows -q --flush-timeout 0 "$cap" -o "file://$tmp/f.ndjson" \
			-o "syslog+tcp://127.0.0.1:$port?timeout_ms=1000&queue=1000&spool=$tmp" >/dev/null 2>"$tmp/spooling.err"
		rm -f "$tmp/f.ndjson"
	done
	$PY - "$tmp/none" "$tmp/blocked" "$tmp/spooling" <<'PY'
import statistics, sys
# wall clock (the target), and CPU time (user + sys, all threads), which
# other load on a shared machine disturbs less
def med(f):
    rows = [l.split() for l in open(f) if l.strip()[:1].isdigit()]
    return (statistics.median(float(r[0]) for r in rows),
            statistics.median(float(r[1]) + float(r[2]) for r in rows))
a, ac = med(sys.argv[1])
print(f"  flows, file sink only:                {a:7.3f} s wall, {ac:6.3f} s CPU")
for f, what in ((sys.argv[2], "blocked syslog+tcp"), (sys.argv[3], "blocked, queue=1000 (spools)")):
    b, bc = med(f)
    cost = b / a - 1
    print(f"  flows, plus a {what + ':':<24}{b:7.3f} s wall, {bc:6.3f} s CPU; cost {cost*100:+.1f}% wall, {(bc/ac-1)*100:+.1f}% CPU (target <= +5%: {'met' if cost <= 0.05 else 'NOT met'})")
PY
else
	echo "  (no $cap: run make bench once to generate it)"
fi
