#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Trims a capture for a small fixture without losing what scrapewatch
# accounts: packets not sent by the server stay whole (request heads, TLS
# ClientHellos, SYN options), packets from the server are cut to 128 bytes,
# which keeps every header (Ethernet, IPv4/IPv6, TCP with options) and
# drops response payload. Flow accounting reads lengths from the IP
# header, so bytes and turns per flow are unchanged
# (tests/golden/test_corpus_trim.sh checks exactly that). Both halves come
# from the one capture, so timestamps are the capture's own.
#
# Usage: trim.sh IN.pcap OUT.pcap SERVER_IP...
set -euo pipefail
[ $# -ge 3 ] || {
	echo "usage: $0 IN.pcap OUT.pcap SERVER_IP..." >&2
	exit 2
}
in=$1 out=$2
shift 2
tmp=$(mktemp -d /tmp/swcp-trim.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=""
for ip in "$@"; do
	src="${src:+$src or }src host $ip"
done
# Everything not sent by the server stays whole, so no packet is lost.
tcpdump -r "$in" -w "$tmp/c2s.pcap" "not ($src)" 2>/dev/null
tcpdump -r "$in" -w "$tmp/s2c.pcap" "$src" 2>/dev/null
editcap -s 128 "$tmp/s2c.pcap" "$tmp/s2c128.pcap"
mergecap -F pcap -w "$out" "$tmp/c2s.pcap" "$tmp/s2c128.pcap"
