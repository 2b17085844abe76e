#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare scrapewatch's request estimate with nginx's access log.

The log has one line a request:
  $remote_addr $remote_port $connection $connection_requests
  $server_protocol $request_uri
A connection served the most $connection_requests logged for it. Each TCP
flow record to the server ports (80, 443, 8443) is joined to its connection
by client address and port, and
  - HTTP/1.1: scrapewatch.flow.requests must equal nginx's count;
  - HTTP/2: the total within 10% of nginx's, the median relative error per
    flow at most 10%;
  - a connection that fetched /big.bin (a large download): 1 request.
With --same-as, the requests and requests_by of every flow must also equal
those of another run's records (userspace against XDP).
Prints a PASS/FAIL line per check and the figures; exits 1 on a failure.
"""
import argparse
import ipaddress
import json
import statistics
import sys

PORTS = (80, 443, 8443)
fails = 0


def check(label, name, ok, detail=""):
    global fails
    print("%s %s: %s%s" % ("PASS" if ok else "FAIL", label, name,
                           (": " + detail) if detail else ""))
    if not ok:
        fails += 1


def norm(addr):
    return str(ipaddress.ip_address(addr))


def read_log(path):
    conns = {}
    for line in open(path):
        f = line.split()
        if len(f) < 6 or f[5].startswith("/ready"):
            continue  # the test's readiness probe, before the capture
        key = (norm(f[0]), int(f[1]))
        c = conns.setdefault(key, {"n": 0, "proto": f[4], "big": False,
                                   "packed": False})
        c["n"] = max(c["n"], int(f[3]))
        c["big"] = c["big"] or f[5].startswith("/big.bin")
        # h2load packs several HEADERS frames into one record, how many
        # depends on timing: docs/requests.md gives it up to a third
        # under, so it is held to that, apart from the 10% targets.
        c["packed"] = c["packed"] or (
            len(f) > 6 and f[6].startswith("h2load"))
    return conns


def read_flows(path):
    flows = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("network", {}).get("transport") != "tcp":
            continue
        if r["destination"]["port"] not in PORTS:
            continue
        key = (norm(r["source"]["ip"]), r["source"]["port"])
        flows[key] = r["scrapewatch"]["flow"]
    return flows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--flows", required=True)
    ap.add_argument("--label", default="requests")
    ap.add_argument("--same-as")
    a = ap.parse_args()
    lab = "requests " + a.label
    conns = read_log(a.log)
    flows = read_flows(a.flows)

    rows = {"HTTP/1.1": [], "HTTP/2.0": [], "big": [], "packed": []}
    for key, c in sorted(conns.items()):
        f = flows.get(key)
        check(lab, "[%s]:%d has a flow record" % key, f is not None)
        if f is None:
            continue
        est = f.get("requests")
        print("# %-28s %-8s %-4s nginx %4d  estimate %4s  turns %4d  by %s"
              % ("[%s]:%d" % key, c["proto"], "big" if c["big"] else "",
                 c["n"], est, f["turns"], f.get("requests_by")))
        rows["big" if c["big"] else "packed" if c["packed"] else
             c["proto"]].append((key, c["n"], est))

    for key, n, est in rows["HTTP/1.1"]:
        check(lab, "HTTP/1.1 [%s]:%d exact" % key, est == n,
              "estimate %s, nginx %d" % (est, n))
    for key, n, est in rows["big"]:
        check(lab, "large download [%s]:%d counts 1" % key, est == 1,
              "estimate %s, nginx %d" % (est, n))
    for key, n, est in rows["packed"]:
        check(lab, "h2load's packed streams [%s]:%d within a third" % key,
              abs((est or 0) - n) <= n / 3, "estimate %s, nginx %d" %
              (est, n))
    h2 = rows["HTTP/2.0"]
    check(lab, "HTTP/2 connections present", len(h2) > 0)
    check(lab, "h2load connections present", len(rows["packed"]) > 0)
    if h2:
        want = sum(n for _, n, _ in h2)
        got = sum(est or 0 for _, _, est in h2)
        errs = [abs((est or 0) - n) / n for _, n, est in h2]
        med = statistics.median(errs)
        print("# %s: HTTP/1.1 %d flows, nginx %d, estimate %d" % (
            a.label, len(rows["HTTP/1.1"]),
            sum(n for _, n, _ in rows["HTTP/1.1"]),
            sum(e or 0 for _, _, e in rows["HTTP/1.1"])))
        print("# %s: HTTP/2 %d flows, nginx %d, estimate %d (%+.1f%%), "
              "median per-flow error %.1f%%, worst %.1f%%" % (
                  a.label, len(h2), want, got, 100.0 * (got - want) / want,
                  100 * med, 100 * max(errs)))
        check(lab, "HTTP/2 total within 10%", abs(got - want) <= 0.1 * want,
              "estimate %d, nginx %d" % (got, want))
        check(lab, "HTTP/2 median per-flow error at most 10%", med <= 0.1,
              "%.1f%%" % (100 * med))

    if a.same_as:
        other = read_flows(a.same_as)
        diff = [k for k in sorted(set(other) | set(flows))
                if (other.get(k, {}).get("requests"),
                    other.get(k, {}).get("requests_by")) !=
                (flows.get(k, {}).get("requests"),
                 flows.get(k, {}).get("requests_by"))]
        check(lab, "requests and requests_by equal %s's, flow by flow"
              % a.same_as.rsplit("/", 1)[-1], not diff,
              "differ: %s" % diff[:5])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
