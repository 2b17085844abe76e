#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The detector on traffic of real tools: the two committed corpus fixtures
# (tests/fixtures/corpus/{a,b}, docs/corpus.md). On each, every alert
# record is valid against docs/schema/alert.schema.json and its lifecycle
# is in order, every scraper is flagged (distributed members through a
# campaign's related.ip), no benign client is flagged, the median time to
# detect is <= 60 s and the low-and-slow scraper (scenario column of
# labels.csv) is caught within 600 s. On failure the eval table is printed.
cd "$(dirname "$0")/../.." || exit 1
[ -x build/scrapewatch ] || { echo "no build/scrapewatch (run make)"; exit 77; }
exec /usr/bin/python3 - <<'PY'
import csv, subprocess, sys
sys.path.insert(0, "tests/golden")
import detect_check as dc

for fx in ("a", "b"):
    d = f"tests/fixtures/corpus/{fx}"
    labels, pcap = f"{d}/labels.csv", f"{d}/corpus.pcap"
    before = dc.fails
    rep = dc.check_run(f"corpus {fx}", pcap, labels)
    with open(labels) as f:
        slow_ips = {r["client_ip"] for r in csv.DictReader(f)
                    if r.get("scenario") == "low-and-slow"}
    slow = [(c["client_ip"], c.get("ttd_s")) for c in rep["clients"]
            if c["client_ip"] in slow_ips]
    dc.check(f"corpus {fx}: low-and-slow scraper present in labels",
             len(slow), ">= 1", ok=len(slow) >= 1)
    dc.check(f"corpus {fx}: low-and-slow {slow} detected within 600 s",
             slow, "<= 600",
             ok=all(t is not None and t <= 600 for _, t in slow))
    print(f"       corpus {fx}: precision {rep['precision']} recall "
          f"{rep['recall']} median ttd {rep['ttd_median_s']}")
    if dc.fails != before:
        p = subprocess.run([dc.SW, "eval", "--labels", labels, pcap],
                           capture_output=True, text=True)
        print(p.stdout, end="")
sys.exit(dc.exit_code())
PY
