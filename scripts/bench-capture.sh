#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Part of make bench: the kernel-bypass capture path against the libpcap
# path, on the same capture in the same run. Two ways in, no hugepages:
#
#  1. net_ring, pre-filled (--dpdk-ring-file), once with `flows` (no
#     detector) and once with `replay` (the detector too: with 2 workers
#     one detector, fed by the merge of their events): a capture of
#     BENCH_RING_PACKETS packets (default 1000000; about 2 kB of memory
#     each) is loaded into mbufs before the clock starts, on one ring per
#     worker, each frame on the queue a NIC's RSS would pick (symmetric
#     Toeplitz over the addresses). scrapewatch reports the pipeline's own
#     wall and CPU time, and each worker's CPU. This is the NIC case: the
#     frames are in memory, each worker owns its queue and its shard.
#     Against libpcap reading the same file (net of its start-up, timed on
#     an empty capture).
#  2. net_pcap (rx_pcap=CAPTURE): the file read by the PMD, which copies
#     each frame into an mbuf; 1 and 2 workers (sharded in software:
#     net_pcap has one queue). EAL start-up is timed on an empty capture
#     and taken off.
#
# Medians of interleaved runs, of wall time and of CPU time (user +
# system) per packet: CPU per packet is the per-core figure, wall time
# the one that shows scaling when free cores exist. Figures only.
#
# Usage: scripts/bench-capture.sh CAPTURE PACKETS [RUNS]
# BENCH_RING_CMDS="flows replay" (the default) picks the commands of part
# 1; BENCH_NET_PCAP=0 skips part 2; BENCH_SW=BINARY times another build.
set -euo pipefail
cd "$(dirname "$0")/.."
cap=$1
npkts=$2
runs=${3:-5}
dir=build/bench
SW=${BENCH_SW:-build/scrapewatch}
mkdir -p "$dir"

if $SW flows --capture dpdk --dpdk-args "--no-huge" 2>&1 >/dev/null |
	grep -q "not compiled in"; then
	echo "bench: DPDK: not compiled in, skipped"
	exit 0
fi
empty=$dir/empty.pcap
# A pcap header and no records (link type Ethernet).
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$empty"

eal() { echo "--no-huge --no-pci --vdev net_pcap0,rx_pcap=$1"; }

# 1. Pre-filled net_ring.
rpk=${BENCH_RING_PACKETS:-1000000}
rcap=$dir/bench-$rpk.pcap
if [ ! -s "$rcap" ]; then
	echo "bench: generating $rcap ($rpk packets)..."
	build/sw_pcapgen bench --packets "$rpk" --out "$rcap.tmp"
	mv "$rcap.tmp" "$rcap"
fi
cat "$rcap" >/dev/null
# EAL's memory holds the rings (the mbufs are in transparent huge pages
# of scrapewatch's own, about 2 kB a frame here).
mem=$((rpk * 24 / 1000000 + 128))
# ring_bench CMD: pre-filled rings against libpcap, both running CMD
# (flows: no detector; replay: the detector too, merged over workers).
ring_bench() {
local cmd=$1 load0
load0=$(cut -d' ' -f1 /proc/loadavg)
for name in rstart rlibpcap ring1 ring2; do : >"$dir/$name.all"; done
for _ in $(seq "$runs"); do
	/usr/bin/time -f "%e %U %S" -o "$dir/one" $SW "$cmd" -q "$empty" >/dev/null 2>&1
	awk '{ print $1, $2 + $3 }' "$dir/one" >>"$dir/rstart.all"
	/usr/bin/time -f "%e %U %S" -o "$dir/one" $SW "$cmd" -q "$rcap" >/dev/null 2>&1
	awk '{ print $1, $2 + $3 }' "$dir/one" >>"$dir/rlibpcap.all"
	for w in 1 2; do
		# "pipeline: N packets, W worker(s), X s wall, Y s CPU;
		# workers' CPU: a b[; merge CPU: m]" -> "X Y m | a b"
		$SW "$cmd" --workers $w --capture dpdk --dpdk-ring-file "$rcap" \
			--dpdk-args "--no-huge -m $mem --no-pci" 2>&1 >/dev/null |
			sed -nE "s/.*pipeline: [0-9]+ packets, [0-9]+ worker\(s\), ([0-9.]+) s wall, ([0-9.]+) s CPU; workers' CPU:([0-9. ]*)(; merge CPU: ([0-9.]+))?$/\1 \2 \5 |\3/p" \
				>>"$dir/ring$w.all"
	done
done
python3 - "$dir" "$rpk" "$runs" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$rcap" "$cmd" "$load0" <<'PY'
import statistics, sys
d, n, runs, ncpu, load, cap, cmd, load0 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8]
def rows(name):
    # "wall cpu [merge] | worker worker...": [wall, cpu, merge, busiest,
    # workers' sum] (plain "wall cpu" for the libpcap runs)
    out = []
    for l in open(f"{d}/{name}.all"):
        if not l.strip():
            continue
        head, _, tail = l.partition("|")
        h = [float(x) for x in head.split()]
        if tail:
            ws = [float(x) for x in tail.split()]
            h = h[:2] + [h[2] if len(h) > 2 else 0.0, max(ws), sum(ws)]
        out.append(h)
    return out
def med(name, i):
    return statistics.median(r[i] for r in rows(name))
if len(rows("ring1")) == 0 or len(rows("ring2")) == 0:
    print("bench: DPDK net_ring: no figures (did EAL get its memory?)")
    sys.exit(0)
lw, lc = med("rlibpcap", 0) - med("rstart", 0), med("rlibpcap", 1) - med("rstart", 1)
print(f"bench: DPDK pre-filled net_ring against libpcap, `{cmd}`, {cap} ({n} packets in mbufs "
      f"before the clock, queues by symmetric RSS), medians of {runs} interleaved runs "
      f"({ncpu} CPUs, load average {load0} at the start, {load} at the end)")
print(f"  libpcap file (net of start-up): wall {lw:7.3f} s  {n/lw/1e6:5.2f} Mpps   cpu {lc/n*1e9:6.1f} ns/pkt")
res = {}
for w in (1, 2):
    ww, wc = med(f"ring{w}", 0), med(f"ring{w}", 1)
    # The busiest worker's share of the workers' CPU, per run; the merge
    # thread's CPU (several workers with the detector on).
    share = statistics.median(r[3] / r[4] if r[4] > 0 else 1.0
                              for r in rows(f"ring{w}"))
    merge = med(f"ring{w}", 2)
    # The wall time two free cores would need, at least: the busiest
    # thread's CPU, or half of all the CPU.
    floor = statistics.median(max(r[3], r[2], r[1] / 2) for r in rows(f"ring{w}"))
    res[w] = (ww, wc, share, floor)
    print(f"  net_ring, {w} worker{'s' if w > 1 else ' '}:            wall {ww:7.3f} s  "
          f"{n/ww/1e6:5.2f} Mpps   cpu {wc/n*1e9:6.1f} ns/pkt"
          + (f"  (busiest worker {share*100:.0f}% of the workers' CPU"
             + (f"; merge thread {merge/n*1e9:.1f} ns/pkt" if merge > 0 else "") + ")"
             if w > 1 else ""))
r1 = lc / res[1][1]
print(f"  DPDK net_ring per core against libpcap (cpu per packet): {r1:.2f}x "
      f"(target >= 1.00: {'met' if r1 >= 1.0 else 'NOT met'})")
s = res[1][0] / res[2][0]
print(f"  2 workers against 1, net_ring (pipeline wall time): {s:.2f}x "
      f"(target >= 1.60 with 2 free cores: {'met' if s >= 1.6 else 'NOT met'}"
      f"{'' if float(load) < 1 else '; the cores were not free'})")
est = res[1][1] / res[2][3]
print(f"  2 workers against 1 if both cores were free, estimated from CPU "
      f"(1 worker's CPU / max(busiest thread's CPU, half of all the CPU) with 2): {est:.2f}x")
PY
rm -f "$dir"/rstart.all "$dir"/rlibpcap.all "$dir"/ring?.all "$dir/one"
}
for cmd in ${BENCH_RING_CMDS:-flows replay}; do
	ring_bench "$cmd"
done
[ "${BENCH_NET_PCAP:-1}" = 1 ] || exit 0

# 2. net_pcap.
# runs NAME CMD...: "wall cpu" per run into $dir/NAME.cap
runs() {
	local name=$1
	shift
	: >"$dir/$name.cap"
	for _ in $(seq "$runs"); do
		/usr/bin/time -f "%e %U %S" -o "$dir/$name.one" "$@" >/dev/null 2>&1
		awk '{ print $1, $2 + $3 }' "$dir/$name.one" >>"$dir/$name.cap"
	done
}
# Interleaved, so that a neighbour's load hits every contender alike.
for _ in $(seq "$runs"); do
	runs_saved=$runs
	runs=1
	for w in 1 2; do
		runs "start$w" $SW flows --workers $w --capture dpdk \
			--dpdk-args "$(eal "$empty")"
		cat "$dir/start$w.cap" >>"$dir/start$w.all"
		runs "dpdk$w" $SW flows --workers $w --capture dpdk \
			--dpdk-args "$(eal "$cap")"
		cat "$dir/dpdk$w.cap" >>"$dir/dpdk$w.all"
	done
	runs libpcap $SW flows -q "$cap"
	cat "$dir/libpcap.cap" >>"$dir/libpcap.all"
	runs=$runs_saved
done

python3 - "$dir" "$npkts" "$runs" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import statistics, sys
d, n, runs, ncpu, load = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def med(name):
    rows = [l.split() for l in open(f"{d}/{name}.all") if l.strip()]
    return (statistics.median(float(r[0]) for r in rows),
            statistics.median(float(r[1]) for r in rows))
lw, lc = med("libpcap")
print(f"bench: DPDK net_pcap against libpcap, medians of {runs} interleaved runs "
      f"({ncpu} CPUs, load average {load} at the end)")
print(f"  libpcap file:        wall {lw:7.3f} s  {n/lw/1e6:5.2f} Mpps   cpu {lc/n*1e9:6.1f} ns/pkt")
res = {}
for w in (1, 2):
    sw, sc = med(f"start{w}")
    dw, dc = med(f"dpdk{w}")
    nw, nc = max(dw - sw, 1e-9), max(dc - sc, 1e-9)
    res[w] = (nw, nc)
    print(f"  DPDK net_pcap, {w} worker{'s' if w > 1 else ' '}: wall {dw:7.3f} s "
          f"(EAL start {sw:.2f} s; net {nw:7.3f} s  {n/nw/1e6:5.2f} Mpps)   "
          f"cpu {nc/n*1e9:6.1f} ns/pkt net")
r1 = lc / res[1][1]
print(f"  DPDK net_pcap per core against libpcap (cpu per packet): {r1:.2f}x "
      f"(net_pcap reads the file with libpcap, then copies each frame)")
s = res[1][0] / res[2][0]
print(f"  2 workers against 1, net_pcap (net wall time): {s:.2f}x "
      f"(one reader shards in software; load average {load})")
PY
rm -f "$dir"/start?.all "$dir"/dpdk?.all "$dir"/libpcap.all
