#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# What a hostile tester found (issue 20), one section per finding: every
# input a user can reach gives a clear answer, and nothing is silently
# wrong.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
REAL=tests/fixtures/real/real.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
LABEL=hardening

# --- sink ports: refused at start-up, for every scheme ---
for u in 'syslog+udp://127.0.0.1:99999' 'syslog+tcp://127.0.0.1:65536' \
	'syslog+tls://127.0.0.1:4294967297' 'syslog+udp://127.0.0.1:abc' \
	'syslog+udp://127.0.0.1:-1' 'http://127.0.0.1:0/x?format=bulk' \
	'https://[::1]:70000/x?format=hec&token=secret' \
	'kafka://k1:9092,k2:99999/topic' 'kafka://k1:-1/topic'; do
	$SW replay "$REAL" -o "$u" >"$tmp/out" 2>"$tmp/err"
	check "port in $u: exit 2" $? 2
	port=${u##*:}
	port=${port%%/*}
	port=${port%%\?*}
	shown=${u/secret/***}
	check "port in $u: message" "$(cat "$tmp/err")" \
		"scrapewatch: --output $shown: port '$port': expected a number 1..65535"
	check "port in $u: nothing on stdout" "$(wc -c <"$tmp/out")" 0
done
printf 'outputs:\n  - "syslog+udp://127.0.0.1:99999"\n' >"$tmp/port.yaml"
$SW check-config "$tmp/port.yaml" >"$tmp/out" 2>"$tmp/err"
check "port in the config: check-config exit 2" $? 2
check_grep "port in the config: file:line and key" \
	"port.yaml:2: outputs\[0\]: expected a sink URI.*every port 1\.\.65535" "$tmp/err"
$SW replay "$REAL" -o 'syslog+udp://127.0.0.1:65535' >"$tmp/out" 2>"$tmp/err"
check "port 65535: accepted" $? 0

finish
