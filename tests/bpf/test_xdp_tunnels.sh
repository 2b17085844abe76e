#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The XDP parser through tunnels (bpf/parsing.h): Ethernet fixtures
# wrapped in VXLAN (over IPv4 and IPv6), GENEVE with an option, and VXLAN
# inside VXLAN (two levels), run through the loaded XDP program
# (flows --through-xdp, every pure ACK accounted), must give the flow
# records the userspace path gives on the plain capture (flows_equal.py).
# Skips (77) where BPF can't be loaded. Run under the namespace lock.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! $SW flows -q --through-xdp tests/fixtures/synthetic/udp.pcap \
	>/dev/null 2>"$tmp/err"; then
	if grep -qiE "permission|not permitted|CAP_BPF" "$tmp/err"; then
		echo "skip: cannot load the XDP program here: $(head -1 "$tmp/err")"
		exit 77
	fi
fi

# A cross-section of the fixtures (every loading of the program costs a
# second of verification, and every fixture goes through four tunnels):
# real clients over HTTP and TLS, QUIC, IPv6 with extension headers,
# stacked VLANs, resets, retransmissions, sequence wraparound, UDP.
# tests/golden/test_tunnels.sh wraps every fixture for the userspace path.
FIXTURES="tests/fixtures/real/real.pcap tests/fixtures/tls/tls.pcap
tests/fixtures/quic/ngtcp2-v1.pcap tests/fixtures/synthetic/http_keepalive.pcap
tests/fixtures/synthetic/ipv6_ext.pcap tests/fixtures/synthetic/vlan_qinq.pcap
tests/fixtures/synthetic/rst.pcap tests/fixtures/synthetic/retransmit.pcap
tests/fixtures/synthetic/wraparound.pcap tests/fixtures/synthetic/udp.pcap"
fail=0 n=0
for f in $FIXTURES; do
	name=${f#tests/fixtures/}
	$SW flows -q "$f" >"$tmp/user.ndjson" 2>/dev/null || continue
	rm -f "$tmp"/*.pcap
	$PY tests/gen/tunnel_wrap.py all "$f" "$tmp" 2>/dev/null || continue
	$PY tests/gen/tunnel_wrap.py vxlan "$tmp/vxlan.pcap" \
		"$tmp/vxlan2.pcap" || continue
	for k in vxlan vxlan6 geneve vxlan2; do
		$SW flows -q --through-xdp --xdp-ack-sample 1 "$tmp/$k.pcap" \
			>"$tmp/xdp.ndjson" 2>"$tmp/xdp.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "FAIL $name in $k: exit $rc: $(tail -1 "$tmp/xdp.err")"
			fail=1
			continue
		fi
		if ! out=$(python3 tests/bpf/flows_equal.py "$tmp/user.ndjson" \
			"$tmp/xdp.ndjson"); then
			echo "FAIL $name in $k:"
			echo "$out" | head -10
			fail=1
			continue
		fi
		n=$((n + 1))
	done
	echo "PASS $name: XDP flows in VXLAN, VXLAN6, GENEVE and VXLAN in VXLAN equal the plain ones"
done
[ $n -ge 40 ] || { echo "FAIL xdp tunnels: only $n runs compared"; fail=1; }
[ $fail = 0 ] && echo "PASS xdp tunnels: $n wrapped captures through XDP"
exit $fail
