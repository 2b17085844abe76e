#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Checks that a committed corpus fixture (tests/fixtures/corpus/X/
# corpus.pcap + labels.csv, recorded by scripts/corpus/record.sh) is
# consistent: the labels are well formed and describe the scenario
# (scrapers and benign clients, a distributed scraper of >= 8 addresses in
# one /24, IPv6 clients, cleartext and TLS clients); every labeled client
# appears as a client in `scrapewatch flows` and every flow belongs to a
# labeled client; each tool's own fingerprint is there (User-Agent on
# cleartext: Wget/, HTTrack, curl/, HeadlessChrome; on TLS one JA3 per
# TLS library, distinct between python-requests, curl, aria2 and
# chromium); the capture is long enough and trimmed as documented.
#
# Usage: corpus_fixture.py SCRAPEWATCH DIR...

import collections
import csv
import ipaddress
import json
import struct
import subprocess
import sys

SERVERS = {"198.18.16.1", "2001:db8:16::1"}
failures = 0


def check(ok, what, actual, expected):
    global failures
    if not ok:
        failures += 1
        print("FAIL %s: actual %s, expected %s" % (what, actual, expected))
    return ok


def pcap_facts(path):
    """First/last timestamp, packet count, longest server packet."""
    d = open(path, "rb").read()
    magic, = struct.unpack("<I", d[:4])
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        raise SystemExit("%s: not a little-endian pcap file" % path)
    servers = [ipaddress.ip_address(s).packed for s in SERVERS]
    off, n, first, last, srv_max = 24, 0, None, None, 0
    while off + 16 <= len(d):
        sec, _, caplen, _ = struct.unpack_from("<IIII", d, off)
        f = d[off + 16:off + 16 + caplen]
        et = f[12:14]
        src = f[26:30] if et == b"\x08\x00" else \
            f[22:38] if et == b"\x86\xdd" else b""
        if src in servers:
            srv_max = max(srv_max, caplen)
        first = sec if first is None else first
        last = sec
        n += 1
        off += 16 + caplen
    return first, last, n, srv_max


def family(tool):
    for f in ("python-requests", "chromium", "curl", "aria2", "scrapy",
              "wget", "httrack"):
        if tool.startswith(f):
            return f
    return tool


def check_dir(sw, d):
    pcap, labels_path = d + "/corpus.pcap", d + "/labels.csv"
    with open(labels_path, newline="") as f:
        header = f.readline().strip().split(",")
        f.seek(0)
        rows = list(csv.DictReader(f))
    check(header[:3] == ["client_ip", "label", "tool"], d + " labels header",
          header[:3], ["client_ip", "label", "tool"])
    ips = [r["client_ip"] for r in rows]
    check(len(ips) == len(set(ips)), d + " unique client IPs",
          len(set(ips)), len(ips))
    kinds = collections.Counter(r["label"] for r in rows)
    check(set(kinds) == {"scraper", "benign"}, d + " labels", dict(kinds),
          "scraper and benign only, both present")
    nets = collections.Counter(
        str(ipaddress.ip_network(r["client_ip"] + "/24", strict=False))
        for r in rows if r["label"] == "scraper" and ":" not in r["client_ip"])
    check(max(nets.values()) >= 8, d + " scrapers in one /24",
          nets.most_common(1), ">= 8")
    v6 = [r for r in rows if ":" in r["client_ip"]]
    check(len(v6) >= 1, d + " IPv6 clients", len(v6), ">= 1")
    protos = collections.Counter(r["proto"] for r in rows)
    check(protos["http"] >= 3 and protos["https"] >= 10, d + " protocols",
          dict(protos), "http >= 3, https >= 10")

    first, last, npk, srv_max = pcap_facts(pcap)
    check(last - first >= 300, d + " capture span (s)", last - first,
          ">= 300")
    check(0 < srv_max <= 128, d + " longest server packet (bytes)", srv_max,
          "<= 128 (trimmed)")

    out = subprocess.run([sw, "flows", "-q", pcap], check=True,
                         capture_output=True, text=True).stdout
    flows = collections.defaultdict(list)
    for line in out.splitlines():
        r = json.loads(line)
        check(r["destination"]["ip"] in SERVERS, d + " flow server",
              r["destination"]["ip"], sorted(SERVERS))
        flows[r["source"]["ip"]].append(r)
    unlabeled = sorted(set(flows) - set(ips))
    check(not unlabeled, d + " flow clients without a label", unlabeled, [])
    ja3_by_family = collections.defaultdict(set)
    for r in rows:
        ip, tool = r["client_ip"], r["tool"]
        fl = flows.get(ip, [])
        if not check(fl, d + " flows of " + ip + " (" + tool + ")", 0,
                     ">= 1"):
            continue
        if r["proto"] == "http":
            uas = {f.get("user_agent", {}).get("original") for f in fl} - \
                {None}
            want = {"wget": "Wget/", "httrack": "HTTrack",
                    "chromium": "HeadlessChrome"}.get(family(tool))
            if family(tool) == "curl":
                want = "Mozilla/5.0" if "browser UA" in tool else "curl/"
            check(uas and all(want in u for u in uas),
                  d + " User-Agent of " + ip + " (" + tool + ")",
                  sorted(uas), "containing " + want)
        else:
            ja3 = {f["tls"]["client"]["ja3"] for f in fl
                   if "ja3" in f.get("tls", {}).get("client", {})}
            check(ja3, d + " JA3 of " + ip + " (" + tool + ")", ja3,
                  "at least one")
            ja3_by_family[family(tool)] |= ja3
    for fam in ("python-requests", "curl", "aria2"):
        check(len(ja3_by_family[fam]) == 1, d + " JA3s of " + fam,
              sorted(ja3_by_family[fam]), "exactly one")
    fams = ["python-requests", "curl", "aria2", "chromium"]
    for i, a in enumerate(fams):
        for b in fams[i + 1:]:
            both = ja3_by_family[a] & ja3_by_family[b]
            check(not both, d + " JA3 shared by " + a + " and " + b,
                  sorted(both), "none")
    print("%s: %d clients (%s), %d packets over %d s, %d flows" %
          (d, len(rows), dict(kinds), npk, last - first,
           sum(len(v) for v in flows.values())))


def main():
    sw = sys.argv[1]
    for d in sys.argv[2:]:
        check_dir(sw, d)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
