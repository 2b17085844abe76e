#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The DPDK backend against the libpcap path: every fixture capture replayed
# through a net_pcap device (no hugepages, no PCI) gives the same flow
# records, replay records (alerts) and exit status; 2 and 3 workers give
# the same flows and alerts as 1; a capture pre-filled into per-queue
# rings by the symmetric RSS hash (--dpdk-ring-file, a net_ring port)
# gives the libpcap path's flows and alerts with 1, 2 and 3 workers, on
# the labelled corpus too; a campaign whose members reach different
# workers (shown by a model of both shardings, tests/lib/shard_model.py)
# alerts as with one pipeline: the workers' detector events are merged
# into one detector; SIGTERM flushes and leaves no DPDK files behind; bad
# EAL arguments, unknown drivers and missing ports exit 2 with a message.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
LABEL=dpdk
SW=build/scrapewatch
EAL="--no-huge --no-pci"
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
dpdk() { # subcommand file [options...]: through a net_pcap device
	local cmd=$1 file=$2
	shift 2
	$SW "$cmd" --capture dpdk "$@" \
		--dpdk-args "$EAL --vdev net_pcap0,rx_pcap=$file"
}
# Records sorted, statistics aside. With "us", durations are left out:
# net_pcap reads files at microsecond resolution (libpcap's
# pcap_open_offline), so nanosecond captures give durations that differ
# below the microsecond; start and end are printed in microseconds.
norm() {
	/usr/bin/python3 -c '
import json, sys
out = []
for l in sys.stdin:
    r = json.loads(l)
    ev = r.get("event", {})
    if ev.get("dataset") == "scrapewatch.stats":
        continue
    if len(sys.argv) > 1:
        ev.pop("duration", None)
    out.append(json.dumps(r, sort_keys=True))
print("\n".join(sorted(out)))' "$@"
}
dpdk_files() { ls /var/run/dpdk 2>/dev/null; ls /dev/hugepages 2>/dev/null; }

$SW flows --capture dpdk --dpdk-args "$EAL" >/dev/null 2>"$tmp/err"
if grep -q "not compiled in" "$tmp/err"; then
	echo "SKIP: this build has no DPDK support"
	exit 77
fi
dpdk_files >"$tmp/files.before"

# Captures holding frames cut by a snap length (truncated_frames, the
# head-only corpus recordings): net_pcap passes the captured length only,
# so the decoder cannot tell them from whole frames, and their IP lengths
# look wrong. A NIC never delivers such frames. Classic pcap is checked.
has_cut_frames() {
	/usr/bin/python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    hdr = f.read(24)
    if len(hdr) < 24 or hdr[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                                         b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        sys.exit(1)
    e = "<" if hdr[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    while True:
        rec = f.read(16)
        if len(rec) < 16:
            sys.exit(1)
        _, _, incl, orig = struct.unpack(e + "IIII", rec)
        if incl < orig:
            sys.exit(0)
        f.seek(incl, 1)
PY
}

# Every fixture, both paths.
n=0
for f in $(find tests/fixtures -name '*.pcap' -o -name '*.pcapng' | sort); do
	if has_cut_frames "$f"; then
		echo "note: $f has frames cut by a snap length; not compared"
		continue
	fi
	if [ "$(SW_PCAP_READER=libpcap $SW flows "$f" 2>/dev/null | grep -c .)" = 0 ] &&
		[ "$($SW flows "$f" 2>/dev/null | grep -c .)" != 0 ]; then
		# net_pcap reads through libpcap, which refuses some files
		# scrapewatch's own reader takes (pcapng with interfaces of
		# different link types).
		echo "note: $f is not readable by libpcap (net_pcap); not compared"
		continue
	fi
	$SW flows "$f" >"$tmp/ref.json" 2>/dev/null
	rc_ref=$?
	dpdk flows "$f" >"$tmp/dpdk.json" 2>"$tmp/dpdk.err"
	rc=$?
	check "$f: exit status" "$rc" "$rc_ref"
	res=
	case $f in *nsec* | *.pcapng) res=us ;; esac
	norm $res <"$tmp/ref.json" >"$tmp/ref.n"
	norm $res <"$tmp/dpdk.json" >"$tmp/dpdk.n"
	if cmp -s "$tmp/ref.n" "$tmp/dpdk.n"; then
		check "$f: same $(grep -c . "$tmp/ref.n") flow records" same same
	else
		check "$f: same flow records" \
			"$(diff "$tmp/ref.n" "$tmp/dpdk.n" | head -c 600)" ""
	fi
	n=$((n + 1))
done

# replay: every record but the statistics (the alerts), on the captures
# of real clients and a generated one with many.
build/sw_pcapgen bench --packets 20000 --concurrency 64 \
	--out "$tmp/many.pcap" >/dev/null
for f in tests/fixtures/real/real.pcap tests/fixtures/tls/tls.pcap \
	tests/fixtures/tcpsig/linux-real.pcap "$tmp/many.pcap"; do
	$SW replay "$f" 2>/dev/null | norm >"$tmp/ref.r"
	dpdk replay "$f" 2>/dev/null | norm >"$tmp/dpdk.r"
	check "${f##*/}: same replay records ($(grep -c . "$tmp/ref.r"))" \
		"$(diff "$tmp/ref.r" "$tmp/dpdk.r" | head -c 600)" ""
done
[ "$n" -ge 30 ] && ok=yes || ok=no
check "fixtures compared ($n)" $ok yes

# The statistics record counts the same traffic, plus the port's own.
REAL=tests/fixtures/real/real.pcap
$SW replay "$REAL" >"$tmp/ref.stats"
dpdk replay "$REAL" >"$tmp/dpdk.stats"
stats_sig() {
	/usr/bin/python3 -c '
import json, sys
s = json.loads(sys.stdin.readlines()[-1])["scrapewatch"]["stats"]
print(s["packets"], s["bytes"], s["decoded"], s["skipped"],
      s["decode_errors"], s["flows"]["created"], s["heads"])'
}
check "replay stats: same counts" "$(stats_sig <"$tmp/dpdk.stats")" \
	"$(stats_sig <"$tmp/ref.stats")"
check "replay stats: port counters" "$(/usr/bin/python3 -c '
import json, sys
c = json.loads(sys.stdin.readlines()[-1])["scrapewatch"]["stats"]["capture"]
print(c["backend"], c["workers"], c["port"]["packets"], c["port"]["missed"],
      c["queues"][0]["packets"])' <"$tmp/dpdk.stats")" "dpdk 1 1174 0 1174"

# The statistics record of a DPDK run follows the schema.
schema_check() { # file
	/usr/bin/python3 -c '
import json, sys, jsonschema
schema = json.load(open("docs/schema/stats.schema.json"))
rec = json.loads(open(sys.argv[1]).readlines()[-1])
errs = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(rec)]
print("; ".join(errs)[:600])' "$1"
}
check "replay stats: schema" "$(schema_check "$tmp/dpdk.stats")" ""

# Workers: many clients, sharded in software (net_pcap has no RSS).
$SW flows "$tmp/many.pcap" | norm >"$tmp/w0.n"
for w in 1 2 3; do
	dpdk flows "$tmp/many.pcap" --workers $w | norm >"$tmp/w$w.n"
	check "$w worker(s): same flows as libpcap ($(grep -c . "$tmp/w0.n"))" \
		"$(cmp -s "$tmp/w0.n" "$tmp/w$w.n" && echo same)" same
done
# Alerts: the same as libpcap's, whole, with one worker; with more, the
# same alerts (time, action, rule, clients, score): one detector merges
# the workers' events in packet-time order. Their observed figures may
# differ a little: each worker's flow table ends idle flows on its own
# sweep (docs/capture.md).
alert_sig() {
	/usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["event"].get("kind") == "alert":
        print(r["@timestamp"], r["event"]["action"], r["rule"]["id"],
              r.get("source", {}).get("ip"), r["related"]["ip"],
              r["event"].get("risk_score"))' | sort
}
$SW replay "$tmp/many.pcap" | alert_sig >"$tmp/a0"
[ -s "$tmp/a0" ] && ok=yes || ok=no
check "the many-client capture raises alerts ($(grep -c . "$tmp/a0"))" $ok yes
for w in 2 3; do
	dpdk replay "$tmp/many.pcap" --workers $w 2>/dev/null |
		alert_sig >"$tmp/a$w"
	check "$w workers: the same alerts as libpcap" \
		"$(diff "$tmp/a0" "$tmp/a$w" | head -c 600)" ""
done

# From a final stats record: sharding, queues, every queue busy, the
# queues' packets summing to the record's and the port's, every flow ended.
queues_summary() { # stats file
	/usr/bin/python3 -c '
import json, sys
s = json.loads(sys.stdin.readlines()[-1])["scrapewatch"]["stats"]
c = s["capture"]
q = [x["packets"] for x in c["queues"]]
print(c["sharding"], len(q), min(q) > 0, sum(q) == s["packets"] ==
      c["port"]["packets"], s["flows"]["created"] == s["flows"]["ended"])
' <"$1"
}

dpdk replay "$tmp/many.pcap" --workers 2 >"$tmp/w2.stats"
check "2 workers: software sharding, both workers busy, sums agree" \
	"$(queues_summary "$tmp/w2.stats")" "software 2 True True True"
check "2 workers: stats schema" "$(schema_check "$tmp/w2.stats")" ""

# Pre-filled rings (--dpdk-ring-file): the frames in mbufs before the
# workers start, each on the queue RSS would pick; packet time at the
# file's resolution, so records match libpcap's whole.
ring() { # subcommand file [options...]
	local cmd=$1 file=$2
	shift 2
	$SW "$cmd" --capture dpdk --dpdk-ring-file "$file" "$@" \
		--dpdk-args "$EAL -m 256"
}
for f in "$REAL" tests/fixtures/tls/tls.pcap "$tmp/many.pcap"; do
	$SW flows "$f" >"$tmp/ref.json" 2>/dev/null
	ring flows "$f" >"$tmp/ring.json" 2>"$tmp/ring.err"
	check "ring, ${f##*/}: the same flow records, in order ($(grep -c . "$tmp/ref.json"))" \
		"$(diff "$tmp/ref.json" "$tmp/ring.json" | head -c 600)" ""
done
check_grep "ring: says what it loaded" \
	"many.pcap: 20000 frames loaded into mbufs on 1 ring" "$tmp/ring.err"
check_grep "ring: reports the pipeline's time" \
	"pipeline: 20000 packets, 1 worker\(s\), [0-9.]+ s wall" "$tmp/ring.err"
for w in 2 3; do
	ring flows "$tmp/many.pcap" --workers $w | norm >"$tmp/rw$w.n"
	check "ring, $w workers: same flows as libpcap" \
		"$(cmp -s "$tmp/w0.n" "$tmp/rw$w.n" && echo same)" same
	# RSS hashes the address pair, not the client: a client of several
	# servers is split over queues (14 of the 73 addresses here, the
	# scrapers among them). The one detector sees all of each client.
	ring replay "$tmp/many.pcap" --workers $w 2>/dev/null |
		alert_sig >"$tmp/ra$w"
	check "ring, $w workers: the same alerts as libpcap ($(grep -c . "$tmp/a0"))" \
		"$(diff "$tmp/a0" "$tmp/ra$w" | head -c 600)" ""
done
ring replay "$tmp/many.pcap" 2>/dev/null | alert_sig >"$tmp/ra1"
check "ring, 1 worker: the same alerts as libpcap" \
	"$(diff "$tmp/a0" "$tmp/ra1" | head -c 600)" ""
ring replay "$tmp/many.pcap" --workers 2 >"$tmp/rw2.stats" 2>/dev/null
check "ring, 2 workers: RSS queues, both busy, sums agree" \
	"$(queues_summary "$tmp/rw2.stats")" "rss 2 True True True"
check "ring, 2 workers: stats schema" "$(schema_check "$tmp/rw2.stats")" ""
check "ring, 2 workers: one detector merged both workers' events, none lost" \
	"$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.readlines()[-1])["scrapewatch"]["stats"]["detect"]
m = d["merge"]
print(m["workers"], m["records"] > 0, m["dropped"]["queue_full"])
' <"$tmp/rw2.stats")" "2 True 0"

# The labelled corpus (real tools, frames cut at a snap length: pre-filled
# rings keep the file's wire length, so they decode as through libpcap).
for c in a b; do
	f=tests/fixtures/corpus/$c/corpus.pcap
	$SW flows "$f" >"$tmp/cf0" 2>/dev/null
	ring flows "$f" >"$tmp/cf1" 2>/dev/null
	check "ring, corpus $c: the same flow records, in order ($(grep -c . "$tmp/cf0"))" \
		"$(diff "$tmp/cf0" "$tmp/cf1" | head -c 600)" ""
	$SW replay "$f" 2>/dev/null | alert_sig >"$tmp/ca0"
	for w in 1 2 3; do
		ring replay "$f" --workers $w 2>/dev/null | alert_sig >"$tmp/ca$w"
		check "ring, corpus $c, $w worker(s): the same alerts as libpcap ($(grep -c . "$tmp/ca0"))" \
			"$(diff "$tmp/ca0" "$tmp/ca$w" | head -c 600)" ""
	done
done

# A campaign split over workers: ten addresses of one /24 harvesting
# together (sw_scengen's distributed scraper), each talking to the one
# server. RSS (pre-filled rings) and software sharding (net_pcap) both
# put them on several workers; campaigns are aggregated by the one
# detector, so the campaign alerts are libpcap's.
build/sw_scengen mix --only distributed --seed 1 --minutes 8 \
	--out "$tmp/camp.pcap" --labels "$tmp/camp.csv"
$SW replay "$tmp/camp.pcap" 2>/dev/null | alert_sig >"$tmp/k0"
check "campaign capture: libpcap raises campaign alerts" \
	"$(grep -cE ' SW-S00[23] ' "$tmp/k0" | awk '{ print ($1 > 0) }')" 1
# split WORKERS MODE OUTPUT: did the members of a campaign alert in
# OUTPUT (the run's records, its stats last) reach different workers by
# the model, and does the model match the run's own per-worker counts?
split() {
	/usr/bin/python3 tests/lib/shard_model.py "$tmp/camp.pcap" "$1" "$2" |
		/usr/bin/python3 -c '
import json, sys
model = json.load(sys.stdin)
lines = open(sys.argv[1]).readlines()
s = json.loads(lines[-1])["scrapewatch"]["stats"]
ran = [q["packets"] for q in s["capture"]["queues"]]
split = []
for l in lines[:-1]:
    r = json.loads(l)
    if r["event"].get("kind") != "alert" or r["rule"]["id"] == "SW-S001":
        continue
    workers = set()
    for ip in r["related"]["ip"]:
        workers |= set(model["ip"].get(ip, []))
    split.append(len(workers) > 1)
print("model matches the run:", model["queues"] == ran,
      "; campaign alerts with members on several workers:",
      "yes" if any(split) else "no")' "$3"
}
for w in 1 2 3; do
	ring replay "$tmp/camp.pcap" --workers $w 2>/dev/null >"$tmp/kr$w.all"
	alert_sig <"$tmp/kr$w.all" >"$tmp/kr$w"
	check "campaign capture, ring, $w worker(s): the same alerts as libpcap ($(grep -c . "$tmp/k0"))" \
		"$(diff "$tmp/k0" "$tmp/kr$w" | head -c 600)" ""
done
for w in 2 3; do
	dpdk replay "$tmp/camp.pcap" --workers $w 2>/dev/null >"$tmp/ks$w.all"
	alert_sig <"$tmp/ks$w.all" >"$tmp/ks$w"
	check "campaign capture, software sharding, $w workers: the same alerts as libpcap" \
		"$(diff "$tmp/k0" "$tmp/ks$w" | head -c 600)" ""
	check "campaign capture, ring, $w workers: members split over workers" \
		"$(split $w rss "$tmp/kr$w.all")" \
		"model matches the run: True ; campaign alerts with members on several workers: yes"
	check "campaign capture, software sharding, $w workers: members split over workers" \
		"$(split $w software "$tmp/ks$w.all")" \
		"model matches the run: True ; campaign alerts with members on several workers: yes"
done

# SIGTERM: an endless device (infinite_rx), stopped; records flushed.
$SW replay --capture dpdk --workers 2 \
	--dpdk-args "$EAL --vdev net_pcap0,rx_pcap=$REAL,infinite_rx=1" \
	>"$tmp/term.json" 2>"$tmp/term.err" &
pid=$!
# EAL is up once the worker lcore's thread exists; then let it read.
for _ in $(seq 200); do
	[ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.05
done
sleep 0.5
kill -TERM $pid
wait $pid
check "SIGTERM: exit 0" $? 0
pid=
check_grep "SIGTERM: says it flushed" "interrupted" "$tmp/term.err"
check_grep "SIGTERM: statistics record written" '"backend":"dpdk"' \
	"$tmp/term.json"
dpdk_files >"$tmp/files.after"
check "no /var/run/dpdk or hugepage files left" \
	"$(diff "$tmp/files.before" "$tmp/files.after")" ""

# Bad input: exit 2, a message that says what.
bad() { # name pattern args...
	local name=$1 pat=$2
	shift 2
	$SW replay --capture dpdk "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
	check "$name: exit 2" $? 2
	check_grep "$name: message" "$pat" "$tmp/bad.err"
	check "$name: nothing on stdout" "$(wc -c <"$tmp/bad.out")" 0
}
bad "unknown PMD" "EAL init .* failed" --dpdk-args "$EAL --vdev net_bogus0"
bad "bad EAL arguments" "EAL init .* failed" --dpdk-args "$EAL --frobnicate"
bad "no ports" "found no ports" --dpdk-args "$EAL"
bad "device fails to probe" "could not start the --vdev" \
	--dpdk-args "$EAL --vdev net_af_packet0,iface=swdpnone0"
bad "missing rx_pcap file" "nope.pcap: No such file" \
	--dpdk-args "$EAL --vdev net_pcap0,rx_pcap=$tmp/nope.pcap"
bad "more workers than lcores" "needs 2 DPDK lcores" --workers 2 \
	--dpdk-args "-l 0 $EAL --vdev net_pcap0,rx_pcap=$REAL"
bad "pool too small" "--mbufs 100: at least" --mbufs 100 \
	--dpdk-args "$EAL --vdev net_pcap0,rx_pcap=$REAL"
bad "files with --capture dpdk" "reads no files" "$REAL" \
	--dpdk-args "$EAL --vdev net_pcap0,rx_pcap=$REAL"
bad "missing ring file" "nope.pcap: No such file" \
	--dpdk-ring-file "$tmp/nope.pcap" --dpdk-args "$EAL"
$SW flows --dpdk-ring-file "$REAL" "$REAL" >"$tmp/bad.out" 2>"$tmp/bad.err"
check "ring file without --capture dpdk: exit 2" $? 2
check_grep "ring file without --capture dpdk: message" \
	"goes with --capture dpdk" "$tmp/bad.err"
# live takes its backend from live.capture in the config file, the
# command line's --capture overriding it: with `capture: dpdk` and only
# --dpdk-args given, live runs the DPDK backend (a file device ends the
# run at its end) and writes what replay --capture dpdk writes, its stats
# record naming the dpdk backend.
printf 'live:\n  capture: dpdk\n' >"$tmp/live-dpdk.yaml"
timeout 60 $SW live --config "$tmp/live-dpdk.yaml" \
	--dpdk-args "$EAL --vdev net_pcap0,rx_pcap=$REAL" \
	>"$tmp/live-cfg.json" 2>"$tmp/live-cfg.err"
check "live.capture dpdk: exit 0" $? 0
check "live.capture dpdk: stats record of the dpdk backend" \
	"$(grep '"dataset":"scrapewatch.stats"' "$tmp/live-cfg.json" |
		/usr/bin/python3 -c 'import json,sys
print(json.loads(sys.stdin.read())["scrapewatch"]["stats"]["capture"]["backend"])')" dpdk
dpdk replay "$REAL" >"$tmp/live-ref.json" 2>/dev/null
check "live.capture dpdk: the records of replay --capture dpdk" \
	"$(norm <"$tmp/live-cfg.json" | md5sum)" "$(norm <"$tmp/live-ref.json" | md5sum)"
$SW live --config "$tmp/live-dpdk.yaml" --capture pcap \
	--dpdk-args "$EAL" >"$tmp/bad.out" 2>"$tmp/bad.err"
check "live.capture dpdk, --capture pcap: the flag wins (exit 2)" $? 2
check_grep "live.capture dpdk, --capture pcap: pcap asks for an interface" \
	"give --interface IF" "$tmp/bad.err"
printf 'live:\n  capture: afxdp\n' >"$tmp/live-afxdp.yaml"
$SW live --config "$tmp/live-afxdp.yaml" >"$tmp/bad.out" 2>"$tmp/bad.err"
check "live.capture afxdp without an interface: exit 2" $? 2
check_grep "live.capture afxdp without an interface: message" \
	"--capture afxdp needs --interface IF" "$tmp/bad.err"
dpdk_files >"$tmp/files.after"
check "no DPDK files left after the failures" \
	"$(diff "$tmp/files.before" "$tmp/files.after")" ""

finish
