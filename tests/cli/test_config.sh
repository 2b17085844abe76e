#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The config file on the command line: check-config accepts the annotated
# example and rejects a bad file with exit 2 and FILE:LINE: KEY: in the
# message; --config on flows and replay is read, and flags given on the
# command line override it.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
EX=etc/scrapewatch.yaml
REAL=tests/fixtures/real/real.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

check() { # name actual expected
	if [ "$2" == "$3" ]; then
		echo "PASS config: $1"
	else
		echo "FAIL config: $1: actual [$2] expected [$3]"
		fails=$((fails + 1))
	fi
}
check_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then
		echo "PASS config: $1"
	else
		echo "FAIL config: $1: [$2] not in: $(head -c 400 "$3")"
		fails=$((fails + 1))
	fi
}
evicted() { grep -c '"close_reason":"evicted"' "$1"; }

$SW check-config "$EX" >"$tmp/out" 2>"$tmp/err"
check "example: exit 0" $? 0
check_grep "example: OK line" "^etc/scrapewatch.yaml: OK \(flows: max 196608; detect: alert score 60," "$tmp/out"
check_grep "example: names the keys this build does not read" \
	"not read by this build yet: general.log_level, general.run_as, live, metrics" "$tmp/out"
check "example: nothing on stderr" "$(wc -c <"$tmp/err")" 0

cat >"$tmp/bad.yaml" <<'YAML'
# a typo in a value, on line 4
detect:
  campaign: {prefix4: 24}
  alert_score: high
YAML
$SW check-config "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
check "bad value: exit 2" $? 2
check "bad value: message" "$(cat "$tmp/err")" \
	"$tmp/bad.yaml:4: detect.alert_score: expected an integer 0..100, got \"high\""
check "bad value: nothing on stdout" "$(wc -c <"$tmp/out")" 0

printf 'flows:\n  max_flow: 10\n' >"$tmp/typo.yaml"
$SW check-config "$tmp/typo.yaml" 2>"$tmp/err"
check "unknown key: exit 2" $? 2
check_grep "unknown key: line, key, did-you-mean" \
	'typo.yaml:2: flows.max_flow: unknown key; did you mean "max_flows"\?' "$tmp/err"

printf 'detect:\n  exempt:\n    cidrs: [198.18.0.0/24,\n' >"$tmp/syntax.yaml"
$SW check-config "$tmp/syntax.yaml" 2>"$tmp/err"
check "YAML syntax error: exit 2" $? 2
check_grep "YAML syntax error: line" 'syntax.yaml:[0-9]+: YAML syntax: ' "$tmp/err"

$SW check-config "$tmp/none.yaml" 2>"$tmp/err"
check "missing file: exit 2" $? 2
check_grep "missing file: names it" "none.yaml: No such file or directory" "$tmp/err"
$SW check-config 2>"$tmp/err"
check "no file given: exit 2" $? 2

# --config is read: a flow table of 2 evicts; --max-flows overrides it.
printf 'flows:\n  max_flows: 2\n' >"$tmp/small.yaml"
$SW flows --config "$tmp/small.yaml" "$REAL" >"$tmp/small.json"
check "flows --config: exit 0" $? 0
check "flows --config: all 10 flows still emitted" "$(wc -l <"$tmp/small.json")" 10
n=$(evicted "$tmp/small.json")
if [ "$n" -gt 0 ]; then
	echo "PASS config: max_flows 2 from the file evicts ($n flows)"
else
	echo "FAIL config: max_flows 2 from the file: no evicted flow"
	fails=$((fails + 1))
fi
$SW flows --max-flows 1000 --config "$tmp/small.yaml" "$REAL" >"$tmp/big.json"
check "--max-flows overrides the file: no eviction" "$(evicted "$tmp/big.json")" 0

# outputs from the file, and --output replacing them.
printf 'outputs: ["file://%s/out.json"]\n' "$tmp" >"$tmp/out.yaml"
$SW flows --config "$tmp/out.yaml" "$REAL" >"$tmp/stdout.json"
check "outputs from the file: exit 0" $? 0
check "outputs from the file: records in the file" "$(wc -l <"$tmp/out.json")" 10
check "outputs from the file: none on stdout" "$(wc -c <"$tmp/stdout.json")" 0
$SW flows --config "$tmp/out.yaml" --output - "$REAL" >"$tmp/stdout.json"
check "--output overrides the file" "$(wc -l <"$tmp/stdout.json")" 10
check "--output overrides the file: file untouched" "$(wc -l <"$tmp/out.json")" 10

# The example with replay; a bad config stops before any record.
$SW replay --config "$EX" "$REAL" >"$tmp/replay.json"
check "replay --config example: exit 0" $? 0
check_grep "replay --config example: stats record" '"dataset":"scrapewatch.stats"' "$tmp/replay.json"
$SW flows --config "$tmp/bad.yaml" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "flows with a bad config: exit 2" $? 2
check_grep "flows with a bad config: file:line: key:" "bad.yaml:4: detect.alert_score: " "$tmp/err"
check "flows with a bad config: no records" "$(wc -c <"$tmp/out")" 0

$SW --help >"$tmp/help"
for w in "check-config FILE" "--config FILE" "override the file"; do
	check_grep "help mentions $w" "$w" "$tmp/help"
done

[ $fails -eq 0 ]
