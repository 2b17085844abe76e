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
# Modes of the "wide" profile:
#   apt BASE SEED DIR    benign: apt-get update and a download of every
#                        package from the local mirror BASE/debian, with a
#                        private configuration, sources list and state
#                        under DIR (never the host's), again every
#                        150-300 s
#   git BASE SEED DIR    benign: git clone over dumb HTTP of
#                        BASE/git/project.git into DIR, then git fetch
#                        every 60-180 s
#   feed BASE SEED       benign: a feed reader: BASE/feed.xml every
#                        120-300 s (If-Modified-Since), now and then one
#                        linked post
#   podcast BASE SEED KBIT
#                        benign: a podcast app: the feed, two episodes
#                        over HTTP/2 at about KBIT kbit/s, then the feed
#                        every 60-120 s
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
apt)
	d=$4
	mkdir -p "$d/etc/parts" "$d/state/lists/partial" \
		"$d/cache/archives/partial" "$d/get"
	: >"$d/status"
	echo "deb [trusted=yes] $base/debian ./" >"$d/etc/sources.list"
	# Read through APT_CONFIG before anything else, so the host's apt
	# configuration, sources and state are never used.
	{
		echo "Dir::Etc::Parts \"$d/etc/parts\";"
		echo "Dir::Etc::SourceList \"$d/etc/sources.list\";"
		echo "Dir::Etc::SourceParts \"$d/etc/parts\";"
		echo "Dir::Etc::Preferences \"$d/etc/preferences\";"
		echo "Dir::Etc::PreferencesParts \"$d/etc/parts\";"
		echo "Dir::Etc::TrustedParts \"$d/etc/parts\";"
		echo "Dir::State \"$d/state\";"
		echo "Dir::State::status \"$d/status\";"
		echo "Dir::Cache \"$d/cache\";"
		echo "Debug::NoLocking \"true\";"
		echo "APT::Sandbox::User \"root\";"
		echo "Acquire::Languages \"none\";"
		echo "Acquire::http::Proxy \"DIRECT\";"
	} >"$d/apt.conf"
	export APT_CONFIG=$d/apt.conf
	while :; do
		apt-get -q update
		pkgs=$(apt-cache dumpavail | sed -n 's/^Package: //p' | sort -u)
		# shellcheck disable=SC2086
		[ -n "$pkgs" ] && (cd "$d/get" && rm -f ./*.deb && apt-get -q download $pkgs)
		pause 150000 300000
	done
	;;
git)
	d=$4
	git -c http.sslVerify=false clone -q "$base/git/project.git" "$d/project"
	while :; do
		pause 60000 180000
		git -C "$d/project" -c http.sslVerify=false fetch -q origin
	done
	;;
feed)
	UA="Liferea/1.14.5 (Linux; en_US.UTF-8)"
	while :; do
		curl -sk -o /dev/null -A "$UA" \
			-H "If-Modified-Since: $(date -u -d '-1 hour' '+%a, %d %b %Y %H:%M:%S GMT')" \
			"$base/feed.xml"
		if [ $((RANDOM % 3)) = 0 ]; then
			curl -sk -o /dev/null -A "$UA" \
				"$base/p/$(printf '%05d' $((2970 + RANDOM % 30))).html"
		fi
		pause 120000 300000
	done
	;;
podcast)
	kbit=$4
	UA="AntennaPod/3.4.0"
	curl -sk --http2 -o /dev/null -A "$UA" "$base/podcast/feed.xml"
	for e in $((RANDOM % 5)) $((5 + RANDOM % 5)); do
		curl -sk --http2 -o /dev/null -A "$UA" \
			--limit-rate $((kbit * 1000 / 8)) "$base/podcast/episode-0$e.mp3"
		pause 2000 10000
	done
	while :; do
		pause 60000 120000
		curl -sk --http2 -o /dev/null -A "$UA" "$base/podcast/feed.xml"
	done
	;;
*)
	echo "loops.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
