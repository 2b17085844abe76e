#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The corpus fixtures are trimmed (scripts/corpus/trim.sh): packets from
# the server keep only their first 128 bytes. This checks that the trim
# loses nothing scrapewatch accounts: on a full two-way capture of real
# nginx/curl/wget traffic (tests/fixtures/real/real.pcap), every flow
# record of `scrapewatch flows` is byte-for-byte the same before and after
# trimming, while the trimmed file really is cut (no server packet longer
# than 128 captured bytes, and smaller on disk).
set -u
cd "$(dirname "$0")/../.." || exit 1
SW=build/scrapewatch
FULL=tests/fixtures/real/real.pcap
[ -x "$SW" ] || { echo "no $SW (run make)"; exit 77; }
for t in tcpdump editcap mergecap capinfos; do
	command -v $t >/dev/null || { echo "missing $t"; exit 77; }
done
tmp=$(mktemp -d /tmp/swcp-trimtest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

scripts/corpus/trim.sh "$FULL" "$tmp/trim.pcap" 198.18.0.1 2001:db8::1 || {
	echo "FAIL: trim.sh exited $?"
	exit 1
}
"$SW" flows -q "$FULL" >"$tmp/full.ndjson"
"$SW" flows -q "$tmp/trim.pcap" >"$tmp/trim.ndjson"
fail=0
n_full=$(wc -l <"$tmp/full.ndjson")
n_trim=$(wc -l <"$tmp/trim.ndjson")
if [ "$n_full" -lt 5 ]; then
	echo "FAIL: flows on the full capture: actual $n_full records, expected >= 5"
	fail=1
fi
if ! cmp -s "$tmp/full.ndjson" "$tmp/trim.ndjson"; then
	echo "FAIL: flow records differ after trimming (full $n_full, trimmed $n_trim records):"
	diff "$tmp/full.ndjson" "$tmp/trim.ndjson" | head -20
	fail=1
fi
pk_full=$(capinfos -Mc "$FULL" | awk '/Number of packets/ {print $NF}')
pk_trim=$(capinfos -Mc "$tmp/trim.pcap" | awk '/Number of packets/ {print $NF}')
if [ "$pk_full" != "$pk_trim" ]; then
	echo "FAIL: packets: actual $pk_trim after trimming, expected $pk_full"
	fail=1
fi
maxcap=$(/usr/bin/python3 - "$tmp/trim.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert struct.unpack("<I", d[:4])[0] == 0xa1b2c3d4, "little-endian usec pcap"
off, mx = 24, 0
while off + 16 <= len(d):
    caplen, = struct.unpack_from("<I", d, off + 8)
    frame = d[off + 16:off + 16 + caplen]
    # Ethernet, then IPv4 (src at 26) or IPv6 (src at 22): from the server?
    et = frame[12:14]
    src4 = frame[26:30] if et == b"\x08\x00" else b""
    src6 = frame[22:38] if et == b"\x86\xdd" else b""
    if src4 == bytes([198, 18, 0, 1]) or src6 == bytes.fromhex("20010db8000000000000000000000001"):
        mx = max(mx, caplen)
    off += 16 + caplen
print(mx)
PY
)
if [ "$maxcap" != 128 ]; then
	echo "FAIL: longest captured server packet: actual $maxcap bytes, expected 128"
	fail=1
fi
sz_full=$(stat -c %s "$FULL")
sz_trim=$(stat -c %s "$tmp/trim.pcap")
if [ "$sz_trim" -ge $((sz_full / 2)) ]; then
	echo "FAIL: trimmed size: actual $sz_trim bytes, expected < half of $sz_full"
	fail=1
fi
[ $fail -eq 0 ] && echo "ok: $n_full flow records identical, $pk_full packets, $sz_full -> $sz_trim bytes"
exit $fail
