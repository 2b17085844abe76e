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

if [ "${BENCH_ONLY:-}" = xdp ]; then
	build/sw_bench_xdp "${BENCH_XDP_REPEAT:-1000000}"
	exit
fi

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

# one_run NAME CMD...: appends "seconds user sys maxrss_kb" to $dir/NAME.times.
one_run() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$dir/$name.one" "$@" >/dev/null 2>&1
	cat "$dir/$name.one" >>"$dir/$name.times"
}

# The contenders take turns run by run, so a burst of load on a shared
# machine lands on all of them rather than on whichever ran then.
for name in baseline flows noheads replay; do : >"$dir/$name.times"; done
for _ in $(seq "$RUNS"); do
	one_run baseline tcpdump -r "$cap" -w /dev/null
	one_run flows build/scrapewatch flows -q "$cap"
	one_run noheads build/scrapewatch flows -q --no-fingerprints "$cap"
	one_run replay build/scrapewatch replay -q "$cap"
done
build/scrapewatch replay -q "$cap" >"$dir/stats.json"

python3 - "$dir" "$npkts" "$RUNS" <<'PY'
import json, statistics, sys
d, n, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(name):
    rows = [l.split() for l in open(f"{d}/{name}.times") if l.strip()]
    return ([float(r[0]) for r in rows], [float(r[1]) + float(r[2]) for r in rows],
            [int(r[3]) for r in rows])
bt, _, _ = load("baseline")
ft, fcpu, frss = load("flows")
nt, ncpu, _ = load("noheads")
st = json.load(open(f"{d}/stats.json"))["scrapewatch"]["stats"]["flows"]
b, f, nh = statistics.median(bt), statistics.median(ft), statistics.median(nt)
print(f"bench: medians of {runs} runs, contenders taking turns")
print(f"  raw read (tcpdump -r -w /dev/null): {b:7.3f} s  {n/b/1e6:6.2f} Mpps  {b/n*1e9:6.1f} ns/pkt")
print(f"  flows --no-fingerprints:            {nh:7.3f} s  {n/nh/1e6:6.2f} Mpps  {nh/n*1e9:6.1f} ns/pkt")
print(f"  scrapewatch flows (with heads):     {f:7.3f} s  {n/f/1e6:6.2f} Mpps  {f/n*1e9:6.1f} ns/pkt")
ratio = b / f
print(f"  ratio flows/raw packet rate: {ratio:.2f}x (target >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})")
rt, _, _ = load("replay")
r = statistics.median(rt)
print(f"  replay (detection on):              {r:7.3f} s  {n/r/1e6:6.2f} Mpps  {r/n*1e9:6.1f} ns/pkt")
print(f"  ratio replay/raw packet rate: {b/r:.2f}x (target >= 0.70: {'met' if b/r >= 0.7 else 'NOT met'})")
cost = f / nh - 1
cpu_cost = statistics.median(fcpu) / statistics.median(ncpu) - 1
print(f"  heads stage cost: {cost*100:+.1f}% wall over flows-only "
      f"(target <= +15%: {'met' if cost <= 0.15 else 'NOT met'}); "
      f"{cpu_cost*100:+.1f}% CPU time (user+sys)")
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
print('    (repeatable where seconds are not; includes OpenSSL loading its provider once, about 9 M)')
"
build/sw_bench_tls
scripts/bench-sinks.sh

# XDP section: the kernel program per packet against a bare XDP_PASS
# program, through BPF_PROG_TEST_RUN, and heads/s through its ring buffer.
# Alone: BENCH_ONLY=xdp scripts/bench.sh (needs root or CAP_BPF).
build/sw_bench_xdp "${BENCH_XDP_REPEAT:-1000000}" || echo "  bench xdp: skipped (cannot load BPF here)"

# Kernel-bypass capture (DPDK from pre-filled net_ring queues and from
# net_pcap, 1 and 2 workers) against libpcap.
scripts/bench-capture.sh "$cap" "$npkts" "$RUNS"
