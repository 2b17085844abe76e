#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# make bench: generate a large capture of mixed traffic (not committed),
# then time `scrapewatch flows` against the raw libpcap read
# (`tcpdump -r FILE -w /dev/null`) in the same run, and report medians:
# Mpps, ns/packet, the ratio to the baseline, peak RSS and bytes per flow.
# Then the capture backends (scripts/bench-capture.sh). Figures only:
# nothing here passes or fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKETS=${BENCH_PACKETS:-5000000}
RUNS=${BENCH_RUNS:-5}
dir=build/bench
cap=$dir/bench-$PACKETS.pcap
mkdir -p "$dir"

if [ ! -s "$cap" ]; then
	echo "bench: generating $cap ($PACKETS packets)..."
	build/sw_pcapgen bench --packets "$PACKETS" --out "$cap.tmp"
	mv "$cap.tmp" "$cap"
fi
cat "$cap" >/dev/null # warm the page cache for both contenders
npkts=$(build/scrapewatch replay -q "$cap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["scrapewatch"]["stats"]["packets"])')
echo "bench: $cap: $npkts packets, $(($(stat -c %s "$cap") / 1000000)) MB"

# time_runs NAME CMD...: prints "seconds maxrss_kb" per run into $dir/NAME.
time_runs() {
	local name=$1
	shift
	: >"$dir/$name.times"
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %M" -o "$dir/$name.one" "$@" >/dev/null 2>&1
		cat "$dir/$name.one" >>"$dir/$name.times"
	done
}

time_runs baseline tcpdump -r "$cap" -w /dev/null
time_runs flows build/scrapewatch flows -q "$cap"
time_runs noheads build/scrapewatch flows -q --no-fingerprints "$cap"
build/scrapewatch replay -q "$cap" >"$dir/stats.json"

python3 - "$dir" "$npkts" "$RUNS" <<'PY'
import json, statistics, sys
d, n, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(name):
    rows = [l.split() for l in open(f"{d}/{name}.times") if l.strip()]
    return [float(r[0]) for r in rows], [int(r[1]) for r in rows]
bt, _ = load("baseline")
ft, frss = load("flows")
nt, _ = load("noheads")
st = json.load(open(f"{d}/stats.json"))["scrapewatch"]["stats"]["flows"]
b, f, nh = statistics.median(bt), statistics.median(ft), statistics.median(nt)
print(f"bench: medians of {runs} runs")
print(f"  raw read (tcpdump -r -w /dev/null): {b:7.3f} s  {n/b/1e6:6.2f} Mpps  {b/n*1e9:6.1f} ns/pkt")
print(f"  flows --no-fingerprints:            {nh:7.3f} s  {n/nh/1e6:6.2f} Mpps  {nh/n*1e9:6.1f} ns/pkt")
print(f"  scrapewatch flows (with heads):     {f:7.3f} s  {n/f/1e6:6.2f} Mpps  {f/n*1e9:6.1f} ns/pkt")
ratio = b / f
print(f"  ratio flows/raw packet rate: {ratio:.2f}x (target >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})")
cost = f / nh - 1
print(f"  heads stage cost over flows-only: {cost*100:+.1f}% (target <= +15%: {'met' if cost <= 0.15 else 'NOT met'})")
rss = statistics.median(frss) * 1024
print(f"  peak RSS: {rss/1e6:.1f} MB; flows created {st['created']}, at most {st['active_max']} at once")
print(f"  state per flow: {st['entry_bytes']} B per entry; table {st['table_bytes']/1e6:.1f} MB "
      f"for capacity {st['capacity']} = {st['table_bytes']/st['capacity']:.0f} B/flow at capacity")
PY

# Instructions are repeatable where seconds on a shared VM are not: count
# them for the heads stage on a 200k-packet capture of the same mix.
small=$dir/bench-200000.pcap
[ -s "$small" ] || build/sw_pcapgen bench --packets 200000 --out "$small"
count() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
with=$(count build/scrapewatch replay -q "$small")
without=$(count build/scrapewatch replay -q --no-fingerprints "$small")
python3 -c "
w, wo = $with, $without
print(f'  heads stage, instructions (callgrind, 200k packets): {wo/1e6:.0f} M without, {w/1e6:.0f} M with: {(w/wo-1)*100:+.0f}%')
"
build/sw_bench_tls

# Kernel-bypass capture (DPDK net_pcap, 1 and 2 workers) against libpcap.
scripts/bench-capture.sh "$cap" "$npkts" "$RUNS"
