#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The corpus's curl-driven clients, run by record.sh inside a client
# namespace; each runs until killed (record.sh wraps it in timeout).
#   lowslow BASE SEED    scraper, low and slow: one product page (document
#                        only, no assets) every 10-20 s with jitter, in a
#                        seeded order, with a browser's User-Agent and
#                        Accept headers; a new connection each time
#   curlloop BASE SEED MS
#                        scraper: a plain curl loop over product pages,
#                        one curl process (and connection) per page, a
#                        pause of about MS milliseconds between pages
#   poller BASE SEED     benign: the same API endpoint every 30-60 s
set -u
mode=$1 base=$2 seed=$3
RANDOM=$seed
UA="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

# pause MIN_MS MAX_MS
pause() {
	local v=$(($1 + RANDOM % ($2 - $1 + 1)))
	sleep "$(printf '%d.%03d' $((v / 1000)) $((v % 1000)))"
}

case $mode in
lowslow)
	while :; do
		p=$(printf '%05d' $((RANDOM % 3000)))
		curl -s -o /dev/null --compressed -A "$UA" \
			-H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
			-H 'Accept-Language: en-US,en;q=0.9' \
			"$base/catalogue/product-$p.html"
		pause 10000 20000
	done
	;;
curlloop)
	ms=$4
	while :; do
		p=$(printf '%05d' $((RANDOM % 3000)))
		curl -sk -o /dev/null "$base/catalogue/product-$p.html"
		pause $((ms / 2)) $((ms * 3 / 2))
	done
	;;
poller)
	while :; do
		curl -s -o /dev/null "$base/api/status"
		pause 30000 60000
	done
	;;
*)
	echo "loops.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
