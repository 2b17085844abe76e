#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Checks what rsyslog wrote (PRI|TIMESTAMP|HOST|APP|PROCID|MSGID|SD|MSG per
# line) against the reference NDJSON the same run wrote to a file sink:
# every header field, the MSG equal to the record, every record present.
# usage: check_syslog.py OUT.log REF.ndjson HOSTNAME [--at-least-once]
# Prints "name actual expected" lines for failures and a summary; exit 1
# on failure.
import json
import sys

out, ref, host = sys.argv[1], sys.argv[2], sys.argv[3]
alo = "--at-least-once" in sys.argv
fails = 0


def fail(what, actual, expected):
    global fails
    fails += 1
    if fails <= 10:
        print(f"FAIL {what}: actual [{actual}] expected [{expected}]")


refs = [json.loads(l) for l in open(ref)]
want = {json.dumps(r, sort_keys=True): r for r in refs}
seen = {}
for n, line in enumerate(open(out, encoding="utf-8", errors="surrogateescape")):
    parts = line.rstrip("\n").split("|", 7)
    if len(parts) != 8:
        fail(f"line {n + 1} framing", line[:120], "8 fields")
        continue
    pri, ts, h, app, procid, msgid, sd, msg = parts
    try:
        rec = json.loads(msg)
    except ValueError as e:
        fail(f"line {n + 1} MSG is JSON", f"{e}: {msg[:120]}", "a JSON record")
        continue
    ds = rec.get("event", {}).get("dataset", "")
    sev = 4 if rec.get("event", {}).get("kind") == "alert" else 6
    if pri != str(8 + sev):
        fail(f"line {n + 1} PRI", pri, 8 + sev)
    # rsyslog prints the time as it parsed it; compare to the microsecond
    rts = rec.get("@timestamp", "")
    if ts.replace("+00:00", "Z") != rts and not ts.startswith(rts[:19]):
        fail(f"line {n + 1} TIMESTAMP", ts, rts)
    if h != host:
        fail(f"line {n + 1} HOSTNAME", h, host)
    if app != "scrapewatch":
        fail(f"line {n + 1} APP-NAME", app, "scrapewatch")
    if not procid.isdigit():
        fail(f"line {n + 1} PROCID", procid, "a number")
    if msgid != ds.replace("scrapewatch.", ""):
        fail(f"line {n + 1} MSGID", msgid, ds)
    if sd != "-":
        fail(f"line {n + 1} STRUCTURED-DATA", sd, "-")
    k = json.dumps(rec, sort_keys=True)
    if k not in want:
        fail(f"line {n + 1} MSG is a record that was sent", msg[:120], "one of the reference records")
    seen[k] = seen.get(k, 0) + 1

missing = [k for k in want if k not in seen]
dups = sum(v - 1 for v in seen.values())
if missing:
    fail("records delivered", f"{len(want) - len(missing)} of {len(want)}", len(want))
if dups and not alo:
    fail("duplicates", dups, 0)
print(f"records {len(want)} delivered {len(want) - len(missing)} duplicates {dups}")
sys.exit(1 if fails else 0)
