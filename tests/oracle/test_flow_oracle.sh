#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Flow-accounting oracle test. Runs `build/scrapewatch flows` on the capture
# of real clients in tests/fixtures/real/ (both directions, and the
# client->server half only) and compares every TCP flow record with figures
# that tshark computes from the both-directions capture: unique payload
# bytes per direction from the highest sequence number, packets per
# direction, and HTTP requests per connection, which must also equal the
# manifest recorded with the capture. The comparison is in flow_oracle.py
# beside this file. Run from the repository root. Prints one PASS/FAIL line
# per check; exits 0 on pass, 1 on failure, 77 (skip) without tshark.
# With --print-oracle it only prints tshark's table and checks the oracle
# against itself and the manifest, without the binary.
set -u

FIX=tests/fixtures/real
BIN=${SCRAPEWATCH:-build/scrapewatch}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
HERE=$(dirname "$0")

if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP oracle: tshark not installed"
	exit 77
fi
for f in real.pcap real_c2s.pcap real.requests.csv; do
	if [ ! -f "$FIX/$f" ]; then
		echo "FAIL oracle: fixture $FIX/$f missing"
		exit 1
	fi
done

if [ "${1:-}" = "--print-oracle" ]; then
	exec "$PYTHON" "$HERE/flow_oracle.py" --pcap "$FIX/real.pcap" \
		--manifest "$FIX/real.requests.csv"
fi

if [ ! -x "$BIN" ]; then
	echo "FAIL oracle: $BIN not built"
	exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail=0
for cap in real real_c2s; do
	timeout 120 "$BIN" flows "$FIX/$cap.pcap" >"$TMP/$cap.ndjson" 2>"$TMP/$cap.err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS oracle: scrapewatch flows $cap.pcap exits 0"
	else
		echo "FAIL oracle: scrapewatch flows $cap.pcap exit status actual $rc expected 0"
		sed 's/^/# stderr: /' "$TMP/$cap.err" | head -20
		fail=1
	fi
done

"$PYTHON" "$HERE/flow_oracle.py" --pcap "$FIX/real.pcap" \
	--manifest "$FIX/real.requests.csv" \
	--flows "$TMP/real.ndjson" --c2s-flows "$TMP/real_c2s.ndjson" || fail=1
exit "$fail"
