#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Records the "real" fixture captures: traffic of real HTTP clients (curl,
# wget) talking to a real server (nginx), captured on the wire with tcpdump.
# It builds two network namespaces, a server and a client, joined by a veth
# pair (198.18.0.0/24 and 2001:db8::/64), runs nginx with a private config
# and a generated docroot in the server namespace, captures on the
# server-side veth with `tcpdump -w` (full snaplen), and drives a fixed
# sequence of client runs from the client namespace: curl with 1..5 URLs on
# one keep-alive connection over IPv4 and IPv6, a ranged download, wget with
# several URLs (keep-alive), and curl with `Connection: close` so that the
# server closes first. It writes into OUTDIR:
#   real.pcap           both directions, as captured
#   real_c2s.pcap       client->server packets only (what XDP on an ingress
#                       port sees)
#   real.requests.csv   client_ip,client_port,requests: the HTTP requests
#                       made on each client connection (curl's own per-
#                       transfer local address and port; wget's counted
#                       from the capture with tshark)
# The URLs and the docroot are fixed; client ports and timing are not.
# The captures stay well under 1.5 MB. Needs root, iproute2, nginx, curl,
# wget, tcpdump and tshark; every namespace and process it starts is
# removed on exit, also on failure. Traffic stays inside the two namespaces.
#
# Usage: scripts/record-fixtures.sh OUTDIR
set -euo pipefail

usage() {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
[ $# -eq 1 ] || usage
OUTDIR=$1

if [ "$(id -u)" -ne 0 ]; then
	echo "record-fixtures: must run as root (network namespaces)" >&2
	exit 2
fi
for tool in ip nginx curl wget tcpdump tshark ss; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "record-fixtures: missing tool: $tool" >&2
		exit 2
	}
done
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

NS_SRV="swfx-srv-$$"
NS_CLI="swfx-cli-$$"
IF_SRV="swfs$$"
IF_CLI="swfc$$"
SRV4=198.18.0.1
CLI4=198.18.0.2
SRV6=2001:db8::1
CLI6=2001:db8::2

WORK=$(mktemp -d /tmp/scrapewatch-fixtures.XXXXXX)
NGINX_PID=""
TCPDUMP_PID=""

cleanup() {
	local rc=$?
	set +e
	if [ -n "$TCPDUMP_PID" ] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then
		kill -TERM "$TCPDUMP_PID"
		wait "$TCPDUMP_PID" 2>/dev/null
	fi
	if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
		kill -TERM "$NGINX_PID"
		wait "$NGINX_PID" 2>/dev/null
	fi
	# Anything still running inside our own namespaces was started here.
	local ns pid
	for ns in "$NS_CLI" "$NS_SRV"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_srv() { ip netns exec "$NS_SRV" "$@"; }
in_cli() { ip netns exec "$NS_CLI" "$@"; }

# Waits up to ~5 s for a condition command to succeed.
wait_for() {
	local i
	for i in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	echo "record-fixtures: timed out waiting for: $*" >&2
	return 1
}

# ---------------------------------------------------------------- docroot
DOCROOT="$WORK/docroot"
mkdir -p "$DOCROOT/files" "$WORK/prefix" "$WORK/logs"
chmod 755 "$WORK" "$WORK/prefix"

"$PYTHON" - "$DOCROOT" <<'EOF'
import hashlib, os, sys

root = sys.argv[1]

def page(title, paras):
    body = "".join(
        "<p>%s: %s</p>\n" % (title, ("lorem ipsum dolor sit amet %d " % i) * 6)
        for i in range(paras))
    return ("<!DOCTYPE html>\n<html><head><title>%s</title>"
            "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
            "<body><h1>%s</h1>\n%s</body></html>\n" % (title, title, body))

pages = {"index.html": 8, "page1.html": 4, "page2.html": 12, "page3.html": 20,
         "page4.html": 6, "page5.html": 30}
for name, n in pages.items():
    with open(os.path.join(root, name), "w") as f:
        f.write(page(name[:-5], n))
with open(os.path.join(root, "style.css"), "w") as f:
    f.write("".join("p.c%d { margin: %dpx; }\n" % (i, i) for i in range(60)))

# Deterministic, incompressible binary files.
def blob(size, seed):
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(b"%s-%d" % (seed, i)).digest()
        i += 1
    return bytes(out[:size])

for name, size in {"f50k.bin": 50_000, "f120k.bin": 120_000,
                   "f300k.bin": 300_000, "f2m.bin": 2_000_000}.items():
    with open(os.path.join(root, "files", name), "wb") as f:
        f.write(blob(size, name.encode()))
EOF
chmod -R a+rX "$DOCROOT"

cat >"$WORK/nginx.conf" <<EOF
user nobody nogroup;
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log notice;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/logs/access.log;
    client_body_temp_path $WORK/prefix/body;
    proxy_temp_path $WORK/prefix/proxy;
    fastcgi_temp_path $WORK/prefix/fastcgi;
    uwsgi_temp_path $WORK/prefix/uwsgi;
    scgi_temp_path $WORK/prefix/scgi;
    server_tokens off;
    keepalive_timeout 30s;
    keepalive_requests 100;
    gzip off;
    server {
        listen 80;
        listen [::]:80;
        root $DOCROOT;
    }
}
EOF

# ---------------------------------------------------------------- network
ip netns add "$NS_SRV"
ip netns add "$NS_CLI"
for ns in "$NS_SRV" "$NS_CLI"; do
	# No DAD, no router solicitations: keep the capture to the test traffic.
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0
	ip -n "$ns" link set lo up
done
ip link add "$IF_SRV" address 02:00:5e:00:00:01 netns "$NS_SRV" type veth \
	peer name "$IF_CLI" address 02:00:5e:00:00:02 netns "$NS_CLI"
# No TSO/GSO super-packets on the capture: at most one MSS per packet, as a
# real NIC puts on the wire.
ip -n "$NS_SRV" link set dev "$IF_SRV" gso_max_segs 1
ip -n "$NS_CLI" link set dev "$IF_CLI" gso_max_segs 1
ip -n "$NS_SRV" addr add "$SRV4/24" dev "$IF_SRV"
ip -n "$NS_CLI" addr add "$CLI4/24" dev "$IF_CLI"
ip -n "$NS_SRV" addr add "$SRV6/64" dev "$IF_SRV" nodad
ip -n "$NS_CLI" addr add "$CLI6/64" dev "$IF_CLI" nodad
ip -n "$NS_SRV" link set "$IF_SRV" up
ip -n "$NS_CLI" link set "$IF_CLI" up

# ---------------------------------------------------------------- server
# Started directly (not through a shell function), so that $! is the PID
# of the process itself: ip netns exec execs the command.
ip netns exec "$NS_SRV" nginx -p "$WORK/prefix" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" \
	>"$WORK/logs/nginx.out" 2>&1 &
NGINX_PID=$!
listening() { in_srv ss -Hltn 'sport = :80' | grep -q .; }
wait_for listening || {
	cat "$WORK/logs/error.log" "$WORK/logs/nginx.out" >&2
	exit 1
}
# Let the interfaces settle (link-local addresses, MLD reports) before the
# capture starts.
sleep 2

# ---------------------------------------------------------------- capture
mkdir -p "$OUTDIR"
PCAP="$WORK/real.pcap"
ip netns exec "$NS_SRV" tcpdump -i "$IF_SRV" -s 0 -U -Z root -w "$PCAP" \
	>"$WORK/logs/tcpdump.out" 2>&1 &
TCPDUMP_PID=$!
tcpdump_ready() { grep -q "listening on" "$WORK/logs/tcpdump.out"; }
wait_for tcpdump_ready || {
	cat "$WORK/logs/tcpdump.out" >&2
	exit 1
}
sleep 0.3

CURL_LOG="$WORK/curl.log"
: >"$CURL_LOG"
B4="http://$SRV4"
B6="http://[$SRV6]"

# One curl invocation; every URL on the command line is fetched in order,
# on one keep-alive connection unless the server or a header says otherwise.
# Each transfer logs the local address and port it used.
# Usage: run_curl [CURL-OPTION... --] URL...
run_curl() {
	local args=() u
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != "--" ]; do
			args+=("$1")
			shift
		done
		shift
	fi
	for u in "$@"; do
		args+=(-o /dev/null "$u")
	done
	in_cli curl -sS --max-time 20 -w '%{local_ip} %{local_port}\n' \
		"${args[@]}" >>"$CURL_LOG"
	sleep 0.3
}
run_wget() {
	in_cli wget -q --tries=1 --timeout=20 -O /dev/null "$@"
	sleep 0.3
}

run_curl "$B4/index.html"
run_curl "$B4/page1.html" "$B4/page2.html" "$B4/files/f50k.bin"
run_curl "$B4/page3.html" "$B4/page4.html" "$B4/page5.html" \
	"$B4/style.css" "$B4/files/f120k.bin"
run_curl "$B6/index.html" "$B6/files/f50k.bin"
run_curl "$B6/page1.html" "$B6/style.css" "$B6/missing.html" \
	"$B6/files/f300k.bin"
run_curl -r 0-262143 -- "$B4/files/f2m.bin"
run_wget "$B4/index.html" "$B4/page2.html" "$B4/style.css" "$B4/files/f50k.bin"
run_wget "$B6/page3.html" "$B6/page4.html" "$B6/page5.html"
# Server closes first: each URL gets its own connection.
run_curl -H "Connection: close" -- "$B4/page4.html" "$B4/files/f120k.bin"

sleep 1
kill -TERM "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=""

# ---------------------------------------------------------------- outputs
C2S="$WORK/real_c2s.pcap"
tcpdump -r "$PCAP" -w "$C2S" "src host $CLI4 or src host $CLI6" 2>/dev/null

MANIFEST="$WORK/real.requests.csv"
{
	echo "client_ip,client_port,requests"
	# curl: one line per transfer; count transfers per local address+port,
	# keeping the order of first use.
	awk '{ k = $1 "," $2; if (!(k in n)) order[++m] = k; n[k]++ }
	     END { for (i = 1; i <= m; i++) print order[i] "," n[order[i]] }' \
		"$CURL_LOG"
	# wget: count the requests tshark sees on each of its connections.
	tshark -r "$PCAP" -Y 'http.request && http.user_agent contains "Wget"' \
		-T fields -E separator=, -e tcp.stream -e ip.src -e ipv6.src \
		-e tcp.srcport 2>>"$WORK/logs/tshark.err" |
		awk -F, '{ ip = ($2 != "") ? $2 : $3; k = ip "," $4
		           if (!(k in n)) order[++m] = k; n[k]++ }
		     END { for (i = 1; i <= m; i++) print order[i] "," n[order[i]] }'
} >"$MANIFEST"

cp "$PCAP" "$C2S" "$MANIFEST" "$OUTDIR/"

size=$(stat -c %s "$OUTDIR/real.pcap")
echo "record-fixtures: wrote $OUTDIR/real.pcap ($size bytes)," \
	"real_c2s.pcap ($(stat -c %s "$OUTDIR/real_c2s.pcap") bytes)," \
	"real.requests.csv ($(($(wc -l <"$OUTDIR/real.requests.csv") - 1)) connections)"
if [ "$size" -gt 1600000 ]; then
	echo "record-fixtures: warning: real.pcap is larger than 1.5 MB" >&2
fi
