#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Operations of `live --capture dpdk` (net_af_packet on the mirror port of
# tests/live/mirror_lib.sh), with one worker (its pipeline owns the
# detector) and with two (one detector behind the merge thread), and of
# `live --capture afxdp` (one worker) on the same port:
#  - the metrics endpoint serves scrapewatch_info{capture="CAP"} and
#    packet counters summed over the workers while traffic flows;
#  - with alert_score 100 and only SW-R007 on (30 points): no alert;
#  - SIGHUP with a file that does not parse: rejected with FILE:LINE, the
#    process runs on; SIGHUP with alert_score 25 and SW-R007 at 40:
#    "reloaded", and the next alert has score 40 (the detector took it);
#  - sd_notify (with libsystemd): READY=1, WATCHDOG=1 pings, RELOADING=1
#    and READY=1 again on each SIGHUP, STOPPING=1 on SIGTERM;
#  - SIGTERM: exit 0.
# Skips (77) without root, netns, nginx or curl; the DPDK runs are left
# out of a build without DPDK.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=bypass-ops
MIRROR_TAG=swbo
MIRROR_NET=198.18.64
. tests/live/mirror_lib.sh
SW=$PWD/build/scrapewatch
tmp=$(mktemp -d)
sw_pid=
lis_pid=
cleanup() {
	[ -n "$sw_pid" ] && kill -TERM "$sw_pid" 2>/dev/null && wait "$sw_pid"
	[ -n "$lis_pid" ] && kill "$lis_pid" 2>/dev/null && wait "$lis_pid" 2>/dev/null
	mirror_teardown
	rm -rf "$tmp"
}
trap cleanup EXIT
have_dpdk=1
$SW flows --capture dpdk --dpdk-args "--no-huge" 2>&1 >/dev/null |
	grep -q "not compiled in" && have_dpdk=0
# sd_notify: a datagram listener appends every message, one a line.
notify=0
if ldd "$SW" | grep -q libsystemd; then
	notify=1
	notify_listen "$tmp/notify.sock" "$tmp/msgs"
fi
msgs() { grep -c -- "$1" "$tmp/msgs" 2>/dev/null || true; }
wait_msgs() { # PATTERN COUNT: up to 10 s
	for _ in $(seq 1 100); do
		[ "$(msgs "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
EAL="--no-huge --no-pci --file-prefix swbo --vdev net_af_packet0,iface=$MIRROR_IF"

# Every rule off but SW-R007 (script User-Agent, curl): at most POINTS.
write_config() { r007_config "$tmp/sw.yaml" "file://$tmp/out.ndjson" "$1" "$2"; } # alert_score points
metrics() { ip netns exec $NS_CAP curl -s --max-time 5 "http://127.0.0.1:$MPORT/metrics"; }
metric() { metrics | awk -v n="$1" '$1 == n { print $2 }'; }
alerts() { grep -c '"dataset":"scrapewatch.alert"' "$tmp/out.ndjson" 2>/dev/null || true; }
scrape() { # COUNT requests, a new connection each
	local i
	for i in $(seq 1 "$1"); do
		ip netns exec $NS_CLI curl -s --interface $SCRAPER4 -o /dev/null \
			"http://$SRV4/p$(((i % 40) + 1)).html"
	done
}
wait_log() { # PATTERN: up to 10 s
	for _ in $(seq 1 100); do
		grep -q "$1" "$tmp/sw.err" && return 0
		sleep 0.1
	done
	return 1
}

scenario() { # CAPTURE WORKERS
	local cap=$1 n=$2 w="$1 $2" v rc args
	write_config 100 30
	rm -f "$tmp/out.ndjson"
	MPORT=$(free_port)
	: >"$tmp/msgs"
	if [ "$cap" = dpdk ]; then
		args=(--dpdk-args "$EAL")
	else
		args=(--interface "$MIRROR_IF")
	fi
	NOTIFY_SOCKET=$tmp/notify.sock WATCHDOG_USEC=400000 \
		ip netns exec $NS_CAP $SW live --capture "$cap" --workers "$n" \
		"${args[@]}" --config "$tmp/sw.yaml" \
		--metrics 127.0.0.1:$MPORT 2>"$tmp/sw.err" &
	sw_pid=$!
	for _ in $(seq 200); do
		grep -q "capturing from" "$tmp/sw.err" && break
		kill -0 $sw_pid 2>/dev/null || break
		sleep 0.1
	done
	grep -q "capturing from" "$tmp/sw.err" || {
		echo "FAIL $LABEL: capture did not start: $(cat "$tmp/sw.err")"
		exit 1
	}
	scrape 15
	# Published about once a second: wait for the packets to show.
	for _ in $(seq 1 100); do
		v=$(metric 'scrapewatch_packets_total{interface="all"}')
		[ -n "$v" ] && [ "${v%.*}" -gt 0 ] && break
		sleep 0.2
	done
	check "$w worker(s): metrics: packets counted" "$([ -n "$v" ] && [ "${v%.*}" -gt 0 ] && echo yes || echo "no (${v:-none})")" yes
	check "$w worker(s): metrics: capture label" \
		"$(metrics | grep -c "^scrapewatch_info{capture=\"$cap\"} 1\$")" 1
	for _ in $(seq 1 50); do
		v=$(metric scrapewatch_detector_flows_tracked_total)
		[ -n "$v" ] && [ "${v%.*}" -ge 15 ] && break
		sleep 0.2
	done
	check "$w worker(s): metrics: the detector's flows (>= 15)" \
		"$([ -n "$v" ] && [ "${v%.*}" -ge 15 ] && echo yes || echo "no (${v:-none})")" yes
	check "$w worker(s): no alert at alert_score 100" "$(alerts)" 0

	# A file that does not parse: refused with its line, runs on.
	printf 'detect:\n  alert_score: 25\n  alert_scor: 3\n' >"$tmp/sw.yaml"
	kill -HUP $sw_pid
	wait_log "reload rejected"
	check "$w worker(s): bad config rejected with file:line: key" \
		"$(grep -c "reload rejected: $tmp/sw.yaml:3: detect.alert_scor" "$tmp/sw.err")" 1
	check "$w worker(s): old config stays in force (said)" \
		"$(grep -c "stays in force" "$tmp/sw.err")" 1
	check "$w worker(s): still running" "$(kill -0 $sw_pid 2>/dev/null && echo yes)" yes

	write_config 25 40
	kill -HUP $sw_pid
	wait_log "reloaded"
	check "$w worker(s): reload logged" \
		"$(grep -c "reloaded $tmp/sw.yaml (alert score 25" "$tmp/sw.err")" 1
	# More requests until an alert arrives (scored at most once a second).
	for _ in $(seq 1 60); do
		[ "$(alerts)" -gt 0 ] && break
		scrape 2
		sleep 0.5
	done
	check "$w worker(s): after reload: the alert's score is the new points" \
		"$($PY -c '
import json, sys
al = [json.loads(l) for l in open(sys.argv[1]) if "\"scrapewatch.alert\"" in l]
print([(a["source"]["ip"], a["event"]["risk_score"]) for a in al[:1]])
' "$tmp/out.ndjson" 2>&1)" "[('$SCRAPER4', 40)]"

	kill -TERM $sw_pid
	wait $sw_pid
	rc=$?
	sw_pid=
	check "$w worker(s): SIGTERM: exit 0" "$rc" 0
	if [ $notify = 1 ]; then
		wait_msgs "READY=1" 3
		check "$w worker(s): sd_notify: READY=1 at start and after each reload" "$(msgs READY=1)" 3
		check "$w worker(s): sd_notify: RELOADING=1 on each SIGHUP" "$(msgs RELOADING=1)" 2
		check "$w worker(s): sd_notify: WATCHDOG=1 pings" "$([ "$(msgs WATCHDOG=1)" -gt 0 ] && echo yes)" yes
		check "$w worker(s): sd_notify: STOPPING=1 on SIGTERM" "$(msgs STOPPING=1)" 1
	fi
	[ $fails -ne 0 ] && { echo "--- stderr ($w)"; cat "$tmp/sw.err"; }
	return 0
}

mirror_setup || exit 1
if [ $have_dpdk = 1 ]; then
	scenario dpdk 1
	scenario dpdk 2
else
	echo "(no DPDK in this build: AF_XDP only)"
fi
scenario afxdp 1
finish
