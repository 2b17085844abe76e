#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Docs that cannot drift (tests/golden/docs_check.py): no sentence in
# docs/, etc/ or README.md says a built part is missing or planned; every
# repository path they name exists; every
# long option that `scrapewatch --help` (or a command's help) defines is
# named in docs/scrapewatch.8; no README table lists a row twice; and
# etc/scrapewatch.yaml holds exactly the keys of the config schema (both
# ways), which check-config accepts. Then the checker must FAIL on copies
# of the docs with one fault injected each, so a checker that has gone
# blind does not pass quietly.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/common.sh
LABEL=docs

make -s build/scrapewatch build/sw_config_keys >/dev/null || exit 2
BIN=build/scrapewatch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What the build says about itself: the help of the binary and of each
# command named in it, and the schema's key paths.
$BIN --help >"$tmp/help.txt"
for cmd in $(sed -n '/^Commands:/,/^$/p' "$tmp/help.txt" | awk '/^  [a-z]/ {print $1}' | sort -u); do
	case $cmd in help | version) continue ;; esac
	$BIN "$cmd" --help >>"$tmp/help.txt" 2>&1
done
build/sw_config_keys >"$tmp/keys.txt"

$PY tests/golden/docs_check.py . "$tmp/help.txt" "$tmp/keys.txt" >"$tmp/out" 2>&1
check "docs match the build" "$?:$(cat "$tmp/out")" "0:"

out=$($BIN check-config etc/scrapewatch.yaml 2>&1)
check "check-config accepts etc/scrapewatch.yaml" "$?" 0
case $out in *note:*) check "no unread keys in etc/scrapewatch.yaml" "$out" "" ;; esac

# inject NAME EXPECTED_REGEX COMMAND...: run COMMAND in a fresh copy of the
# docs, then the checker must fail and say EXPECTED_REGEX.
inject() {
	local name=$1 want=$2
	shift 2
	rm -rf "$tmp/copy"
	mkdir -p "$tmp/copy"
	cp -r README.md docs etc "$tmp/copy/"
	(cd "$tmp/copy" && "$@") || {
		check "$name: fault injected" fail ok
		return
	}
	$PY tests/golden/docs_check.py "$tmp/copy" "$tmp/help.txt" "$tmp/keys.txt" >"$tmp/out" 2>&1
	check "$name: the checker fails" "$?" 1
	check_grep "$name: the checker says why" "$want" "$tmp/out"
}
inject "stale sentence" 'docs/config.md:[0-9]+: stale phrase "Not in this build"' \
	sed -i '$a Kafka output is Not in this build.' docs/config.md
inject "planned feature" 'etc/scrapewatch.yaml:[0-9]+: stale phrase "planned"' \
	sed -i '$a # IPv6 campaigns are planned.' etc/scrapewatch.yaml
inject "path that moved" 'README.md:[0-9]+: src/daemon/live.c does not exist' \
	sed -i '$a The pcap live loop is in `src/daemon/live.c`.' README.md
inject "README row twice" 'README.md:[0-9]+: table row `make eval` listed twice' \
	sed -i '/^| `make eval` |/p' README.md
inject "option missing from the man page" 'docs/scrapewatch.8: --umem-frames \(in --help\) is not named' \
	sed -i 's/umem\\-frames/umem/g' docs/scrapewatch.8
inject "unknown key in the example" 'etc/scrapewatch.yaml: flows.max_flow: not a key' \
	sed -i 's/^  max_flows:/  max_flow:/' etc/scrapewatch.yaml
inject "schema key missing from the example" 'etc/scrapewatch.yaml: flows.udp_turn_gap: schema key missing' \
	sed -i '/^  udp_turn_gap:/d' etc/scrapewatch.yaml

finish
