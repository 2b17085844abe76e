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
build/scrapewatch replay "$SAMPLE"
echo
echo "Next: build/scrapewatch --help; docs/flow-record.md and docs/fingerprints.md explain every field."
