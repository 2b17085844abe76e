#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The detector on synthetic scenarios (tests/gen/sw_scengen.c): two seeds,
# so two sets of timings, each with every scraper flagged, no benign client
# flagged, median time to detect <= 60 s, low-and-slow <= 10 min, every
# record valid against the schemas and every alert's lifecycle in order.
# The capture is piped, never written to disk.
cd "$(dirname "$0")/../.." || exit 1
exec /usr/bin/python3 - <<'PY'
import os, sys, tempfile
sys.path.insert(0, "tests/golden")
import detect_check as dc

with tempfile.TemporaryDirectory() as tmp:
    for seed in ("1", "7"):
        labels = os.path.join(tmp, f"labels{seed}.csv")
        gen = ["build/sw_scengen", "mix", "--out", "-", "--labels", labels,
               "--seed", seed, "--minutes", "12"]
        rep = dc.check_run(f"seed {seed}", "-", labels, gen)
        print(f"       seed {seed}: precision {rep['precision']} recall "
              f"{rep['recall']} median ttd {rep['ttd_median_s']}")
sys.exit(dc.exit_code())
PY
