# SPDX-License-Identifier: BSD-2-Clause
#
# Shared by the sink tests: assertions, free loopback ports, certificates
# made with openssl at test time, and an rsyslog started with its own
# config, pid file and work directory under the test's temp dir (it never
# touches the system rsyslog or /var/log). Source after setting $tmp and
# $NAME. Every process started here is ended by PID in sink_cleanup.
SW=build/scrapewatch
FEED=build/sw_sinkfeed
PY=/usr/bin/python3
. tests/lib/common.sh # check, check_grep, finish
LABEL=${NAME:-}
pids=()

sink_cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}

sink_stat() { # FEED-JSON EXPR: EXPR of s, the first sink's counters in the
	# statistics sw_sinkfeed wrote
	$PY -c "import json; s=json.load(open('$1'))['sinks'][0]; print($2)"
}

free_port() { # a TCP+UDP port free on 127.0.0.1 right now
	$PY - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
print(p)
PY
}

wait_port() { # port: until something listens on 127.0.0.1:port (10 s)
	local i
	for i in $(seq 100); do
		$PY -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

make_certs() { # dir: ca.pem, server.pem/key (CN and SAN localhost), other-ca.pem
	local d=$1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=sw-test-ca \
		-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/ext" -out "$d/server.pem" 2>/dev/null || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
		-keyout "$d/other.key" -out "$d/other-ca.pem" 2>/dev/null
}

# rsyslog_conf DIR UDP TCP TLS: writes DIR/rs.conf; 0 for a port = none.
# Every message is written as PRI|TIMESTAMP|HOST|APP|PROCID|MSGID|SD|MSG.
rsyslog_conf() {
	local d=$1 udp=$2 tcp=$3 tls=$4
	mkdir -p "$d/work"
	{
		echo "global(workDirectory=\"$d/work\" maxMessageSize=\"256k\""
		[ "$tls" != 0 ] && echo " defaultNetstreamDriverCAFile=\"$d/ca.pem\" defaultNetstreamDriverCertFile=\"$d/server.pem\" defaultNetstreamDriverKeyFile=\"$d/server.key\""
		echo ")"
		[ "$udp" != 0 ] && echo 'module(load="imudp")' &&
			echo "input(type=\"imudp\" port=\"$udp\" address=\"127.0.0.1\")"
		if [ "$tls" != 0 ]; then
			echo 'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")'
			echo "input(type=\"imtcp\" port=\"$tls\" address=\"127.0.0.1\")"
		elif [ "$tcp" != 0 ]; then
			echo 'module(load="imtcp")'
			echo "input(type=\"imtcp\" port=\"$tcp\" address=\"127.0.0.1\")"
		fi
		echo 'template(name="fields" type="string" string="%PRI%|%TIMESTAMP:::date-rfc3339%|%HOSTNAME%|%APP-NAME%|%PROCID%|%MSGID%|%STRUCTURED-DATA%|%msg%\n")'
		echo "action(type=\"omfile\" file=\"$d/out.log\" template=\"fields\")"
	} >"$d/rs.conf"
}

# start_rsyslog DIR PORT: rsyslogd in the foreground (-n), own pid file;
# sets RSYSLOG_PID. Waits for PORT (TCP) when it is not 0.
start_rsyslog() {
	local d=$1 port=$2
	rm -f "$d/pid"
	rsyslogd -n -f "$d/rs.conf" -i "$d/pid" >>"$d/rsyslogd.log" 2>&1 &
	RSYSLOG_PID=$!
	pids+=("$RSYSLOG_PID")
	if [ "$port" != 0 ]; then
		wait_port "$port" || { echo "rsyslogd did not listen on $port"; cat "$d/rsyslogd.log"; return 1; }
	else
		sleep 1
	fi
}

stop_rsyslog() { # graceful: rsyslogd flushes its queues on SIGTERM
	kill -TERM "$RSYSLOG_PID" 2>/dev/null
	wait "$RSYSLOG_PID" 2>/dev/null
}
