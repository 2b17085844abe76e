#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# A pcapng file whose interfaces have different link types (Ethernet,
# Linux cooked, raw IP: tests/fixtures/pcapng/README.md) is read frame by
# frame, each with its interface's link type: every packet decoded, and
# the flow records those of the three single-link-type captures it was
# merged from (and the reviewed snapshot tests/golden/linktype_mixed.ndjson).
# libpcap alone stops at the second interface with 0 packets, which is what
# scrapewatch did before it walked capture files itself.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/common.sh
SW=build/scrapewatch
MIX=tests/fixtures/pcapng/linktype_mixed.pcapng
SYN=tests/fixtures/synthetic
LABEL=linktype_mixed
[ -x "$SW" ] || skip "no $SW (run make)"
tmp=$(mktemp -d /tmp/sw-ltmix.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

stat_of() { # file expr: a field of the stats record
	$PY -c "import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])['scrapewatch']['stats']$2)" "$1"
}

"$SW" replay "$MIX" >"$tmp/replay" 2>"$tmp/err"
check "replay: exit 0" $? 0
check "replay: nothing said" "$(cat "$tmp/err")" ""
check "every packet read" "$(stat_of "$tmp/replay" "['packets']")" 64
check "every packet decoded" "$(stat_of "$tmp/replay" "['decoded']")" 64
check "no link type skipped" "$(stat_of "$tmp/replay" "['skipped'].get('unknown_linktype', 0)")" 0
check "five flows" "$(stat_of "$tmp/replay" "['flows']['created']")" 5

"$SW" flows "$MIX" | sort >"$tmp/mixed"
check "flows: the reviewed snapshot" \
	"$(sort tests/golden/linktype_mixed.ndjson | md5sum)" "$(md5sum <"$tmp/mixed")"
if command -v editcap >/dev/null; then
	editcap -t -600 $SYN/linktype_sll.pcap "$tmp/sll.pcap"
	editcap -t -900 $SYN/linktype_raw.pcap "$tmp/raw.pcap"
	for f in $SYN/http_keepalive.pcap "$tmp/sll.pcap" "$tmp/raw.pcap"; do
		"$SW" flows "$f"
	done | sort >"$tmp/parts"
	check "flows: those of the three captures merged" \
		"$(md5sum <"$tmp/parts")" "$(md5sum <"$tmp/mixed")"
else
	echo "SKIP $LABEL: no editcap: parts not compared"
fi

SW_PCAP_READER=libpcap "$SW" replay "$MIX" >"$tmp/lp" 2>"$tmp/lperr"
check "libpcap alone: 0 packets (the old behaviour)" \
	"$(stat_of "$tmp/lp" "['packets']")" 0
check_grep "libpcap alone: refuses the second link type" \
	"different from the type of the first interface" "$tmp/lperr"
finish
