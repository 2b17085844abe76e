#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The config file on the command line: check-config accepts the annotated
# example and rejects a bad file with exit 2 and FILE:LINE: KEY: in the
# message; --config on flows and replay is read, and flags given on the
# command line override it. The detect section drives the detector: on a
# curl-loop scraper (build/sw_scengen) that alerts with the defaults, a
# higher alert score with rules turned off or raised, an exemption, or a
# stricter admission each silence it.
set -u
cd "$(dirname "$0")/../.."
SW=build/scrapewatch
EX=etc/scrapewatch.yaml
REAL=tests/fixtures/real/real.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/lib/common.sh
LABEL=config
evicted() { grep -c '"close_reason":"evicted"' "$1"; }

$SW check-config "$EX" >"$tmp/out" 2>"$tmp/err"
check "example: exit 0" $? 0
check_grep "example: OK line" "^etc/scrapewatch.yaml: OK \(flows: max 196608; detect: alert score 60," "$tmp/out"
check "example: every key is read by this build" \
	"$(grep -c "not read by this build yet" "$tmp/out")" 0
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

# Rule IDs are checked against the detector, by check-config and replay.
printf 'detect:\n  rules:\n    SW-R001: {enabled: false}\n    SW-R099: {points: 5}\n' >"$tmp/rule.yaml"
$SW check-config "$tmp/rule.yaml" >"$tmp/out" 2>"$tmp/err"
check "unknown rule ID: exit 2" $? 2
check_grep "unknown rule ID: line and the known IDs" \
	"rule.yaml:4: detect.rules.SW-R099: unknown rule ID; the detector's rules are: SW-R001, .*SW-C005$" "$tmp/err"
$SW replay --config "$tmp/rule.yaml" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "unknown rule ID: replay exit 2" $? 2
printf 'detect:\n  rules:\n    SW-R001: {enabled: false}\n    SW-C004: {points: 5}\n' >"$tmp/rule.yaml"
$SW check-config "$tmp/rule.yaml" >"$tmp/out" 2>"$tmp/err"
check "known rule IDs: exit 0" $? 0
check_grep "known rule IDs: counted" "2 rule settings" "$tmp/out"
$SW replay --config "$tmp/rule.yaml" "$REAL" >"$tmp/out" 2>"$tmp/err"
check "known rule IDs, a field left out: replay exit 0" $? 0

# A scraper that alerts with the defaults, replayed with configs that
# each should silence it. The capture is piped, never written to disk.
SCRAPER=198.18.32.15
alerts() { # config-file-or-empty -> alert records on $tmp/alerts.json
	if [ -n "$1" ]; then
		set -- --config "$1"
	else
		set --
	fi
	build/sw_scengen mix --out - --seed 1 --minutes 8 --only curl-loop |
		$SW replay "$@" - >"$tmp/alerts.json"
	grep -c '"dataset":"scrapewatch.alert"' "$tmp/alerts.json"
}
n=$(alerts "")
if [ "$n" -gt 0 ] && grep -q "\"source\":{\"ip\":\"$SCRAPER\"}" "$tmp/alerts.json"; then
	echo "PASS config: the curl loop alerts with the defaults ($n alert records)"
else
	echo "FAIL config: the curl loop: actual [$n alert records] expected [> 0, source $SCRAPER]"
	fails=$((fails + 1))
fi
# Its reasons: SW-R001 30, R003 20, R004 30, R005 30, R007 30, R010 15,
# R012 35, and one of the intensity rules R013-R016 (30 to 60). Without
# R004, R012 and the intensity rules, and R005 raised out of reach, the
# most is 95.
cat >"$tmp/quiet.yaml" <<'YAML'
detect:
  alert_score: 100
  rules:
    SW-R004: {enabled: false}
    SW-R005: {threshold: 100000}
    SW-R012: {enabled: false}
    SW-R013: {enabled: false}
    SW-R014: {enabled: false}
    SW-R015: {enabled: false}
    SW-R016: {enabled: false}
YAML
check "alert_score 100 with rules off: no alert" "$(alerts "$tmp/quiet.yaml")" 0
sed 's/alert_score: 100/alert_score: 60/' "$tmp/quiet.yaml" >"$tmp/loud.yaml"
n=$(alerts "$tmp/loud.yaml")
if [ "$n" -gt 0 ]; then
	echo "PASS config: the same rules at alert_score 60 still alert ($n)"
else
	echo "FAIL config: the same rules at alert_score 60: actual [0 alerts] expected [> 0]"
	fails=$((fails + 1))
fi
check "rules off and raised: never a reason" \
	"$(grep -cE '"id":"SW-R(00[45]|012)"' "$tmp/alerts.json")" 0
printf 'detect:\n  exempt:\n    cidrs: [198.18.32.15]\n' >"$tmp/exempt.yaml"
check "exempt CIDR of the scraper: no alert" "$(alerts "$tmp/exempt.yaml")" 0
check_grep "exempt CIDR of the scraper: counted exempt" '"clients_exempt":[1-9]' "$tmp/alerts.json"
printf 'detect:\n  exempt:\n    cidrs: [198.18.33.0/24]\n' >"$tmp/exempt2.yaml"
n=$(alerts "$tmp/exempt2.yaml")
if [ "$n" -gt 0 ]; then
	echo "PASS config: an exempt CIDR that does not hold the scraper: alerts ($n)"
else
	echo "FAIL config: exempt 198.18.33.0/24: actual [0 alerts] expected [> 0]"
	fails=$((fails + 1))
fi
printf 'detect:\n  admit_events: 65536\n' >"$tmp/admit.yaml"
check "admit_events out of reach: no alert" "$(alerts "$tmp/admit.yaml")" 0
check_grep "admit_events out of reach: no client admitted" '"clients_admitted":0,' "$tmp/alerts.json"

$SW --help >"$tmp/help"
for w in "check-config FILE" "--config FILE" "override the file"; do
	check_grep "help mentions $w" "$w" "$tmp/help"
done

finish
