#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Records the labeled corpus: real scraping tools and real browsers, each
# from its own address in its own network namespace, talking to one nginx
# server (HTTP on 80, HTTPS with HTTP/2 on 443, self-signed certificate
# made here) that serves a generated shop-like site (scripts/corpus/
# gensite.py). Every client namespace hangs off one bridge in the server
# namespace; tcpdump captures on that bridge. Rates are shaped per client
# with tc tbf in both directions (this kernel has neither netem nor fq, so
# there is no added delay: RTTs stay sub-millisecond).
#
# The seed draws every timing: start offsets (and so the order clients
# appear in), rates, pauses, think times, which /24 each client sits in.
# The same seed gives the same plan; the capture itself differs from run to
# run (ports, scheduling). Writes into OUTDIR:
#   corpus.pcap   the capture (trimmed, see --trim)
#   labels.csv    client_ip,label,tool,scenario,proto,family,start_s,
#                 first_activity,rate_kbit,params,tool_family
#   plan.txt      seed, profile, duration, tool versions
#   access.log    nginx's log, one line per request (also with --trim):
#                 msec remote_addr server_port server_protocol "request"
#                 status body_bytes_sent "user_agent" remote_port
#                 connection connection_requests request_time http2
#                 (http2: "h2", or "-" on HTTP/1.x)
#   logs/         each client's output (not with --trim)
# With --trim (used for the committed fixtures), corpus.pcap keeps
# client->server packets whole and cuts server->client packets to 128
# bytes (all headers), through scripts/corpus/trim.sh; the untrimmed
# capture stays in OUTDIR/full.pcap only with --keep-full. --plan-only
# prints the plan (one line per client, its command line last) and exits.
#
# Profiles: "full" (large files 200 MB at 24-40 Mbit/s, media at
# 800 kbit/s, faster scrapers) and "small" (12 MB, 128 kbit/s, slower
# scrapers: for fixtures of a few MB). "wide" is "small" plus many more
# tools and three sites (shop, social feed, file archive: gensite.py and
# gensite_wide.py): HTTP/2 crawlers (Go, wget2, curl --parallel, httpx),
# Node, Perl LWP and Java crawlers, short bursts (scrapy, aria2, axel),
# address rotation (a /64, a /48, many /24s), NATs (a scraper with a
# person; an office), and benign single-page app loads, HTTP/2 downloads,
# a podcast app, apt, git, a feed reader and a mobile poller. See
# docs/corpus.md.
#
# Needs root and scripts/corpus/install-deps.sh. Every namespace, file
# under /etc/netns and process it starts is removed on exit, also on
# failure and Ctrl-C.
#
# Usage: scripts/corpus/record.sh [--seed N] [--duration SEC]
#            [--profile full|small|wide] [--site-seed N] [--trim]
#            [--keep-full] [--plan-only] OUTDIR
set -euo pipefail

SEED=1
DUR=600
PROFILE=full
TRIM=0
KEEP_FULL=0
PLAN_ONLY=0
SITE_SEED=""
usage() {
	sed -n '/^# Usage:/,/OUTDIR$/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--seed) SEED=$2; shift 2 ;;
	--duration) DUR=$2; shift 2 ;;
	--profile) PROFILE=$2; shift 2 ;;
	--site-seed) SITE_SEED=$2; shift 2 ;;
	--trim) TRIM=1; shift ;;
	--keep-full) KEEP_FULL=1; shift ;;
	--plan-only) PLAN_ONLY=1; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
OUTDIR=$1
case $PROFILE in full | small | wide) ;; *) usage ;; esac
# The site is generated from the seed unless --site-seed names another.
SITE_SEED=${SITE_SEED:-$SEED}
[[ $SEED =~ ^[0-9]+$ && $DUR =~ ^[0-9]+$ && $SITE_SEED =~ ^[0-9]+$ ]] || usage
[ "$DUR" -ge 60 ] || { echo "record: --duration must be >= 60" >&2; exit 2; }

if [ "$(id -u)" -ne 0 ]; then
	echo "record: must run as root (network namespaces)" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
for tool in ip tc nginx openssl tcpdump editcap mergecap curl wget httrack \
	scrapy aria2c chromium $PY; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "record: missing tool: $tool (run scripts/corpus/install-deps.sh)" >&2
		exit 2
	}
done
if [ "$PROFILE" = wide ] && [ "$PLAN_ONLY" = 0 ]; then
	for tool in go wget2 node perl java axel nft dpkg-deb dpkg-scanpackages \
		git apt-get xz; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "record: missing tool: $tool (run scripts/corpus/install-deps.sh)" >&2
			exit 2
		}
	done
fi

TAG=swcp
NS_SRV="$TAG-srv"
BR="${TAG}br0"
HOST=shop.corpus.test
SOCIAL=social.corpus.test
FILES=files.corpus.test
SRV4=198.18.16.1
SRV6=2001:db8:16::1
WORK=$(mktemp -d /tmp/swcp-corpus.XXXXXX)
chmod 755 "$WORK"
LOGS="$WORK/logs"
mkdir -p "$LOGS" "$WORK/prefix" "$WORK/cli" "$WORK/home"
NAMESPACES=()
PIDS=()
NGINX_PID=""
TCPDUMP_PID=""

cleanup() {
	local rc=$?
	set +e
	trap - INT TERM
	local p ns
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	# Anything still running inside our own namespaces was started here
	# (chromium helpers, tools that ignored TERM).
	for ns in "${NAMESPACES[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			[ "$p" = "$TCPDUMP_PID" ] || [ "$p" = "$NGINX_PID" ] ||
				kill -KILL "$p" 2>/dev/null
		done
	done
	if [ -n "$TCPDUMP_PID" ] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then
		kill -TERM "$TCPDUMP_PID"
		wait "$TCPDUMP_PID" 2>/dev/null
	fi
	if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
		kill -TERM "$NGINX_PID"
		wait "$NGINX_PID" 2>/dev/null
	fi
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in "${NAMESPACES[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "record: $*" >&2; }

# ------------------------------------------------------------------ plan
# Every draw is a hash of the seed and a name for the draw (so it needs no
# state, which command substitution would lose): rnd NAME MIN MAX.
rnd() {
	local h
	h=$(printf '%s' "$SEED/$1" | sha256sum | cut -c1-8)
	echo $(($2 + 16#$h % ($3 - $2 + 1)))
}
# rndf NAME MIN_MS MAX_MS: seconds with 3 decimals.
rndf() {
	local v
	v=$(rnd "$1" "$2" "$3")
	printf '%d.%03d' $((v / 1000)) $((v % 1000))
}

if [ "$PROFILE" = full ]; then
	BIG_MB=200 SEG_KBIT=800 SCALE=2
	BIG_KBIT=$(rnd bigrate 24000 40000)
else
	# small, and wide (small plus the clients of wide_plan.sh)
	BIG_MB=6 SEG_KBIT=96 SCALE=1
	BIG_KBIT=$(rnd bigrate 6000 10000)
fi
PRODUCTS=3000

# Which /24 (198.18.N.0, N in 16..30) each single client sits in; the
# distributed scraper has 198.18.31.0/24 to itself. Shuffled by the seed.
mapfile -t NETS < <(seq 16 30)
for ((i = ${#NETS[@]} - 1; i > 0; i--)); do
	j=$(rnd "net$i" 0 "$i")
	t=${NETS[i]} NETS[i]=${NETS[j]} NETS[j]=$t
done
# ip4 K: the K-th single client's address; ip6 K likewise, a /64 each.
ip4() { echo "198.18.${NETS[$1]}.$(rnd "host$1" 20 250)"; }
ip6() {
	printf '2001:db8:16:%x::%x\n' "$(($(rnd net6 1 200) + $1))" \
		"$(rnd "host6.$1" 2 4000)"
}

# One line per client:
#   name|label|tool|scenario|proto|ip|start_s|down_kbit|command...
CLIENTS=()
add() { CLIENTS+=("$(IFS='|'; echo "$*")"); }
# Per client name: its tool family (the last labels.csv column); the NAT
# router it sits behind (PARENT: no address of its own on the wire, not
# in labels.csv); the LAN /24 of a NAT router (NATLAN); a file listing
# extra source addresses it binds to (ADDRS: every one of them seen in
# the access log gets a labels.csv row).
declare -A TFAM=() PARENT=() NATLAN=() ADDRS=()
# Start offset within the first quarter; a client's access-link rate.
late() { rnd "start.$1" 0 $((DUR / 4)); }
link() { rnd "link.$1" "$2" "$3"; }

H=http://$HOST S=https://$HOST

# Scrapers.
add wget scraper "wget 1.21.3" mirror http "$(ip4 0)" "$(late wget)" \
	"$(link wget 2000 8000)" \
	wget --mirror -e robots=off --no-verbose -X /downloads \
	--wait="$(rndf wget.wait 200 900)" --random-wait \
	-P "$WORK/cli/wget" "$H/"
add httrack scraper "httrack 3.49.4" mirror http "$(ip4 1)" \
	"$(late httrack)" "$(link httrack 2000 8000)" \
	httrack "$H/" "-*/downloads/*" -O "$WORK/cli/httrack" -q -s0 -c"$(rnd httrack.c 1 3)" \
	-%c"$(rnd httrack.cps 2 4)" \
	-A$(($(rnd httrack.rate 60 150) * 1000 * SCALE))
add scrapy scraper "scrapy 2.8.0" spider https "$(ip4 2)" "$(late scrapy)" \
	"$(link scrapy 2000 8000)" \
	scrapy runspider "$HERE/spider.py" -a start="$S/" \
	-s DOWNLOAD_DELAY="$(rndf scrapy.delay $((600 / SCALE)) $((1200 / SCALE)))" \
	-s CONCURRENT_REQUESTS_PER_DOMAIN="$(rnd scrapy.conc 1 3)" \
	-s LOG_LEVEL=WARNING
add apiwalk scraper "python-requests 2.28.1" api-walker https "$(ip4 3)" \
	"$(late apiwalk)" "$(link apiwalk 2000 8000)" \
	$PY "$HERE/clients.py" api-walk "$S" --seed "$SEED" --gap \
	"$(rndf api.gap0 $((300 / SCALE)) $((700 / SCALE)))" \
	"$(rndf api.gap1 800 1200)"
add aria2 scraper "aria2 1.36.0" url-list https "$(ip4 4)" "$(late aria2)" \
	"$(link aria2 2000 8000)" \
	aria2c -i "$WORK/aria2.list" -j "$(rnd aria2.j 2 4)" -q \
	--max-overall-download-limit=$(($(rnd aria2.rate 6 12) * SCALE * SCALE))K \
	--check-certificate=false --file-allocation=none \
	--allow-overwrite=true -d "$WORK/cli/aria2"
add lowslow scraper "curl 7.88.1 (browser UA)" low-and-slow http "$(ip4 5)" \
	"$(rnd start.lowslow 0 30)" "$(link lowslow 2000 8000)" \
	bash "$HERE/loops.sh" lowslow "$H" "$SEED"
add curlloop scraper "curl 7.88.1" curl-loop https "$(ip6 0)" \
	"$(late curlloop)" "$(link curlloop 2000 8000)" \
	bash "$HERE/loops.sh" curlloop "$S" "$SEED" \
	"$(rnd curlloop.gap $((300 / SCALE)) $((1000 / SCALE)))"
add chromecrawl scraper "chromium 156 (CDP)" headless-crawl https \
	"$(ip6 1)" "$(late chromecrawl)" "$(link chromecrawl 4000 10000)" \
	$PY "$HERE/cdp_walk.py" crawl "$S/" --seed "$SEED" --think \
	"$(rndf crawl.t0 300 800)" "$(rndf crawl.t1 1200 2500)"
# Distributed: 8 members in one /24, each a slice at a modest rate.
for k in $(seq 0 7); do
	add "dist$k" scraper "python-requests 2.28.1 (browser UA)" distributed \
		https "198.18.31.$((10 + k * 7 + $(rnd "dist$k.host" 0 6)))" \
		"$(rnd "start.dist$k" 0 $((DUR / 6)))" "$(link "dist$k" 2000 8000)" \
		$PY "$HERE/clients.py" harvest "$S" --seed "$((SEED * 10 + k))" \
		--slice "$k" --slices 8 --products "$PRODUCTS" --gap \
		"$(rndf "dist$k.gap0" $((6000 / SCALE)) $((9000 / SCALE)))" \
		"$(rndf "dist$k.gap1" $((10000 / SCALE)) $((16000 / SCALE)))"
done

TFAM[wget]=wget TFAM[httrack]=httrack TFAM[scrapy]=scrapy
TFAM[apiwalk]=api-walker TFAM[aria2]=aria2 TFAM[lowslow]=lowslow-curl
TFAM[curlloop]=curl-loop TFAM[chromecrawl]=headless-crawl
for k in $(seq 0 7); do TFAM[dist$k]=distributed; done

# Benign.
add browse1 benign "chromium 156 (CDP)" browse https "$(ip4 6)" \
	"$(late browse1)" "$(link browse1 4000 20000)" \
	$PY "$HERE/cdp_walk.py" browse "$S/" --seed "$((SEED + 1))" --think \
	"$(rnd browse1.t0 10 20)" "$(rnd browse1.t1 40 60)"
add browse2 benign "chromium 156 (CDP)" browse http "$(ip4 7)" \
	"$(late browse2)" "$(link browse2 4000 20000)" \
	$PY "$HERE/cdp_walk.py" browse "$H/" --seed "$((SEED + 2))" --think \
	"$(rnd browse2.t0 10 20)" "$(rnd browse2.t1 40 60)"
add dlcurl benign "curl 7.88.1" large-download https "$(ip4 8)" \
	"$(rnd start.dlcurl 10 $((DUR / 2)))" "$BIG_KBIT" \
	curl -sk -o /dev/null "$S/downloads/big-0.bin"
add dlchrome benign "chromium 156 (CDP)" large-download https "$(ip4 9)" \
	"$(rnd start.dlchrome 10 $((DUR / 2)))" "$BIG_KBIT" \
	$PY "$HERE/cdp_walk.py" download "$S/downloads/big-1.bin" \
	--seed "$SEED" --think 3 12
add player benign "python-requests 2.28.1 (HLS player)" media-stream https \
	"$(ip4 10)" "$(late player)" "$(link player 4000 20000)" \
	$PY "$HERE/clients.py" player "$S" --seed "$SEED"
add poller benign "curl 7.88.1" api-poller http "$(ip4 11)" \
	"$(rnd start.poller 0 $((DUR / 6)))" "$(link poller 1000 4000)" \
	bash "$HERE/loops.sh" poller "$H" "$SEED"
for k in 1 2 3; do
	add "short$k" benign "chromium 156 (CDP)" short-visit https \
		"$(ip4 $((11 + k)))" \
		"$(rnd "start.short$k" $(((k - 1) * DUR / 4)) $((k * DUR / 4)))" \
		"$(link "short$k" 4000 20000)" \
		$PY "$HERE/cdp_walk.py" browse "$S/" --seed "$((SEED + 10 + k))" \
		--think 4 20 --pages "$(rnd "short$k.pages" 2 4)"
done

TFAM[browse1]=browser TFAM[browse2]=browser TFAM[dlcurl]=download
TFAM[dlchrome]=download TFAM[player]=player TFAM[poller]=poller
for k in 1 2 3; do TFAM[short$k]=browser; done

[ "$PROFILE" = wide ] && . "$HERE/wide_plan.sh"

if [ "$PLAN_ONLY" = 1 ]; then
	for c in "${CLIENTS[@]}"; do
		n=${c%%|*}
		echo "$c|${TFAM[$n]:-}${PARENT[$n]:+|behind ${PARENT[$n]}}"
	done | sed "s#$WORK#\$WORK#g"
	exit 0
fi

# ------------------------------------------------------------------ site
log "seed $SEED, profile $PROFILE, duration ${DUR}s: generating the site"
DOCROOT="$WORK/docroot"
$PY "$HERE/gensite.py" "$DOCROOT" --seed "$SITE_SEED" --products "$PRODUCTS" \
	--big-mb "$BIG_MB" --big-files 2 --seg-kbit "$SEG_KBIT" \
	--segments $((DUR / 4 + 10))
chmod -R a+rX "$DOCROOT"
# aria2's list: product pages and images in a seeded order.
(
	cd "$DOCROOT"
	ls catalogue/product-*.html static/img/*.jpg
) | awk -v s="$SEED" -v base="https://$HOST/" \
	'BEGIN { srand(s) } { printf "%.6f %s%s\n", rand(), base, $0 }' |
	sort -n | cut -d' ' -f2 >"$WORK/aria2.list"
NAMES="$HOST"
[ "$PROFILE" = wide ] && . "$HERE/wide_site.sh"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-days 30 -subj "/CN=$HOST" \
	-addext "subjectAltName=DNS:$HOST,DNS:$SOCIAL,DNS:$FILES,IP:$SRV4,IP:$SRV6" \
	-keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

cat >"$WORK/nginx.conf" <<EOF
user nobody nogroup;
worker_processes 2;
daemon off;
pid $WORK/nginx.pid;
error_log $LOGS/nginx-error.log notice;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
    default_type application/octet-stream;
    # \$http2 is empty on HTTP/1.x: logged as "-", so every line has 13
    # fields.
    map \$http2 \$corpus_http2 {
        "" "-";
        default \$http2;
    }
    log_format corpus '\$msec \$remote_addr \$server_port \$server_protocol '
                      '"\$request" \$status \$body_bytes_sent "\$http_user_agent" '
                      '\$remote_port \$connection \$connection_requests '
                      '\$request_time \$corpus_http2';
    access_log $WORK/access.log corpus;
    client_body_temp_path $WORK/prefix/body;
    proxy_temp_path $WORK/prefix/proxy;
    fastcgi_temp_path $WORK/prefix/fastcgi;
    uwsgi_temp_path $WORK/prefix/uwsgi;
    scgi_temp_path $WORK/prefix/scgi;
    server_tokens off;
    sendfile on;
    keepalive_timeout 30s;
    keepalive_requests 1000;
    gzip off;
    server {
        listen 80;
        listen [::]:80;
        listen 443 ssl http2;
        listen [::]:443 ssl http2;
        server_name $HOST;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        root $DOCROOT;
        location = /api/items {
            default_type application/json;
            try_files /api/items/page-\$arg_page.json =404;
        }
        location = /api/status {
            default_type application/json;
            try_files /api/status.json =404;
        }
    }
EOF
if [ "$PROFILE" = wide ]; then
	cat >>"$WORK/nginx.conf" <<EOF
    server {
        listen 80;
        listen [::]:80;
        listen 443 ssl http2;
        listen [::]:443 ssl http2;
        server_name $SOCIAL;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        root $SOCIALROOT;
        location = /api/feed {
            default_type application/json;
            try_files /api/feed/page-\$arg_page.json =404;
        }
    }
    server {
        listen 80;
        listen [::]:80;
        listen 443 ssl http2;
        listen [::]:443 ssl http2;
        server_name $FILES;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        root $FILESROOT;
        types {
            text/html html;
            text/css css;
            application/rss+xml xml;
            audio/mpeg mp3;
            application/x-tar tar;
        }
        default_type application/octet-stream;
    }
EOF
fi
echo "}" >>"$WORK/nginx.conf"

# --------------------------------------------------------------- network
netns_new() {
	ip netns add "$1"
	NAMESPACES+=("$1")
	ip netns exec "$1" sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0
	ip -n "$1" link set lo up
}
netns_new "$NS_SRV"
ip -n "$NS_SRV" link add "$BR" type bridge
ip -n "$NS_SRV" addr add "$SRV4/20" dev "$BR"
ip -n "$NS_SRV" addr add "$SRV6/48" dev "$BR" nodad
ip -n "$NS_SRV" link set "$BR" up

# tbf: rate in kbit/s; the bucket holds 20 ms at that rate (at least 16 KB).
shape() {
	local ns=$1 dev=$2 kbit=$3 burst
	burst=$((kbit * 1000 / 8 / 50))
	[ "$burst" -ge 16384 ] || burst=16384
	ip netns exec "$ns" tc qdisc add dev "$dev" root tbf rate "${kbit}kbit" \
		burst "$burst" latency 100ms
}

# Addresses outside the bridge's own prefixes (the wide profile's) are
# on-link too: one route each way covers them.
ip -n "$NS_SRV" route add 198.18.0.0/15 dev "$BR"
ip -n "$NS_SRV" -6 route add 2001:db8::/32 dev "$BR"

i=0
for c in "${CLIENTS[@]}"; do
	IFS='|' read -r name label tool scen proto ip start kbit _ <<<"$c"
	ns="$TAG-$name"
	netns_new "$ns"
	mkdir -p "/etc/netns/$ns"
	if [ -n "${PARENT[$name]:-}" ]; then
		# Behind a NAT router: a veth into the router's LAN bridge.
		r=$TAG-${PARENT[$name]} lan=${NATLAN[${PARENT[$name]}]}
		ip link add "${TAG}m$i" netns "$r" type veth peer name "${TAG}c$i" \
			netns "$ns"
		ip -n "$r" link set dev "${TAG}m$i" gso_max_segs 1 master "${TAG}L" up
		ip -n "$ns" link set dev "${TAG}c$i" gso_max_segs 1 up
		ip -n "$ns" addr add "$ip/24" dev "${TAG}c$i"
		ip -n "$ns" route add default via "$lan.1"
		echo "$SRV4 $NAMES" >"/etc/netns/$ns/hosts"
		i=$((i + 1))
		continue
	fi
	ip link add "${TAG}s$i" netns "$NS_SRV" type veth peer name "${TAG}c$i" \
		netns "$ns"
	# At most one MSS per packet on the capture, as on a real wire.
	ip -n "$NS_SRV" link set dev "${TAG}s$i" gso_max_segs 1 master "$BR" up
	ip -n "$ns" link set dev "${TAG}c$i" gso_max_segs 1 up
	if [[ $ip == *:* ]]; then
		# The server's /48, or (wide) a /48 of its own, on-link in /32.
		plen=48
		[[ $ip == 2001:db8:16:* ]] || plen=32
		ip -n "$ns" addr add "$ip/$plen" dev "${TAG}c$i" nodad
		# A default route only so that chromium's IPv6 reachability probe
		# (a UDP connect, no packet) passes; nothing forwards beyond.
		ip -n "$ns" -6 route add default via "$SRV6"
		echo "$SRV6 $NAMES" >"/etc/netns/$ns/hosts"
	else
		plen=20
		[[ $ip =~ ^198\.18\.(1[6-9]|2[0-9]|3[01])\. ]] || plen=15
		ip -n "$ns" addr add "$ip/$plen" dev "${TAG}c$i"
		echo "$SRV4 $NAMES" >"/etc/netns/$ns/hosts"
	fi
	if [ -n "${ADDRS[$name]:-}" ]; then
		# Address rotation: every source address on the one interface.
		while read -r a; do
			[ "$a" = "$ip" ] && continue
			if [[ $a == *:* ]]; then
				ip -n "$ns" addr add "$a/128" dev "${TAG}c$i" nodad
			else
				ip -n "$ns" addr add "$a/32" dev "${TAG}c$i"
			fi
		done <"${ADDRS[$name]}"
	fi
	if [ -n "${NATLAN[$name]:-}" ]; then
		# A NAT router: a LAN bridge, forwarding, nftables masquerade out.
		ip -n "$ns" link add "${TAG}L" type bridge
		ip -n "$ns" addr add "${NATLAN[$name]}.1/24" dev "${TAG}L"
		ip -n "$ns" link set "${TAG}L" up
		ip netns exec "$ns" sysctl -q -w net.ipv4.ip_forward=1
		ip netns exec "$ns" nft -f - <<EOF
table ip corpusnat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "${TAG}c$i" masquerade
	}
}
EOF
	fi
	shape "$NS_SRV" "${TAG}s$i" "$kbit"
	up=$((kbit / 4))
	[ "$up" -ge 1000 ] || up=1000
	shape "$ns" "${TAG}c$i" "$up"
	i=$((i + 1))
done
ip -n "$NS_SRV" link set dev "$BR" gso_max_segs 1

# ---------------------------------------------------------------- server
# Started directly so that $! is the process itself (ip netns exec execs).
ip netns exec "$NS_SRV" nginx -p "$WORK/prefix" -c "$WORK/nginx.conf" \
	-e "$LOGS/nginx-error.log" >"$LOGS/nginx.out" 2>&1 &
NGINX_PID=$!
ip netns exec "$NS_SRV" tcpdump -i "$BR" -s 0 -U -w "$WORK/full.pcap" \
	"tcp and (host $SRV4 or host $SRV6)" >"$LOGS/tcpdump.out" 2>&1 &
TCPDUMP_PID=$!
for _ in $(seq 100); do
	grep -q "listening on" "$LOGS/tcpdump.out" 2>/dev/null &&
		ip netns exec "$NS_SRV" curl -sk -o /dev/null "https://$SRV4/robots.txt" &&
		break
	sleep 0.1
done
# The readiness probe above is local to the server namespace and never
# crosses the bridge, so it is not in the capture.

# --------------------------------------------------------------- clients
T0=$(date +%s)
log "recording ${#CLIENTS[@]} clients for ${DUR}s from $(date -u -d "@$T0" +%FT%TZ)"
for c in "${CLIENTS[@]}"; do
	IFS='|' read -r name label tool scen proto ip start kbit rest <<<"$c"
	IFS='|' read -r -a cmd <<<"$rest"
	[ "$start" -le $((DUR - 20)) ] || start=$((DUR - 20))
	mkdir -p "$WORK/home/$name"
	# A clean environment: no proxy or CA-bundle variables of the caller.
	(
		sleep "$start"
		date -u +%FT%T.%3NZ >"$WORK/first.$name"
		exec ip netns exec "$TAG-$name" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME="$WORK/home/$name" LANG=C.UTF-8 \
			timeout -k 5 $((DUR - start)) "${cmd[@]}"
	) >"$LOGS/$name.log" 2>&1 &
	PIDS+=($!)
done
for p in "${PIDS[@]}"; do
	wait "$p" || true
done
sleep 2
kill -TERM "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=""
log "recorded $(($(date +%s) - T0))s"

# ---------------------------------------------------------------- output
mkdir -p "$OUTDIR"
{
	echo "client_ip,label,tool,scenario,proto,family,start_s,first_activity,rate_kbit,params,tool_family"
	# Addresses seen (for address rotation): every source address in the
	# capture (a connection cut off by the end of the run may have made
	# no request) and every address in the access log.
	{
		awk '{ print $2 }' "$WORK/access.log"
		tcpdump -n -r "$WORK/full.pcap" 2>/dev/null | awk '{ print $3 }' |
			sed -E 's/\.[0-9]+$//'
	} | sort -u >"$WORK/seen.addrs"
	for c in "${CLIENTS[@]}"; do
		IFS='|' read -r name label tool scen proto ip start kbit rest <<<"$c"
		# Behind a NAT: no address of its own on the wire (plan.txt only).
		[ -n "${PARENT[$name]:-}" ] && continue
		# params: the tool's timing options only (no temporary paths).
		params=$(tr '|' ' ' <<<"$rest" | grep -oE -- '(--wait|--gap|--think|-c|-%c|-A|DOWNLOAD_DELAY|CONCURRENT_REQUESTS_PER_DOMAIN|CONCURRENT_REQUESTS|CLOSESPIDER_PAGECOUNT|--max-overall-download-limit|-j|--pages|--rate|--workers|--seconds|--session|--conc)[= ]?[0-9.]+K?( [0-9.]+)?' | tr '\n' ' ' | sed 's/ *$//' || true)
		first=$(cat "$WORK/first.$name" 2>/dev/null || echo "")
		if [ -n "${ADDRS[$name]:-}" ]; then
			addrs=$(grep -xF -f "$WORK/seen.addrs" "${ADDRS[$name]}" || true)
		else
			addrs=$ip
		fi
		for a in $addrs; do
			fam=ipv4
			[[ $a == *:* ]] && fam=ipv6
			echo "$a,$label,$tool,$scen,$proto,$fam,$start,$first,$kbit,\"$name: $params\",${TFAM[$name]:-$name}"
		done
	done
} >"$OUTDIR/labels.csv"
{
	echo "seed=$SEED site_seed=$SITE_SEED profile=$PROFILE duration_s=$DUR start=$(date -u -d "@$T0" +%FT%TZ)"
	echo "server=$NAMES $SRV4 $SRV6 (nginx $(nginx -v 2>&1 | cut -d/ -f2))"
	echo "big_file_mb=$BIG_MB media_kbit=$SEG_KBIT products=$PRODUCTS"
	for c in "${CLIENTS[@]}"; do
		n=${c%%|*}
		echo "$c|${TFAM[$n]:-}${PARENT[$n]:+|behind ${PARENT[$n]}}" |
			tr '|' ' ' | sed "s#$WORK#\$WORK#g"
	done
	for n in "${!ADDRS[@]}"; do
		echo "addresses of $n: $(wc -l <"${ADDRS[$n]}") configured, $(grep -cxF -f "$WORK/seen.addrs" "${ADDRS[$n]}") used"
	done
} >"$OUTDIR/plan.txt"

if [ "$TRIM" = 1 ]; then
	"$HERE/trim.sh" "$WORK/full.pcap" "$OUTDIR/corpus.pcap" "$SRV4" "$SRV6"
	[ "$KEEP_FULL" = 1 ] && mv "$WORK/full.pcap" "$OUTDIR/full.pcap"
	# The access log is the oracle for requests per connection: kept too.
	cp "$WORK/access.log" "$OUTDIR/access.log"
else
	mv "$WORK/full.pcap" "$OUTDIR/corpus.pcap"
	cp "$WORK/access.log" "$OUTDIR/access.log"
	rm -rf "$OUTDIR/logs"
	cp -r "$LOGS" "$OUTDIR/logs"
fi
log "wrote $OUTDIR/corpus.pcap ($(du -h "$OUTDIR/corpus.pcap" | cut -f1)) and $OUTDIR/labels.csv ($(($(wc -l <"$OUTDIR/labels.csv") - 1)) addresses, ${#CLIENTS[@]} clients)"
