#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# AF_XDP capture on a mirror port: a veth in a namespace receives a copy
# of every frame between nginx and its clients (curl as a scraper, wget
# for one large download). The flow records must say what the clients
# did, the scraper is alerted and the download is not; SIGTERM flushes;
# the redirect program is gone afterwards.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=afxdp
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

mirror_setup || exit 1
ip netns exec $NS_CAP $SW flows --capture afxdp --interface $MIRROR_IF \
	>"$tmp/flows.json" 2>"$tmp/err" &
sw_pid=$!
for _ in $(seq 100); do
	grep -q "capturing from" "$tmp/err" && break
	kill -0 $sw_pid 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "capturing from" "$tmp/err"; then
	echo "FAIL afxdp: capture did not start: $(cat "$tmp/err")"
	exit 1
fi
mirror_traffic || {
	echo "FAIL afxdp: client traffic failed"
	exit 1
}
sleep 1 # the last frames cross the mirror
kill -TERM $sw_pid
wait $sw_pid
check "exit 0 after SIGTERM" $? 0
sw_pid=
while IFS='|' read -r name actual expected; do
	check "$name" "$actual" "$expected"
done < <(mirror_check_flows "$tmp/flows.json")
check "XDP program detached" \
	"$(ip -n $NS_CAP link show dev $MIRROR_IF | grep -c 'xdp')" 0

# live: the scraper is alerted, the download is not; the statistics record
# carries the socket's drop counters.
ip netns exec $NS_CAP $SW live --capture afxdp --interface $MIRROR_IF \
	>"$tmp/live.json" 2>"$tmp/err" &
sw_pid=$!
for _ in $(seq 100); do
	grep -q "capturing from" "$tmp/err" && break
	sleep 0.1
done
mirror_traffic || {
	echo "FAIL afxdp: client traffic failed"
	exit 1
}
sleep 1
kill -TERM $sw_pid
wait $sw_pid
sw_pid=
while IFS='|' read -r name actual expected; do
	check "live: $name" "$actual" "$expected"
done < <(mirror_check_alerts "$tmp/live.json")
check "live: stats record with AF_XDP counters" "$(/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[-1])["scrapewatch"]["stats"]
c = r["capture"]
q = c["queues"][0]
print(c["backend"], r["packets"] > 0, q["packets"] == r["packets"],
      sorted(k for k in q if k in ("missed", "ring_full", "fill_empty")))
' "$tmp/live.json")" "afxdp-copy True True ['fill_empty', 'missed', 'ring_full']"

finish
