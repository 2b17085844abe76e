# SPDX-License-Identifier: BSD-2-Clause
#
# Sourced by the test scripts: the assertions, the skip exit and the
# network-namespace and nginx set-up that several tests share. A test sets
# LABEL (optional, prefixed to every PASS/FAIL line) before its checks and
# ends with `finish`, which exits 0 when no check failed and 1 otherwise.
#
#   check NAME ACTUAL EXPECTED     equal strings
#   check_grep NAME REGEX FILE     the file matches (grep -E)
#   skip REASON...                 print it and exit 77
#   need_root WHY                  skip unless root
#   need TOOL...                   skip unless every TOOL is on PATH
#   need_xdp_load                  skip unless $SW can load the XDP program
#                                  (flows --through-xdp on a small capture)
#   netns_del NS...                kill what runs in each namespace, then
#                                  delete it (for the EXIT trap)
#   free_port                      a free TCP port on 127.0.0.1
#   netns_add NS...                create each namespace unless it exists,
#                                  loopback up (skips when one cannot be
#                                  created)
#   veth_pair NS_A IF_A ADDR_A NS_B IF_B ADDR_B [PREFIXLEN]
#                                  netns_add both namespaces, join them with
#                                  a veth pair, addresses /30 (or
#                                  PREFIXLEN), links up
#   nginx_conf DIR [EXTRA]         write DIR/nginx.conf: foreground, one
#                                  worker, root DIR/www on port 80, logs in
#                                  DIR/logs; EXTRA goes inside server {}
#   notify_listen SOCK FILE        listen for sd_notify datagrams on SOCK,
#                                  one message a line in FILE; sets lis_pid
#   r007_config FILE OUTPUT SCORE POINTS
#                                  write (atomically) a config with every
#                                  rule off but SW-R007 (script
#                                  User-Agent) at POINTS, alert_score
#                                  SCORE, one file output OUTPUT
#   finish                         exit with the verdict
fails=${fails:-0} # sourcing twice keeps the count
PY=${PY:-/usr/bin/python3}

check() { # name actual expected
	if [ "$2" == "$3" ]; then
		echo "PASS ${LABEL:+$LABEL: }$1"
	else
		echo "FAIL ${LABEL:+$LABEL: }$1: actual [$2] expected [$3]"
		fails=$((fails + 1))
	fi
}

check_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then
		echo "PASS ${LABEL:+$LABEL: }$1"
	else
		echo "FAIL ${LABEL:+$LABEL: }$1: [$2] not in: $(head -c 400 "$3")"
		fails=$((fails + 1))
	fi
}

skip() {
	echo "skip: $*"
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root for $*"
}

need() {
	local t
	for t; do
		command -v "$t" >/dev/null || skip "$t not installed"
	done
}

need_xdp_load() {
	local err
	err=$("${SW:-build/scrapewatch}" flows -q --through-xdp \
		tests/fixtures/synthetic/udp.pcap 2>&1 >/dev/null) && return 0
	# Other failures are left to the test, which will show them.
	if grep -qiE "permission|not permitted|CAP_BPF" <<<"$err"; then
		skip "cannot load the XDP program here: ${err%%$'\n'*}"
	fi
}

netns_del() {
	disown -a 2>/dev/null # no "Killed" job notices
	local ns p
	for ns; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
}

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

netns_add() {
	local ns
	for ns; do
		[ -e "/run/netns/$ns" ] && continue
		ip netns add "$ns" || skip "cannot create network namespaces"
		ip -n "$ns" link set lo up
	done
}

veth_pair() { # ns_a if_a addr_a ns_b if_b addr_b [prefixlen]
	netns_add "$1" "$4"
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3/${7:-30}" dev "$2"
	ip -n "$4" addr add "$6/${7:-30}" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

nginx_conf() { # dir [extra server directives]
	mkdir -p "$1/www" "$1/logs"
	cat >"$1/nginx.conf" <<CONF
user root;
daemon off;
master_process off;
worker_processes 1;
pid $1/nginx.pid;
error_log $1/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	server { listen 80; root $1/www; ${2:-} }
}
CONF
}

notify_listen() { # sock file
	$PY -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
while True:
    m = s.recv(4096).decode()
    with open(sys.argv[2], "a") as f:
        f.write(m.replace("\n", " ") + "\n")
' "$1" "$2" &
	lis_pid=$!
	for _ in $(seq 1 50); do [ -S "$1" ] && break; sleep 0.1; done
}

r007_config() { # file output alert_score points
	{
		echo "outputs:"
		echo "  - \"$2\""
		echo "detect:"
		echo "  alert_score: $3"
		echo "  rules:"
		for r in R001 R002 R003 R004 R005 R006 R008 R009 R010 R011 R012 \
			R013 R014 R015 R016 C001 C002 C003 C004 C005; do
			echo "    SW-$r: {enabled: false}"
		done
		echo "    SW-R007: {points: $4}"
	} >"$1.new"
	mv "$1.new" "$1"
}

finish() {
	[ "$fails" -eq 0 ] || echo "$fails check(s) failed"
	exit $((fails > 0))
}
