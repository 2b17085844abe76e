#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""
Compare the records of a capture with those of the same capture wrapped in
a tunnel (tests/golden/test_tunnels.sh): equal once scrapewatch.tunnel is
taken out, and every wrapped flow record names the tunnel it came in.
usage: tunnel_equal.py [--alerts] DIR
DIR holds plain.ndjson and KIND.ndjson for each KIND wrapped, and
KIND.rc with the exit code of each run (plain.rc for the original).
"""
import os
import json
import sys

import jsonschema

SCHEMA = json.load(open("docs/schema/flow.schema.json"))
# One validator for every record: jsonschema.validate() checks the schema
# itself and builds a validator on every call, minutes over a whole run.
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)

TYPE = {"vxlan": "vxlan", "vxlan6": "vxlan", "geneve": "geneve",
        "gre": "gre", "gretap": "gre", "erspan2": "erspan2",
        "erspan3": "erspan3", "mpls": "mpls", "mpls_pw": "mpls",
        "ipip": "ipip", "ip6ip": "ipip", "vxlan_in_gre": "gre"}
ID = {"vxlan": ("vni", 5001), "vxlan6": ("vni", 5001),
      "geneve": ("vni", 7001), "gre": ("key", 1234),
      "erspan2": ("session_id", 42), "erspan3": ("session_id", 43),
      "mpls": ("label", 200), "mpls_pw": ("label", 301),
      "vxlan_in_gre": ("key", 77)}


def load(path, alerts):
    out = []
    for line in open(path):
        r = json.loads(line)
        if alerts and r.get("event", {}).get("kind") != "alert":
            continue
        out.append(r)
    return out


def main():
    args = sys.argv[1:]
    alerts = args[0] == "--alerts"
    if alerts:
        args = args[1:]
    d = args[0]
    ext = ".alerts" if alerts else ".ndjson"
    bad = 0
    for kind in sorted(TYPE):
        if not os.path.exists(f"{d}/{kind}{ext}"):
            continue
        rc = open(f"{d}/{kind}.rc").read().strip()
        want = open(f"{d}/plain.rc").read().strip()
        if rc != want:
            print(f"FAIL {kind}: exit actual {rc} expected {want}")
            bad += 1
            continue
        if compare(kind, f"{d}/plain{ext}", f"{d}/{kind}{ext}", alerts):
            print(f"FAIL {kind}: {'alerts' if alerts else 'flows'}")
            bad += 1
    sys.exit(1 if bad else 0)


def compare(kind, plain, wrapped, alerts):
    a, b = load(plain, alerts), load(wrapped, alerts)
    bad = 0
    if not alerts:
        for r in b:
            for e in VALIDATOR.iter_errors(r):
                print(f"schema: {e.message}")
                bad += 1
                break
            t = r.get("scrapewatch", {}).pop("tunnel", None)
            want_depth = 2 if kind == "vxlan_in_gre" else 1
            if not t or t["type"] != TYPE[kind] or t["depth"] != want_depth:
                print(f"tunnel: actual {t}, expected type {TYPE[kind]}"
                      f" depth {want_depth}")
                bad += 1
            elif kind in ID and t.get(ID[kind][0]) != ID[kind][1]:
                print(f"tunnel id: actual {t}, expected {ID[kind]}")
                bad += 1
    ja = sorted(json.dumps(r, sort_keys=True) for r in a)
    jb = sorted(json.dumps(r, sort_keys=True) for r in b)
    if ja != jb:
        for x in sorted(set(ja) - set(jb))[:3]:
            print("only plain:  ", x[:400])
        for x in sorted(set(jb) - set(ja))[:3]:
            print("only wrapped:", x[:400])
        bad += 1
    return bad


if __name__ == "__main__":
    main()
