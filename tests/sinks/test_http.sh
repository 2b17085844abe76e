#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# HTTP sinks (libcurl) against a receiver started here on loopback
# (tests/sinks/http_peer.py): Splunk HEC and Elasticsearch _bulk bodies,
# gzip and the token checked by the peer; answers 503, then 429 (with
# Retry-After), then 200, and nothing is lost or doubled; the receiver is
# killed with SIGKILL mid-stream and restarted, and every record still
# arrives (duplicates allowed, counted).
set -u
cd "$(dirname "$0")/../.."
NAME=http
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
trap sink_cleanup EXIT
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }
if $FEED --count 0 -o "http://127.0.0.1:1/x?format=hec" 2>&1 | grep -q "not in this build"; then
	echo "HTTP sink not in this build (libcurl4-openssl-dev)"
	exit 77
fi

start_peer() { # port out [args]: sets PEER_PID
	local port=$1 out=$2
	shift 2
	$PY tests/sinks/http_peer.py "$port" "$out" "$@" 2>>"$tmp/peer.err" &
	PEER_PID=$!
	pids+=("$PEER_PID")
	wait_port "$port" || { echo "http_peer did not listen"; cat "$tmp/peer.err"; exit 1; }
}
stop_peer() {
	kill -9 "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
}
errors_of() { cat "$1.errors" 2>/dev/null | head -3; }

# --- HEC: 503, 429, then 200; token, gzip, hostile strings ---
d=$tmp/hec
mkdir -p "$d"
port=$(free_port)
start_peer "$port" "$d/got.ndjson" --script 503,429 --token s3cret
$FEED --count 5000 --hostile -o "http://127.0.0.1:$port/services/collector/event?format=hec&token=s3cret&backoff_min_ms=50" \
	-o "file://$d/ref.ndjson" >"$d/feed.json" 2>"$d/feed.err"
check "hec: body checks at the peer" "$(errors_of "$d/got.ndjson")" ""
check "hec: every record once" "$($PY tests/sinks/check_records.py "$d/got.ndjson" "$d/ref.ndjson")" "records 5000 delivered 5000 duplicates 0"
check "hec: 503 and 429 counted as errors" "$(sink_stat "$d/feed.json" "s['errors']")" 2
check "hec: delivered counter" "$(sink_stat "$d/feed.json" "s['delivered']")" 5000
check "hec: token masked in the stats" "$(sink_stat "$d/feed.json" "'s3cret' in s['uri']")" False
check "hec: the 503 named on stderr" "$(grep -c 'HTTP 503' "$d/feed.err")" 1
stop_peer

# --- _bulk: action lines, index, gzip off ---
d=$tmp/bulk
mkdir -p "$d"
port=$(free_port)
start_peer "$port" "$d/got.ndjson" --script 429 --token k3y
$FEED --count 5000 --hostile -o "http://127.0.0.1:$port/_bulk?format=bulk&index=sw-alerts&gzip=off&token=k3y" \
	-o "file://$d/ref.ndjson" >"$d/feed.json" 2>"$d/feed.err"
check "bulk: body checks at the peer" "$(errors_of "$d/got.ndjson")" ""
check "bulk: every record once" "$($PY tests/sinks/check_records.py "$d/got.ndjson" "$d/ref.ndjson")" "records 5000 delivered 5000 duplicates 0"
check "bulk: 429 counted" "$(sink_stat "$d/feed.json" "s['errors']")" 1
stop_peer

# --- 400: rejected for good, counted, not retried ---
d=$tmp/reject
mkdir -p "$d"
port=$(free_port)
start_peer "$port" "$d/got.ndjson" --script 400
$FEED --count 10 -o "http://127.0.0.1:$port/services/collector/event?format=hec" >"$d/feed.json" 2>"$d/feed.err"
check "400: the first batch is counted as rejected, the rest delivered" \
	"$(sink_stat "$d/feed.json" "s['dropped']['rejected'] >= 1 and s['dropped']['rejected'] + s['delivered'] == 10")" True
check "400: said on stderr" "$(grep -c 'HTTP 400.*rejected' "$d/feed.err")" 1
stop_peer

# --- receiver killed mid-stream and restarted ---
d=$tmp/kill
mkdir -p "$d"
port=$(free_port)
start_peer "$port" "$d/got.ndjson"
$FEED --count 50000 --rate 12500 --flush-timeout 30 \
	-o "http://127.0.0.1:$port/services/collector/event?format=hec&backoff_min_ms=50&backoff_max_ms=400&batch=200" \
	-o "file://$d/ref.ndjson" >"$d/feed.json" 2>"$d/feed.err" &
feed=$!
pids+=("$feed")
sleep 1.5
stop_peer
echo "killed the receiver at $(wc -l <"$d/got.ndjson") records"
sleep 1
start_peer "$port" "$d/got.ndjson"
wait "$feed"
check "kill: feed exit" $? 0
cat "$d/feed.err"
res=$($PY tests/sinks/check_records.py "$d/got.ndjson" "$d/ref.ndjson" --at-least-once)
echo "$res"
check "kill: every record arrived" "$(echo "$res" | cut -d' ' -f1-4)" "records 50000 delivered 50000"
check "kill: spooled while down" "$(sink_stat "$d/feed.json" "s['spooled'] > 0")" True
check "kill: errors counted" "$(sink_stat "$d/feed.json" "s['errors'] > 0")" True
check "kill: nothing dropped" "$(sink_stat "$d/feed.json" "sum(s['dropped'].values())")" 0
echo "counters: $(sink_stat "$d/feed.json" "{k: s[k] for k in ('delivered', 'resent', 'spooled', 'errors', 'reconnects', 'spool_bytes_max')}")"
[ $fails -eq 0 ]
