#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The intensity thresholds compiled in (src/detect/detect-derived.h) are
# exactly what the documented procedure derives from the corpus fixtures
# now (scripts/eval/corpus_eval.py derive): a change to the features, the
# request estimate or a fixture that moves a benign peak must come with
# `make thresholds`.
cd "$(dirname "$0")/../.." || exit 1
[ -x build/scrapewatch ] || { echo "no build/scrapewatch (run make)"; exit 77; }
exec /usr/bin/python3 scripts/eval/corpus_eval.py derive --check src/detect/detect-derived.h
