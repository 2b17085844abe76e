#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `scrapewatch eval`: a bad labels file is exit 2 naming the line and the
# reason; a good one gives the table and, with --json, the same as JSON;
# replay writes alert records and ends with the stats record. Uses the real
# nginx + curl/wget fixture (tests/fixtures/real).
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
REAL=tests/fixtures/real/real.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
LABEL=eval

printf 'client_ip,label,tool\n198.18.0.2,scraper,curl\n198.18.0.9,maybe,x\n' >"$tmp/bad-label.csv"
$SW eval --labels "$tmp/bad-label.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "bad label: exit 2" $? 2
check_grep "bad label: line and reason" "bad-label.csv:3: label 'maybe' is neither scraper nor benign" "$tmp/err"

printf 'client_ip,label\n198.18.0.300,benign\n' >"$tmp/bad-ip.csv"
$SW eval --labels "$tmp/bad-ip.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "bad address: exit 2" $? 2
check_grep "bad address: line and reason" "bad-ip.csv:2: client_ip '198.18.0.300' is not an IPv4 or IPv6 address" "$tmp/err"

printf 'ip,kind\n' >"$tmp/bad-header.csv"
$SW eval --labels "$tmp/bad-header.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "bad header: exit 2" $? 2
check_grep "bad header: says which columns" "bad-header.csv:1: the header must name the columns client_ip and label" "$tmp/err"

$SW eval --labels "$tmp/missing.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "missing labels: exit 2" $? 2
$SW eval "$REAL" >"$tmp/out" 2>"$tmp/err"
check "no --labels: exit 2" $? 2

printf 'client_ip,label,tool\n# the fixture client\n198.18.0.2,benign,curl+wget\n198.18.0.77,scraper,absent\n' >"$tmp/good.csv"
$SW eval --labels "$tmp/good.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "good labels: exit 0" $? 0
check_grep "table row for the client" "^198\.18\.0\.2 +benign +curl\+wget +TN" "$tmp/out"
check_grep "absent scraper is a miss" "^198\.18\.0\.77 +scraper +absent +FN .*not in the capture" "$tmp/out"
check_grep "confusion counts" "confusion: tp 0  fp 0  fn 1  tn 1" "$tmp/out"
$SW eval --json --labels "$tmp/good.csv" "$REAL" >"$tmp/json" 2>"$tmp/err"
check "json: exit 0" $? 0
check "json: same verdicts" "$(/usr/bin/python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))
print(r["confusion"], r["recall"], [c["verdict"] for c in r["clients"]])' "$tmp/json")" \
	"{'tp': 0, 'fp': 0, 'fn': 1, 'tn': 1} 0 ['TN', 'FN']"

$SW replay "$REAL" >"$tmp/replay" 2>"$tmp/err"
check "replay: exit 0" $? 0
check_grep "replay ends with the stats record" '"dataset":"scrapewatch.stats".*"detect":' "$(tail -n 1 "$tmp/replay" >"$tmp/last"; echo "$tmp/last")"
check "replay: no flow records" "$(grep -c '"scrapewatch.flow"' "$tmp/replay")" 0

finish
