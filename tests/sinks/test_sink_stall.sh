#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# A syslog+tcp peer that stops reading (tests/sinks/stall_peer.py, on
# 127.0.0.1, a port of its own).
#
# (a) The peer accepts and reads nothing until the feeder has enqueued
#     every record (its marker file) and a few seconds more, then reads
#     everything. The enqueueing must not have waited on the peer (the
#     marker appeared while the peer was still stalled, holding less than
#     all the bytes); every record must arrive, first copies in sequence
#     order, with as many duplicates as the sink counted `resent`; the
#     sink saw the stall and spooled.
# (b) The peer never reads; small queue, small spool. Every record is
#     accounted for exactly once: delivered plus every drop reason equals
#     the records sent, the flush timeout ends the run, and stderr says
#     how many records were not delivered.
# Both run on the plain feeder, then on the ASan/UBSan one
# (build/sw_sinkfeed-asan).
#
# Nothing here is timed: the waits are generous limits on polling loops.
set -u
cd "$(dirname "$0")/../.."
NAME=sink-stall
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
. tests/lib/common.sh # check (with LABEL), check_grep, finish
trap sink_cleanup EXIT
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }
[ -x "$PY" ] || { echo "$PY missing"; exit 77; }
HOST=sw-stall-$$ # the peer leaves out frames of other tests' sinks

wait_file() { # path seconds
	local i
	for i in $(seq $(($2 * 20))); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

wait_pid() { # pid seconds: 0 once it has exited, 1 if still running
	local i
	for i in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

start_peer() { # dir [peer args]: sets PEER_PID, PORT
	local d=$1
	shift
	$PY tests/sinks/stall_peer.py "$d/port" "$d/enqueued" "$d/done" \
		"$d/peer.json" "$@" 2>"$d/peer.err" &
	PEER_PID=$!
	pids+=("$PEER_PID")
	wait_file "$d/port" 30 || { echo "peer did not start"; cat "$d/peer.err"; return 1; }
	PORT=$(cat "$d/port")
}

# run_feed feeder dir count feeder-args...: runs the feeder in the
# background, waits for it (limit: 300 s), sets FEED_RC.
run_feed() {
	local feed=$1 d=$2 n=$3 fp
	shift 3
	$feed --count "$n" --enqueued-file "$d/enqueued" "$@" \
		>"$d/feed.json" 2>"$d/feed.err" &
	fp=$!
	pids+=("$fp")
	if wait_pid "$fp" 300; then
		wait "$fp"
		FEED_RC=$?
	else
		echo "feeder still running after 300 s"
		FEED_RC=timeout
	fi
}

# report < <(check_stall.py ...): its lines through check, info lines as
# they are (not in a pipe: check counts failures in this shell)
report() {
	local name actual expected
	while IFS='|' read -r name actual expected; do
		if [ "$name" = info ]; then
			echo "    $actual"
		else
			check "$name" "$actual" "$expected"
		fi
	done
}

# (a) stalled, then drains everything. rcvbuf: each connection absorbs
# little, so the sink has to queue and spool. queue=5000: full queues are
# handed off to the spooler during the stall, several times. --rate leaves the
# spooler 250 ms per queue to stay ahead of the hand-off cap even on a
# loaded machine (a drop here would be a queue_full, which fails).
scenario_a() { # feeder label
	local feed=$1 d=$tmp/a-$2 n=${SINK_STALL_RECORDS:-40000}
	LABEL="$2 (a) stalled, then drains"
	mkdir -p "$d"
	start_peer "$d" --stall-min 3 --stall-max 120 --rcvbuf 65536 \
		--hostname "$HOST" || exit 1
	run_feed "$feed" "$d" "$n" --rate 20000 --flush-timeout 60 \
		-o "syslog+tcp://127.0.0.1:$PORT?hostname=$HOST&timeout_ms=300&backoff_min_ms=50&backoff_max_ms=200&queue=5000&spool=$d"
	touch "$d/done"
	wait_file "$d/peer.json" 60 || echo "peer did not finish: $(cat "$d/peer.err")"
	check "feeder exit" "$FEED_RC" 0
	sed 's/^/    feeder: /' "$d/feed.err" | head -n 40
	report < <($PY tests/sinks/check_stall.py drain "$d/feed.json" "$d/peer.json" "$n")
	check_grep "stderr names the stall" "peer not reading for 300 ms" "$d/feed.err"
	check_grep "stderr says the sink delivers again" "delivering again after" "$d/feed.err"
}

# (b) never reads: everything accounted for, the flush timeout ends it.
# 15 MB of records: more than the socket buffers take, so the sink sees
# the stall. The 200-record queue may overflow the hand-off (queue_full)
# besides filling the 256 KB spool (spool_full); any mix is fine, as long
# as each record is counted once.
scenario_b() { # feeder label
	local feed=$1 d=$tmp/b-$2 n=${SINK_STALL_RECORDS_B:-60000} lost
	LABEL="$2 (b) never reads"
	mkdir -p "$d"
	start_peer "$d" --never-read --rcvbuf 65536 || exit 1
	run_feed "$feed" "$d" "$n" --rate 30000 --flush-timeout 2 \
		-o "syslog+tcp://127.0.0.1:$PORT?hostname=$HOST&timeout_ms=300&backoff_min_ms=50&backoff_max_ms=200&queue=200&spool=$d&spool_max=256k"
	touch "$d/done"
	wait_file "$d/peer.json" 60 || echo "peer did not finish: $(cat "$d/peer.err")"
	check "feeder exit" "$FEED_RC" 0
	sed 's/^/    feeder: /' "$d/feed.err" | head -n 40
	report < <($PY tests/sinks/check_stall.py never "$d/feed.json" "$n")
	lost=$($PY -c "import json; print(json.load(open('$d/feed.json'))['lost'])" 2>/dev/null)
	check_grep "stderr: records not delivered, the count matching" \
		"sink syslog\+tcp://127\.0\.0\.1:$PORT.*: ${lost:-?} records not delivered \([0-9]+ at shutdown\)" "$d/feed.err"
}

scenario_a build/sw_sinkfeed plain
scenario_b build/sw_sinkfeed plain
# The same on the ASan/UBSan build: the sink layer's threads, spool and
# record arena (poisoned when freed) under the sanitizers.
if [ -x build/sw_sinkfeed-asan ]; then
	scenario_a build/sw_sinkfeed-asan asan
	scenario_b build/sw_sinkfeed-asan asan
else
	echo "build/sw_sinkfeed-asan missing (make test-build): ASan runs skipped"
fi
finish
