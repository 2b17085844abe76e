#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `make install` with DESTDIR and PREFIX: the expected files and nothing
# else, the unit's paths filled in, the installed binary and config work,
# an existing config is not overwritten, and the man page renders
# (man -l) without groff warnings. Skips (77) without man.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/common.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v man >/dev/null || { echo "skip: man not installed"; exit 77; }

make -s install PREFIX=/usr DESTDIR="$tmp/usr" >"$tmp/log" 2>&1
check "make install PREFIX=/usr: exit 0" "$?" 0
got=$(cd "$tmp/usr" && find . -type f | sort | tr '\n' ' ')
want="./etc/scrapewatch/scrapewatch.yaml ./lib/systemd/system/scrapewatch.service \
./usr/sbin/scrapewatch ./usr/share/doc/scrapewatch/README.md \
./usr/share/doc/scrapewatch/config.md ./usr/share/doc/scrapewatch/metrics.md \
./usr/share/doc/scrapewatch/operations.md \
./usr/share/doc/scrapewatch/scrapewatch.yaml.example \
./usr/share/doc/scrapewatch/sinks.md ./usr/share/man/man8/scrapewatch.8 "
check "PREFIX=/usr: installed files" "$got" "$want"
unit="$tmp/usr/lib/systemd/system/scrapewatch.service"
check "unit: Type=notify" "$(grep -c '^Type=notify$' "$unit")" 1
check "unit: ExecStart path" \
	"$(grep -c '^ExecStart=/usr/sbin/scrapewatch live --config /etc/scrapewatch/scrapewatch.yaml$' "$unit")" 1
check "unit: reload is SIGHUP" "$(grep -c '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit")" 1
check "unit: watchdog" "$(grep -c '^WatchdogSec=' "$unit")" 1
check "unit: no placeholder left" "$(grep -c '@' "$unit")" 0
check "installed binary runs" "$("$tmp/usr/usr/sbin/scrapewatch" version)" "scrapewatch 0.1.0"
"$tmp/usr/usr/sbin/scrapewatch" check-config "$tmp/usr/etc/scrapewatch/scrapewatch.yaml" >/dev/null
check "installed config is valid" "$?" 0

# A second install keeps the operator's config.
echo "# edited" >>"$tmp/usr/etc/scrapewatch/scrapewatch.yaml"
make -s install PREFIX=/usr DESTDIR="$tmp/usr" >"$tmp/log" 2>&1
check "reinstall keeps the config" \
	"$(tail -1 "$tmp/usr/etc/scrapewatch/scrapewatch.yaml")" "# edited"

make -s install PREFIX=/opt/sw DESTDIR="$tmp/opt" >"$tmp/log" 2>&1
check "make install PREFIX=/opt/sw: exit 0" "$?" 0
for f in sbin/scrapewatch share/man/man8/scrapewatch.8 etc/scrapewatch/scrapewatch.yaml \
	lib/systemd/system/scrapewatch.service; do
	check "PREFIX=/opt/sw: $f" "$(test -f "$tmp/opt/opt/sw/$f" && echo yes)" yes
done
check "PREFIX=/opt/sw: unit paths" \
	"$(grep -c '^ExecStart=/opt/sw/sbin/scrapewatch live --config /opt/sw/etc/scrapewatch/scrapewatch.yaml$' \
		"$tmp/opt/opt/sw/lib/systemd/system/scrapewatch.service")" 1

page="$tmp/usr/usr/share/man/man8/scrapewatch.8"
out=$(MANWIDTH=80 man -l "$page" 2>"$tmp/man.err")
check "man -l renders: exit 0" "$?" 0
check "man page: NAME line" "$(echo "$out" | grep -c 'scrapewatch - detect bulk web scrapers')" 1
for s in SYNOPSIS OPTIONS SIGNALS "EXIT STATUS"; do
	check "man page: $s section" "$(echo "$out" | grep -c "^$s")" 1
done
# Every long option of `live` in --help is in the page.
for o in $(build/scrapewatch --help | sed -n '/^Options for live:/,/^Exit status/p' |
	grep -o -- '--[a-z][a-z-]*' | sort -u); do
	echo "$out" | grep -q -- "$o" || { echo "FAIL man page lacks $o"; fails=$((fails + 1)); }
done
MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$tmp/warn"
check "man page: no groff warnings" "$(wc -c <"$tmp/warn")" 0
finish
