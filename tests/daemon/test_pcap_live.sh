#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `live --capture pcap` settings from the config file (live.interfaces,
# live.capture, live.pcap_filter, live.pcap_buffer) on lo in a fresh
# network namespace: TCP to port 9 passes the filter, UDP does not; the
# per-interface counters and kernel drops reach the metrics; a filter
# libpcap cannot compile fails setup with exit 2 and its reason.
# Skips (77) without root/netns or curl.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
SW=$PWD/build/scrapewatch
NS=swdm-pcap
tmp=$(mktemp -d)
sw_pid=
cleanup() {
	[ -n "$sw_pid" ] && kill -KILL "$sw_pid" 2>/dev/null
	netns_del $NS
	rm -rf "$tmp"
}
trap cleanup EXIT
need_root "a network namespace"
need curl
ip netns add $NS || skip "cannot create a network namespace"
ip -n $NS link set lo up

cat >"$tmp/sw.yaml" <<YAML
outputs: ["file://$tmp/out.ndjson"]
live:
  interfaces: [lo]
  capture: pcap
  pcap_filter: "tcp port 9"
  pcap_buffer: 4MiB
YAML
ip netns exec $NS "$SW" live --config "$tmp/sw.yaml" --metrics 127.0.0.1:9909 \
	2>"$tmp/err" &
sw_pid=$!
for _ in $(seq 1 100); do
	grep -q "pcap capturing on 1" "$tmp/err" && break
	sleep 0.1
done
check "interfaces and capture from the config" "$(grep -c 'pcap capturing on 1' "$tmp/err")" 1
ip netns exec $NS $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"x" * 40, ("127.0.0.1", 9))
'
for _ in 1 2 3 4 5; do
	ip netns exec $NS curl -s --max-time 2 http://127.0.0.1:9/ >/dev/null
done
m=""
for _ in $(seq 1 100); do
	m=$(ip netns exec $NS curl -s http://127.0.0.1:9909/metrics)
	v=$(echo "$m" | awk '$1 == "scrapewatch_packets_total{interface=\"lo\"}" { print $2 }')
	[ -n "$v" ] && [ "$v" -ge 10 ] && break
	sleep 0.2
done
check "metrics: per-interface packets (>= 10)" "$([ "${v:-0}" -ge 10 ] && echo yes)" yes
check "metrics: kernel drops series" \
	"$(echo "$m" | grep -c '^scrapewatch_drops_total{interface="lo",where="kernel"} ')" 1
kill -TERM $sw_pid
wait $sw_pid
check "exit 0" "$?" 0
sw_pid=
check "exit summary names the interface" "$(grep -c '^scrapewatch: lo: [0-9]* frames, [0-9]* dropped by the kernel' "$tmp/err")" 1
$PY - "$tmp/out.ndjson" <<'PY' || fails=$((fails + 1))
import json, sys
st = [json.loads(l) for l in open(sys.argv[1])]
st = [r for r in st if r["event"]["dataset"] == "scrapewatch.stats"][0]["scrapewatch"]["stats"]
# 5 connection attempts to a closed port: SYN and RST each; the 5 UDP
# datagrams would make 15.
ok = st["packets"] == 10 and st["decoded"] == 10
print(("PASS" if ok else "FAIL") + f" filter: only TCP port 9 captured, expected 10 "
      f"(packets {st['packets']}, decoded {st['decoded']}, skipped {st.get('skipped')})")
sys.exit(0 if ok else 1)
PY

ip netns exec $NS "$SW" live -i lo --capture pcap --pcap-filter "tcp port banana" \
	-o "file://$tmp/x" 2>"$tmp/err2"
check "bad filter: exit 2" "$?" 2
check "bad filter: reason" "$(grep -c '^scrapewatch: lo: BPF filter: ' "$tmp/err2")" 1
finish
