#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Part of make bench: the kernel-bypass capture path against the libpcap
# path, on the same capture in the same run. DPDK reads the file through a
# net_pcap device (no hugepages), with 1 and with 2 workers (sharded in
# software: net_pcap has no RSS). EAL start-up (loading every PMD of the
# distribution, building the mbuf pool) is timed on an empty capture and
# shown apart. Reports medians of wall time and of CPU time (user + system)
# per packet: CPU per packet is the per-core figure, wall time the one
# that shows scaling when free cores exist. Figures only.
#
# Usage: scripts/bench-capture.sh CAPTURE PACKETS [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
cap=$1
npkts=$2
runs=${3:-5}
dir=build/bench
SW=build/scrapewatch
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
print(f"bench: capture backends, medians of {runs} interleaved runs "
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
print(f"  DPDK per core against libpcap (cpu per packet): {r1:.2f}x "
      f"(target >= 1.00: {'met' if r1 >= 1.0 else 'NOT met'})")
s = res[1][0] / res[2][0]
print(f"  2 workers against 1 (net wall time): {s:.2f}x "
      f"(target >= 1.60 with 2 free cores: {'met' if s >= 1.6 else 'NOT met'}"
      f"{'' if float(load) < 1 else '; the cores were not free'})")
PY
rm -f "$dir"/start?.all "$dir"/dpdk?.all "$dir"/libpcap.all
