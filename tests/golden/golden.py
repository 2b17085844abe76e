#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Golden tests over the synthetic fixtures.

For every tests/fixtures/synthetic/NAME.pcap:
- NAME.expect.json (ground truth written by the generator from what it
  built) must match scrapewatch's flow records: bytes each way and turns;
- NAME.expect-stats.json, where present, must match the decode counters of
  the replay stats record;
- every record must validate against docs/schema/*.schema.json;
- the flow records must equal the reviewed snapshot tests/golden/NAME.ndjson
  (UPDATE_GOLDEN=1 rewrites the snapshots).
Prints PASS/FAIL per check with actual and expected; exits 1 on failure.
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import swcheck  # noqa: E402

SW = "build/scrapewatch"
FIX = "tests/fixtures/synthetic"
check = swcheck.Checks("golden")


def run(args):
    p = subprocess.run([SW] + args, capture_output=True, text=True)
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr


def main():
    flow_schema, stats_schema = swcheck.schema("flow"), swcheck.schema("stats")
    caps = sorted(glob.glob(f"{FIX}/*.pcap") + glob.glob(f"{FIX}/*.pcapng"))
    check("synthetic fixtures present", len(caps) > 0, True)
    for cap in caps:
        name = os.path.basename(cap).rsplit(".", 1)[0]
        base = cap.rsplit(".", 1)[0]
        rc, flows, err = run(["flows", cap])
        want_rc = 0
        if os.path.exists(base + ".expect-exit"):
            with open(base + ".expect-exit") as f:
                want_rc = int(f.read().strip())
        check(f"{name}: exit status", rc, want_rc)
        if want_rc == 2:
            continue  # not a capture: nothing more to compare
        for rec in flows:
            errs = [e.message for e in flow_schema.iter_errors(rec)]
            check(f"{name}: flow record matches schema", errs, [])
            break
        if os.path.exists(base + ".expect.json"):
            with open(base + ".expect.json") as f:
                truth = json.load(f)
            by_key = {}
            for r in flows:
                k = (r["source"]["ip"], r["source"]["port"],
                     r["destination"]["ip"], r["destination"]["port"])
                by_key.setdefault(k, []).append(r)
            for t in truth:
                k = (t["client_ip"], t["client_port"], t["server_ip"],
                     t["server_port"])
                got = by_key.get(k)
                label = f"{name}: {k[0]}:{k[1]}->{k[2]}:{k[3]}"
                if not got:
                    check(f"{label} present", None, "a flow record")
                    continue
                r = got[0]
                check(f"{label} transport", r["network"]["transport"],
                      t["transport"])
                check(f"{label} source.bytes", r["source"]["bytes"],
                      t["source_bytes"])
                check(f"{label} destination.bytes",
                      r["destination"]["bytes"], t["destination_bytes"])
                check(f"{label} turns", r["scrapewatch"]["flow"]["turns"],
                      t["turns"])
        if os.path.exists(base + ".expect-stats.json"):
            with open(base + ".expect-stats.json") as f:
                want = json.load(f)
            _, recs, _ = run(["replay", cap])
            stats = recs[-1]
            errs = [e.message for e in stats_schema.iter_errors(stats)]
            check(f"{name}: stats record matches schema", errs, [])
            s = stats["scrapewatch"]["stats"]
            # The generator files skipped traffic under decode_skipped, and
            # malformed-but-kept packets (anomalies) under decode_errors.
            alias = {"decode_skipped": ["skipped"],
                     "decode_errors": ["decode_errors", "anomalies"]}
            for group, counts in want.items():
                for reason, n in counts.items():
                    got = sum(s.get(g, {}).get(reason, 0)
                              for g in alias.get(group, [group]))
                    check(f"{name}: stats {group}.{reason}", got, n)
        snap = f"tests/golden/{name}.ndjson"
        text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in flows)
        if os.environ.get("UPDATE_GOLDEN"):
            with open(snap, "w") as f:
                f.write(text)
        if os.path.exists(snap):
            with open(snap) as f:
                check(f"{name}: matches snapshot {snap}", f.read() == text,
                      True)
        else:
            check(f"{name}: snapshot {snap} exists", False, True)
    return check.exit_code()


if __name__ == "__main__":
    sys.exit(main())
