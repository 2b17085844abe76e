#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# make demo: replay the bundled sample capture (real curl and wget clients
# fetching from nginx, recorded by scripts/record-fixtures.sh) and show
# what scrapewatch makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLE=tests/fixtures/real/real.pcap
C2S=tests/fixtures/real/real_c2s.pcap

echo "== scrapewatch flows $SAMPLE"
echo "   (both directions; one NDJSON record per connection, summarised)"
build/scrapewatch flows "$SAMPLE" | scripts/flowtable.py
echo
echo "== the same connections seen client->server only ($C2S):"
echo "   download bytes now come from the client's cumulative ACKs"
build/scrapewatch flows "$C2S" | scripts/flowtable.py
echo
echo "== fingerprints of real clients (curl, wget, python3-requests, openssl"
echo "   s_client, headless Chromium) in tests/fixtures/tls/tls.pcap:"
build/scrapewatch flows tests/fixtures/tls/tls.pcap | scripts/flowtable.py --fingerprints
echo
echo "== scrapewatch replay $SAMPLE (final statistics record):"
build/scrapewatch replay "$SAMPLE" | tail -n 1
echo
echo "   The sample holds ten ordinary requests: no alert, as it should be."
echo
echo "== detection: a generated mix of scrapers and benign clients"
echo "   (tests/gen/sw_scengen.c; labels in build/demo-labels.csv)"
build/sw_scengen mix --out build/demo-mix.pcap --labels build/demo-labels.csv --minutes 10
echo "-- the first alert of each, with its reasons:"
build/scrapewatch replay -q build/demo-mix.pcap | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    ev, sw = r["event"], r["scrapewatch"]
    if ev["kind"] != "alert" or ev["action"] != "start":
        continue
    who = r.get("source", {}).get("ip") or sw["campaign"].get("prefix") or "fingerprint campaign"
    print(r["@timestamp"], r["rule"]["id"], r["rule"]["name"] + ":", who,
          "score", ev["risk_score"], "covers", len(r["related"]["ip"]), "address(es)")
    for x in sw["reasons"]:
        mm = " (largest member alone %s)" % x["member_max"] if "member_max" in x else ""
        print("     ", x["id"], x["name"] + ":", "observed", x["observed"],
              "threshold", x["threshold"], "window", x["window_s"], "s, +%s" % x["points"] + mm)
'
echo
echo "-- scrapewatch eval --labels build/demo-labels.csv build/demo-mix.pcap"
build/scrapewatch eval --labels build/demo-labels.csv build/demo-mix.pcap
rm -f build/demo-mix.pcap
echo
echo "== detection on traffic of real tools: corpus fixture a"
echo "   (wget, HTTrack, Scrapy, aria2, curl loops, headless Chromium, a"
echo "   distributed python-requests harvest from one /24, browsers, a"
echo "   media player, downloads; tests/fixtures/corpus/a/plan.txt)"
echo "-- scrapewatch eval --labels tests/fixtures/corpus/a/labels.csv tests/fixtures/corpus/a/corpus.pcap"
build/scrapewatch eval --labels tests/fixtures/corpus/a/labels.csv tests/fixtures/corpus/a/corpus.pcap
echo
echo "Next: build/scrapewatch --help; docs/detection.md, docs/flow-record.md and docs/fingerprints.md explain every field."
