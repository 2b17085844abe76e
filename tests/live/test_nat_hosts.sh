#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts behind a NAT, counted (docs/detection.md, "Shared addresses"). Five Linux
# hosts in their own network namespaces reach nginx through a router
# namespace whose nftables rules masquerade them as two addresses:
#  - an "office" (three hosts as 198.18.90.2), each opening a connection
#    every 2 s: alone none reaches the connection-churn rule (SW-R003, 30
#    new connections a minute), together they pass it;
#  - a scraper next to a person (two hosts as 198.18.90.3): the scraper
#    opens a connection every 0.3 s, the person one every 2 s.
# The server's side is captured with tcpdump and replayed twice with only
# SW-R003 scoring:
#  - detect.per_host_volume false: both addresses alert, and the alerts
#    say how many hosts were seen (3 and 2);
#  - true (the default): the office's busiest host is below the rule and
#    does not alert (36 connections less 30 for each other host); the
#    mixed address still does (72 less 30 for the person is above 30);
#  - through the XDP program (--through-xdp), whose SYN heads carry the
#    ports: the same alerts and host counts as the first replay.
# Skips (77) without root, nft, tcpdump, nginx or curl.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=nat
SW=$PWD/build/scrapewatch
T=swnt # netns/veth tag
NS_S=$T-srv NS_R=$T-rtr
SRV=198.18.90.1 OFFICE=198.18.90.2 MIXED=198.18.90.3
UA="Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"
SLOW=12 # connections of each slow host, one every 2 s
FAST=60 # connections of the scraper, one every 0.3 s
tmp=$(mktemp -d)
tcpdump_pid=

cleanup() {
	[ -n "$tcpdump_pid" ] && kill -TERM "$tcpdump_pid" 2>/dev/null
	netns_del $NS_S $NS_R $T-h1 $T-h2 $T-h3 $T-h4 $T-h5
	rm -rf "$tmp"
}
trap cleanup EXIT

need_root "network namespaces"
need nft tcpdump nginx curl

veth_pair $NS_S $T-s $SRV $NS_R $T-r $OFFICE 29
ip -n $NS_R addr add $MIXED/29 dev $T-r
ip -n $NS_R link add $T-br type bridge
ip -n $NS_R addr add 198.18.91.254/24 dev $T-br
ip -n $NS_R link set $T-br up
ip netns exec $NS_R sysctl -qw net.ipv4.ip_forward=1
for h in 1 2 3 4 5; do
	ip netns add $T-h$h
	ip link add $T-h$h netns $T-h$h type veth peer name $T-b$h netns $NS_R
	ip -n $NS_R link set $T-b$h master $T-br up
	ip -n $T-h$h addr add 198.18.91.$h/24 dev $T-h$h
	ip -n $T-h$h link set lo up
	ip -n $T-h$h link set $T-h$h up
	ip -n $T-h$h route add default via 198.18.91.254
done
ip netns exec $NS_R nft -f - <<NFT || skip "nftables NAT not available"
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "$T-r" ip saddr { 198.18.91.1, 198.18.91.2, 198.18.91.3 } snat to $OFFICE
		oifname "$T-r" ip saddr { 198.18.91.4, 198.18.91.5 } snat to $MIXED
	}
}
NFT

nginx_conf "$tmp"
for i in $(seq 1 $FAST); do echo "page $i" >"$tmp/www/p$i.html"; done
ip netns exec $NS_S nginx -c "$tmp/nginx.conf" -p "$tmp" &
up=
for _ in $(seq 1 50); do
	ip netns exec $T-h1 curl -s -o /dev/null --max-time 1 http://$SRV/p1.html && up=1 && break
	sleep 0.1
done
check "nginx reachable through the NAT" "${up:-0}" 1
[ -n "$up" ] || finish
ip netns exec $NS_S tcpdump -i $T-s -s 200 -w "$tmp/nat.pcap" -U tcp port 80 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 1 50); do
	grep -q "listening on" "$tmp/tcpdump.err" && break
	sleep 0.1
done

fetch() { # host count pause
	local i
	for i in $(seq 1 "$2"); do
		ip netns exec $T-h$1 curl -s -o /dev/null --max-time 5 -A "$UA" \
			http://$SRV/p$i.html
		sleep "$3"
	done
}
pids=
for h in 1 2 3 5; do
	fetch $h $SLOW 2 &
	pids="$pids $!"
done
fetch 4 $FAST 0.3 &
pids="$pids $!"
# shellcheck disable=SC2086
wait $pids
sleep 1
kill -INT $tcpdump_pid
wait $tcpdump_pid 2>/dev/null
tcpdump_pid=

# Only SW-R003 scores: 40 points at 30 new connections a minute.
config() { # per_host_volume
	{
		echo "detect:"
		echo "  alert_score: 25"
		echo "  per_host_volume: $1"
		echo "  rules:"
		for r in R001 R002 R004 R005 R006 R007 R008 R009 R010 R011 R012 \
			R013 R014 R015 R016 \
			C001 C002 C003 C004 C005; do
			echo "    SW-$r: {enabled: false}"
		done
		echo "    SW-R003: {points: 40}"
	} >"$tmp/sw-$1.yaml"
}
for per_host in false true; do
	config $per_host
	"$SW" replay -q --config "$tmp/sw-$per_host.yaml" \
		-o "file://$tmp/alerts-$per_host.json" "$tmp/nat.pcap" 2>"$tmp/err-$per_host"
	check "replay, per_host_volume $per_host: exit 0" "$?" 0
done

# Source ip, hosts seen and connections of each client alert, from its
# end record (the counters of the whole session).
ends() {
	$PY - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event", {}).get("dataset") != "scrapewatch.alert":
        continue
    if r["event"]["action"] != "end" or r["scrapewatch"]["alert"]["scope"] != "client":
        continue
    print(r["source"]["ip"], r["scrapewatch"]["hosts"]["seen"],
          r["scrapewatch"]["client"]["connections"])
PY
}
stat_of() { # file key
	$PY -c "import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r.get('event',{}).get('dataset')=='scrapewatch.stats': print(r['scrapewatch']['stats']['detect'][sys.argv[2]])" "$1" "$2"
}

# The same through the XDP program: the SYN heads carry the ports.
"$SW" replay -q --through-xdp --config "$tmp/sw-false.yaml" \
	-o "file://$tmp/alerts-xdp.json" "$tmp/nat.pcap" 2>"$tmp/err-xdp"
check "replay --through-xdp: exit 0" "$?" 0
check "--through-xdp: the same alerts and host counts" \
	"$(ends "$tmp/alerts-xdp.json" | awk '{ print $1, $2 }' | sort | tr '\n' ' ')" \
	"$OFFICE 3 $MIXED 2 "

off=$(ends "$tmp/alerts-false.json")
echo "per_host_volume false: $off"
check "off: the office alerts, three hosts seen, $((3 * SLOW)) connections" \
	"$(echo "$off" | awk -v a=$OFFICE '$1 == a { print $2, $3 }')" "3 $((3 * SLOW))"
check "off: the mixed address alerts, two hosts seen, $((FAST + SLOW)) connections" \
	"$(echo "$off" | awk -v a=$MIXED '$1 == a { print $2, $3 }')" "2 $((FAST + SLOW))"
check "off: two shared addresses counted" "$(stat_of "$tmp/alerts-false.json" shared_addresses)" 2

on=$(ends "$tmp/alerts-true.json")
echo "per_host_volume true: $on"
check "on: no alert for the office" \
	"$(echo "$on" | awk -v a=$OFFICE '$1 == a' | wc -l)" 0
check "on: the mixed address alerts, two hosts seen" \
	"$(echo "$on" | awk -v a=$MIXED '$1 == a { print $2 }')" 2
finish
