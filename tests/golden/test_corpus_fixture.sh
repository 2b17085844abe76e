#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The committed corpus fixtures are consistent with their labels: see
# tests/golden/corpus_fixture.py.
cd "$(dirname "$0")/../.." || exit 1
[ -x build/scrapewatch ] || { echo "no build/scrapewatch (run make)"; exit 77; }
exec /usr/bin/python3 tests/golden/corpus_fixture.py build/scrapewatch \
	tests/fixtures/corpus/a tests/fixtures/corpus/b
