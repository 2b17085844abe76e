#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The kill test: 100k alerts stream to rsyslog over syslog+tcp; rsyslog is
# killed with SIGKILL in the middle and restarted a second later on the
# same port. Every alert must arrive (duplicates are allowed and counted),
# and the sink's counters must say what happened: errors, a reconnect,
# records spooled and resent. Speed is for `make bench`, not here.
set -u
cd "$(dirname "$0")/../.."
NAME=syslog-kill
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
trap sink_cleanup EXIT
command -v rsyslogd >/dev/null || { echo "rsyslogd not installed (scripts/install-deps.sh)"; exit 77; }
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }
N=${KILL_TEST_ALERTS:-100000}
HOST=sw-test-host
d=$tmp/rs
mkdir -p "$d"
tcp=$(free_port)
rsyslog_conf "$d" 0 "$tcp" 0
start_rsyslog "$d" "$tcp" || exit 1

# 25k alerts/s: the stream lasts about 4 s; the kill lands in the middle.
$FEED --count "$N" --rate 25000 --clients 5000 --flush-timeout 30 \
	-o "syslog+tcp://127.0.0.1:$tcp?hostname=$HOST&backoff_min_ms=50&backoff_max_ms=400" \
	-o "file://$d/ref.ndjson" >"$d/feed.json" 2>"$d/feed.err" &
feed=$!
pids+=("$feed")
sleep 1.5
kill -9 "$RSYSLOG_PID"
wait "$RSYSLOG_PID" 2>/dev/null
echo "killed rsyslogd at $(wc -l <"$d/out.log") lines"
sleep 1
start_rsyslog "$d" "$tcp" || exit 1
wait "$feed"
check "feed exit" $? 0
sleep 1
stop_rsyslog
cat "$d/feed.err"

check "sink saw the peer go (errors > 0)" "$(sink_stat "$d/feed.json" "s['errors'] > 0")" True
check "sink reconnected" "$(sink_stat "$d/feed.json" "s['reconnects'] >= 1")" True
check "records spooled while down" "$(sink_stat "$d/feed.json" "s['spooled'] > 0")" True
check "delivered counter" "$(sink_stat "$d/feed.json" "s['delivered']")" "$N"
check "nothing dropped" "$(sink_stat "$d/feed.json" "sum(s['dropped'].values())")" 0
echo "counters: $(sink_stat "$d/feed.json" "{k: s[k] for k in ('delivered', 'resent', 'spooled', 'errors', 'reconnects', 'queue_depth_max', 'spool_bytes_max')}")"
$PY tests/sinks/check_syslog.py "$d/out.log" "$d/ref.ndjson" "$HOST" --at-least-once >"$d/check.txt"
res=$(tail -n 1 "$d/check.txt")
echo "$res"
grep FAIL "$d/check.txt" | head -5
check "every alert arrived at rsyslog" "$(echo "$res" | cut -d' ' -f1-4)" "records $N delivered $N"
[ $fails -eq 0 ]
