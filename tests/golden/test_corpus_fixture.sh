#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The committed corpus fixtures are consistent with their labels: see
# tests/golden/corpus_fixture.py. The wide fixtures (wide-a, holdout) may
# be stored xz-compressed; corpus_fixture.py decompresses them into
# build/fixtures/corpus/.
cd "$(dirname "$0")/../.." || exit 1
[ -x build/scrapewatch ] || { echo "no build/scrapewatch (run make)"; exit 77; }
dirs=(tests/fixtures/corpus/a tests/fixtures/corpus/b)
for d in tests/fixtures/corpus/wide-a tests/fixtures/corpus/holdout; do
	[ -f "$d/labels.csv" ] && dirs+=("$d")
done
exec /usr/bin/python3 tests/golden/corpus_fixture.py build/scrapewatch "${dirs[@]}"
