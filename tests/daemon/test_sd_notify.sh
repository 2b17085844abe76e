#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# systemd's notify protocol, with the test in systemd's place: a unix
# datagram socket as NOTIFY_SOCKET and WATCHDOG_USEC set. `live --capture
# pcap` on lo in a fresh network namespace must send READY=1 once set up,
# WATCHDOG=1 pings, RELOADING=1 then READY=1 on SIGHUP, and STOPPING=1 on
# SIGTERM. Skips (77) without root/netns or a build without libsystemd.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
SW=$PWD/build/scrapewatch
NS=swdm-notify
tmp=$(mktemp -d)
sw_pid= lis_pid=
cleanup() {
	[ -n "$sw_pid" ] && kill -KILL "$sw_pid" 2>/dev/null
	[ -n "$lis_pid" ] && kill -TERM "$lis_pid" 2>/dev/null
	netns_del $NS
	rm -rf "$tmp"
}
trap cleanup EXIT
need_root "a network namespace"
ldd "$SW" | grep -q libsystemd || skip "built without libsystemd"
ip netns add $NS || skip "cannot create a network namespace"
ip -n $NS link set lo up

# The listener appends every datagram, one message per line.
notify_listen "$tmp/notify.sock" "$tmp/msgs"

wait_msg() { # PATTERN: poll up to 30 s
	for _ in $(seq 1 300); do
		grep -q -- "$1" "$tmp/msgs" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

echo "outputs: [\"file://$tmp/out.ndjson\"]" >"$tmp/sw.yaml"
NOTIFY_SOCKET=$tmp/notify.sock WATCHDOG_USEC=400000 \
	ip netns exec $NS "$SW" live -i lo --capture pcap --config "$tmp/sw.yaml" \
	2>"$tmp/err" &
sw_pid=$!
wait_msg "READY=1"
check "READY=1 after setup" "$?" 0
wait_msg "WATCHDOG=1"
check "WATCHDOG=1 pings" "$?" 0
kill -HUP $sw_pid
wait_msg "RELOADING=1"
check "RELOADING=1 on SIGHUP" "$?" 0
for _ in $(seq 1 300); do
	[ "$(grep -c 'READY=1' "$tmp/msgs")" -ge 2 ] && break
	sleep 0.1
done
check "READY=1 again after the reload" "$(grep -c 'READY=1' "$tmp/msgs")" 2
kill -TERM $sw_pid
wait $sw_pid
check "exit 0" "$?" 0
sw_pid=
check "STOPPING=1 on SIGTERM" "$(grep -c 'STOPPING=1' "$tmp/msgs")" 1
[ $fails -ne 0 ] && { cat "$tmp/msgs" "$tmp/err"; }
finish
