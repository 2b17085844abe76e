#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# AF_XDP with two workers: a veth with two RX queues in a namespace of its
# own, fed raw frames (a campaign of ten addresses, tests/gen/sw_scengen)
# from its peer, whose two TX queues spread the flows over both RX queues.
# `live --workers 2` must read on both queues, merge both workers' detector
# events into its one detector (an idle queue publishing its clock, so
# that the merge moves on), drop none, and exit 0 on SIGTERM with the
# redirect program gone. Packet time here is the wall clock: the capture
# is replayed in about a second, so no alert is expected.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=afxdp-workers
SW=$PWD/build/scrapewatch
NS_TX=swmd-tx
NS_CAP=swmd-cap
tmp=$(mktemp -d)
sw_pid=
cleanup() {
	[ -n "$sw_pid" ] && kill -TERM "$sw_pid" 2>/dev/null && wait "$sw_pid"
	netns_del $NS_TX $NS_CAP
	rm -rf "$tmp"
}
trap cleanup EXIT
need_root "AF_XDP sockets and network namespaces"

ip netns add $NS_TX && ip netns add $NS_CAP ||
	skip "cannot create network namespaces"
ip link add swmd-tx0 numtxqueues 2 numrxqueues 2 netns $NS_TX type veth \
	peer name swmd-cap0 numtxqueues 2 numrxqueues 2 netns $NS_CAP ||
	skip "cannot create a veth pair with two queues"
ip -n $NS_TX link set swmd-tx0 up
ip -n $NS_CAP link set swmd-cap0 up
ip -n $NS_TX addr add 198.18.62.1/30 dev swmd-tx0
ip -n $NS_CAP addr add 198.18.62.2/30 dev swmd-cap0

build/sw_scengen mix --only distributed --seed 1 --minutes 8 \
	--out "$tmp/camp.pcap" --labels "$tmp/camp.csv"
ip netns exec $NS_CAP $SW live --capture afxdp --interface swmd-cap0 \
	--workers 2 >"$tmp/out.json" 2>"$tmp/err" &
sw_pid=$!
for _ in $(seq 100); do
	grep -q "capturing from" "$tmp/err" && break
	kill -0 $sw_pid 2>/dev/null || break
	sleep 0.1
done
check_grep "capture started on queues 0-1" "queue\(s\) 0-1" "$tmp/err"
# Raw frames out of the peer, a little at a time so that none is lost to
# a full ring (copy mode on veth).
sent=$(ip netns exec $NS_TX $PY - "$tmp/camp.pcap" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("swmd-tx0", 0))
n = 0
with open(sys.argv[1], "rb") as f:
    f.read(24)
    while True:
        h = f.read(16)
        if len(h) < 16:
            break
        s.send(f.read(struct.unpack("<IIII", h)[2]))
        n += 1
        if n % 1000 == 0:
            time.sleep(0.02)
print(n)
PY
)
sleep 1 # the last frames reach the sockets
kill -TERM $sw_pid
wait $sw_pid
check "exit 0 after SIGTERM" $? 0
sw_pid=
check "frames sent" "$sent" 19193
check "both workers read, one detector merged them, nothing dropped" \
	"$($PY -c '
import json, sys
s = json.loads(open(sys.argv[1]).readlines()[-1])["scrapewatch"]["stats"]
q = [x["packets"] for x in s["capture"]["queues"]]
m = s["detect"]["merge"]
print(len(q), min(q) > 0, sum(q) == s["packets"], s["packets"] >= int(sys.argv[2]),
      m["workers"], m["records"] >= int(sys.argv[2]),
      m["dropped"]["queue_full"], s["capture"]["port"]["missed"])
' "$tmp/out.json" "$sent")" "2 True True True 2 True 0 0"
check "XDP program detached" \
	"$(ip -n $NS_CAP link show dev swmd-cap0 | grep -c 'xdp')" 0

finish
