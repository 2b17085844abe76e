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
# Fixtures of the "wide" profile (plan.txt says profile=wide) are
# checked further: every row has a tool family, there are at least 30
# tool families and scenarios together, the rotation families cover many
# addresses (a /64, a /48, many /24s), and the access log (access.log or
# access.log.xz) has the documented 13+ fields, a line for every labeled
# address, and HTTP/2 for the HTTP/2 crawlers. A capture stored as
# corpus.pcap.xz (and an access.log.xz) is decompressed into
# build/fixtures/corpus/DIRNAME/ first.
#
# Usage: corpus_fixture.py SCRAPEWATCH DIR...

import collections
import csv
import ipaddress
import json
import lzma
import os
import re
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
              "wget2", "wget", "httrack", "libwww-perl", "apt", "git"):
        if tool.startswith(f):
            return f
    return tool


# Tool families of address rotation: many addresses, few requests each.
ROTATION = ("rotation-64", "rotation-48", "resi-proxy")

# What a cleartext client's User-Agent contains, by family(tool).
UA_WANT = {"wget": "Wget/", "httrack": "HTTrack", "chromium": "HeadlessChrome",
           "libwww-perl": "libwww-perl/", "apt": "Debian APT-HTTP/",
           "git": "git/"}


def unxz(d, name):
    """DIR/NAME, or DIR/NAME.xz decompressed under build/ (None if
    neither exists)."""
    if os.path.exists(os.path.join(d, name)):
        return os.path.join(d, name)
    src = os.path.join(d, name + ".xz")
    if not os.path.exists(src):
        return None
    out_dir = os.path.join("build/fixtures/corpus",
                           os.path.basename(os.path.normpath(d)))
    out = os.path.join(out_dir, name)
    if not os.path.exists(out) or \
            os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(out_dir, exist_ok=True)
        with lzma.open(src) as f, open(out + ".tmp", "wb") as g:
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                g.write(b)
        os.rename(out + ".tmp", out)
    return out


# One access-log line: msec addr server_port protocol "request" status
# bytes "user agent" remote_port connection connection_requests
# request_time http2 ("h2", or "-" for HTTP/1.x).
LOG_RE = re.compile(r'^(\d+\.\d+) (\S+) (\d+) (\S+) "([^"]*)" (\d+) (\d+) '
                    r'"([^"]*)" (\d+) (\d+) (\d+) ([\d.]+) (h2|h2c|-)$')


def check_wide(d, rows):
    fams = collections.Counter(r["tool_family"] for r in rows)
    check(all(r["tool_family"] for r in rows), d + " every row has a "
          "tool_family", [r["client_ip"] for r in rows if not r["tool_family"]],
          [])
    profiles = {(r["tool_family"], r["scenario"], r["tool"]) for r in rows}
    check(len(profiles) >= 30, d + " tool profiles (family, scenario, tool)",
          len(profiles), ">= 30")
    by = collections.defaultdict(list)
    for r in rows:
        by[r["tool_family"]].append(ipaddress.ip_address(r["client_ip"]))
    rot = {"rotation-64": 64, "rotation-48": 48}
    for fam, plen in rot.items():
        a = by.get(fam, [])
        nets = {ipaddress.ip_network("%s/%d" % (x, plen), strict=False)
                for x in a}
        n64 = {ipaddress.ip_network("%s/64" % x, strict=False) for x in a}
        check(len(a) >= 10 and len(nets) == 1 and
              (plen == 64 or len(n64) >= 10), d + " addresses of " + fam,
              "%d in %d /%d, %d /64" % (len(a), len(nets), plen, len(n64)),
              ">= 10 in one /%d%s" % (plen, "" if plen == 64 else
                                       ", >= 10 /64s"))
    n24 = {ipaddress.ip_network("%s/24" % x, strict=False)
           for x in by.get("resi-proxy", [])}
    check(len(n24) >= 10, d + " /24s of resi-proxy", len(n24), ">= 10")
    for fam in ("nat-scraper", "office-nat"):
        check(fam in fams, d + " NAT address " + fam, sorted(fams), fam)
    log = unxz(d, "access.log")
    if not check(log is not None, d + " access.log", None, "present"):
        return
    reqs = collections.Counter()
    h2 = collections.Counter()
    bad = 0
    with open(log, errors="replace") as f:
        for line in f:
            m = LOG_RE.match(line.rstrip("\n"))
            if not m:
                bad += 1
                continue
            reqs[m.group(2)] += 1
            h2[m.group(2)] += m.group(13) == "h2"
    check(bad == 0, d + " access.log lines not in the documented format",
          bad, 0)
    missing = [r["client_ip"] for r in rows if reqs[r["client_ip"]] == 0
               and r["tool_family"] not in ROTATION]
    check(not missing, d + " labeled addresses with no request in "
          "access.log", missing, [])
    for fam in ROTATION:
        a = [r["client_ip"] for r in rows if r["tool_family"] == fam]
        got = sum(1 for x in a if reqs[x] > 0)
        check(got >= 0.95 * len(a), d + " addresses of " + fam +
              " with a request in access.log", "%d of %d" % (got, len(a)),
              ">= 95%")
    for r in rows:
        if r["tool_family"] in ("go-h2", "wget2", "curl-h2", "httpx-h2"):
            ip = r["client_ip"]
            check(reqs[ip] >= 100 and h2[ip] >= 0.95 * reqs[ip],
                  d + " HTTP/2 requests of " + r["tool_family"],
                  "%d of %d" % (h2[ip], reqs[ip]), ">= 95% of >= 100")


def check_dir(sw, d):
    pcap, labels_path = unxz(d, "corpus.pcap"), d + "/labels.csv"
    if not check(pcap is not None, d + " corpus.pcap[.xz]", None, "present"):
        return
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
    rot_ja3 = collections.defaultdict(list)
    for r in rows:
        ip, tool = r["client_ip"], r["tool"]
        fl = flows.get(ip, [])
        if not check(fl, d + " flows of " + ip + " (" + tool + ")", 0,
                     ">= 1"):
            continue
        if r["proto"] == "http":
            uas = {f.get("user_agent", {}).get("original") for f in fl} - \
                {None}
            want = UA_WANT.get(family(tool), "")
            if family(tool) == "curl":
                want = "Mozilla/5.0" if "browser UA" in tool else "curl/"
            check(uas and all(want in u for u in uas),
                  d + " User-Agent of " + ip + " (" + tool + ")",
                  sorted(uas), "containing " + want)
        else:
            ja3 = {f["tls"]["client"]["ja3"] for f in fl
                   if "ja3" in f.get("tls", {}).get("client", {})}
            if r.get("tool_family") in ROTATION:
                # One connection or two per address: the last one may be
                # cut off by the end of the run before its ClientHello.
                rot_ja3[r["tool_family"]].append(bool(ja3))
            else:
                check(ja3, d + " JA3 of " + ip + " (" + tool + ")", ja3,
                      "at least one")
            ja3_by_family[family(tool)] |= ja3
    for fam, got in sorted(rot_ja3.items()):
        check(sum(got) >= 0.95 * len(got), d + " addresses of " + fam +
              " with a JA3", "%d of %d" % (sum(got), len(got)), ">= 95%")
    for fam in ("python-requests", "curl", "aria2"):
        check(len(ja3_by_family[fam]) == 1, d + " JA3s of " + fam,
              sorted(ja3_by_family[fam]), "exactly one")
    fams = ["python-requests", "curl", "aria2", "chromium"]
    for i, a in enumerate(fams):
        for b in fams[i + 1:]:
            both = ja3_by_family[a] & ja3_by_family[b]
            check(not both, d + " JA3 shared by " + a + " and " + b,
                  sorted(both), "none")
    with open(os.path.join(d, "plan.txt")) as f:
        wide = "profile=wide" in f.readline().split()
    if wide:
        check_wide(d, rows)
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
