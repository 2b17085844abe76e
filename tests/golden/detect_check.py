#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Detection checks shared by the synthetic-scenario and corpus tests.

check_run(name, capture_cmd_or_path, labels) replays a capture, validates
every record against docs/schema/{alert,stats}.schema.json, checks the
alert lifecycle (start, updates no closer than the update interval, end,
related.ip always present), then runs `scrapewatch eval --json` and checks
the targets: every scraper flagged (campaign members through related.ip),
no benign client flagged, median time to detect <= 60 s, and <= 600 s for
low-and-slow scrapers. Prints PASS/FAIL with actual and expected.
"""
import csv
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from swcheck import Checks, schema  # noqa: E402

SW = "build/scrapewatch"
UPDATE_INTERVAL_S = 60
CAMPAIGN_MEMBER_UPDATE_S = 10
check = Checks("detect")


def __getattr__(name):
    # detect_check.fails: the failures so far (callers compare before and
    # after a run).
    if name == "fails":
        return check.fails
    raise AttributeError(name)


def run_sw(args, stdin_cmd=None):
    """Run scrapewatch; stdin_cmd, if given, is a generator piped in."""
    if stdin_cmd:
        gen = subprocess.Popen(stdin_cmd, stdout=subprocess.PIPE)
        p = subprocess.run([SW] + args, stdin=gen.stdout,
                           capture_output=True, text=True)
        gen.stdout.close()
        gen.wait()
    else:
        p = subprocess.run([SW] + args, capture_output=True, text=True)
    return p


def ts(s):
    from datetime import datetime
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def check_run(name, capture, labels, gen_cmd=None, every_scraper=True):
    """capture is a path, or '-' with gen_cmd writing the capture. With
    every_scraper False, recall and time to detect are left to the caller
    (a recording whose target is a share of scrapers)."""
    alert_v, stats_v = schema("alert"), schema("stats")
    p = run_sw(["replay", "-q", capture], gen_cmd)
    check(f"{name}: replay exit status", p.returncode, 0)
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    alerts = [r for r in recs if r["event"]["kind"] == "alert"]
    stats = [r for r in recs if r["event"].get("dataset") == "scrapewatch.stats"]
    check(f"{name}: one stats record, last", (len(stats), recs[-1] is stats[-1] if stats else None), (1, True))
    bad = [e.message for r in alerts for e in alert_v.iter_errors(r)][:3]
    check(f"{name}: {len(alerts)} alert records match the schema", bad, [])
    if stats:
        bad = [e.message for e in stats_v.iter_errors(stats[0])][:3]
        check(f"{name}: stats record matches the schema", bad, [])
        d = stats[0]["scrapewatch"]["stats"]["detect"]
        check(f"{name}: detector memory {d['memory_bytes']} within its cap",
              d["memory_bytes"] <= d["memory_cap_bytes"], True)
    # Lifecycle per alert id.
    by_id = {}
    for r in alerts:
        by_id.setdefault(r["scrapewatch"]["alert"]["id"], []).append(r)
    life_bad = []
    for aid, evs in by_id.items():
        acts = [e["event"]["action"] for e in evs]
        if acts[0] != "start" or acts[-1] != "end" or \
                any(a != "update" for a in acts[1:-1]):
            life_bad.append((aid, acts[:4]))
        t = [ts(e["@timestamp"]) for e in evs]
        if any(b < a for a, b in zip(t, t[1:])):
            life_bad.append((aid, "time goes back"))
        # Updates come every interval; a campaign's sooner (10 s) when
        # it lists members that no earlier event of it listed.
        seen, prev = set(), None
        for e in evs:
            if e["event"]["action"] == "end":
                break
            t, ips = ts(e["@timestamp"]), set(e["related"]["ip"])
            if prev is not None:
                gap = t - prev
                new = bool(ips - seen) and "campaign" in e["scrapewatch"]
                if gap < (CAMPAIGN_MEMBER_UPDATE_S if new else
                          UPDATE_INTERVAL_S) - 0.001:
                    life_bad.append((aid, "updates closer than the interval"))
            seen |= ips
            prev = t
        if any(not e["related"]["ip"] for e in evs):
            life_bad.append((aid, "empty related.ip"))
        src = evs[0].get("source", {}).get("ip")
        if src and evs[0]["related"]["ip"] != [src]:
            life_bad.append((aid, "client alert related.ip != source.ip"))
    check(f"{name}: {len(by_id)} alerts go start, update..., end", life_bad, [])
    # Dedup: one open client alert per client at a time.
    open_c, dup = set(), []
    for r in alerts:
        if r["rule"]["id"] != "SW-S001":
            continue
        ip, act = r["source"]["ip"], r["event"]["action"]
        if act == "start":
            if ip in open_c:
                dup.append(ip)
            open_c.add(ip)
        elif act == "end":
            open_c.discard(ip)
    check(f"{name}: one open alert per client", dup, [])
    check(f"{name}: every alert carries reasons",
          [a["scrapewatch"]["alert"]["id"] for a in alerts
           if not a["scrapewatch"]["reasons"] and a["event"]["action"] == "start"], [])

    if gen_cmd and "--labels" in gen_cmd:
        # The labels exist now: don't let the generator rewrite them
        # while eval reads them.
        i = gen_cmd.index("--labels")
        gen_cmd = gen_cmd[:i] + gen_cmd[i + 2:]
    p = run_sw(["eval", "--json", "--labels", labels, capture], gen_cmd)
    check(f"{name}: eval exit status", p.returncode, 0)
    rep = json.loads(p.stdout)
    tools = {}
    with open(labels) as f:
        for row in csv.DictReader(f):
            tools[row["client_ip"]] = row.get("tool", "")
    missed = [c["client_ip"] + " " + c["tool"] for c in rep["clients"]
              if c["label"] == "scraper" and not c["flagged"]]
    if every_scraper:
        check(f"{name}: every scraper flagged", missed, [])
    wrong = [c["client_ip"] + " " + c["tool"] for c in rep["clients"]
             if c["label"] == "benign" and c["flagged"]]
    check(f"{name}: no benign client flagged", wrong, [])
    ttd = sorted(c["ttd_s"] for c in rep["clients"]
                 if c["label"] == "scraper" and "ttd_s" in c)
    med = rep.get("ttd_median_s")
    if every_scraper:
        check(f"{name}: median time to detect {med} s <= 60 s", med,
              "<= 60", ok=med is not None and med <= 60)
    slow = [(c["client_ip"], c.get("ttd_s")) for c in rep["clients"]
            if c["label"] == "scraper" and
            ("low" in c["tool"] and "slow" in c["tool"])]
    check(f"{name}: low-and-slow detected within 600 s", slow, "<= 600",
          ok=all(t is not None and t <= 600 for _, t in slow))
    return rep


def exit_code():
    return check.exit_code()
