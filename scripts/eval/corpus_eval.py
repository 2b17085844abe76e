#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Thresholds derived from the corpus, and an evaluation that cannot
flatter itself (docs/detection.md, "Where the thresholds come from" and
"Evaluation").

  corpus_eval.py derive [--write FILE | --check FILE]
      Run the detector over the tuning fixtures, take every benign
      client's peak of each intensity feature, and set each intensity
      rule's threshold to MARGIN times the highest benign peak (rounded
      up, at least FLOOR). --write regenerates src/detect/detect-derived.h;
      --check exits 1 when the checked-in header differs from what the
      procedure gives now.

  corpus_eval.py eval [--json FILE]
      Leave-one-family-out: every tool family of the tuning fixtures is
      scored by a detector whose thresholds were derived without that
      family's clients. Then the held-out recording, which no threshold
      ever saw, is scored with the thresholds derived from all tuning
      fixtures. Prints per-family recall, false positives and time to
      detect, and the log-based crawl baseline (a leaky bucket over the
      server's access log) beside it. Exit 0; the targets are checked by
      tests/golden/test_corpus_eval.sh.

Only the standard library; run with /usr/bin/python3.
"""
import argparse
import csv
import json
import lzma
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SW = os.environ.get("SW", os.path.join(ROOT, "build", "scrapewatch"))
FIXTURES = os.environ.get("CORPUS_FIXTURES",
                          os.path.join(ROOT, "tests", "fixtures", "corpus"))
CACHE = os.path.join(ROOT, "build", "fixtures", "corpus")
# The recordings thresholds may be derived from, and the one they never
# are: derive() refuses it.
TUNING = ("a", "b", "wide-a")
HOLDOUT = "holdout"

# Intensity rules: (rule ID, peak name, window in seconds). A threshold
# is never below the floor: one request every 2 s over the window beyond
# its two busiest 5 s bins (a page load), whatever the corpus says.
SCALES = (
    ("SW-R013", "intensity_15", 15),
    ("SW-R014", "intensity_60", 60),
    ("SW-R015", "intensity_180", 180),
    ("SW-R016", "intensity_600", 600),
)
FLOOR_REQUESTS_PER_S = 0.5


def floor_of(window_s):
    return int(math.ceil((window_s - 10) * FLOOR_REQUESTS_PER_S))
HEADER_MACROS = {
    "SW-R013": "DERIVED_INTENSITY_15",
    "SW-R014": "DERIVED_INTENSITY_60",
    "SW-R015": "DERIVED_INTENSITY_180",
    "SW-R016": "DERIVED_INTENSITY_600",
}
# Above the highest benign peak by half again: a benign client of the
# same kind on another day may well go a little further.
MARGIN = 1.5

# The log-based baseline: a leaky bucket per client address over
# non-static requests, 40 deep, leaking 2 a second, as CrowdSec's
# http-crawl-non_statics scenario does.
BUCKET_CAPACITY = 40
BUCKET_LEAK_PER_S = 2.0
STATIC_EXT = (".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".ico",
              ".svg", ".woff", ".woff2", ".ttf", ".eot", ".webp", ".bmp",
              ".mp4", ".webm", ".mp3", ".ts", ".m4s")


def fixture_file(d, name):
    """The fixture's file, decompressed into build/ when stored as .xz."""
    plain = os.path.join(FIXTURES, d, name)
    if os.path.exists(plain):
        return plain
    packed = plain + ".xz"
    if not os.path.exists(packed):
        return None
    out = os.path.join(CACHE, d, name)
    if (not os.path.exists(out)
            or os.path.getmtime(out) < os.path.getmtime(packed)):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        tmp = out + ".tmp"
        with lzma.open(packed) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, out)
    return out


def available(names):
    return [d for d in names
            if fixture_file(d, "corpus.pcap") and
            os.path.exists(os.path.join(FIXTURES, d, "labels.csv"))]


def labels(d):
    with open(os.path.join(FIXTURES, d, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["family"] = family_of(r)
    return {r["client_ip"]: r for r in rows}


def family_of(row):
    """tool_family where the recorder wrote it, else the tool's name."""
    fam = (row.get("tool_family") or "").strip()
    if fam:
        return fam
    tool = (row.get("tool") or "unknown").split()[0].lower()
    return re.sub(r"[^a-z0-9.+-]", "", tool) or "unknown"


def run_eval(d, thresholds=None):
    """scrapewatch eval --json on fixture d, with the intensity thresholds
    given (None: the compiled defaults). Returns {client_ip: record}."""
    cmd = [SW, "eval", "--json", "--labels",
           os.path.join(FIXTURES, d, "labels.csv")]
    tmp = None
    if thresholds:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        tmp.write("detect:\n  rules:\n")
        for rid, thr in sorted(thresholds.items()):
            tmp.write(f"    {rid}: {{threshold: {thr}}}\n")
        tmp.close()
        cmd += ["--config", tmp.name]
    cmd.append(fixture_file(d, "corpus.pcap"))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    finally:
        if tmp:
            os.unlink(tmp.name)
    if p.returncode not in (0, 1):
        sys.exit(f"corpus_eval: {' '.join(cmd)} exited {p.returncode}: "
                 f"{p.stderr.strip()}")
    rep = json.loads(p.stdout)
    return {c["client_ip"]: c for c in rep["clients"]}


def derive(peaks_by_fixture, exclude_family=None):
    """Thresholds from the benign clients' peaks, leaving one family out.
    peaks_by_fixture: {fixture: (labels, eval records)}."""
    out = {}
    for rid, peak, window in SCALES:
        floor = floor_of(window)
        top = 0.0
        for d, (lab, recs) in peaks_by_fixture.items():
            if d == HOLDOUT:
                raise SystemExit("corpus_eval: the held-out recording "
                                 "must never set a threshold")
            for ip, row in lab.items():
                if row["label"] != "benign" or row["family"] == exclude_family:
                    continue
                v = recs.get(ip, {}).get("peaks", {}).get(peak, 0)
                top = max(top, v)
        out[rid] = max(floor, int(math.ceil(top * MARGIN)))
    return out


def tuning_peaks():
    return {d: (labels(d), run_eval(d)) for d in available(TUNING)}


def header_text(thr, fixtures):
    return "\n".join([
        "/* SPDX-License-Identifier: BSD-2-Clause */",
        "/*",
        " * Generated by scripts/eval/corpus_eval.py (`make thresholds`): "
        "do not",
        " * edit by hand. Thresholds of the intensity rules SW-R013 to "
        "SW-R016:",
        f" * {MARGIN} times the highest peak of any benign client at that "
        "scale in the",
        f" * corpus fixtures {', '.join(fixtures)}, and never below one "
        "request every",
        " * 2 s beyond the two busiest 5 s bins. docs/detection.md, "
        "\"Where the",
        " * thresholds come from\".",
        " */",
        "#ifndef SW_DETECT_DERIVED_H",
        "#define SW_DETECT_DERIVED_H",
        "",
    ] + [f"#define {HEADER_MACROS[rid]} {thr[rid]}" for rid, _, _ in SCALES]
      + ["", "#endif /* SW_DETECT_DERIVED_H */", ""])


def cmd_derive(args):
    tp = tuning_peaks()
    thr = derive(tp)
    for rid, peak, _ in SCALES:
        top = max((recs.get(ip, {}).get("peaks", {}).get(peak, 0), d,
                   row["tool"])
                  for d, (lab, recs) in tp.items()
                  for ip, row in lab.items() if row["label"] == "benign")
        print(f"{rid} {peak}: highest benign peak {top[0]:g} "
              f"({top[2]}, fixture {top[1]}) -> threshold {thr[rid]}")
    text = header_text(thr, sorted(tp))
    if args.write:
        with open(args.write, "w") as f:
            f.write(text)
        print(f"wrote {args.write}")
    if args.check:
        with open(args.check) as f:
            if f.read() != text:
                print(f"{args.check} differs from what the procedure "
                      "gives now: run `make thresholds` and commit it")
                return 1
        print(f"{args.check} is what the procedure gives")
    return 0


# ---- the log-based baseline ------------------------------------------

LOG_RE = re.compile(r'^(?P<t>[0-9.]+) (?P<ip>\S+) \S+ \S+ "(?P<req>[^"]*)" '
                    r'(?P<status>\d+) ')


def baseline(d):
    """{client_ip: seconds from its first request to the bucket's
    overflow} for every client the leaky bucket flags; None without an
    access log."""
    path = fixture_file(d, "access.log")
    if not path:
        return None
    first, level, last, flagged = {}, {}, {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            m = LOG_RE.match(line)
            if not m:
                continue
            t, ip = float(m["t"]), m["ip"]
            first.setdefault(ip, t)
            parts = m["req"].split()
            if len(parts) < 2 or parts[0] not in ("GET", "HEAD"):
                continue
            path_ = parts[1].split("?")[0].lower()
            if path_.endswith(STATIC_EXT):
                continue
            lv = level.get(ip, 0.0)
            if ip in last:
                lv = max(0.0, lv - (t - last[ip]) * BUCKET_LEAK_PER_S)
            lv += 1
            level[ip], last[ip] = lv, t
            if lv > BUCKET_CAPACITY and ip not in flagged:
                flagged[ip] = t - first[ip]
    return flagged


# ---- evaluation ------------------------------------------------------


def score(rows):
    """rows: (label row, eval record). Recall, FP, TTDs."""
    tp = fn = fp = tn = 0
    ttds = []
    for row, rec in rows:
        hit = bool(rec and rec.get("flagged"))
        if row["label"] == "scraper":
            tp += hit
            fn += not hit
            if hit and rec.get("ttd_s") is not None:
                ttds.append(rec["ttd_s"])
        else:
            fp += hit
            tn += not hit
    return tp, fn, fp, tn, ttds


def fmt_ttd(ttds):
    if not ttds:
        return "-"
    return f"{statistics.median(ttds):.1f}"


def cmd_eval(args):
    tp_peaks = tuning_peaks()
    full = derive(tp_peaks)
    cache = {}

    def run(d, thr):
        key = (d, tuple(sorted(thr.items())))
        if key not in cache:
            cache[key] = run_eval(d, thr)
        return cache[key]

    families = {}
    for d, (lab, _) in tp_peaks.items():
        for ip, row in lab.items():
            families.setdefault(row["family"], []).append((d, ip))
    result = {"thresholds": full, "families": [], "holdout": None}
    print(f"thresholds from all tuning fixtures ({', '.join(sorted(tp_peaks))}):"
          f" {', '.join(f'{k} {v}' for k, v in sorted(full.items()))}")
    print()
    print("Leave-one-family-out: each family scored with thresholds derived "
          "without it")
    print(f"{'family':<22} {'clients':>7} {'scrapers':>8} {'flagged':>7} "
          f"{'benign FP':>9} {'median TTD s':>12} {'max TTD s':>9}  "
          "thresholds (R013/R014/R015/R016)")
    all_rows = []
    for fam in sorted(families):
        thr = derive(tp_peaks, exclude_family=fam)
        rows = []
        for d, ip in families[fam]:
            lab = tp_peaks[d][0]
            rows.append((lab[ip], run(d, thr).get(ip)))
        tp, fn, fp, tn, ttds = score(rows)
        all_rows += rows
        ns = tp + fn
        print(f"{fam:<22} {len(rows):>7} {ns:>8} {tp:>7} {fp:>9} "
              f"{fmt_ttd(ttds):>12} "
              f"{(f'{max(ttds):.1f}' if ttds else '-'):>9}  "
              f"{'/'.join(str(thr[r]) for r, _, _ in SCALES)}")
        result["families"].append({
            "family": fam, "clients": len(rows), "scrapers": ns,
            "flagged": tp, "benign_flagged": fp,
            "ttd_median_s": statistics.median(ttds) if ttds else None,
            "ttd_s": ttds, "thresholds": thr})
    tp, fn, fp, tn, ttds = score(all_rows)
    print(f"{'all families':<22} {len(all_rows):>7} {tp + fn:>8} {tp:>7} "
          f"{fp:>9} {fmt_ttd(ttds):>12}")
    result["lofo"] = {"scrapers": tp + fn, "flagged": tp,
                      "benign_flagged": fp, "benign": fp + tn,
                      "ttd_median_s": statistics.median(ttds) if ttds
                      else None}

    print()
    sets = [(d, "tuning, leave-one-family-out") for d in sorted(tp_peaks)]
    if available([HOLDOUT]):
        sets.append((HOLDOUT, "held out, never tuned on"))
    print("Per recording, against the log-based crawl baseline "
          f"(leaky bucket {BUCKET_CAPACITY}, {BUCKET_LEAK_PER_S:g}/s, "
          "non-static requests, from access.log)")
    for d, what in sets:
        lab = labels(d)
        if d == HOLDOUT:
            recs = run(d, full)
        else:
            recs = {}
            for ip, row in lab.items():
                thr = derive(tp_peaks, exclude_family=row["family"])
                recs[ip] = run(d, thr).get(ip)
        rows = [(row, recs.get(ip)) for ip, row in lab.items()]
        tp, fn, fp, tn, ttds = score(rows)
        # One-address scrapers: not a campaign's rotating or distributed
        # members, which are told one by one as the campaign lists them.
        one = score([(row, rec) for row, rec in rows
                     if row.get("scenario") not in ("rotation",
                                                    "distributed")])[4]
        bursts = [rec["ttd_s"] for row, rec in rows
                  if row.get("scenario") == "burst" and rec and
                  rec.get("flagged") and rec.get("ttd_s") is not None]
        base = baseline(d)
        line = (f"  {d} ({what}): scrapers {tp}/{tp + fn} flagged, benign "
                f"flagged {fp}/{fp + tn}, median TTD {fmt_ttd(ttds)} s "
                f"(one-address scrapers {fmt_ttd(one)} s"
                + (f", bursts {', '.join(f'{t:.1f}' for t in bursts)} s"
                   if bursts else "") + ")")
        entry = {"fixture": d, "what": what, "scrapers": tp + fn,
                 "flagged": tp, "benign_flagged": fp, "benign": fp + tn,
                 "ttd_median_s": statistics.median(ttds) if ttds else None,
                 "ttd_one_address_median_s":
                     statistics.median(one) if one else None,
                 "burst_ttd_s": bursts}
        if base is not None:
            b_sc = [ip for ip in base if lab.get(ip, {}).get("label") ==
                    "scraper"]
            b_fp = [ip for ip in base if lab.get(ip, {}).get("label") ==
                    "benign"]
            missed = [ip for ip in b_sc
                      if not (recs.get(ip) or {}).get("flagged")]
            line += (f";\n    baseline flags {len(b_sc)} scrapers, "
                     f"{len(b_fp)} benign; baseline scrapers we miss: "
                     f"{len(missed)}")
            entry.update(baseline_scrapers=len(b_sc),
                         baseline_benign=len(b_fp),
                         baseline_missed=missed,
                         baseline_benign_tools=sorted(
                             {lab[ip]["tool"] for ip in b_fp}))
        print(line)
        for ip, row in sorted(lab.items()):
            rec = recs.get(ip) or {}
            bad = (row["label"] == "scraper") != bool(rec.get("flagged"))
            if bad:
                print(f"    {'missed' if row['label'] == 'scraper' else 'FALSE POSITIVE'}"
                      f": {ip} {row['tool']} ({row['family']})")
        if d == HOLDOUT:
            result["holdout"] = entry
        else:
            result.setdefault("tuning", []).append(entry)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("derive", help="thresholds from the tuning fixtures")
    d.add_argument("--write", metavar="FILE")
    d.add_argument("--check", metavar="FILE")
    e = sub.add_parser("eval", help="leave-one-family-out and held-out")
    e.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    if not os.access(SW, os.X_OK):
        sys.exit(f"corpus_eval: no {SW}: run make first")
    return cmd_derive(args) if args.cmd == "derive" else cmd_eval(args)


if __name__ == "__main__":
    sys.exit(main())
