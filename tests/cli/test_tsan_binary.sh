#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The whole binary under ThreadSanitizer (build/tsan/scrapewatch, `make
# tsan`): the threads that share state with the packet path, each in a
# representative run, with TSAN_OPTIONS halt_on_error=1 exitcode=66 so
# that any data race fails the run (exit 66) and its report is printed.
#
#   sinks    replay and flows of a capture to several sinks at once: a
#            file, syslog over TCP and UDP to local listeners (not Kafka:
#            see below); each sink has a writer and a spooler thread
#            beside the packet path.
#   metrics  the same replay with --metrics: the stats record, and the
#            per-sink counters (sw_sinks_add_stats) read while the
#            writers move them.
#   dpdk     flows and replay with --workers 2 over a net_pcap device
#            (--no-huge --no-pci): two worker threads, sharded in
#            software, and the merge of their detector events.
#   live     live --capture pcap on a veth pair in a network namespace,
#            with the metrics thread scraped while traffic flows, a
#            file and a syslog sink, SIGHUP (reopen) and SIGTERM.
#
# DPDK's libraries are not instrumented. The TSan build therefore takes
# DPDK's rings in their C11 form (RTE_USE_C11_MEM_MODEL for that one
# object: acquire/release atomics TSan sees, where the default x86 form
# uses plain accesses and compiler barriers), and states the EAL's launch
# and wait of a worker lcore to TSan (source-dpdk.c, under
# __SANITIZE_THREAD__ only). With those, no suppression is needed: should
# one ever be, it names DPDK's own libraries only, never scrapewatch code.
# Needs root for the namespace (the live part skips without it); under 2
# minutes. Run it under `flock /tmp/sw-ns.lock` beside other engineers'
# namespace tests.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
SW=$PWD/build/tsan/scrapewatch
NS_A=swts-cap
NS_B=swts-peer
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	netns_del $NS_A $NS_B
	rm -rf "$tmp"
}
trap cleanup EXIT

# Built by `make test-build`; this brings it up to date if the sources
# moved on (nothing to do otherwise).
make --no-print-directory -j2 tsan >"$tmp/build.log" 2>&1 ||
	{ tail -n 20 "$tmp/build.log"; echo "FAIL: make tsan"; exit 1; }
# TSan needs a heap layout the kernel's ASLR may not leave it (Linux 6.x
# with 32 bits of mmap entropy): setarch -R runs without randomization.
RUN=(setarch "$(uname -m)" -R)
"${RUN[@]}" true 2>/dev/null || RUN=()
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"

# run NAME CMD...: the command under TSan; any report fails the check.
tsan_run() {
	local name=$1 rc
	shift
	"${RUN[@]}" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if grep -q "ThreadSanitizer" "$tmp/err"; then
		echo "--- $name: ThreadSanitizer report"
		sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$tmp/err" | head -n 60
	fi
	check "$name: exit (66 is a data race)" "$rc" 0
	check "$name: no ThreadSanitizer report" "$(grep -c 'WARNING: ThreadSanitizer' "$tmp/err")" 0
}

# A TCP and UDP listener that reads whatever comes (syslog peers), in
# the namespace NS if given.
listen() { # port file [ns]
	${3:+ip netns exec $3} $PY - "$1" "$2" <<'PY' &
import socket, sys, threading
port, out = int(sys.argv[1]), sys.argv[2]
n = [0, 0]
def tcp():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=lambda c=c: drain(c), daemon=True).start()
def drain(c):
    while True:
        b = c.recv(65536)
        if not b:
            return
        n[0] += len(b)
        open(out, "w").write(f"{n[0]} {n[1]}\n")
def udp():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", port))
    while True:
        n[1] += len(u.recv(65536))
        open(out, "w").write(f"{n[0]} {n[1]}\n")
threading.Thread(target=udp, daemon=True).start()
tcp()
PY
	pids+=($!)
}

REAL=tests/fixtures/real/real.pcap
PORT=$(free_port)
listen "$PORT" "$tmp/syslog.count"
for _ in $(seq 50); do
	$PY -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2).close()" \
		2>/dev/null && break
	sleep 0.1
done
SINKS=(-o "file://$tmp/sink.ndjson"
	-o "syslog+tcp://127.0.0.1:$PORT?hostname=sw-tsan&spool=$tmp&queue=64"
	-o "syslog+udp://127.0.0.1:$PORT?hostname=sw-tsan")
# No Kafka sink here: librdkafka is not instrumented, and its broker
# threads free memory under their own (atomic) reference counts; TSan
# takes that for a race and crashes while collecting the report's stack
# from the uninstrumented frames, before any suppression applies. The
# Kafka sink's writer is the same generic writer the other sinks run.

# sinks: every record reaches the file sink; the peers got bytes.
tsan_run "replay to sinks" "$SW" replay "${SINKS[@]}" --flush-timeout 10 "$REAL"
check "replay to sinks: records in the file" "$([ -s "$tmp/sink.ndjson" ] && echo yes)" yes
tsan_run "flows to sinks" "$SW" flows "${SINKS[@]}" --flush-timeout 10 "$REAL"
check "syslog peer got bytes over TCP and UDP" \
	"$(awk '{ print ($1 > 0 && $2 > 0) ? "yes" : "no" }' "$tmp/syslog.count" 2>/dev/null)" yes

# metrics: a replay of many clients, scraped while it runs.
build/sw_pcapgen bench --packets 20000 --concurrency 64 --out "$tmp/many.pcap" >/dev/null
MPORT=$(free_port)
(
	for _ in $(seq 40); do
		curl -s --max-time 1 "http://127.0.0.1:$MPORT/metrics" >>"$tmp/metrics.txt" 2>/dev/null
		sleep 0.05
	done
) &
pids+=($!)
tsan_run "replay with metrics" "$SW" replay "${SINKS[@]}" --metrics "127.0.0.1:$MPORT" \
	--flush-timeout 10 "$tmp/many.pcap" "$tmp/many.pcap"

# dpdk: two workers over a net_pcap device.
if build/scrapewatch flows --capture dpdk --dpdk-args "--no-huge --no-pci" 2>&1 |
	grep -q "not compiled in"; then
	echo "DPDK not in this build: its part skipped"
else
	EAL="--no-huge --no-pci --vdev net_pcap0,rx_pcap=$tmp/many.pcap"
	tsan_run "dpdk flows, 2 workers" "$SW" flows --capture dpdk --workers 2 \
		--dpdk-args "$EAL" -o "file://$tmp/dpdk.ndjson"
	check "dpdk flows, 2 workers: flow records" \
		"$([ "$(grep -c '"scrapewatch.flow"' "$tmp/dpdk.ndjson")" -gt 0 ] && echo yes)" yes
	tsan_run "dpdk replay, 2 workers" "$SW" replay --capture dpdk --workers 2 \
		--dpdk-args "$EAL" "${SINKS[@]}" --flush-timeout 10
fi

# live: pcap capture on a veth pair, traffic from the peer namespace.
if [ "$(id -u)" != 0 ] || ! ip netns add swts-probe 2>/dev/null; then
	echo "no network namespaces here: the live part skipped"
	finish
fi
ip netns del swts-probe
veth_pair $NS_A swts0 10.231.7.1 $NS_B swts1 10.231.7.2
ip netns exec $NS_B $PY -m http.server 8080 --bind 10.231.7.2 >/dev/null 2>&1 &
pids+=($!)
LPORT=$(free_port)
listen "$LPORT" "$tmp/live-syslog.count" $NS_A
# SIGHUP reloads this config: the outputs are built anew beside the
# running threads.
cat >"$tmp/live.yaml" <<YAML
outputs:
  - "file://$tmp/live.ndjson"
  - "syslog+tcp://127.0.0.1:$LPORT?hostname=sw-tsan&spool=$tmp"
YAML
"${RUN[@]}" ip netns exec $NS_A "$SW" live -i swts0 --capture pcap --flows \
	--config "$tmp/live.yaml" --metrics 127.0.0.1:9911 --flush-timeout 10 \
	2>"$tmp/live.err" &
sw_pid=$!
pids+=($sw_pid)
for _ in $(seq 100); do
	grep -q "pcap capturing on 1" "$tmp/live.err" && break
	sleep 0.1
done
check "live: capturing" "$(grep -c 'pcap capturing on 1' "$tmp/live.err")" 1
for i in $(seq 20); do
	ip netns exec $NS_A curl -s --max-time 2 -o /dev/null "http://10.231.7.2:8080/?i=$i"
	ip netns exec $NS_A curl -s --max-time 1 -o /dev/null http://127.0.0.1:9911/metrics
	[ "$i" = 10 ] && kill -HUP $sw_pid
done
kill -TERM $sw_pid
wait $sw_pid
rc=$?
if grep -q "ThreadSanitizer" "$tmp/live.err"; then
	sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$tmp/live.err" | head -n 60
fi
check "live: exit (66 is a data race)" "$rc" 0
check "live: no ThreadSanitizer report" "$(grep -c 'WARNING: ThreadSanitizer' "$tmp/live.err")" 0
check "live: flow records written" \
	"$([ "$(grep -c '"scrapewatch.flow"' "$tmp/live.ndjson" 2>/dev/null)" -gt 0 ] && echo yes)" yes
finish
