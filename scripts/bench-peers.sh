#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# scrapewatch against its peers on the same capture files, in one run
# (`make bench-peers`; the peers come from scripts/install-deps.sh
# --bench-peers):
#   scrapewatch flows --no-fingerprints, flows, replay   (records to /dev/null)
#   tcpdump -r FILE -w /dev/null       read and write back: the I/O floor of libpcap
#   softflowd -r FILE -n 127.0.0.1:9   NetFlow export to the discard port
#   p0f -r FILE                        passive OS fingerprints
#   ndpiReader -i FILE                 (not packaged in Debian 12: skipped when absent)
#   tshark -n -r FILE -T fields -e frame.number
#                                      tshark's cheapest full read: every frame
#                                      dissected, one field printed
# and a bare walk of the file (build/sw_bench_walk: read it as scrapewatch
# does, in 256 KiB pieces into one buffer, and walk the
# records with scrapewatch's own walker, nothing else).
#
# Files (made once into build/bench-peers/, kept for the next run):
#   bench      build/sw_pcapgen bench --packets 1000000 (841-byte frames)
#   bench-s128 the same cut to 128 bytes (editcap -s 128)
#   corpus     tests/fixtures/corpus/a/corpus.pcap (50 k packets) replicated
#              20 times, each copy shifted 400 s later (editcap -t, mergecap -a)
#   sparse     bench with its time stamps rewritten byte by byte (a Python
#              loop over the records, no scapy) to spread its packets evenly
#              over one hour
# The page cache is warmed (each file read once) before timing. Each
# command runs RUNS times (default 3) after one warm-up (which is also
# stopped after LIMIT seconds, default 600, and the tool then skipped): with hyperfine
# when installed, else a loop of /usr/bin/time; printed are the median
# wall seconds, packets per second, the ratio of the wall time to
# tcpdump's on the same file, the CPU seconds (user + system) and their
# ratio to tcpdump's (steadier than wall time on a busy machine), and the
# peak RSS (/usr/bin/time -f %M). Last, per file, "flows --no-fingerprints rate /
# bare walk rate" (the target's floor is 0.5).
set -u
cd "$(dirname "$0")/.." || exit 1
SW=build/scrapewatch
WALK=build/sw_bench_walk
GEN=build/sw_pcapgen
DIR=${BENCH_PEERS_DIR:-build/bench-peers}
RUNS=${RUNS:-3}
PY=/usr/bin/python3
for t in "$SW" "$WALK" "$GEN"; do
	[ -x "$t" ] || { echo "bench-peers: no $t (make all $WALK)" >&2; exit 2; }
done
command -v editcap >/dev/null && command -v mergecap >/dev/null ||
	{ echo "bench-peers: needs editcap and mergecap (wireshark-common)" >&2; exit 2; }
mkdir -p "$DIR"
tmp=$(mktemp -d /tmp/sw-bench-peers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

make_files() {
	[ -s "$DIR/bench.pcap" ] ||
		"$GEN" bench --packets 1000000 --out "$DIR/bench.pcap" >/dev/null || exit 1
	[ -s "$DIR/bench-s128.pcap" ] ||
		editcap -s 128 "$DIR/bench.pcap" "$DIR/bench-s128.pcap" || exit 1
	if [ ! -s "$DIR/corpus.pcap" ]; then
		local i parts=()
		for i in $(seq 0 19); do
			editcap -t $((i * 400)) tests/fixtures/corpus/a/corpus.pcap \
				"$tmp/c$i.pcap" || exit 1
			parts+=("$tmp/c$i.pcap")
		done
		mergecap -a -F pcap -w "$DIR/corpus.pcap" "${parts[@]}" || exit 1
		rm -f "${parts[@]}"
	fi
	if [ ! -s "$DIR/sparse.pcap" ]; then
		cp "$DIR/bench.pcap" "$tmp/sparse.pcap" || exit 1
		$PY - "$tmp/sparse.pcap" <<'PY' || exit 1
import mmap, struct, sys
# Classic pcap, little-endian, microseconds (what sw_pcapgen writes):
# record i is stamped t0 + i * 3600 s / n.
with open(sys.argv[1], "r+b") as f:
    m = mmap.mmap(f.fileno(), 0)
    assert struct.unpack_from("<I", m, 0)[0] == 0xa1b2c3d4
    offs, off = [], 24
    while off + 16 <= len(m):
        offs.append(off)
        off += 16 + struct.unpack_from("<I", m, off + 8)[0]
    t0 = struct.unpack_from("<I", m, 24)[0]
    n = len(offs)
    for i, o in enumerate(offs):
        us = i * 3600 * 1000000 // n
        struct.pack_into("<II", m, o, t0 + us // 1000000, us % 1000000)
    m.flush()
PY
		mv "$tmp/sparse.pcap" "$DIR/sparse.pcap"
	fi
}

# name|tool that must exist|command ({} is the file)
COMMANDS=(
	"tcpdump|tcpdump|tcpdump -r {} -w /dev/null"
	"sw-flows-nofp|$SW|$SW flows --no-fingerprints --quiet -o file:///dev/null {}"
	"sw-flows|$SW|$SW flows --quiet -o file:///dev/null {}"
	"sw-replay|$SW|$SW replay --quiet -o file:///dev/null {}"
	"softflowd|softflowd|softflowd -r {} -n 127.0.0.1:9 -d -p $tmp/sf.pid -c $tmp/sf.ctl"
	"p0f|p0f|p0f -r {}"
	"ndpiReader|ndpiReader|ndpiReader -i {}"
	"tshark|tshark|tshark -n -r {} -T fields -e frame.number"
	"bare-walk|$WALK|$WALK {}"
)

# A peer that does not finish in this many seconds is stopped and skipped
# on every file (softflowd 1.1.0's -r has been seen to wait forever; tshark
# dissecting a million frames takes minutes on a busy machine).
LIMIT=${LIMIT:-600}
# BENCH_TOOLS="tshark p0f": only those (and tcpdump, the yardstick).
TOOLS=${BENCH_TOOLS:-}
dead=" "

ratio() { # a b: a / b, or - without b
	if [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; else echo -; fi
}

have() { [ -x "$1" ] || command -v "$1" >/dev/null; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# time_cmd CMD: sets WALL CPU RSS (medians; RSS the largest), or returns 1.
time_cmd() {
	local cmd=$1 i walls=() cpus=() rss=0 out
	# One warm-up, which also says whether it finishes at all.
	if ! timeout "$LIMIT" bash -c "exec $cmd" >/dev/null 2>&1 </dev/null; then
		return 1
	fi
	if command -v hyperfine >/dev/null; then
		hyperfine -N --runs "$RUNS" --export-json "$tmp/h.json" \
			--output=null "$cmd" >/dev/null 2>&1 || return 1
		read -r WALL CPU < <($PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f" % (r["median"], r["user"] + r["system"]))' "$tmp/h.json")
	fi
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/t" bash -c "exec $cmd" \
			>/dev/null 2>&1 </dev/null || return 1
		read -r w u s m <"$tmp/t"
		walls+=("$w")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
		[ "$m" -gt "$rss" ] && rss=$m
		command -v hyperfine >/dev/null && break # RSS only
	done
	if ! command -v hyperfine >/dev/null; then
		WALL=$(printf '%s\n' "${walls[@]}" | median)
		CPU=$(printf '%s\n' "${cpus[@]}" | median)
	fi
	RSS=$rss
	return 0
}

make_files
echo "bench-peers: $(date -u '+%F %T') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"runs $RUNS ($(command -v hyperfine >/dev/null && echo hyperfine || echo /usr/bin/time))"
for n in "${COMMANDS[@]}"; do
	IFS='|' read -r name need _ <<<"$n"
	have "$need" ||
		echo "bench-peers: $name: $need is not installed: skipped (scripts/install-deps.sh --bench-peers)"
done
for f in bench bench-s128 corpus sparse; do
	file=$DIR/$f.pcap
	cat "$file" >/dev/null # warm the page cache
	pkts=$("$WALK" "$file" | awk '{ print $2 }')
	echo
	echo "== $f: $pkts packets, $(($(stat -c %s "$file") / 1048576)) MiB"
	printf '%-14s %9s %12s %9s %9s %9s %9s\n' tool "wall s" "packets/s" "/tcpdump" "cpu s" "/tcpdump" "RSS MiB"
	base="" basecpu="" nofp="" walk=""
	for n in "${COMMANDS[@]}"; do
		IFS='|' read -r name need cmd <<<"$n"
		have "$need" || continue
		if [ -n "$TOOLS" ] && [ "$name" != tcpdump ]; then
			case " $TOOLS " in *" $name "*) ;; *) continue ;; esac
		fi
		case $dead in *" $name "*)
			printf '%-14s %s\n' "$name" "skipped (did not finish on an earlier file)"
			continue ;;
		esac
		cmd=${cmd//\{\}/$file}
		if ! time_cmd "$cmd"; then
			printf '%-14s %s\n' "$name" "did not finish in ${LIMIT}s or failed: skipped"
			dead="$dead$name "
			continue
		fi
		[ "$name" = tcpdump ] && base=$WALL basecpu=$CPU
		[ "$name" = sw-flows-nofp ] && nofp=$WALL
		[ "$name" = bare-walk ] && walk=$WALL
		printf '%-14s %9.3f %12.0f %9s %9.3f %9s %9.1f\n' "$name" "$WALL" \
			"$(awk -v p="$pkts" -v w="$WALL" 'BEGIN { print (w > 0 ? p / w : 0) }')" \
			"$(ratio "$WALL" "$base")" "$CPU" "$(ratio "$CPU" "$basecpu")" \
			"$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')"
	done
	[ -n "$nofp" ] && [ -n "$walk" ] &&
		echo "flows --no-fingerprints rate / bare walk rate: $(awk -v a="$nofp" -v b="$walk" 'BEGIN { printf "%.3f", b / a }') (floor 0.5)"
done
