#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The request estimate (scrapewatch.flow.requests, docs/requests.md)
# against nginx's access log. nginx serves HTTPS with HTTP/2 (TLS 1.2 and
# 1.3 on 443, TLS 1.2 only on 8443) and cleartext HTTP/1.1 on 80 in one
# network namespace, and logs
#   $remote_addr $remote_port $connection $connection_requests $server_protocol
# (and $request_uri, $http_user_agent) for every request; clients in
# another namespace, joined by a veth pair:
#  - HTTP/1.1: curl keep-alive over TLS and cleartext, wget over TLS;
#  - HTTP/2: curl --parallel, curl one URL after another, h2load with 1, 4
#    and 10 streams at a time, python3-httpx with h2 (if installed);
#  - large downloads over HTTP/2 (curl, and httpx if installed) of 20 MB
#    through a tbf-shaped link, so the client sends WINDOW_UPDATEs.
# tcpdump records both directions on the client's veth. Each flow record
# of `scrapewatch flows` is joined to its connection in the log by client
# address and port (the most $connection_requests logged for it), and
# requests_oracle.py checks:
#  - every HTTP/1.1 flow: requests exact;
#  - HTTP/2: the total within 10% of nginx's, the median error per flow at
#    most 10%, over every client but h2load;
#  - h2load's connections (it packs several requests into one TLS record,
#    as many as timing allows): each within a third of nginx's, the limit
#    docs/requests.md states;
#  - each large download: 1 request.
# The same checks run on the records of --through-xdp (the XDP program
# under BPF_PROG_TEST_RUN, pure ACKs sampled 1 in 16) over the capture and
# over its client-to-server half, what XDP on an ingress port sees; they
# must also equal userspace's, flow by flow. Skips (77) without root,
# namespaces, nginx, curl, wget, h2load or tcpdump; the XDP part is left out
# (said so) where BPF cannot be loaded. No timing is asserted.
set -u
cd "$(dirname "$0")/../.."
SW=$PWD/${SCRAPEWATCH:-build/scrapewatch}
T=swrq # netns/veth tag
NS_S=$T-srv NS_C=$T-cli
SRV=198.18.60.1 CLI=198.18.60.2 SRV6=2001:db8:60::1 CLI6=2001:db8:60::2
tmp=$(mktemp -d)
tcpdump_pid=

cleanup() {
	[ -n "$tcpdump_pid" ] && kill -KILL "$tcpdump_pid" 2>/dev/null
	netns_del $NS_S $NS_C
	rm -rf "$tmp"
}
trap cleanup EXIT

. tests/lib/common.sh
need_root "network namespaces"
need nginx curl wget h2load tcpdump openssl
[ -x "$SW" ] || { echo "FAIL $SW not built"; exit 1; }

veth_pair $NS_S $T-s $SRV $NS_C $T-c $CLI
ip -n $NS_S addr add $SRV6/64 dev $T-s nodad
ip -n $NS_C addr add $CLI6/64 dev $T-c nodad

mkdir -p "$tmp/www" "$tmp/logs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
	-subj /CN=requests.scrapewatch.test >/dev/null 2>&1 ||
	{ echo "FAIL openssl could not make a certificate"; exit 1; }
for i in $(seq 1 60); do
	head -c $((1500 + i * 97)) /dev/zero | tr '\0' 'p' >"$tmp/www/p$i.html"
done
head -c $((20 * 1024 * 1024)) /dev/urandom >"$tmp/www/big.bin"
cat >"$tmp/nginx.conf" <<CONF
user root;
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 256; }
http {
	log_format conn '\$remote_addr \$remote_port \$connection \$connection_requests \$server_protocol \$request_uri \$http_user_agent';
	access_log $tmp/logs/access.log conn;
	keepalive_requests 10000;
	ssl_certificate $tmp/cert.pem;
	ssl_certificate_key $tmp/key.pem;
	server {
		listen 80; listen [::]:80;
		listen 443 ssl http2; listen [::]:443 ssl http2;
		ssl_protocols TLSv1.2 TLSv1.3;
		root $tmp/www;
	}
	server {
		listen 8443 ssl http2;
		ssl_protocols TLSv1.2;
		root $tmp/www;
	}
}
CONF
ip netns exec $NS_S nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.err" &
# Up yet? (/ready connections are not in the capture: the oracle leaves
# them out.)
for _ in $(seq 1 50); do
	ip netns exec $NS_C curl -s -o /dev/null "http://$SRV/ready" && break
	sleep 0.1
done

ip netns exec $NS_C tcpdump -i $T-c -s 0 -U -w "$tmp/cap.pcap" \
	"tcp and not port 22" 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 1 50); do
	grep -q "listening on" "$tmp/tcpdump.err" && break
	sleep 0.1
done

C="ip netns exec $NS_C"
urls() { # base first last
	local i
	for i in $(seq "$2" "$3"); do echo "$1/p$i.html"; done
}
outs() { # n: curl -o /dev/null for each of n URLs
	local i
	for i in $(seq 1 "$1"); do printf -- '-o /dev/null '; done
}

for base in "https://$SRV" "https://$SRV:8443"; do
	# HTTP/1.1 over TLS.
	# shellcheck disable=SC2046
	$C curl -sk --http1.1 $(urls "$base" 1 10) $(outs 10)
	# shellcheck disable=SC2046
	$C wget -q --no-check-certificate -O /dev/null $(urls "$base" 11 18)
	# HTTP/2: parallel, one after another, and h2load's packed streams.
	# shellcheck disable=SC2046
	$C curl -sk --http2 --parallel --parallel-max 10 \
		$(urls "$base" 1 40) $(outs 40) 2>/dev/null
	# shellcheck disable=SC2046
	$C curl -sk --http2 $(urls "$base" 41 45) $(outs 5)
	# shellcheck disable=SC2046
	$C h2load -n 100 -c 2 -m 10 $(urls "$base" 1 20) >/dev/null
	$C h2load -n 60 -c 1 -m 4 "$base/p3.html" >/dev/null
	$C h2load -n 10 -c 1 -m 1 "$base/p4.html" >/dev/null
	if $C /usr/bin/python3 -c 'import httpx, h2' 2>/dev/null; then
		$C /usr/bin/python3 - "$base" <<'PY'
import asyncio, sys
import httpx
base = sys.argv[1]
async def main():
    async with httpx.AsyncClient(http2=True, verify=False) as c:
        await asyncio.gather(*[c.get("%s/p%d.html" % (base, i))
                               for i in range(1, 31)])
        for i in range(31, 36):
            await c.get("%s/p%d.html" % (base, i))
asyncio.run(main())
PY
	fi
done
# IPv6, and cleartext HTTP/1.1 keep-alive.
# shellcheck disable=SC2046
$C curl -sk --http2 --parallel $(urls "https://[$SRV6]" 1 12) $(outs 12) \
	2>/dev/null
# shellcheck disable=SC2046
$C curl -s $(urls "http://$SRV" 1 3) $(outs 3)
# shellcheck disable=SC2046
$C curl -s $(urls "http://[$SRV6]" 4 5) $(outs 2)

# Large downloads through a shaped link: the client's WINDOW_UPDATEs and
# ACKs go on for seconds, one request each.
tc -n $NS_S qdisc add dev $T-s root tbf rate 40mbit burst 32kbit latency 50ms
$C curl -sk --http2 -o /dev/null "https://$SRV/big.bin"
$C curl -sk --http2 -o /dev/null "https://$SRV:8443/big.bin"
if $C /usr/bin/python3 -c 'import httpx, h2' 2>/dev/null; then
	$C /usr/bin/python3 - "https://$SRV/big.bin" <<'PY'
import sys
import httpx
with httpx.Client(http2=True, verify=False) as c:
    with c.stream("GET", sys.argv[1]) as r:
        for _ in r.iter_bytes():
            pass
PY
fi
tc -n $NS_S qdisc del dev $T-s root

sleep 0.5 # the last FINs into the capture
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
tcpdump_pid=
tcpdump -r "$tmp/cap.pcap" -w "$tmp/c2s.pcap" "dst host $SRV or dst host $SRV6" \
	2>/dev/null

"$SW" flows -q "$tmp/cap.pcap" >"$tmp/user.ndjson" 2>"$tmp/user.err"
check "scrapewatch flows exits 0" $? 0
"$PY" tests/oracle/requests_oracle.py --log "$tmp/logs/access.log" \
	--flows "$tmp/user.ndjson" --label userspace ||
	fails=$((fails + 1))

if "$SW" flows -q --through-xdp "$tmp/cap.pcap" >"$tmp/xdp.ndjson" \
	2>"$tmp/xdp.err"; then
	"$SW" flows -q --through-xdp "$tmp/c2s.pcap" >"$tmp/xdp_c2s.ndjson" \
		2>>"$tmp/xdp.err"
	check "scrapewatch flows --through-xdp (client to server) exits 0" $? 0
	for v in xdp xdp_c2s; do
		"$PY" tests/oracle/requests_oracle.py \
			--log "$tmp/logs/access.log" \
			--flows "$tmp/$v.ndjson" --label "$v" \
			--same-as "$tmp/user.ndjson" || fails=$((fails + 1))
	done
elif grep -qiE "permission|not permitted|CAP_BPF" "$tmp/xdp.err"; then
	echo "note: XDP part left out: cannot load the XDP program here"
else
	echo "FAIL scrapewatch flows --through-xdp: $(tail -1 "$tmp/xdp.err")"
	fails=$((fails + 1))
fi
finish
