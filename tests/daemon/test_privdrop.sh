#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Least privilege: `live --user nobody` on a veth pair in network
# namespaces, with --capture pcap and --capture xdp. After setup every
# thread runs as nobody, the main thread keeps exactly the capabilities
# of its backend (CapEff/CapPrm in /proc/PID/status), the other threads
# none; traffic sent after the drop is still counted; SIGTERM still exits
# 0 and detaches the XDP program. An unknown user fails setup with exit 2.
# Skips (77) without root, netns, nginx, curl or the user nobody.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
SW=$PWD/build/scrapewatch
T=swdm # netns/veth tag
NS_S=$T-psrv NS_C=$T-pcli
SRV=198.18.56.5 CLI=198.18.56.6
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
NOBODY=$(id -u nobody 2>/dev/null) || skip "no user nobody"
NOGROUP=$(id -g nobody)

veth_pair $NS_S $T-ps $SRV $NS_C $T-pc $CLI
mkdir -p "$tmp/www"
echo hello >"$tmp/www/index.html"
nginx_conf "$tmp"
ip netns exec $NS_S nginx -c "$tmp/nginx.conf" -p "$tmp" &

ip netns exec $NS_S "$SW" live -i $T-ps --capture pcap --user no-such-user-swdm -o "file://$tmp/x" \
	2>"$tmp/err" &
pid=$!
wait $pid 2>/dev/null
check "unknown user: exit 2" "$?" 2
check "unknown user: says so" \
	"$(grep -c 'dropping to user no-such-user-swdm: no such user' "$tmp/err")" 1

status_field() { # PID-or-PID/task/TID FIELD -> value (tabs to spaces)
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# run CAPTURE CAPEFF(hex, 16 digits as in /proc)
run() {
	local cap=$1 want=$2 t tid uids caps ok=1 pk
	rm -f "$tmp/out.ndjson"
	ip netns exec $NS_S "$SW" live -i $T-ps --capture "$cap" --user nobody \
		-o "file://$tmp/out.ndjson" 2>"$tmp/sw.err" &
	sw_pid=$!
	for _ in $(seq 1 100); do
		grep -q "running as nobody" "$tmp/sw.err" && break
		kill -0 $sw_pid 2>/dev/null || break
		sleep 0.1
	done
	check "$cap: dropped (logged)" "$(grep -c 'running as nobody' "$tmp/sw.err")" 1
	check "$cap: uid" "$(status_field $sw_pid Uid)" "$NOBODY $NOBODY $NOBODY $NOBODY"
	check "$cap: gid" "$(status_field $sw_pid Gid)" "$NOGROUP $NOGROUP $NOGROUP $NOGROUP"
	check "$cap: no supplementary groups" "$(status_field $sw_pid Groups)" ""
	check "$cap: CapEff" "$(status_field $sw_pid CapEff)" "$want"
	check "$cap: CapPrm" "$(status_field $sw_pid CapPrm)" "$want"
	check "$cap: NoNewPrivs" "$(status_field $sw_pid NoNewPrivs)" 1
	# Every other thread: the same uid, no capabilities.
	for t in /proc/$sw_pid/task/*; do
		tid=${t##*/}
		[ "$tid" = "$sw_pid" ] && continue
		uids=$(status_field $sw_pid/task/$tid Uid)
		caps=$(status_field $sw_pid/task/$tid CapEff)
		if [ "$uids" != "$NOBODY $NOBODY $NOBODY $NOBODY" ] ||
			[ "$caps" != 0000000000000000 ]; then
			echo "FAIL $cap: thread $tid: uid [$uids] CapEff [$caps]"
			ok=0
			fails=$((fails + 1))
		fi
	done
	[ $ok = 1 ] && echo "PASS $cap: other threads are nobody without capabilities"
	for i in 1 2 3 4 5; do
		ip netns exec $NS_C curl -s -o /dev/null http://$SRV/ ||
			{ sleep 0.2; ip netns exec $NS_C curl -s -o /dev/null http://$SRV/; }
	done
	sleep 0.5 # let the last frames reach the collector (not an assertion)
	kill -TERM $sw_pid
	wait $sw_pid
	check "$cap: SIGTERM exit 0" "$?" 0
	sw_pid=
	pk=$(grep '"scrapewatch.stats"' "$tmp/out.ndjson" |
		$PY -c 'import json,sys; print(json.loads(sys.stdin.readline())["scrapewatch"]["stats"]["packets"])' 2>/dev/null)
	[ -n "$pk" ] && [ "$pk" -ge 10 ] && echo "PASS $cap: traffic after the drop counted ($pk packets)" ||
		{ echo "FAIL $cap: packets after the drop: actual [$pk] expected [>= 10]"; fails=$((fails + 1)); }
	if [ "$cap" = xdp ]; then
		# The staged heads were sent by the flush program, run by the
		# unprivileged collector pinned to each CPU in turn.
		check "$cap: stages flushed without error" "$(grep '"scrapewatch.stats"' "$tmp/out.ndjson" |
			$PY -c 'import json,sys; x=json.loads(sys.stdin.readline())["scrapewatch"]["stats"]["xdp"]; print(x["stage_flush_errors"], x["bad_records"], x["heads_sampled"] >= 10)')" "0 0 True"
	fi
	for _ in $(seq 1 50); do
		ip -n $NS_S -d link show dev $T-ps | grep -q prog/xdp || break
		sleep 0.1
	done
	check "$cap: no XDP program left" "$(ip -n $NS_S -d link show dev $T-ps | grep -c prog/xdp)" 0
	[ $fails -ne 0 ] && cat "$tmp/sw.err"
	return 0
}

# CAP_NET_RAW is bit 13; CAP_NET_ADMIN 12, CAP_PERFMON 38, CAP_BPF 39.
run pcap 0000000000002000
run xdp 000000c000001000
finish
