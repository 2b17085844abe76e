#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The command-line contract: exit codes, messages that name the file and
# the reason, stdin, several files as one timeline, pcapng and nanosecond
# captures giving the same flows, eviction that loses no flow, and silence
# on stderr when it is not a terminal.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
REAL=tests/fixtures/real/real.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
LABEL=cli
# Flow records without timestamps: what must not depend on the input form.
flowsig() {
	/usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print(r["source"]["ip"], r["source"]["port"], r["destination"]["ip"],
          r["destination"]["port"], r["source"]["bytes"],
          r["destination"]["bytes"], r["source"]["packets"],
          r["destination"]["packets"], r["scrapewatch"]["flow"]["turns"],
          r["scrapewatch"]["flow"]["close_reason"])' | sort
}

$SW flows "$REAL" >"$tmp/ref.json" 2>"$tmp/ref.err"
check "flows exit 0" $? 0
check "flows quiet on non-tty stderr" "$(wc -c <"$tmp/ref.err")" 0
flowsig <"$tmp/ref.json" >"$tmp/ref.sig"
check "flows found the 10 recorded connections" "$(wc -l <"$tmp/ref.sig")" 10

echo "this is not a capture" >"$tmp/notes.txt"
$SW flows "$tmp/notes.txt" >/dev/null 2>"$tmp/err"
check "not a capture: exit 2" $? 2
check_grep "not a capture: names file and magic" \
	"notes.txt: not a pcap/pcapng file \(magic 0x74686973\)" "$tmp/err"

: >"$tmp/empty.pcap"
$SW flows "$tmp/empty.pcap" >/dev/null 2>"$tmp/err"
check "empty file: exit 2" $? 2
check_grep "empty file: says so" "empty.pcap: not a pcap/pcapng file \(empty file\)" "$tmp/err"

$SW flows "$tmp/missing.pcap" >/dev/null 2>"$tmp/err"
check "missing file: exit 2" $? 2
check_grep "missing file: reason" "missing.pcap: No such file or directory" "$tmp/err"

# Cut the capture in the middle of a record: everything before it counts.
size=$(stat -c %s "$REAL")
head -c $((size / 2)) "$REAL" >"$tmp/trunc.pcap"
$SW flows "$tmp/trunc.pcap" >"$tmp/trunc.json" 2>"$tmp/err"
check "truncated capture: exit 1" $? 1
check_grep "truncated capture: file, offset, reason" \
	"trunc.pcap: offset [0-9]+: truncated dump file" "$tmp/err"
n=$(wc -l <"$tmp/trunc.json")
[ "$n" -ge 1 ] && ok=yes || ok=no
check "truncated capture: flows read before the cut are emitted ($n)" $ok yes

# The same capture from stdin, as pcapng, and at nanosecond resolution.
$SW flows - <"$REAL" 2>"$tmp/err" | flowsig >"$tmp/stdin.sig"
check "stdin gives the same flows" "$(cmp -s "$tmp/ref.sig" "$tmp/stdin.sig" && echo same)" same
editcap -F pcapng "$REAL" "$tmp/real.pcapng"
$SW flows "$tmp/real.pcapng" | flowsig >"$tmp/ng.sig"
check "pcapng gives the same flows" "$(cmp -s "$tmp/ref.sig" "$tmp/ng.sig" && echo same)" same
editcap -F nsecpcap "$REAL" "$tmp/real.nsec.pcap"
$SW flows "$tmp/real.nsec.pcap" | flowsig >"$tmp/ns.sig"
check "nanosecond pcap gives the same flows" "$(cmp -s "$tmp/ref.sig" "$tmp/ns.sig" && echo same)" same

# Two halves replayed in order are one timeline.
editcap -r "$REAL" "$tmp/a.pcap" 1-500 >/dev/null
editcap -r "$REAL" "$tmp/b.pcap" 501-100000 >/dev/null
$SW flows "$tmp/a.pcap" "$tmp/b.pcap" | flowsig >"$tmp/split.sig"
check "split capture is one timeline" "$(cmp -s "$tmp/ref.sig" "$tmp/split.sig" && echo same)" same

# A table of 2 flows evicts, and still emits every flow.
$SW flows --max-flows 2 "$REAL" >"$tmp/evict.json"
check "eviction loses no flow: bytes preserved" \
	"$(python3 -c 'import json,sys; print(sum(json.loads(l)["destination"]["bytes"] for l in open(sys.argv[1])))' "$tmp/evict.json")" \
	"$(python3 -c 'import json,sys; print(sum(json.loads(l)["destination"]["bytes"] for l in open(sys.argv[1])))' "$tmp/ref.json")"
check_grep "eviction is reported" '"close_reason":"evicted"' "$tmp/evict.json"
$SW replay --max-flows 2 "$REAL" >"$tmp/stats.json"
check_grep "replay stats count evictions" '"evicted":[1-9]' "$tmp/stats.json"
check_grep "replay stats record" '"dataset":"scrapewatch.stats"' "$tmp/stats.json"

$SW --help >"$tmp/help"
check "--help exit 0" $? 0
for w in flows replay live eval check-config --output --quiet --max-flows "Exit status"; do
	check_grep "--help mentions $w" "$w" "$tmp/help"
done
$SW frobnicate 2>"$tmp/err"
check "unknown command: exit 2" $? 2
$SW live --interface lo --capture dpdk 2>"$tmp/err"
check "live dpdk with --interface: exit 2" $? 2
check_grep "live dpdk with --interface: says where ports come from" \
	"takes its ports from --dpdk-args" "$tmp/err"
$SW live --capture xdp 2>"$tmp/err"
check "live without --interface: exit 2" $? 2
$SW live --interface lo --capture xdp --xdp-mode fast 2>"$tmp/err"
check "live bad --xdp-mode: exit 2" $? 2
$SW flows 2>"$tmp/err"
check "no file: exit 2" $? 2
$SW flows --max-flows 0 "$REAL" 2>"$tmp/err"
check "bad --max-flows: exit 2" $? 2
$SW flows -o "file://$tmp/out.json" "$REAL"
check "file:// output" "$(flowsig <"$tmp/out.json" | cmp -s - "$tmp/ref.sig" && echo same)" same

finish
