#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Bounded state: 10 million spoofed one-packet sources (SYNs from random
# addresses in 2001:db8::/32) arrive during a real curl-loop scraper. The
# scraper must still be flagged, the detector's own memory accounting must
# stay under its cap, and so must the process's peak RSS. The capture is
# piped from the generator: 1.1 GB never touches the disk.
cd "$(dirname "$0")/../.." || exit 1
exec /usr/bin/python3 - <<'PY'
import json, resource, subprocess, sys

FLOOD = 10_000_000
fails = 0
def check(name, actual, expected, ok):
    global fails
    print(("PASS" if ok else "FAIL") + f" flood: {name}: actual {actual!r} expected {expected!r}")
    fails += 0 if ok else 1

gen = subprocess.Popen(["build/sw_scengen", "mix", "--out", "-", "--minutes", "8",
                        "--flood", str(FLOOD), "--only", "curl-loop"],
                       stdout=subprocess.PIPE)
p = subprocess.run(["build/scrapewatch", "replay", "-q", "-"], stdin=gen.stdout,
                   capture_output=True, text=True)
gen.stdout.close()
gen.wait()
check("generator exit", gen.returncode, 0, gen.returncode == 0)
check("replay exit", p.returncode, 0, p.returncode == 0)
recs = [json.loads(l) for l in p.stdout.splitlines()]
stats = recs[-1]["scrapewatch"]["stats"]
check("packets read", stats["packets"], f">= {FLOOD}", stats["packets"] >= FLOOD)
flagged = {ip for r in recs if r["event"]["kind"] == "alert"
           for ip in r["related"]["ip"]}
check("the scraper is flagged despite the flood", sorted(flagged),
      ["198.18.32.15"], flagged == {"198.18.32.15"})
d = stats["detect"]
check("sketch saw the flood", d["sketch_replacements"], f">= {FLOOD // 2}",
      d["sketch_replacements"] >= FLOOD // 2)
check("flood sources got no full state", d["clients_admitted"], "<= 10",
      d["clients_admitted"] <= 10)
check("detector memory within its cap", d["memory_bytes"],
      f"<= {d['memory_cap_bytes']}", d["memory_bytes"] <= d["memory_cap_bytes"])
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
check("peak RSS of the process within the cap", rss,
      f"<= {d['memory_cap_bytes']}", rss <= d["memory_cap_bytes"])
sys.exit(1 if fails else 0)
PY
