#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Records the "tls" fixture capture: the ClientHellos, SYNs and cleartext
# HTTP request heads of real clients, for the fingerprint oracle
# (tests/oracle/test_fingerprint_oracle.sh). It builds two network
# namespaces, a server and a client, joined by a veth pair
# (198.18.0.0/24 and 2001:db8::/64, fixed MACs, one MSS per packet), runs
# nginx in the server namespace with a private config, a generated docroot
# of small pages and a self-signed certificate made here with openssl
# (HTTPS on 443 with TLS 1.2 and 1.3 and HTTP/2, cleartext HTTP on 80),
# captures on the server-side veth with `tcpdump -w` (full snaplen), and
# drives a fixed sequence of clients from the client namespace, each on its
# own connection(s):
#   HTTPS  curl (HTTP/2; --http1.1; by IPv6 address, no SNI), wget (GnuTLS),
#          python3-requests, openssl s_client (-tls1_2; -noservername;
#          -alpn h2,x-odd/1; -alpn x-odd/,http/1.1; -tls1_3) and headless
#          Chromium (GREASE, shuffled extensions, a multi-segment hello);
#   HTTP   curl, wget, python3-requests and headless Chromium, several
#          requests on keep-alive connections.
# The server name fixtures.scrapewatch.test resolves through a hosts file
# that only the client namespace sees (/etc/netns/NS/hosts, removed on
# exit). A client that is not installed or fails is reported and skipped.
# It writes OUTDIR/tls.pcap (both directions) and prints a per-connection
# summary from tshark. The capture stays well under 2 MB. Needs root,
# iproute2, nginx (with ssl and http2), openssl, curl, wget, tcpdump and
# tshark; python3-requests and chromium are optional. Every namespace and
# process it starts is removed on exit, also on failure. Traffic stays
# inside the two namespaces (the client namespace has no default route).
#
# Usage: scripts/record-tls-fixtures.sh OUTDIR
set -euo pipefail

usage() {
	echo "usage: $0 OUTDIR" >&2
	exit 2
}
[ $# -eq 1 ] || usage
OUTDIR=$1

if [ "$(id -u)" -ne 0 ]; then
	echo "record-tls-fixtures: must run as root (network namespaces)" >&2
	exit 2
fi
for tool in ip nginx openssl curl wget tcpdump tshark ss timeout; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "record-tls-fixtures: missing tool: $tool" >&2
		exit 2
	}
done
if ! nginx -V 2>&1 | grep -q -- --with-http_ssl_module ||
	! nginx -V 2>&1 | grep -q -- --with-http_v2_module; then
	echo "record-tls-fixtures: nginx lacks ssl or http2 module" >&2
	exit 2
fi
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

NS_SRV="swtls-srv-$$"
NS_CLI="swtls-cli-$$"
IF_SRV="swts$$"
IF_CLI="swtc$$"
SRV4=198.18.0.1
CLI4=198.18.0.2
SRV6=2001:db8::1
CLI6=2001:db8::2
NAME=fixtures.scrapewatch.test
NETNS_ETC="/etc/netns/$NS_CLI"

WORK=$(mktemp -d /tmp/scrapewatch-tls-fixtures.XXXXXX)
NGINX_PID=""
TCPDUMP_PID=""
MADE_NETNS_DIR=""

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
	# Anything still running inside our own namespaces was started here
	# (e.g. Chromium helper processes).
	local ns pid
	for ns in "$NS_CLI" "$NS_SRV"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$NETNS_ETC"
	[ -n "$MADE_NETNS_DIR" ] && rmdir /etc/netns 2>/dev/null
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
	local _
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	echo "record-tls-fixtures: timed out waiting for: $*" >&2
	return 1
}

# ---------------------------------------------------------------- docroot
DOCROOT="$WORK/docroot"
mkdir -p "$DOCROOT" "$WORK/prefix" "$WORK/logs" "$WORK/tls" "$WORK/home"
chmod 755 "$WORK" "$WORK/prefix"

"$PYTHON" - "$DOCROOT" <<'EOF'
import os, struct, sys, zlib

root = sys.argv[1]

def page(title, paras, extra=""):
    body = "".join(
        "<p>%s: %s</p>\n" % (title, ("lorem ipsum dolor sit amet %d " % i) * 4)
        for i in range(paras))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>%s</title>"
            "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
            "<body><h1>%s</h1>\n%s%s</body></html>\n"
            % (title, title, extra, body))

with open(os.path.join(root, "index.html"), "w") as f:
    f.write(page("index", 4, "<img src=\"/logo.png\" alt=\"logo\">\n"
                 "<script src=\"/app.js\"></script>\n"))
for name, n in {"page1.html": 2, "page2.html": 6, "page3.html": 3}.items():
    with open(os.path.join(root, name), "w") as f:
        f.write(page(name[:-5], n))
with open(os.path.join(root, "style.css"), "w") as f:
    f.write("".join("p.c%d { margin: %dpx; }\n" % (i, i) for i in range(20)))
with open(os.path.join(root, "app.js"), "w") as f:
    f.write("document.title = document.title + ' (js)';\n")

# A tiny 16x16 grey PNG for the page (and as favicon).
def png(w, h):
    raw = b"".join(b"\x00" + bytes([0x80] * w) for _ in range(h))
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for name in ("logo.png", "favicon.ico"):
    with open(os.path.join(root, name), "wb") as f:
        f.write(png(16, 16))
EOF
chmod -R a+rX "$DOCROOT"

# Self-signed P-256 certificate for the server name and both addresses.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" -days 3650 \
	-subj "/CN=$NAME" \
	-addext "subjectAltName=DNS:$NAME,IP:$SRV4,IP:$SRV6" \
	>"$WORK/logs/openssl-req.out" 2>&1 || {
	cat "$WORK/logs/openssl-req.out" >&2
	exit 1
}
chmod 644 "$WORK/tls/cert.pem"

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
        listen 443 ssl http2;
        listen [::]:443 ssl http2;
        server_name $NAME;
        ssl_certificate $WORK/tls/cert.pem;
        ssl_certificate_key $WORK/tls/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
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

# The server name, for the client namespace only: `ip netns exec` bind-
# mounts /etc/netns/NS/hosts over /etc/hosts.
[ -d /etc/netns ] || MADE_NETNS_DIR=1
mkdir -p "$NETNS_ETC"
printf '127.0.0.1 localhost\n::1 localhost\n%s %s\n' "$SRV4" "$NAME" \
	>"$NETNS_ETC/hosts"

# ---------------------------------------------------------------- server
# Started directly (not through a shell function), so that $! is the PID
# of the process itself: ip netns exec execs the command.
ip netns exec "$NS_SRV" nginx -p "$WORK/prefix" -c "$WORK/nginx.conf" -e "$WORK/logs/error.log" \
	>"$WORK/logs/nginx.out" 2>&1 &
NGINX_PID=$!
listening() { in_srv ss -Hltn 'sport = :443' | grep -q .; }
wait_for listening || {
	cat "$WORK/logs/error.log" "$WORK/logs/nginx.out" >&2
	exit 1
}
# Let the interfaces settle (link-local addresses, MLD reports) before the
# capture starts.
sleep 2

# ---------------------------------------------------------------- capture
mkdir -p "$OUTDIR"
PCAP="$WORK/tls.pcap"
ip netns exec "$NS_SRV" tcpdump -i "$IF_SRV" -s 0 -U -Z root -w "$PCAP" \
	>"$WORK/logs/tcpdump.out" 2>&1 &
TCPDUMP_PID=$!
tcpdump_ready() { grep -q "listening on" "$WORK/logs/tcpdump.out"; }
wait_for tcpdump_ready || {
	cat "$WORK/logs/tcpdump.out" >&2
	exit 1
}
sleep 0.3

HS="https://$NAME"
H4="http://$SRV4"
RECORDED=()
FAILED=()

# Runs one client (a label, then the command, run in the client
# namespace). A failure is reported and recorded, not fatal.
client() {
	local label=$1
	shift
	if in_cli "$@" >"$WORK/logs/client.out" 2>&1; then
		RECORDED+=("$label")
	else
		echo "record-tls-fixtures: client failed: $label" >&2
		sed 's/^/  | /' "$WORK/logs/client.out" | tail -5 >&2
		FAILED+=("$label")
	fi
	sleep 0.3
}

# curl with one `-o /dev/null` per URL: run_curl LABEL [OPTION|URL]...
run_curl() {
	local label=$1 a args=()
	shift
	for a in "$@"; do
		case $a in
		http://* | https://*) args+=(-o /dev/null "$a") ;;
		*) args+=("$a") ;;
		esac
	done
	client "$label" timeout 30 curl -sS -k --max-time 20 "${args[@]}"
}
WGET=(timeout 30 wget -q --tries=1 --timeout=20 -O /dev/null)
S_CLIENT=(timeout 15 openssl s_client -connect "$SRV4:443" -brief)

# --- HTTPS
run_curl "curl https HTTP/2" --http2 "$HS/index.html" "$HS/page1.html"
run_curl "curl https HTTP/1.1" --http1.1 "$HS/page1.html" "$HS/style.css"
run_curl "curl https IPv6 address (no SNI)" "https://[$SRV6]/page2.html"
client "wget https" "${WGET[@]}" --no-check-certificate "$HS/index.html" "$HS/page3.html"

if "$PYTHON" -c 'import requests' 2>/dev/null; then
	client "python3-requests https" timeout 30 "$PYTHON" -c '
import sys, warnings, requests
warnings.filterwarnings("ignore")
s = requests.Session()
for u in sys.argv[1:]:
    s.get(u, verify=False, timeout=20).raise_for_status()
' "$HS/index.html" "$HS/page2.html"
else
	echo "record-tls-fixtures: python3-requests not installed, skipped" >&2
	FAILED+=("python3-requests (not installed)")
fi

# s_client reads stdin: /dev/null makes it close right after the handshake.
client "openssl s_client -tls1_2" "${S_CLIENT[@]}" -servername "$NAME" -tls1_2 </dev/null
client "openssl s_client -noservername" "${S_CLIENT[@]}" -noservername </dev/null
client "openssl s_client -alpn h2,x-odd/1" "${S_CLIENT[@]}" -servername "$NAME" \
	-alpn "h2,x-odd/1" </dev/null
client "openssl s_client -alpn x-odd/,http/1.1" "${S_CLIENT[@]}" -servername "$NAME" \
	-alpn "x-odd/,http/1.1" </dev/null
client "openssl s_client -tls1_3" "${S_CLIENT[@]}" -servername "$NAME" -tls1_3 </dev/null

CHROMIUM=""
for c in chromium chromium-browser; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$(command -v "$c")
		break
	fi
done
chromium_run() {
	local label=$1 url=$2 profile
	profile=$(mktemp -d "$WORK/chromium.XXXXXX")
	# --dump-dom loads the page (and its subresources) and exits.
	client "$label" env HOME="$WORK/home" timeout 60 "$CHROMIUM" \
		--headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --disable-extensions \
		--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,MediaRouter \
		--host-resolver-rules="MAP $NAME $SRV4" \
		--user-data-dir="$profile" --ignore-certificate-errors \
		--dump-dom "$url"
}
if [ -n "$CHROMIUM" ]; then
	chromium_run "chromium https" "$HS/index.html"
else
	echo "record-tls-fixtures: chromium not installed, skipped" >&2
	FAILED+=("chromium (not installed)")
fi

# --- cleartext HTTP, several requests per keep-alive connection
run_curl "curl http" "$H4/index.html" "$H4/page1.html" "$H4/style.css"
client "wget http" "${WGET[@]}" "http://$NAME/page2.html" "http://$NAME/page3.html" \
	"http://$NAME/logo.png"
if "$PYTHON" -c 'import requests' 2>/dev/null; then
	client "python3-requests http" timeout 30 "$PYTHON" -c '
import sys, requests
s = requests.Session()
for u in sys.argv[1:]:
    s.get(u, timeout=20).raise_for_status()
' "$H4/index.html" "$H4/page1.html" "$H4/page2.html"
fi
if [ -n "$CHROMIUM" ]; then
	chromium_run "chromium http" "$H4/index.html"
fi

sleep 1
kill -TERM "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=""

# ---------------------------------------------------------------- outputs
cp "$PCAP" "$OUTDIR/tls.pcap"
size=$(stat -c %s "$OUTDIR/tls.pcap")

echo "record-tls-fixtures: per-connection summary (tshark):"
tshark -n -r "$PCAP" -Y 'tls.handshake.type == 1 || http.request' \
	-T fields -E separator=' ' -E occurrence=f \
	-e tcp.stream -e tcp.srcport -e tls.handshake.extensions_server_name \
	-e tls.handshake.extensions_alpn_str -e http.request.uri \
	-e http.user_agent 2>/dev/null | sed 's/^/  /'
echo "record-tls-fixtures: recorded: ${RECORDED[*]/%/;}"
if [ ${#FAILED[@]} -gt 0 ]; then
	echo "record-tls-fixtures: failed or skipped: ${FAILED[*]/%/;}"
fi
echo "record-tls-fixtures: wrote $OUTDIR/tls.pcap ($size bytes)"
if [ "$size" -gt 2000000 ]; then
	echo "record-tls-fixtures: warning: tls.pcap is larger than 2 MB" >&2
fi
