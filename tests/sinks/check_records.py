#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Compares the records a peer received (NDJSON, any order) with the
# reference a file sink wrote in the same run. Prints
# "records N delivered N duplicates N" and exits 1 if any is missing or
# unexpected (or duplicated, unless --at-least-once).
# usage: check_records.py GOT.ndjson REF.ndjson [--at-least-once]
import json
import sys

got, ref = sys.argv[1], sys.argv[2]
alo = "--at-least-once" in sys.argv
want = {json.dumps(json.loads(l), sort_keys=True) for l in open(ref)}
seen = {}
bad = 0
try:
    lines = open(got).readlines()
except FileNotFoundError:
    lines = []
for l in lines:
    k = json.dumps(json.loads(l), sort_keys=True)
    if k not in want:
        bad += 1
        if bad <= 3:
            print(f"FAIL unexpected record: actual [{l[:120]}] expected [one of the reference records]")
    seen[k] = seen.get(k, 0) + 1
dups = sum(v - 1 for v in seen.values())
delivered = sum(1 for k in want if k in seen)
print(f"records {len(want)} delivered {delivered} duplicates {dups}")
sys.exit(1 if bad or delivered != len(want) or (dups and not alo) else 0)
