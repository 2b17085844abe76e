#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# stdout and file sinks, and the --output contract: several sinks get the
# same records, SIGHUP reopens a file that logrotate moved away (nothing
# lost, nothing doubled), scrapewatch survives SIGHUP, the stats record
# lists every sink with its counters, and bad URIs are refused with a
# message that names the URI and the reason.
set -u
cd "$(dirname "$0")/../.."
NAME=file
tmp=$(mktemp -d)
. tests/sinks/sink_common.sh
trap sink_cleanup EXIT
[ -x "$FEED" ] || { echo "build/sw_sinkfeed missing (make test-build)"; exit 77; }
REAL=tests/fixtures/real/real.pcap

# several sinks, same records
$SW flows -q $REAL -o "file://$tmp/a.ndjson" -o - -o "file://$tmp/b.ndjson" >"$tmp/stdout.ndjson"
check "three sinks: exit" $? 0
check "file a = stdout" "$(cmp -s "$tmp/a.ndjson" "$tmp/stdout.ndjson" && echo same)" same
check "file b = stdout" "$(cmp -s "$tmp/b.ndjson" "$tmp/stdout.ndjson" && echo same)" same
check "default output is stdout, same records" "$($SW flows -q $REAL | cmp -s - "$tmp/stdout.ndjson" && echo same)" same

# stats record: one entry per sink
$SW replay -q $REAL -o - -o "file://$tmp/r.ndjson" >"$tmp/replay.ndjson"
check "stats lists both sinks" "$($PY -c "import json; s=json.loads(open('$tmp/replay.ndjson').readlines()[-1])['scrapewatch']['stats']['sinks']; print([x['type'] for x in s])")" "['stdout', 'file']"

# SIGHUP: logrotate moves the file, the sink reopens it
$FEED --count 10000 --rate 5000 -o "file://$tmp/rot.ndjson" -o "file://$tmp/ref.ndjson" >"$tmp/feed.json" &
feed=$!
pids+=("$feed")
sleep 1
mv "$tmp/rot.ndjson" "$tmp/rot.ndjson.1"
kill -HUP "$feed"
wait "$feed"
check "SIGHUP: feed exit" $? 0
check "SIGHUP: old file kept the first part" "$(($(wc -l <"$tmp/rot.ndjson.1") > 0))" 1
check "SIGHUP: new file has the rest" "$(($(wc -l <"$tmp/rot.ndjson" 2>/dev/null || echo 0) > 0))" 1
check "SIGHUP: nothing lost or doubled" "$(cat "$tmp/rot.ndjson.1" "$tmp/rot.ndjson" | cmp -s - "$tmp/ref.ndjson" && echo same)" same

# scrapewatch itself survives SIGHUP
{ cat $REAL; sleep 1.5; } | $SW flows -q -o "file://$tmp/h.ndjson" - &
sw=$!
pids+=("$sw")
sleep 0.7
kill -HUP "$sw"
wait "$sw"
check "scrapewatch survives SIGHUP" $? 0
check "... and wrote every record" "$(cmp -s "$tmp/h.ndjson" "$tmp/stdout.ndjson" && echo same)" same

# refused URIs: exit 2, the URI and the reason named
bad() { # name uri pattern
	$SW flows -q $REAL -o "$2" >/dev/null 2>"$tmp/err"
	check "$1: exit 2" $? 2
	check "$1: message" "$(grep -cE -- "$3" "$tmp/err")" 1
}
bad "unknown scheme" "gopher://x/y" "gopher://x/y: unknown scheme"
bad "unknown option" "syslog+tcp://127.0.0.1:514?colour=red" "unknown option 'colour'"
bad "syslog without port" "syslog+udp://127.0.0.1" "expected syslog\\+udp://HOST:PORT"
bad "http without format" "http://127.0.0.1:8088/x" "format=hec .* or format=bulk"
bad "kafka without topic" "kafka://127.0.0.1:9092" "expected kafka://BROKER"
bad "relative file" "file://rel/path" "expected file:///absolute/path"
bad "token masked in messages" "http://h/x?format=hec&token=s3cret&bogus=1" "token=\\*\\*\\*"
check "token never printed" "$(grep -c s3cret "$tmp/err")" 0

# stdout closed early (| head): quiet, exit 0, as before
$SW flows -q $REAL 2>"$tmp/err" | head -n 1 >/dev/null
check "stdout closed early: exit 0" "${PIPESTATUS[0]}" 0
[ $fails -eq 0 ]
