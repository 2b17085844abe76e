#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Sourced by the live capture tests: a server (nginx) and a client in their
# own network namespaces, joined by a veth pair, and a mirror port: tc
# mirrors every frame of the server's interface, both ways, out of a
# second veth pair whose far end (MIRROR_IF, in namespace NS_CAP) is the
# capture port. Names carry the tag $MIRROR_TAG (swdp unless set before
# sourcing); addresses $MIRROR_NET.0/24 (198.18.80 unless set).
# Needs tests/lib/common.sh sourced first.
#
#   mirror_setup               build it all, start nginx (exit 77 if absent)
#   mirror_traffic             the scraper and the download; sets the globals
#                              below to what the clients did
#   mirror_check_flows FILE    compare flow records with what curl/wget did
#   mirror_check_alerts FILE   the scraper alerted, the download not
#   mirror_teardown            (trap) stop everything, remove namespaces
MT=${MIRROR_TAG:-swdp}
MN=${MIRROR_NET:-198.18.80}
NS_SRV=$MT-srv
NS_CLI=$MT-cli
NS_CAP=$MT-cap
MIRROR_IF=$MT-m1
SRV4=$MN.1
SCRAPER4=$MN.2
DOWNLOAD4=$MN.3
SCRAPER_CONNS=40 # one page per connection, pages 1 to 40
KEEPALIVE_PAGES=10 # on one more connection, pages 41 to 50; then page 1
BIG_BYTES=2000000
mirror_work=
nginx_pid=

mirror_teardown() {
	if [ -n "$nginx_pid" ]; then
		kill -TERM "$nginx_pid" 2>/dev/null
		wait "$nginx_pid" 2>/dev/null
		nginx_pid=
	fi
	netns_del $NS_SRV $NS_CLI $NS_CAP
	[ -n "$mirror_work" ] && rm -rf "$mirror_work"
}

mirror_setup() {
	local ns
	need ip tc nginx curl wget
	need_root "network namespaces"
	mirror_teardown
	mirror_work=$(mktemp -d)
	chmod 755 "$mirror_work"
	mkdir -p "$mirror_work/www" "$mirror_work/prefix" "$mirror_work/logs"
	for i in $(seq 1 $((SCRAPER_CONNS + KEEPALIVE_PAGES))); do
		/usr/bin/python3 -c "print('<p>page $i</p>' * (50 * $i))" \
			>"$mirror_work/www/p$i.html"
	done
	head -c $BIG_BYTES /dev/urandom >"$mirror_work/www/big.bin"
	chmod -R a+rX "$mirror_work/www"
	cat >"$mirror_work/nginx.conf" <<NGINX
user nobody nogroup;
worker_processes 1;
daemon off;
pid $mirror_work/nginx.pid;
error_log $mirror_work/logs/error.log notice;
events { worker_connections 64; }
http {
    default_type application/octet-stream;
    access_log $mirror_work/logs/access.log;
    client_body_temp_path $mirror_work/prefix/body;
    proxy_temp_path $mirror_work/prefix/proxy;
    fastcgi_temp_path $mirror_work/prefix/fastcgi;
    uwsgi_temp_path $mirror_work/prefix/uwsgi;
    scgi_temp_path $mirror_work/prefix/scgi;
    keepalive_timeout 30s;
    server { listen $SRV4:80; root $mirror_work/www; }
}
NGINX
	netns_add $NS_SRV $NS_CLI $NS_CAP
	for ns in $NS_SRV $NS_CLI $NS_CAP; do
		ip netns exec $ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
	done
	ip link add $MT-s netns $NS_SRV type veth peer name $MT-c \
		netns $NS_CLI || return 1
	ip link add $MT-m0 netns $NS_SRV type veth peer name $MIRROR_IF \
		netns $NS_CAP || return 1
	# One MSS per frame, as on a wire (no GSO super-frames to mirror).
	ip -n $NS_SRV link set $MT-s gso_max_segs 1
	ip -n $NS_CLI link set $MT-c gso_max_segs 1
	ip -n $NS_SRV addr add $SRV4/24 dev $MT-s
	ip -n $NS_CLI addr add $SCRAPER4/24 dev $MT-c
	ip -n $NS_CLI addr add $DOWNLOAD4/24 dev $MT-c
	ip -n $NS_SRV link set $MT-s up
	ip -n $NS_CLI link set $MT-c up
	ip -n $NS_SRV link set $MT-m0 up
	ip -n $NS_CAP link set $MIRROR_IF up
	ip netns exec $NS_SRV tc qdisc add dev $MT-s clsact || return 1
	for dir in ingress egress; do
		ip netns exec $NS_SRV tc filter add dev $MT-s $dir \
			u32 match u32 0 0 \
			action mirred egress mirror dev $MT-m0 || return 1
	done
	ip netns exec $NS_SRV nginx -p "$mirror_work/prefix" \
		-c "$mirror_work/nginx.conf" -e "$mirror_work/logs/error.log" \
		>"$mirror_work/logs/nginx.out" 2>&1 &
	nginx_pid=$!
	for _ in $(seq 50); do
		ip netns exec $NS_SRV ss -Hltn 'sport = :80' | grep -q . &&
			return 0
		sleep 0.1
	done
	echo "nginx did not start: $(cat "$mirror_work/logs/error.log")"
	return 1
}

mirror_traffic() {
	local i urls=()
	for i in $(seq 1 $SCRAPER_CONNS); do
		ip netns exec $NS_CLI curl -sf --interface $SCRAPER4 \
			-o /dev/null "http://$SRV4/p$i.html" ||
			return 1
	done
	for i in $(seq 1 $KEEPALIVE_PAGES); do
		urls+=("http://$SRV4/p$((SCRAPER_CONNS + i)).html")
	done
	ip netns exec $NS_CLI curl -sf --interface $SCRAPER4 \
		-o /dev/null -o /dev/null -o /dev/null -o /dev/null \
		-o /dev/null -o /dev/null -o /dev/null -o /dev/null \
		-o /dev/null -o /dev/null "${urls[@]}" || return 1
	# The detector scores a client on its own events, at most once a
	# second: one more request after a pause is scored on everything.
	sleep 1.5
	ip netns exec $NS_CLI curl -sf --interface $SCRAPER4 \
		-o /dev/null "http://$SRV4/p1.html" || return 1
	ip netns exec $NS_CLI wget -q --bind-address=$DOWNLOAD4 \
		-O /dev/null "http://$SRV4/big.bin" || return 1
}

# What the flow records say each client did against what it did.
mirror_check_flows() { # file; prints "name|actual|expected" lines
	/usr/bin/python3 - "$1" "$SRV4" "$SCRAPER4" "$DOWNLOAD4" \
		"$((SCRAPER_CONNS + 2))" "$((SCRAPER_CONNS + KEEPALIVE_PAGES + 1))" \
		"$BIG_BYTES" <<'PY'
import json, sys
path, srv, scraper, download, conns, reqs, big = sys.argv[1:8]
flows = [json.loads(l) for l in open(path)
         if '"scrapewatch.flow"' in l]
def of(ip):
    return [f for f in flows if f["source"]["ip"] == ip and
            f["destination"]["ip"] == srv and f["destination"]["port"] == 80]
s, d = of(scraper), of(download)
print("scraper connections|%d|%s" % (len(s), conns))
print("scraper requests (turns)|%d|%s" %
      (sum(f["scrapewatch"]["flow"]["turns"] for f in s), reqs))
print("scraper flows closed by FIN|%d|%s" %
      (sum(f["scrapewatch"]["flow"]["close_reason"] == "fin" for f in s), conns))
print("download connections|%d|1" % len(d))
print("download requests|%s|1" %
      (d[0]["scrapewatch"]["flow"]["turns"] if d else "-"))
print("download bytes >= file size|%s|True" %
      (d[0]["destination"]["bytes"] >= int(big) if d else "-"))
PY
}

mirror_check_alerts() { # file; prints "name|actual|expected" lines
	/usr/bin/python3 - "$1" "$SCRAPER4" "$DOWNLOAD4" <<'PY'
import json, sys
path, scraper, download = sys.argv[1:4]
alerts = [json.loads(l) for l in open(path) if '"scrapewatch.alert"' in l]
def starts(ip):
    return sorted(a["rule"]["id"] for a in alerts
                  if a["event"]["action"] == "start" and ip in a["related"]["ip"])
print("scraper alerted|%s|True" % (len(starts(scraper)) > 0 or
      "False: %d alert records, stats %s" % (len(alerts), [
          json.loads(l)["scrapewatch"]["stats"].get("detect")
          for l in open(path) if '"scrapewatch.stats"' in l])))
print("download not alerted|%s|[]" % starts(download))
PY
}
