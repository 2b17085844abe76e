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

# --- one validation path: what check-config accepts, every command accepts ---
printf 'detect:\n  memory_cap: 1MiB\n' >"$tmp/cap.yaml"
want="$tmp/cap.yaml:2: detect.memory_cap: detect.sketch_capacity 16384 with the smallest client tables takes"
$SW check-config "$tmp/cap.yaml" >"$tmp/out" 2>"$tmp/err"
check "memory_cap 1MiB: check-config exit 2" $? 2
check "memory_cap 1MiB: check-config names file:line and both keys" \
	"$(cut -c1-${#want} "$tmp/err")" "$want"
$SW replay --config "$tmp/cap.yaml" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "memory_cap 1MiB: replay exit 2" $? 2
check "memory_cap 1MiB: replay gives the same file:line" \
	"$(cut -c1-${#want} "$tmp/err")" "$want"
printf 'detect:\n  sketch_capacity: 268435456\n' >"$tmp/sketch.yaml"
$SW check-config "$tmp/sketch.yaml" >"$tmp/out" 2>"$tmp/err"
check "sketch over the default memory_cap: exit 2" $? 2
check_grep "sketch over the default memory_cap: names the keys" \
	"^$tmp/sketch.yaml:2: detect.sketch_capacity: .*more than detect.memory_cap" "$tmp/err"
ram_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
if [ "$ram_kib" -lt $((1 << 30)) ]; then
	printf 'detect:\n  client_capacity: 268435456\n  sketch_capacity: 268435456\n  memory_cap: 1TiB\n' >"$tmp/huge.yaml"
	$SW check-config "$tmp/huge.yaml" >"$tmp/out" 2>"$tmp/err"
	check "memory_cap above RAM: exit 2" $? 2
	check_grep "memory_cap above RAM: file:line, the keys and --force" \
		"^$tmp/huge.yaml:4: detect.memory_cap: .*more than this machine's RAM.*detect.client_capacity, detect.sketch_capacity.*--force" "$tmp/err"
	$SW replay --config "$tmp/huge.yaml" "$REAL" >"$tmp/out" 2>"$tmp/err"
	check "memory_cap above RAM: replay exit 2 before allocating" $? 2
	$SW check-config --force "$tmp/huge.yaml" >"$tmp/out" 2>"$tmp/err"
	check "memory_cap above RAM with --force: check-config exit 0" $? 0
fi

# --- deep nesting and node floods: refused while parsing, with the line ---
# (depth 64000 took libyaml's loader 10 s, 600 KB more than 7 minutes)
$PY -c "n=64000; open('$tmp/deep.yaml','w').write('zzz: '+'['*n+']'*n+'\\n')"
$SW check-config "$tmp/deep.yaml" >"$tmp/out" 2>"$tmp/err"
check "deep flow nesting: exit 2" $? 2
check "deep flow nesting: message with the line" "$(cat "$tmp/err")" \
	"$tmp/deep.yaml:1: nested deeper than 64 levels; a config needs at most 5 (see etc/scrapewatch.yaml)"
$PY -c "open('$tmp/deepb.yaml','w').write(''.join('  '*i+'k%d:\\n'%i for i in range(100)))"
$SW replay --config "$tmp/deepb.yaml" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "deep block nesting: replay exit 2" $? 2
check_grep "deep block nesting: the line of level 65" \
	"^$tmp/deepb.yaml:65: nested deeper than 64 levels" "$tmp/err"
$PY -c "open('$tmp/many.yaml','w').write('outputs: ['+','.join(['-']*200000)+']\\n')"
$SW check-config "$tmp/many.yaml" >"$tmp/out" 2>"$tmp/err"
check "node flood: exit 2" $? 2
check_grep "node flood: message with the line" \
	"^$tmp/many.yaml:1: more than 131072 YAML nodes" "$tmp/err"

# --- named pipes and <(...): the format is sniffed from the one open stream ---
NG=tests/fixtures/synthetic/pcapng.pcapng
$SW flows "$REAL" >"$tmp/ref.json"
$SW flows "$NG" >"$tmp/ref-ng.json"
mkfifo "$tmp/fifo"
cat "$REAL" >"$tmp/fifo" &
$SW replay "$tmp/fifo" >"$tmp/out" 2>"$tmp/err"
check "replay a named pipe: exit 0" $? 0
check "replay a named pipe: nothing on stderr" "$(cat "$tmp/err")" ""
check_grep "replay a named pipe: every packet read" '"packets":[1-9]' "$tmp/out"
wait
$SW flows <(cat "$REAL") >"$tmp/out" 2>"$tmp/err"
check "flows <(cat pcap): exit 0" $? 0
check "flows <(cat pcap): the same records as the file" \
	"$(cmp -s "$tmp/out" "$tmp/ref.json" && echo same)" same
$SW flows <(cat "$NG") >"$tmp/out" 2>"$tmp/err"
check "flows <(cat pcapng): exit 0" $? 0
check "flows <(cat pcapng): the same records as the file" \
	"$(cmp -s "$tmp/out" "$tmp/ref-ng.json" && echo same)" same
echo "not a capture" >"$tmp/fifo" &
$SW flows "$tmp/fifo" >"$tmp/out" 2>"$tmp/err"
check "garbage through a pipe: exit 2" $? 2
check "garbage through a pipe: message" "$(cat "$tmp/err")" \
	"scrapewatch: $tmp/fifo: not a pcap/pcapng file (magic 0x6e6f7420)"
wait

# --- eval: 80k labels go into a hash (loading was quadratic: 12 s) ---
$PY -c "
with open('$tmp/l80k.csv', 'w') as f:
    f.write('client_ip,label,tool\\n')
    for i in range(80000):
        f.write('10.%d.%d.%d,benign,t%d\\n' % (i >> 16, (i >> 8) & 255, i & 255, i))
    f.write('198.18.0.2,scraper,curl\\n')
"
$SW eval --labels "$tmp/l80k.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "80k labels: exit 0" $? 0
check "80k labels: one row per label" "$(grep -c '^10\.' "$tmp/out")" 80000
check_grep "80k labels: the last label is found in the capture" \
	"^198\.18\.0\.2 +scraper +curl +(TP|FN) " "$tmp/out"
check "80k labels: the others are not in the capture" \
	"$(grep -c '(not in the capture)' "$tmp/out")" 80000
{ cat "$tmp/l80k.csv"; echo "10.1.2.3,scraper,dup"; } >"$tmp/dup.csv"
$SW eval --labels "$tmp/dup.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "80k labels, one twice: exit 2" $? 2
check "80k labels, one twice: the line" "$(cat "$tmp/err")" \
	"scrapewatch eval: $tmp/dup.csv:80003: client_ip 10.1.2.3 is labeled twice"

# --- eval --json: valid UTF-8 whatever the labels CSV holds ---
printf 'client_ip,label,tool,tool_family\n198.18.0.2,scraper,bad\377\376x,f\303\274r\n198.18.0.3,benign,%s\303\274,\355\240\200\n' \
	"$(printf 'a%.0s' $(seq 62))" >"$tmp/utf8.csv"
$SW eval --json --labels "$tmp/utf8.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "invalid UTF-8 in labels: exit 0" $? 0
check "invalid UTF-8 in labels: the JSON is valid UTF-8" \
	"$($PY -c "import sys; open(sys.argv[1], encoding='utf-8', errors='strict').read(); print('valid')" "$tmp/out" 2>&1)" valid
check "invalid UTF-8 in labels: bytes shown as \\xNN, valid text kept" \
	"$($PY -c "
import json, sys
r = json.load(open(sys.argv[1]))
print('|'.join(c['tool'] + '/' + c.get('tool_family', '') for c in r['clients']))" "$tmp/out")" \
	"bad\\xff\\xfex/für|$(printf 'a%.0s' $(seq 62))/\\xed\\xa0\\x80"

# --- messages that say what is wrong ---
$SW flows "$tmp" >"$tmp/out" 2>"$tmp/err"
check "a directory: exit 2" $? 2
check "a directory: says so" "$(cat "$tmp/err")" \
	"scrapewatch: $tmp: is a directory, not a pcap/pcapng file"
printf 'client_ip,label\n198.18.0.2,scr\0aper\n' >"$tmp/nul.csv"
$SW eval --labels "$tmp/nul.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "NUL in the labels: exit 2" $? 2
check "NUL in the labels: says so, with line and column" "$(cat "$tmp/err")" \
	"scrapewatch eval: $tmp/nul.csv:2: a NUL byte at column 15; a labels file is CSV text"
printf '\357\273\277client_ip,label,tool\n198.18.0.2,scraper,curl\n' >"$tmp/bom.csv"
$SW eval --labels "$tmp/bom.csv" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "UTF-8 byte-order mark in the labels: exit 0" $? 0
check_grep "UTF-8 byte-order mark in the labels: the header is read" \
	"^198\.18\.0\.2 +scraper +curl " "$tmp/out"
# stdout whose reader is gone before the first write: every write is EPIPE
for cmd in flows replay; do
	$PY -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
sys.stdout.write("%d|%s" % (p.returncode, p.stderr.decode()))' \
		$SW $cmd "$REAL" "$REAL" "$REAL" >"$tmp/out"
	check "$cmd into a closed pipe: exit 0, nothing on stderr" "$(cat "$tmp/out")" "0|"
done

# --- exit 1 is documented for both of its causes, in --help and the man page ---
$SW --help >"$tmp/help"
check_grep "--help: exit 1 for a cut input" "1 an input was cut short or corrupt" "$tmp/help"
check "--help: exit 1 for records a sink could not deliver" \
	"$(tr '\n' ' ' <"$tmp/help" | grep -c 'or a sink could not deliver every record')" 1
check "man page: exit 1 for both" \
	"$(sed -n '/^\.SH EXIT STATUS/,/^\.SH/p' docs/scrapewatch.8 | tr '\n' ' ' |
		grep -c 'cut short or corrupt.*or a sink could not deliver every record')" 1

# --- no stats record when nothing was read, whatever the reason ---
$PY -c "
import sys
d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(d[:4] + bytes([9, 0, 9, 0]) + d[8:])" "$REAL" "$tmp/v99.pcap"
: >"$tmp/zero.pcap"
echo "garbage garbage" >"$tmp/garbage.pcap"
for input in v99.pcap zero.pcap garbage.pcap stdin; do
	if [ $input = stdin ]; then
		$SW replay - </dev/null >"$tmp/out" 2>"$tmp/err"
	else
		$SW replay "$tmp/$input" >"$tmp/out" 2>"$tmp/err"
	fi
	check "replay $input: exit 2" $? 2
	check "replay $input: no stats record" "$(wc -c <"$tmp/out")" 0
	check "replay $input: one message" "$(wc -l <"$tmp/err")" 1
done
$SW replay "$REAL" "$tmp/v99.pcap" >"$tmp/out" 2>"$tmp/err"
check "replay good then unreadable: exit 2" $? 2
check "replay good then unreadable: the stats record of what was read" \
	"$(grep -c '"dataset":"scrapewatch.stats"' "$tmp/out")" 1

# --- --flush-timeout bounds a handshake or a POST under way ---
# A peer that accepts and never answers, and a sink timeout_ms of 60 s:
# shutdown must give up at the 1 s flush deadline, not at timeout_ms (a
# TLS handshake waited its whole timeout, then another). `timeout 30`
# only keeps a regression from hanging the suite; what is checked is the
# exit status and the message.
port=$(free_port)
$PY -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
open(sys.argv[2], "w").close()
held = []
while True:
    held.append(s.accept())' "$port" "$tmp/listening" &
mute_pid=$!
for _ in $(seq 1 100); do [ -e "$tmp/listening" ] && break; sleep 0.1; done
for u in "syslog+tls://127.0.0.1:$port?verify=off&timeout_ms=60000" \
	"http://127.0.0.1:$port/_bulk?format=bulk&timeout_ms=60000"; do
	timeout 30 $SW replay "$REAL" -o "$u" --flush-timeout 1 >"$tmp/out" 2>"$tmp/err"
	check "mute peer, $u: exit 1 (records not delivered)" $? 1
	case $u in
	syslog*) want="TLS handshake with 127.0.0.1:$port: no answer in time" ;;
	http*) want="POST http://127.0.0.1:$port/_bulk: no answer by the --flush-timeout deadline" ;;
	esac
	check "mute peer, $u: gives up at the deadline" \
		"$(grep -c -F "$want" "$tmp/err")" 1
done
kill $mute_pid
wait $mute_pid 2>/dev/null

# --- timestamps past 2038 (pcap: unsigned 32-bit seconds) and past 2106
# (pcapng: 64-bit stamps) ---
$PY - "$REAL" "$NG" "$tmp" <<'PY'
import struct, sys
real, ng, tmp = sys.argv[1:4]
def shift_pcap(src, dst, start):
    d = bytearray(open(src, "rb").read())
    off, first = 24, None
    while off < len(d):
        s, us, incl, orig = struct.unpack_from("<IIII", d, off)
        first = s if first is None else first
        struct.pack_into("<I", d, off, s - first + start)
        off += 16 + incl
    open(dst, "wb").write(d)
shift_pcap(real, tmp + "/y2040.pcap", 2208988800)   # 2040-01-01
shift_pcap(real, tmp + "/y2038.pcap", 2**31 - 1)    # across 2038-01-19
d = bytearray(open(ng, "rb").read())  # nanosecond if_tsresol
off, first = 0, None
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 6:
        hi, lo = struct.unpack_from("<II", d, off + 12)
        ts = (hi << 32) | lo
        first = ts if first is None else first
        ts = ts - first + 4417977600 * 10**9  # 2110-01-01
        struct.pack_into("<II", d, off + 12, ts >> 32, ts & 0xffffffff)
    off += l
open(tmp + "/y2110.pcapng", "wb").write(d)
PY
durations() { # file: the flows' start years and durations, in order
	$SW flows "$1" | $PY -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)["event"]
    print(e["start"][:4], e["duration"])'
}
durations "$REAL" | cut -d' ' -f2 >"$tmp/dur-ref"
durations "$NG" | cut -d' ' -f2 >"$tmp/dur-ref-ng"
for f in y2040.pcap:2040 y2038.pcap:2038 y2110.pcapng:2110; do
	durations "$tmp/${f%%:*}" >"$tmp/dur"
	ref=$tmp/dur-ref
	[ "${f%%:*}" = y2110.pcapng ] && ref=$tmp/dur-ref-ng
	check "${f%%:*}: every flow starts in ${f##*:}" \
		"$(cut -d' ' -f1 "$tmp/dur" | sort -u)" "${f##*:}"
	check "${f%%:*}: the same durations as the original" \
		"$(cut -d' ' -f2 "$tmp/dur" | tr '\n' ' ')" "$(tr '\n' ' ' <"$ref")"
done

# --- data read but not usable is said once per file, and counted ---
$PY - "$REAL" "$tmp" <<'PY'
import struct, sys
real, tmp = sys.argv[1:3]
d = bytearray(open(real, "rb").read())
struct.pack_into("<I", d, 20, 105)  # LINKTYPE_IEEE802_11
open(tmp + "/wifi.pcap", "wb").write(d)
d = bytearray(open(real, "rb").read())
struct.pack_into("<I", d, 16, 128)  # snaplen 128: libpcap cuts longer records
open(tmp + "/snap128.pcap", "wb").write(d)
PY
stat_of() { # file expr: a field of the stats record
	$PY -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['scrapewatch']['stats']$2)" "$1"
}
$SW replay "$tmp/wifi.pcap" >"$tmp/out" 2>"$tmp/err"
check "802.11 link type: exit 0" $? 0
check "802.11 link type: one warning with the count" "$(cat "$tmp/err")" \
	"scrapewatch: $tmp/wifi.pcap: 1174 frames of link type 105, which scrapewatch does not decode (Ethernet, raw IP, Linux cooked, NULL/loopback), were skipped; see scrapewatch.stats skipped.unknown_linktype"
check "802.11 link type: counted" "$(stat_of "$tmp/out" "['skipped']['unknown_linktype']")" 1174
$SW replay "$tmp/snap128.pcap" >"$tmp/out" 2>"$tmp/err"
check "snaplen 128: exit 0" $? 0
check "snaplen 128: one warning with the count" "$(cat "$tmp/err")" \
	"scrapewatch: $tmp/snap128.pcap: 734 frames were captured shorter than on the wire (the snap length): accounting holds, but TLS, QUIC and HTTP fields past the cut are lost; see scrapewatch.stats frames_cut"
check "snaplen 128: counted" "$(stat_of "$tmp/out" "['frames_cut']")" 734
$SW replay "$REAL" >"$tmp/out" 2>"$tmp/err"
check "whole frames: nothing said" "$(cat "$tmp/err")" ""
check "whole frames: none cut" "$(stat_of "$tmp/out" "['frames_cut']")" 0

# --- a corrupt record or block is reported at its start, in both formats ---
$PY - "$REAL" "$NG" "$tmp" >"$tmp/starts" <<'PY'
import struct, sys
real, ng, tmp = sys.argv[1:4]
d = bytearray(open(ng, "rb").read())
off, epbs = 0, []
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 6:
        epbs.append(off)
    off += l
b = epbs[3]
e = bytearray(d)
struct.pack_into("<I", e, b + 4, 0x7FFFFFF1)  # block length not a multiple of 4
open(tmp + "/badlen.pcapng", "wb").write(e)
e = bytearray(d)
struct.pack_into("<I", e, b + 20, 0xFFFF)  # captured length past the block
open(tmp + "/badcap.pcapng", "wb").write(e)
open(tmp + "/cut.pcapng", "wb").write(d[: b + 30])  # cut inside the block
d = bytearray(open(real, "rb").read())
off = 24
for _ in range(3):
    off += 16 + struct.unpack_from("<I", d, off + 8)[0]
struct.pack_into("<I", d, off + 8, 0x7FFFFFFF)  # caplen past the snaplen
open(tmp + "/bad.pcap", "wb").write(d)
print(b, off)
PY
read -r ng_start pcap_start <"$tmp/starts"
for f in badlen.pcapng:$ng_start badcap.pcapng:$ng_start cut.pcapng:$ng_start bad.pcap:$pcap_start; do
	$SW flows "$tmp/${f%%:*}" >"$tmp/out" 2>"$tmp/err"
	check "${f%%:*}: exit 1" $? 1
	check_grep "${f%%:*}: the offset where the bad record or block starts" \
		"^scrapewatch: $tmp/${f%%:*}: offset ${f##*:}: .*; records before it were processed$" "$tmp/err"
done

finish
