#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare two NDJSON flow-record streams flow by flow.

Usage: flows_equal.py USERSPACE.ndjson XDP.ndjson

Flows are matched by (transport, source ip/port, destination ip/port,
start time); every field must be equal. An XDP record marked
scrapewatch.flow.packets_sampled (pure ACKs sampled, docs/xdp.md) may
differ only in its packet counts, which are then at most the userspace
counts. A flow that did not close (close_reason not fin or rst: idle,
end of input, evicted) may also have ended on skipped ACKs, so its end (and
duration) may be earlier than the userspace end and, when only one
direction was captured (bytes of the other side derived from ACKs), its
bytes lower. A flow closed by FIN or RST has its bytes and end exact.
Prints each difference, actual (XDP) against expected (userspace), and
exits 1 if there is any.
"""
import json
import sys


def load(path):
    out = {}
    dups = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            k = (r["network"]["transport"], r["source"]["ip"],
                 r["source"]["port"], r["destination"]["ip"],
                 r["destination"]["port"], r["event"]["start"])
            if k in out:
                dups.append(k)
            out[k] = r
    return out, dups


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                yield f"{path}.{k}: unexpected {b[k]!r}"
            elif k not in b:
                yield f"{path}.{k}: missing (expected {a[k]!r})"
            else:
                yield from diff(a[k], b[k], f"{path}.{k}")
    elif a != b:
        yield f"{path}: actual {b!r}, expected {a!r}"


SAMPLED = (("source", "packets"), ("destination", "packets"),
           ("network", "packets"))


def unsample(u, x):
    """x with sampled packet counts replaced by u's when they are a lower
    bound of them (so only a count above the exact one shows up)."""
    fl = x.get("scrapewatch", {}).get("flow", {})
    if not fl.get("packets_sampled"):
        return x
    x = json.loads(json.dumps(x))
    del x["scrapewatch"]["flow"]["packets_sampled"]
    fields = list(SAMPLED)
    closed = fl.get("close_reason") in ("fin", "rst")
    if fl.get("directions") != "both" and not closed:
        fields += [("source", "bytes"), ("destination", "bytes"),
                   ("network", "bytes")]
    for a, b in fields:
        if x.get(a, {}).get(b, 0) <= u.get(a, {}).get(b, 0):
            x.setdefault(a, {})[b] = u.get(a, {}).get(b, 0)
    ev, uev = x["event"], u["event"]
    if not closed and ev["start"] <= ev["end"] <= uev["end"]:
        ev["end"] = uev["end"]
        ev["duration"] = uev["duration"]
        x["@timestamp"] = u["@timestamp"]
    return x


def main():
    user, du = load(sys.argv[1])
    xdp, dx = load(sys.argv[2])
    bad = 0
    for k in dx:
        print(f"duplicate flow in XDP output: {k}")
        bad += 1
    for k in sorted(set(user) | set(xdp), key=str):
        if k not in xdp:
            print(f"flow {k}: missing from XDP output")
            bad += 1
        elif k not in user:
            print(f"flow {k}: only in XDP output")
            bad += 1
        else:
            for d in diff(user[k], unsample(user[k], xdp[k])):
                print(f"flow {k}: {d}")
                bad += 1
    print(f"{len(user)} userspace flows, {len(xdp)} XDP flows, "
          f"{bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
