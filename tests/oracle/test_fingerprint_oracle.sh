#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Fingerprint oracle test. Runs `build/scrapewatch flows` on the capture of
# real TLS and HTTP clients in tests/fixtures/tls/ and compares the
# fingerprints of every TCP flow record with figures computed without
# scrapewatch: tshark's JA3, a JA4 recomputed from tshark's parsed
# ClientHello fields after FoxIO's specification, SNI, cipher count and
# TLS version from tshark, the first HTTP request's method, path and
# User-Agent and the request count from tshark on cleartext flows, and
# p0f's raw signature of the client's SYN. The comparison, and the choices
# it makes (GREASE, version), are described in fingerprint_oracle.py beside
# this file. Run from the repository root. Prints one PASS/FAIL line per
# check; a field the binary does not emit is a FAIL. Exits 0 on pass, 1 on
# failure, 77 (skip) without tshark; without p0f the SYN signatures are
# skipped. With --print-oracle it only prints the oracle table and checks
# the oracle against itself (JA3 recomputed, JA4 spec examples, p0f against
# tshark's SYN fields), without the binary.
set -u

FIX=tests/fixtures/tls
BIN=${SCRAPEWATCH:-build/scrapewatch}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
HERE=$(dirname "$0")

if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP oracle: tshark not installed"
	exit 77
fi
if [ ! -f "$FIX/tls.pcap" ]; then
	echo "FAIL oracle: fixture $FIX/tls.pcap missing"
	exit 1
fi

if [ "${1:-}" = "--print-oracle" ]; then
	exec "$PYTHON" "$HERE/fingerprint_oracle.py" --pcap "$FIX/tls.pcap"
fi

if [ ! -x "$BIN" ]; then
	echo "FAIL oracle: $BIN not built"
	exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail=0
timeout 120 "$BIN" flows "$FIX/tls.pcap" >"$TMP/tls.ndjson" 2>"$TMP/tls.err"
rc=$?
if [ "$rc" -eq 0 ]; then
	echo "PASS oracle: scrapewatch flows tls.pcap exits 0"
else
	echo "FAIL oracle: scrapewatch flows tls.pcap exit status actual $rc expected 0"
	sed 's/^/# stderr: /' "$TMP/tls.err" | head -20
	fail=1
fi

"$PYTHON" "$HERE/fingerprint_oracle.py" --pcap "$FIX/tls.pcap" \
	--flows "$TMP/tls.ndjson" || fail=1
exit "$fail"
