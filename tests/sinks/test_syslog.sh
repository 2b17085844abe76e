#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Syslog sinks against a real rsyslog (started here, own config, loopback
# ports): UDP, TCP (RFC 6587 octet counting) and TLS (RFC 5425; rsyslog's
# gnutls driver, certificates made by openssl now). rsyslog writes every
# header field to a file, checked field by field against the same run's
# file sink. Hostile wire strings (newlines, quotes, invalid UTF-8, 64 KB
# of junk) must not break framing. TLS with the wrong CA must deliver
# nothing, count the errors and spool. The real binary's `flows` output
# goes through syslog+tcp too.
set -u
cd "$(dirname "$0")/../.."
NAME=syslog
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
trap sink_cleanup EXIT
command -v rsyslogd >/dev/null || { echo "rsyslogd not installed (scripts/install-deps.sh)"; exit 77; }
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }
[ -f /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] || ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 ||
	{ echo "rsyslog-gnutls not installed"; exit 77; }
HOST=sw-test-host
stat_of() { # json-file expr
	$PY -c "import json,sys; d=json.load(open('$1')); print($2)"
}

# --- UDP and TCP in one rsyslog, hostile records ---
d=$tmp/plain
mkdir -p "$d"
udp=$(free_port)
tcp=$(free_port)
rsyslog_conf "$d" "$udp" "$tcp" 0
start_rsyslog "$d" "$tcp" || exit 1
$FEED --count 2000 --hostile -o "syslog+udp://127.0.0.1:$udp?hostname=$HOST&max=65507" \
	-o "file://$d/ref.ndjson" >"$d/feed-udp.json"
$FEED --count 2000 --hostile -o "syslog+tcp://127.0.0.1:$tcp?hostname=$HOST&hold_ms=200" \
	-o "file://$d/ref-tcp.ndjson" >"$d/feed-tcp.json"
sleep 0.5
stop_rsyslog
check "udp: delivered counter" "$(stat_of "$d/feed-udp.json" "d['sinks'][0]['delivered']")" 2000
check "tcp: delivered counter" "$(stat_of "$d/feed-tcp.json" "d['sinks'][0]['delivered']")" 2000
cmp -s "$d/ref.ndjson" "$d/ref-tcp.ndjson" || echo "note: reference files differ"
# UDP may lose datagrams under load; TCP may not. Check fields on both.
$PY tests/sinks/check_syslog.py "$d/out.log" "$d/ref.ndjson" "$HOST" --at-least-once >"$d/check.txt"
check "udp+tcp: every field of every message, hostile strings framed" "$(tail -n 1 "$d/check.txt" | cut -d' ' -f1-4)" "records 2000 delivered 2000"
grep FAIL "$d/check.txt" | head -5

# --- UDP oversize: dropped and counted, not cut ---
d=$tmp/oversize
mkdir -p "$d"
udp=$(free_port)
rsyslog_conf "$d" "$udp" 0 0
start_rsyslog "$d" 0 || exit 1
$FEED --count 100 --hostile -o "syslog+udp://127.0.0.1:$udp?hostname=$HOST&max=1024" >"$d/feed.json"
sleep 0.5
stop_rsyslog
check "udp max=1024: oversize records counted" "$(stat_of "$d/feed.json" "d['sinks'][0]['dropped']['oversize']")" 100
check "udp max=1024: nothing cut reaches the peer" "$(cat "$d/out.log" 2>/dev/null | wc -l)" 0

# --- TLS (RFC 5425) with verification ---
d=$tmp/tls
mkdir -p "$d"
make_certs "$d" || { echo "openssl could not make certificates"; exit 1; }
tls=$(free_port)
rsyslog_conf "$d" 0 0 "$tls"
start_rsyslog "$d" "$tls" || exit 1
$FEED --count 2000 --hostile -o "syslog+tls://localhost:$tls?ca=$d/ca.pem&hostname=$HOST&hold_ms=200" \
	-o "file://$d/ref.ndjson" >"$d/feed.json"
check "tls: delivered counter" "$(stat_of "$d/feed.json" "d['sinks'][0]['delivered']")" 2000
# the wrong CA: verification fails, nothing is sent, the records spool
$FEED --count 50 --flush-timeout 1 -o "syslog+tls://localhost:$tls?ca=$d/other-ca.pem&hostname=$HOST" \
	>"$d/feed-bad.json" 2>"$d/feed-bad.err"
check "tls wrong CA: nothing delivered" "$(stat_of "$d/feed-bad.json" "d['sinks'][0]['delivered']")" 0
check "tls wrong CA: errors counted" "$(stat_of "$d/feed-bad.json" "d['sinks'][0]['errors'] > 0")" True
check "tls wrong CA: records spooled" "$(stat_of "$d/feed-bad.json" "d['sinks'][0]['spooled']")" 50
check "tls wrong CA: loss reported at shutdown" "$(stat_of "$d/feed-bad.json" "d['lost']")" 50
check "tls wrong CA: says why" "$(grep -c 'certificate' "$d/feed-bad.err")" 1
sleep 0.5
stop_rsyslog
$PY tests/sinks/check_syslog.py "$d/out.log" "$d/ref.ndjson" "$HOST" >"$d/check.txt"
check "tls: every field of every message" "$(tail -n 1 "$d/check.txt")" "records 2000 delivered 2000 duplicates 0"
grep FAIL "$d/check.txt" | head -5

# --- the real binary: flows records over syslog+tcp ---
d=$tmp/e2e
mkdir -p "$d"
tcp=$(free_port)
rsyslog_conf "$d" 0 "$tcp" 0
start_rsyslog "$d" "$tcp" || exit 1
$SW flows -q tests/fixtures/real/real.pcap -o "syslog+tcp://127.0.0.1:$tcp?hostname=$HOST&hold_ms=100" \
	-o "file://$d/ref.ndjson"
check "scrapewatch flows -o syslog+tcp -o file: exit" $? 0
sleep 0.5
stop_rsyslog
$PY tests/sinks/check_syslog.py "$d/out.log" "$d/ref.ndjson" "$HOST" >"$d/check.txt"
check "scrapewatch flows over syslog+tcp: every record, every field" \
	"$(tail -n 1 "$d/check.txt" | sed 's/records [0-9]* /records N /; s/delivered [0-9]* /delivered N /')" \
	"records N delivered N duplicates 0"
grep FAIL "$d/check.txt" | head -5
check "reference has flow records" "$(($(wc -l <"$d/ref.ndjson") > 0))" 1

[ $fails -eq 0 ]
