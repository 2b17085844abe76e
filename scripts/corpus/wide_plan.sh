# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# The extra clients of record.sh's "wide" profile, sourced by record.sh
# after the clients of "small" (it uses record.sh's rnd, rndf, late, link,
# add, TFAM, PARENT, NATLAN, ADDRS, HERE, WORK, PY, SEED, DUR). Each line
# is one more tool profile; see docs/corpus.md for the table.
#
# Addresses: single clients of wide sit in 198.18.32.0-198.18.63.255
# (one /24 each, shuffled by the seed; configured as /15, so the server is
# on-link) or, for IPv6, each in its own /48 2001:db8:1XX::/48 (configured
# as /32). Address rotation uses a /64 inside 2001:db8:16::/48, a /48
# 2001:db8:2XX::/48, and one address in each of many /24s of
# 198.19.0.0-198.19.249.255. NAT LANs are 198.19.250.0/24 and
# 198.19.251.0/24 (never on the wire: masqueraded).

SOC=https://$SOCIAL FIL=https://$FILES FILH=http://$FILES

mapfile -t NETSW < <(seq 32 63)
for ((i = ${#NETSW[@]} - 1; i > 0; i--)); do
	j=$(rnd "wnet$i" 0 "$i")
	t=${NETSW[i]} NETSW[i]=${NETSW[j]} NETSW[j]=$t
done
ip4w() { echo "198.18.${NETSW[$1]}.$(rnd "whost$1" 20 250)"; }
ip6w() {
	printf '2001:db8:%x:%x::%x\n' $((0x100 + $1)) "$(rnd "w6net$1" 1 65000)" \
		"$(rnd "w6host$1" 2 60000)"
}
# addrs KIND N FILE: N seeded source addresses for address rotation.
addrs() {
	$PY - "$SEED" "$1" "$2" "$3" <<'EOF'
import ipaddress, random, sys
seed, kind, n, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
rng = random.Random("%d/%s" % (seed, kind))
if kind == "v64":
    net = 0x20010db800160000 << 64 | rng.randrange(0x1000, 0x2000) << 64
    a = [net | rng.randrange(2, 1 << 64) for _ in range(n)]
elif kind == "v48":
    net = (0x20010db8 << 96) | (rng.randrange(0x200, 0x300) << 80)
    a = [net | rng.randrange(1 << 16) << 64 | rng.randrange(2, 1 << 64)
         for _ in range(n)]
else:
    nets = rng.sample(range(250), n)
    a = [int(ipaddress.IPv4Address("198.19.%d.%d" % (x, rng.randrange(2, 255))))
         for x in nets]
with open(out, "w") as f:
    for x in a:
        f.write("%s\n" % ipaddress.ip_address(x))
EOF
}
first_addr() { head -n1 "$1"; }

# --- HTTP/2 crawlers: multiplexed, few connections, 15-30 requests/s.
add goh2 scraper "go 1.19 net/http (HTTP/2)" h2-crawl https "$(ip6w 0)" \
	"$(late goh2)" "$(link goh2 20000 40000)" \
	"$WORK/bin/crawl" "$S/" /catalogue/ "$(rnd goh2.rate 15 30)" 8 \
	"$(rnd goh2.secs 120 180)"
TFAM[goh2]=go-h2
add wget2 scraper "wget2 1.99.1 (HTTP/2)" mirror https "$(ip4w 0)" \
	"$(late wget2)" "$(link wget2 3000 6000)" \
	timeout "$(rnd wget2.secs 120 180)" wget2 --mirror --robots=off -q \
	--check-certificate=off --filter-urls --reject-regex '/(downloads|media)/' --max-threads=4 \
	--wait="$(rndf wget2.wait 150 250)" -P "$WORK/cli/wget2" "$S/"
TFAM[wget2]=wget2
add curlh2 scraper "curl 7.88.1 --http2 --parallel" h2-url-list https \
	"$(ip4w 1)" "$(late curlh2)" "$(link curlh2 350 600)" \
	timeout "$(rnd curlh2.secs 120 180)" curl -sk --no-progress-meter --http2 --parallel \
	--parallel-max 8 -K "$WORK/curlh2.cfg"
TFAM[curlh2]=curl-h2
add httpx scraper "python3-httpx 0.23.3 (HTTP/2)" h2-api-walk https \
	"$(ip4w 2)" "$(late httpx)" "$(link httpx 10000 20000)" \
	$PY "$HERE/wide.py" httpx-crawl "$SOC" --seed "$SEED" --rate \
	"$(rnd httpx.rate 15 25)" --workers 8 --seconds "$(rnd httpx.secs 120 180)"
TFAM[httpx]=httpx-h2
add nodefetch scraper "node 20 fetch" api-walk https "$(ip4w 3)" \
	"$(late nodefetch)" "$(link nodefetch 4000 10000)" \
	env NODE_TLS_REJECT_UNAUTHORIZED=0 node "$HERE/crawl.mjs" "$SOC" \
	"$(rnd node.rate 5 10)" 4 "$SEED"
TFAM[nodefetch]=node-fetch

# --- Moderate crawlers of other languages.
add perllwp scraper "libwww-perl 6.68" crawl http "$(ip4w 4)" \
	"$(late perllwp)" "$(link perllwp 2000 8000)" \
	perl "$HERE/crawl.pl" "$H/" /catalogue/ "$(rnd perl.g0 200 500)" \
	"$(rnd perl.g1 700 1200)" "$SEED"
TFAM[perllwp]=perl-lwp
add javahc scraper "java 17 HttpClient (HTTP/2)" crawl https "$(ip4w 5)" \
	"$(late javahc)" "$(link javahc 2000 8000)" \
	java -Djdk.internal.httpclient.disableHostnameVerification=true \
	-Xmx256m "$HERE/Crawl.java" "$SOC/" / "$(rnd java.g0 200 500)" \
	"$(rnd java.g1 600 1200)" "$SEED"
TFAM[javahc]=java-httpclient

# --- Short violent bursts, somewhere in the middle of the run.
mid() { rnd "start.$1" $((DUR / 4)) $((DUR * 3 / 5)); }
add burstscrapy scraper "scrapy 2.8.0 (16 concurrent)" burst https \
	"$(ip4w 6)" "$(mid burstscrapy)" "$(link burstscrapy 30000 50000)" \
	scrapy runspider "$HERE/spider.py" -a start="$S/" \
	-s CONCURRENT_REQUESTS=16 -s CONCURRENT_REQUESTS_PER_DOMAIN=16 \
	-s DOWNLOAD_DELAY=0 -s CLOSESPIDER_PAGECOUNT="$(rnd bscrapy.n 1000 2000)" \
	-s CLOSESPIDER_TIMEOUT=30 -s LOG_LEVEL=WARNING
TFAM[burstscrapy]=burst-scrapy
add burstaria2 scraper "aria2 1.36.0 (-j16)" burst https "$(ip4w 7)" \
	"$(mid burstaria2)" "$(link burstaria2 3000 5000)" \
	aria2c -i "$WORK/aria2burst.list" -j 16 -q --check-certificate=false \
	--file-allocation=none --allow-overwrite=true -d "$WORK/cli/aria2burst"
TFAM[burstaria2]=burst-aria2
add axel scraper "axel 2.17.11 (-n 8)" burst https "$(ip4w 8)" \
	"$(mid axel)" "$(link axel 30000 50000)" \
	bash -c "cd $WORK/cli/axel && for f in 0 1; do axel -q -k -n 8 -o d\$f.tar $FIL/big/dataset-\$f.tar; done"
TFAM[axel]=axel

# --- Address rotation. Every address used gets a row, same tool family.
addrs v64 120 "$WORK/addrs-rot64"
add rot64 scraper "python3 http.client (rotating /64)" rotation https \
	"$(first_addr "$WORK/addrs-rot64")" "$(rnd start.rot64 0 30)" \
	"$(link rot64 4000 10000)" \
	$PY "$HERE/wide.py" rotate "$S" --seed "$SEED" --addrs "$WORK/addrs-rot64" \
	--session 1 1 --conc 2 --gap "$(rndf rot64.g0 500 900)" "$(rndf rot64.g1 1500 2500)"
ADDRS[rot64]=$WORK/addrs-rot64 TFAM[rot64]=rotation-64
addrs v48 150 "$WORK/addrs-rot48"
add rot48 scraper "python3 http.client (rotating /48)" rotation https \
	"$(first_addr "$WORK/addrs-rot48")" "$(rnd start.rot48 0 30)" \
	"$(link rot48 4000 10000)" \
	$PY "$HERE/wide.py" rotate "$SOC" --seed "$SEED" --addrs "$WORK/addrs-rot48" \
	--paths post --session 1 2 --conc 2 --gap "$(rndf rot48.g0 500 900)" \
	"$(rndf rot48.g1 1500 2500)"
ADDRS[rot48]=$WORK/addrs-rot48 TFAM[rot48]=rotation-48
addrs v4 100 "$WORK/addrs-resi"
add resi scraper "python3 http.client (residential proxies)" rotation https \
	"$(first_addr "$WORK/addrs-resi")" "$(rnd start.resi 0 20)" \
	"$(link resi 4000 10000)" \
	$PY "$HERE/wide.py" rotate "$S" --seed "$SEED" --addrs "$WORK/addrs-resi" \
	--session 2 6 --conc 3 --gap "$(rndf resi.g0 800 1500)" \
	"$(rndf resi.g1 2500 4000)"
ADDRS[resi]=$WORK/addrs-resi TFAM[resi]=resi-proxy

# --- NATs: a scraper with a person behind one address; an office.
add nat scraper "nftables masquerade: python-requests 2.28.1 + chromium 156" \
	nat-shared https "$(ip4w 9)" 0 "$(link nat 8000 20000)" \
	sleep "$DUR"
NATLAN[nat]=198.19.250 TFAM[nat]=nat-scraper
add natbot scraper "python-requests 2.28.1 (browser UA)" nat-member https \
	198.19.250.10 "$(rnd start.natbot 5 $((DUR / 6)))" 0 \
	timeout "$(rnd natbot.secs 330 400)" $PY "$HERE/clients.py" harvest "$S" \
	--seed "$((SEED * 10 + 9))" --products 3000 --gap \
	"$(rndf natbot.g0 700 900)" "$(rndf natbot.g1 1100 1300)"
PARENT[natbot]=nat TFAM[natbot]=nat-scraper
add natperson benign "chromium 156 (CDP)" nat-member https 198.19.250.11 \
	"$(rnd start.natperson 0 $((DUR / 8)))" 0 \
	$PY "$HERE/cdp_walk.py" browse "$S/" --seed "$((SEED + 30))" --think \
	"$(rnd natperson.t0 8 15)" "$(rnd natperson.t1 30 60)"
PARENT[natperson]=nat TFAM[natperson]=browser
add office benign "nftables masquerade: chromium 156 x3" office-nat https \
	"$(ip4w 10)" 0 "$(link office 10000 30000)" sleep "$DUR"
NATLAN[office]=198.19.251 TFAM[office]=office-nat
k=0
for site in "$S/" "$SOC/" "$H/"; do
	k=$((k + 1))
	add "office$k" benign "chromium 156 (CDP)" office-member https \
		"198.19.251.$((10 + k))" "$(rnd "start.office$k" 0 $((DUR / 3)))" 0 \
		$PY "$HERE/cdp_walk.py" browse "$site" --seed "$((SEED + 40 + k))" \
		--think "$(rnd "office$k.t0" 10 20)" "$(rnd "office$k.t1" 40 90)"
	PARENT[office$k]=office TFAM[office$k]=office-nat
done

# --- Benign.
add spa benign "chromium 156 (CDP; single-page app)" spa-browse https \
	"$(ip4w 11)" "$(late spa)" "$(link spa 10000 30000)" \
	$PY "$HERE/cdp_walk.py" browse "$SOC/app/" --seed "$((SEED + 50))" \
	--think "$(rnd spa.t0 8 15)" "$(rnd spa.t1 25 50)"
TFAM[spa]=browser-spa
add spashort benign "chromium 156 (CDP; single-page app)" spa-short https \
	"$(ip4w 12)" "$(mid spashort)" "$(link spashort 10000 30000)" \
	$PY "$HERE/cdp_walk.py" browse "$SOC/app/" --seed "$((SEED + 51))" \
	--think 5 15 --pages "$(rnd spashort.pages 2 4)"
TFAM[spashort]=browser-spa
add dlh2 benign "curl 7.88.1 --http2" large-download https "$(ip4w 13)" \
	"$(rnd start.dlh2 10 $((DUR / 2)))" "$(link dlh2 15000 30000)" \
	curl -sk --http2 -o /dev/null "$FIL/big/dataset-0.tar" \
	-o /dev/null "$FIL/big/dataset-2.tar"
TFAM[dlh2]=download
add podcast benign "curl 7.88.1 (podcast app UA)" podcast https "$(ip4w 14)" \
	"$(late podcast)" "$(link podcast 4000 10000)" \
	bash "$HERE/loops.sh" podcast "$FIL" "$SEED" "$(rnd podcast.kbit 1500 3000)"
TFAM[podcast]=podcast
add apt benign "apt 2.6.1" package-fetch http "$(ip4w 15)" \
	"$(late apt)" "$(link apt 10000 30000)" \
	bash "$HERE/loops.sh" apt "$FILH" "$SEED" "$WORK/cli/apt"
TFAM[apt]=apt
add git benign "git 2.39.5 (dumb http)" git-clone http "$(ip4w 16)" \
	"$(late git)" "$(link git 10000 30000)" \
	bash "$HERE/loops.sh" git "$FILH" "$SEED" "$WORK/cli/git"
TFAM[git]=git
add feed benign "curl 7.88.1 (feed reader UA)" feed-reader https \
	"$(ip4w 17)" "$(rnd start.feed 0 60)" "$(link feed 2000 8000)" \
	bash "$HERE/loops.sh" feed "$SOC" "$SEED"
TFAM[feed]=feed
add mobile benign "python3-httpx 0.23.3 (mobile app; HTTP/2)" mobile-poller \
	https "$(ip6w 1)" "$(rnd start.mobile 0 60)" "$(link mobile 2000 8000)" \
	$PY "$HERE/wide.py" mobile "$SOC" --seed "$SEED" --gap 20 60
TFAM[mobile]=mobile-poller
