#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The daemon live on a veth pair in network namespaces (nginx in one,
# a curl scraper loop in the other), config from a file, run twice: with
# --capture pcap (every check) and --capture xdp (the reload checks and
# the attachment; alert checks once the XDP detector feed lands, see
# XDP_DETECT at the end):
#  - with alert_score 100 and only SW-R007 on (30 points) there is no
#    alert, while the metrics endpoint shows the client tracked;
#  - SIGHUP with alert_score 25 and SW-R007 at 40 points: the next alert
#    has score 40, and its counters include the requests made before the
#    reload (state kept, no reset); the XDP program stays attached;
#  - SIGHUP with a broken file: rejected with FILE:LINE: KEY on stderr,
#    the daemon keeps running on the old config;
#  - SIGTERM: exit 0, the sink gets the final stats record, no program
#    left attached.
# Skips (77) without root, netns, nginx or curl.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
SW=$PWD/build/scrapewatch
T=swdm # netns/veth tag
NS_S=$T-srv NS_C=$T-cli
SRV=198.18.56.1 CLI=198.18.56.2
N1=15
tmp=$(mktemp -d)
sw_pid=

cleanup() {
	[ -n "$sw_pid" ] && kill -KILL "$sw_pid" 2>/dev/null
	netns_del $NS_S $NS_C
	rm -rf "$tmp"
}
trap cleanup EXIT

need_root "network namespaces and XDP"
need nginx curl

veth_pair $NS_S $T-s $SRV $NS_C $T-c $CLI

mkdir -p "$tmp/www"
for i in $(seq 1 40); do
	head -c $((3000 + i * 50)) /dev/zero | tr '\0' 'x' >"$tmp/www/p$i.html"
done
nginx_conf "$tmp"
ip netns exec $NS_S nginx -c "$tmp/nginx.conf" -p "$tmp" &

# Every rule off but SW-R007 (script User-Agent, curl): at most POINTS.
write_config() { r007_config "$tmp/sw.yaml" "file://$tmp/alerts.ndjson" "$1" "$2"; } # alert_score points
attached() { ip -n $NS_S -d link show dev $T-s | grep -c "prog/xdp"; }
expect_xdp() { [ $CAP = xdp ] && echo 1 || echo 0; }
metric() { # NAME: its value from the daemon's endpoint (in its netns)
	ip netns exec $NS_S curl -s --max-time 5 http://127.0.0.1:$MPORT/metrics |
		awk -v n="$1" '$1 == n { print $2 }'
}
wait_metric_ge() { # NAME MIN: poll up to 60 s
	local v
	for _ in $(seq 1 300); do
		v=$(metric "$1")
		[ -n "$v" ] && [ "${v%.*}" -ge "$2" ] && { echo "$v"; return 0; }
		sleep 0.2
	done
	echo "${v:-none}"
	return 1
}
alerts() { grep -c '"dataset":"scrapewatch.alert"' "$tmp/alerts.ndjson" 2>/dev/null || true; }
scrape() { # COUNT requests, a new connection each
	local i
	for i in $(seq 1 "$1"); do
		ip netns exec $NS_C curl -s -o /dev/null http://$SRV/p$(( (i % 40) + 1 )).html
	done
}

scenario() { # CAP DETECT
local CAP=$1 DETECT=$2 v before rc
write_config 100 30

MPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -f "$tmp/alerts.ndjson"
ip netns exec $NS_S "$SW" live --interface $T-s --capture $CAP \
	--config "$tmp/sw.yaml" --metrics 127.0.0.1:$MPORT 2>"$tmp/sw.err" &
sw_pid=$!
for _ in $(seq 1 100); do
	grep -q "attached\|capturing" "$tmp/sw.err" && break
	kill -0 $sw_pid 2>/dev/null || break
	sleep 0.1
done
grep -q "attached\|capturing" "$tmp/sw.err" || { cat "$tmp/sw.err"; echo "FAIL $CAP: not started"; return 1; }

for _ in $(seq 1 50); do
	ip netns exec $NS_C curl -s -o /dev/null http://$SRV/p1.html && break
	sleep 0.1
done
scrape $((N1 - 1))
if [ $DETECT = 1 ]; then
v=$(wait_metric_ge scrapewatch_detector_flows_tracked_total $N1)
check "$CAP: before reload: detector saw $N1 flows (metrics)" "$?" 0
check "$CAP: before reload: client tracked" "$(metric scrapewatch_clients_tracked)" 1
check "$CAP: before reload: capture is $CAP" \
	"$(ip netns exec $NS_S curl -s http://127.0.0.1:$MPORT/metrics | grep -c "scrapewatch_info{capture=\"$CAP\"}")" 1
fi
check "$CAP: before reload: no alert at alert_score 100" "$(alerts)" 0

write_config 25 40
kill -HUP $sw_pid
for _ in $(seq 1 100); do
	grep -q "reloaded" "$tmp/sw.err" && break
	sleep 0.1
done
check "$CAP: reload logged" "$(grep -c "reloaded $tmp/sw.yaml (alert score 25" "$tmp/sw.err")" 1
check "$CAP: XDP attachment unchanged after reload" "$(attached)" "$(expect_xdp)"

if [ $DETECT = 1 ]; then
# More requests until an alert arrives (scored at most once a second).
for _ in $(seq 1 60); do
	[ "$(alerts)" -gt 0 ] && break
	scrape 2
	sleep 0.5
done
$PY - "$tmp/alerts.ndjson" "$CLI" "$N1" <<'PY' || fails=$((fails + 1))
import json, sys
path, cli, n1 = sys.argv[1], sys.argv[2], int(sys.argv[3])
recs = [json.loads(l) for l in open(path)]
al = [r for r in recs if r["event"]["dataset"] == "scrapewatch.alert"]
bad = 0
def check(name, actual, expected):
    global bad
    ok = actual == expected if not callable(expected) else expected(actual)
    print(("PASS " if ok else "FAIL ") + name +
          ("" if ok else f": actual {actual!r} expected {getattr(expected, '__doc__', expected)!r}"))
    bad |= not ok
check("after reload: an alert", len(al) > 0, True)
if al:
    a = al[0]
    check("alert for the scraper", a["source"]["ip"], cli)
    check("alert score reflects the new points (40)", a["event"]["risk_score"], 40)
    turns = a["scrapewatch"]["client"]["turns"]
    def more(t):
        "at least the requests made before the reload"
        return t >= n1
    check(f"client counters continued across the reload (turns {turns} >= {n1} before it)",
          turns, more)
sys.exit(bad)
PY

fi

# A broken file: rejected, the daemon runs on.
printf 'detect:\n  alert_score: 25\n  alert_scor: 3\n' >"$tmp/sw.yaml"
kill -HUP $sw_pid
for _ in $(seq 1 100); do
	grep -q "reload rejected" "$tmp/sw.err" && break
	sleep 0.1
done
check "$CAP: bad config rejected with file:line: key" \
	"$(grep -c "reload rejected: $tmp/sw.yaml:3: detect.alert_scor" "$tmp/sw.err")" 1
check "$CAP: old config stays in force (said)" "$(grep -c "stays in force" "$tmp/sw.err")" 1
check "$CAP: daemon still running" "$(kill -0 $sw_pid 2>/dev/null && echo yes)" yes
check "$CAP: XDP attachment unchanged after rejected reload" "$(attached)" "$(expect_xdp)"
if [ $DETECT = 1 ]; then
before=$(metric scrapewatch_detector_flows_tracked_total)
scrape 3
v=$(wait_metric_ge scrapewatch_detector_flows_tracked_total $(( ${before%.*} + 3 )))
check "$CAP: still counting after rejected reload" "$?" 0

fi
kill -TERM $sw_pid
wait $sw_pid
rc=$?
sw_pid=
check "$CAP: SIGTERM: exit 0" "$rc" 0
for _ in $(seq 1 50); do [ "$(attached)" = 0 ] && break; sleep 0.1; done
check "$CAP: SIGTERM: no program attached" "$(attached)" 0
check "$CAP: SIGTERM: sinks flushed the stats record" \
	"$(grep -c '"dataset":"scrapewatch.stats"' "$tmp/alerts.ndjson")" 1
[ $fails -ne 0 ] && { echo "--- stderr ($CAP)"; cat "$tmp/sw.err"; }
return 0
}

# libpcap live feeds the detector: every check. XDP: the reload, the
# rejected reload and the attachment; its detector feed is not in this
# build yet (set XDP_DETECT=1 when it lands).
XDP_DETECT=1
scenario pcap 1
scenario xdp $XDP_DETECT
finish
