#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Tunnels: every Ethernet fixture capture, wrapped in each encapsulation
# (tests/gen/tunnel_wrap.py), must give the same flow records as the
# original apart from scrapewatch.tunnel, and (replay, on the captures
# long enough to alert) the same alerts; every record of a wrapped capture
# names its tunnel. One run covers VXLAN (over IPv4 and IPv6), GENEVE with
# an option, GRE with key and sequence, Ethernet over GRE with checksum,
# ERSPAN II, ERSPAN III with its platform sub-header, MPLS (IP, and an
# Ethernet pseudowire), IP in IPv4 and in IPv6, and VXLAN inside GRE.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'decode:\n  mpls_pseudowire: true\n' >"$tmp/pw.yaml"

# A scraper that alerts: the curl loop of tests/gen/sw_scengen.c.
mkdir "$tmp/gen"
build/sw_scengen mix --out "$tmp/gen/curl-loop.pcap" --seed 1 --minutes 8 \
	--only curl-loop || exit 1

fail=0 n=0
for f in tests/fixtures/*/*.pcap "$tmp/gen/curl-loop.pcap"; do
	name=${f#tests/fixtures/}
	name=${name#"$tmp/"}
	# Ethernet captures read to their end: the wrapper writes whole files.
	$SW flows -q "$f" >"$tmp/plain.ndjson" 2>/dev/null || continue
	echo 0 >"$tmp/plain.rc"
	rm -f "$tmp"/*.pcap
	$PY tests/gen/tunnel_wrap.py all "$f" "$tmp" 2>/dev/null || continue
	alerts=0
	case $name in gen/* | real/real.pcap) alerts=1 ;; esac
	[ $alerts = 1 ] && $SW replay -q "$f" >"$tmp/plain.alerts" 2>/dev/null
	for w in "$tmp"/*.pcap; do
		k=$(basename "$w" .pcap)
		cfg=()
		[ $k = mpls_pw ] && cfg=(--config "$tmp/pw.yaml")
		$SW flows -q "${cfg[@]}" "$w" >"$tmp/$k.ndjson" 2>/dev/null
		echo $? >"$tmp/$k.rc"
		[ $alerts = 1 ] &&
			$SW replay -q "${cfg[@]}" "$w" >"$tmp/$k.alerts" 2>/dev/null
	done
	if ! out=$($PY tests/golden/tunnel_equal.py "$tmp"); then
		echo "FAIL $name:"
		echo "$out" | head -20
		fail=1
		continue
	fi
	if [ $alerts = 1 ] && [ $name != real/real.pcap ] &&
		! grep -q '"kind":"alert"' "$tmp/plain.alerts"; then
		echo "FAIL $name: no alert on the plain capture"
		fail=1
		continue
	fi
	if [ $alerts = 1 ] &&
		! out=$($PY tests/golden/tunnel_equal.py --alerts "$tmp"); then
		echo "FAIL $name (alerts):"
		echo "$out" | head -20
		fail=1
		continue
	fi
	echo "PASS $name: flows$([ $alerts = 1 ] && echo ' and alerts') equal in every tunnel"
	n=$((n + 1))
done
[ $n -ge 25 ] || { echo "FAIL tunnels: only $n captures compared"; fail=1; }
[ $fail = 0 ] && echo "PASS tunnels: $n captures, each in 12 tunnels, equal their originals"
exit $fail
