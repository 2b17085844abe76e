#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# DPDK capture on a mirror port through net_af_packet: a veth in a
# namespace receives a copy of every frame between nginx and its clients
# (curl as a scraper, wget for one large download). With one worker and
# with two (sharded in software), the flow records must say what the
# clients did; live, the scraper is alerted and the download is not;
# SIGTERM flushes; no DPDK files remain.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=dpdk-live
. tests/live/mirror_lib.sh
SW=$PWD/build/scrapewatch
tmp=$(mktemp -d)
sw_pid=
cleanup() {
	[ -n "$sw_pid" ] && kill -TERM "$sw_pid" 2>/dev/null && wait "$sw_pid"
	mirror_teardown
	rm -rf "$tmp"
}
trap cleanup EXIT
EAL="--no-huge --no-pci --vdev net_af_packet0,iface=$MIRROR_IF"
$SW flows --capture dpdk --dpdk-args "--no-huge" 2>&1 >/dev/null |
	grep -q "not compiled in" && {
	echo "SKIP: this build has no DPDK support"
	exit 77
}
dpdk_files() { ls /var/run/dpdk 2>/dev/null; ls /dev/hugepages 2>/dev/null; }
dpdk_files >"$tmp/files.before"

start() { # subcommand workers
	ip netns exec $NS_CAP $SW "$1" --capture dpdk --workers "$2" \
		--dpdk-args "$EAL" >"$tmp/out.json" 2>"$tmp/err" &
	sw_pid=$!
	for _ in $(seq 200); do
		grep -q "capturing from" "$tmp/err" && return 0
		kill -0 $sw_pid 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL dpdk-live: capture did not start: $(cat "$tmp/err")"
	exit 1
}
stop() {
	sleep 1 # the last frames cross the mirror
	kill -TERM $sw_pid
	wait $sw_pid
	check "$1: exit 0 after SIGTERM" $? 0
	sw_pid=
}

mirror_setup || exit 1
for w in 1 2; do
	start flows $w
	mirror_traffic || {
		echo "FAIL dpdk-live: client traffic failed"
		exit 1
	}
	stop "$w worker(s)"
	while IFS='|' read -r name actual expected; do
		check "$w worker(s): $name" "$actual" "$expected"
	done < <(mirror_check_flows "$tmp/out.json")
done

start live 2
mirror_traffic || {
	echo "FAIL dpdk-live: client traffic failed"
	exit 1
}
stop "live"
while IFS='|' read -r name actual expected; do
	check "live: $name" "$actual" "$expected"
done < <(mirror_check_alerts "$tmp/out.json")
check "live: stats record with the port's counters" "$(/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[-1])["scrapewatch"]["stats"]
c = r["capture"]
print(c["backend"], c["sharding"], r["packets"] > 0,
      sum(q["packets"] for q in c["queues"]) == r["packets"],
      c["port"]["missed"] + c["port"]["errors"])
' "$tmp/out.json")" "dpdk software True True 0"
# One detector for both workers, fed through their queues; on a wire a
# full queue would drop (none should here).
check "live: the workers' detector events merged, none dropped" \
	"$(/usr/bin/python3 -c '
import json, sys
m = json.loads(open(sys.argv[1]).readlines()[-1])["scrapewatch"]["stats"]["detect"]["merge"]
print(m["workers"], m["records"] > 0, m["dropped"]["queue_full"], m["waits"])
' "$tmp/out.json")" "2 True 0 0"
dpdk_files >"$tmp/files.after"
check "no /var/run/dpdk or hugepage files left" \
	"$(diff "$tmp/files.before" "$tmp/files.after")" ""

finish
