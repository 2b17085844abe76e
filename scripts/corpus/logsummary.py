#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Summarises a corpus recording's access log per client (record.sh's
# labels.csv and access.log, either may be .xz): for each client name (the
# first word of the params column; rotation and NAT addresses are grouped
# under their one client), its tool family and label, the addresses
# used, requests, the share over HTTP/2, TCP connections (client address
# and port), the span from first to last request, the mean rate over that
# span and the busiest 10 s. Used to check that each tool ran as intended
# and for the fixtures' README.
#
# Usage: logsummary.py DIR

import collections
import csv
import io
import lzma
import os
import re
import sys

LINE = re.compile(r'^(\d+\.\d+) (\S+) (\d+) (\S+) "([^"]*)" (\d+) (\d+) '
                  r'"([^"]*)" (\d+) (\d+) (\d+) ([\d.]+) ?(\S*)$')
SERVERS = {"198.18.16.1", "2001:db8:16::1"}


def opentext(d, name):
    p = os.path.join(d, name)
    if os.path.exists(p):
        return open(p, newline="", errors="replace")
    return io.TextIOWrapper(lzma.open(p + ".xz"), newline="",
                            errors="replace")


def main():
    d = sys.argv[1]
    with opentext(d, "labels.csv") as f:
        rows = list(csv.DictReader(f))
    client_of = {}
    info = {}
    for r in rows:
        name = r["params"].split(":")[0]
        client_of[r["client_ip"]] = name
        info[name] = (r.get("tool_family", ""), r["label"])
    reqs = collections.defaultdict(list)
    h2 = collections.Counter()
    conns = collections.defaultdict(set)
    addrs = collections.defaultdict(set)
    with opentext(d, "access.log") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            if m.group(2) in SERVERS:
                continue  # record.sh's readiness probe, inside the server
            name = client_of.get(m.group(2), "?" + m.group(2))
            reqs[name].append(float(m.group(1)))
            h2[name] += m.group(13) == "h2"
            conns[name].add((m.group(2), m.group(9)))
            addrs[name].add(m.group(2))
    print("%-12s %-16s %-7s %5s %6s %5s %5s %7s %7s %7s" %
          ("client", "tool_family", "label", "addrs", "reqs", "h2%",
           "conns", "span_s", "mean/s", "max10s/s"))
    for name in sorted(info, key=lambda n: (info[n][1], info[n][0], n)):
        t = sorted(reqs.get(name, []))
        if not t:
            print("%-12s %-16s %-7s %5d %6d" % (name, info[name][0],
                                               info[name][1], 0, 0))
            continue
        span = t[-1] - t[0]
        best, j = 0, 0
        for i in range(len(t)):
            while t[i] - t[j] >= 10:
                j += 1
            best = max(best, i - j + 1)
        print("%-12s %-16s %-7s %5d %6d %5.0f %5d %7.0f %7.1f %7.1f" %
              (name, info[name][0], info[name][1], len(addrs[name]), len(t),
               100.0 * h2[name] / len(t), len(conns[name]), span,
               len(t) / span if span > 0 else 0, best / 10.0))
    other = [n for n in reqs if n not in info]
    if other:
        print("unlabeled addresses in the log:", sorted(other))


if __name__ == "__main__":
    main()
