#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Regenerates tests/fixtures/tcpsig: captures of TCP SYN and SYN+ACK
# packets and, beside each, NAME.p0f.txt with what p0f logged for them
# (the direction, the endpoints and raw_sig of the first SYN and SYN+ACK of
# each connection), which tests/unit/test_tcp_sig.c compares with our
# signer.
#
#   linux-real.pcap  curl and wget between two network namespaces over a
#                    veth pair, IPv4 (198.18.0.0/24) and IPv6 (2001:db8::/64),
#                    with timestamps, SACK, window scaling, ECN, initial TTL,
#                    MTU and receive buffers varied per run by sysctl inside
#                    the namespaces (never on the host).
#   crafted.pcap     packets written by scripts/tcpsig-craft.py: other
#                    systems' option layouts, every quirk, malformed options,
#                    TTL and window-divisor corner cases, and random SYNs.
#
# Needs root, ip(8), tcpdump, curl, wget, python3 and p0f. The namespaces
# and processes it creates are removed on exit.
set -eu
cd "$(dirname "$0")/.."
out=tests/fixtures/tcpsig
p0f=${P0F:-$(command -v p0f || echo /usr/sbin/p0f)}
for t in ip tcpdump curl wget python3 "$p0f"; do
	command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }

cli=swtcpsig_c srv=swtcpsig_s
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ip netns del "$cli" 2>/dev/null || true
	ip netns del "$srv" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

C="ip netns exec $cli"
S="ip netns exec $srv"

ip netns add "$cli"
ip netns add "$srv"
ip link add swtsig0 netns "$cli" type veth peer name swtsig1 netns "$srv"
$C ip addr add 198.18.0.1/24 dev swtsig0
$S ip addr add 198.18.0.2/24 dev swtsig1
$C ip addr add 2001:db8::1/64 dev swtsig0 nodad
$S ip addr add 2001:db8::2/64 dev swtsig1 nodad
for ns in "$cli" "$srv"; do
	ip -n "$ns" link set lo up
done
$C ip link set swtsig0 up
$S ip link set swtsig1 up

mkdir -p "$tmp/www"
echo hello >"$tmp/www/index.html"
$S python3 -m http.server 80 --bind 198.18.0.2 --directory "$tmp/www" \
	>/dev/null 2>&1 &
pids+=($!)
$S python3 -m http.server 80 --bind 2001:db8::2 --directory "$tmp/www" \
	>/dev/null 2>&1 &
pids+=($!)

# SYN and SYN+ACK only; IPv6 by hand, since tcp[] matches only IPv4.
$C tcpdump -i swtsig0 -s 200 -U -w "$tmp/real.pcap" \
	'(tcp[tcpflags] & tcp-syn != 0) or (ip6 and ip6[6] == 6 and ip6[53] & 2 != 0)' \
	>/dev/null 2>&1 &
tcpdump_pid=$!
pids+=($tcpdump_pid)

both() {
	$C sysctl -qw "$@"
	$S sysctl -qw "$@"
}

fetch() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		$C curl -s -o /dev/null --max-time 5 http://198.18.0.2/ && break
		sleep 0.3
	done
	$C curl -s -o /dev/null --max-time 5 'http://[2001:db8::2]/'
	$C wget -q -O /dev/null -T 5 -t 1 http://198.18.0.2/
}

sleep 1
fetch
both net.ipv4.tcp_timestamps=0
fetch
both net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=0
fetch
both net.ipv4.tcp_sack=1 net.ipv4.tcp_window_scaling=0
fetch
both net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0
fetch
both net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 \
	net.ipv4.tcp_window_scaling=1
$C sysctl -qw net.ipv4.tcp_ecn=1
fetch
$C sysctl -qw net.ipv4.tcp_ecn=2
both net.ipv4.ip_default_ttl=128 net.ipv6.conf.all.hop_limit=128 \
	net.ipv6.conf.swtsig0.hop_limit=128 2>/dev/null || true
$S sysctl -qw net.ipv6.conf.swtsig1.hop_limit=128
fetch
both net.ipv4.ip_default_ttl=64 net.ipv6.conf.all.hop_limit=64
$C sysctl -qw net.ipv6.conf.swtsig0.hop_limit=64
$S sysctl -qw net.ipv6.conf.swtsig1.hop_limit=64
both net.ipv4.tcp_rmem='4096 32768 6291456'
fetch
$C ip link set swtsig0 mtu 1400
$S ip link set swtsig1 mtu 1400
fetch
sleep 1
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true

mkdir -p "$out"
cp "$tmp/real.pcap" "$out/linux-real.pcap"
python3 scripts/tcpsig-craft.py "$out/crafted.pcap"

# p0f's log line, less the time stamp and its own verdicts.
for cap in "$out"/*.pcap; do
	rm -f "$tmp/p0f.log"
	"$p0f" -r "$cap" -o "$tmp/p0f.log" >/dev/null 2>&1
	sed -nE 's/^\[[^]]*\] (mod=syn(\+ack)?\|cli=[^|]*\|srv=[^|]*)\|.*(\|raw_sig=.*)$/\1\3/p' \
		"$tmp/p0f.log" >"${cap%.pcap}.p0f.txt"
	echo "$cap: $(grep -c . "${cap%.pcap}.p0f.txt") p0f signatures"
done
du -ch "$out"/* | tail -n 1
