#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Pure-ACK sampling must not break a close. A download seen from the
# client side only (XDP on the server's ingress), client closing first:
# the pure ACK of the server's FIN is what tells the accounting that the
# client's FIN came first; sampled out, the server's FIN was subtracted
# from the download (1 byte short: docs/xdp.md, ACK sampling). The
# capture (close_capture.py) has fewer pure ACKs than the sampling period,
# so a fresh sampler would skip them all. Checks, for the client and the
# server closing first, with the default sampling, 1 in 16 and 1 in 1:
# download bytes, end time and close reason of flows --through-xdp equal
# the userspace path's and the body size; with sampling, the kernel's
# acks_after_fin counter shows the ACK after the FIN was kept. Skips (77)
# where BPF can't be loaded.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
BODY=10000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. tests/lib/common.sh
need_xdp_load
summary() { # ndjson: bytes-to-client end close-reason, one line per flow
	python3 -c 'import json, sys
for r in map(json.loads, open(sys.argv[1])):
    print(r["destination"]["bytes"], r["event"]["end"],
          r["scrapewatch"]["flow"]["close_reason"])' "$1"
}

for who in client server; do
	pcap=$tmp/$who.pcap
	/usr/bin/python3 tests/bpf/close_capture.py "$pcap" $who $BODY ||
		exit 1
	$SW flows -q "$pcap" >"$tmp/user.ndjson"
	want=$(summary "$tmp/user.ndjson")
	check "$who closes first, userspace: download bytes" \
		"${want%% *}" $BODY
	for n in default 16 1; do
		opt=()
		[ $n != default ] && opt=(--xdp-ack-sample $n)
		if ! $SW flows -q --through-xdp "${opt[@]}" "$pcap" \
			>"$tmp/xdp.ndjson" 2>"$tmp/err"; then
			cat "$tmp/err"
			exit 1
		fi
		check "$who closes first, pure ACKs 1 in $n: bytes, end, close" \
			"$(summary "$tmp/xdp.ndjson")" "$want"
		[ $n = 1 ] && continue
		$SW replay -q --through-xdp "${opt[@]}" "$pcap" \
			>"$tmp/stats.json"
		kept=$(python3 -c 'import json, sys
x = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(x["scrapewatch"]["stats"]["xdp"]["acks_after_fin"])' "$tmp/stats.json")
		# The client's last ACK follows its FIN only when it closed
		# first; the server closing first leaves no ACK after a FIN.
		[ $who = client ] && exp=1 || exp=0
		check "$who closes first, 1 in $n: acks_after_fin" "$kept" $exp
	done
done
finish
