#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The XDP program live on veth pairs in network namespaces: nginx in the
# server namespace, a curl/wget scraper loop from one client namespace and
# one large single download from another, the collector attached (through
# bpf_links) to the ingress of both server-side veths. Checks:
#  - the download bytes the kernel derived from the client's ACKs (pure ACKs
#    sampled, the default: the record says packets_sampled) equal
#    curl's size_download + size_header, to the byte;
#  - every scraper request is a flow record with its request turn;
#  - the detector, fed from the kernel's maps and heads, raises an alert
#    for the scraper (about 70 s of requests without pause, which the
#    rate, churn and program rules need: docs/detection.md) and none for
#    the client of the single large download;
#  - SIGTERM and SIGKILL of the collector leave no XDP program attached.
# Skips (77) without root, netns, nginx or curl.
set -u
cd "$(dirname "$0")/../.."
SW=$PWD/build/scrapewatch
T=swx2 # netns/veth tag
NS_S=$T-srv NS_A=$T-scr NS_B=$T-dl
SRV_A=198.18.50.1 CLI_A=198.18.50.2 SRV_B=198.18.50.5 CLI_B=198.18.50.6
PAGES=20
SCRAPE_S=70 # seconds of scraping: the detector's rules need a minute
tmp=$(mktemp -d)
sw_pid=

cleanup() {
	[ -n "$sw_pid" ] && kill -KILL "$sw_pid" 2>/dev/null
	netns_del $NS_S $NS_A $NS_B
	rm -rf "$tmp"
}
trap cleanup EXIT

. tests/lib/common.sh
need_root "network namespaces and XDP"
need nginx curl wget

veth_pair $NS_S $T-s1 $SRV_A $NS_A $T-c1 $CLI_A
veth_pair $NS_S $T-s2 $SRV_B $NS_B $T-c2 $CLI_B

# nginx: small pages for the scraper, one large file for the download.
nginx_conf "$tmp"
for i in $(seq 1 $PAGES); do
	head -c $((2000 + i * 97)) /dev/zero | tr '\0' 'x' >"$tmp/www/p$i.html"
done
head -c $((48 * 1024 * 1024 + 12345)) /dev/urandom >"$tmp/www/big.bin"
ip netns exec $NS_S nginx -c "$tmp/nginx.conf" -p "$tmp" &

attached() { # how many of the server veths have an XDP program
	local n=0 d
	for d in $T-s1 $T-s2; do
		ip -n $NS_S -d link show dev $d | grep -q "prog/xdp" && n=$((n + 1))
	done
	echo $n
}

# A new stderr file per start: the shell truncates the redirect target in
# the child, after the poll below may already have read the previous
# run's "XDP attached" from a shared file.
starts=0
start_collector() {
	starts=$((starts + 1))
	sw_err=$tmp/sw-$starts.err
	ip netns exec $NS_S "$SW" live --interface $T-s1 --interface $T-s2 \
		--capture xdp --flows -o "file://$tmp/flows.ndjson" 2>"$sw_err" &
	sw_pid=$!
	for _ in $(seq 1 100); do
		grep -q "XDP attached" "$sw_err" 2>/dev/null && return 0
		kill -0 $sw_pid 2>/dev/null || break
		sleep 0.1
	done
	cat "$sw_err"
	return 1
}

wait_detached() { # polls: detaching is asynchronous to the exit
	for _ in $(seq 1 50); do
		[ "$(attached)" = 0 ] && break
		sleep 0.1
	done
	attached
}

start_collector || { echo "FAIL collector did not attach"; exit 1; }
check "XDP attached on both server veths" "$(attached)" 2
grep -q "generic" "$sw_err" && echo "note: $(grep generic "$sw_err")"
for _ in $(seq 1 50); do
	ip netns exec $NS_A curl -s -o /dev/null http://$SRV_A/p1.html && break
	sleep 0.1
done

# The scraper: curl and wget in turn, a new connection per page, the
# pages over and over, without pause for SCRAPE_S seconds. The count of
# requests made is what the records are checked against, not a rate.
requests=1 i=1 end=$((SECONDS + SCRAPE_S))
while [ $SECONDS -lt $end ]; do
	i=$((i % PAGES + 1))
	if [ $((requests % 2)) = 0 ]; then
		ip netns exec $NS_A curl -s -o /dev/null http://$SRV_A/p$i.html
	else
		ip netns exec $NS_A wget -q -O /dev/null http://$SRV_A/p$i.html
	fi
	requests=$((requests + 1))
done
echo "note: $requests scraper requests in $SCRAPE_S s"
# One large single download.
dl=$(ip netns exec $NS_B curl -s -o /dev/null \
	-w '%{size_download} %{size_header} %{local_port}' http://$SRV_B/big.bin)
read -r size_download size_header dl_port <<<"$dl"

kill -TERM $sw_pid
wait $sw_pid
rc=$?
sw_pid=
check "collector exits 0 on SIGTERM" $rc 0
check "SIGTERM leaves no XDP program attached" "$(wait_detached)" 0

python3 - "$tmp/flows.ndjson" "$CLI_A" "$CLI_B" "$dl_port" \
	"$((size_download + size_header))" "$requests" <<'PY' || fails=$((fails + 1))
import json, sys
path, cli_a, cli_b, dl_port, want_bytes, requests = sys.argv[1:]
allrecs = [json.loads(l) for l in open(path)]
recs = [r for r in allrecs if r["event"]["dataset"] == "scrapewatch.flow"]
alerts = [r for r in allrecs if r["event"]["dataset"] == "scrapewatch.alert"]
bad = 0
def check(name, actual, expected):
    global bad
    if actual == expected:
        print(f"PASS {name}")
    else:
        print(f"FAIL {name}: actual {actual!r} expected {expected!r}")
        bad = 1
dl = [r for r in recs if r["source"]["ip"] == cli_b
      and r["source"]["port"] == int(dl_port)]
check("one flow record for the download", len(dl), 1)
if dl:
    r = dl[0]
    check("kernel-derived download bytes == curl size_download + size_header",
          r["destination"]["bytes"], int(want_bytes))
    check("download: one request turn", r["scrapewatch"]["flow"]["turns"], 1)
    check("download: closed by fin", r["scrapewatch"]["flow"]["close_reason"],
          "fin")
    check("download: only client-to-server packets seen",
          r["scrapewatch"]["flow"]["directions"], "client")
    # Pure ACKs sampled (the default), the bytes above exact all the same.
    check("download: packet counts sampled",
          r["scrapewatch"]["flow"].get("packets_sampled"), True)
scr = [r for r in recs if r["source"]["ip"] == cli_a
       and r["destination"]["port"] == 80]
check("scraper: a flow per request", len(scr), int(requests))
check("scraper: one turn each", sorted({r["scrapewatch"]["flow"]["turns"]
                                        for r in scr}), [1])
uas = sorted({r.get("user_agent", {}).get("original", "").split("/")[0]
              for r in scr})
check("scraper: User-Agents from the heads", uas, ["Wget", "curl"])
check("scraper: SYN signatures from the heads",
      all("signature" in r["scrapewatch"].get("tcp", {}) for r in scr), True)
def alerted(ip):
    return sorted({a["rule"]["id"] for a in alerts
                   if a.get("source", {}).get("ip") == ip
                   or ip in a.get("related", {}).get("ip", [])})
check("scraper: an alert from the XDP path", len(alerted(cli_a)) > 0, True)
print(f"  scraper alert rules: {alerted(cli_a)}")
check("download: no alert", alerted(cli_b), [])
sys.exit(bad)
PY

# SIGKILL: the kernel releases the links with the process.
start_collector || { echo "FAIL collector did not attach again"; exit 1; }
check "XDP attached again" "$(attached)" 2
kill -KILL $sw_pid
wait $sw_pid 2>/dev/null
sw_pid=
check "SIGKILL leaves no XDP program attached" "$(wait_detached)" 0
finish
