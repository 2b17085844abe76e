#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Print scrapewatch flow records (NDJSON on stdin) as a readable table."""
import json
import sys


def endpoint(e):
    ip = e["ip"]
    return f"[{ip}]:{e['port']}" if ":" in ip else f"{ip}:{e['port']}"


def fingerprints():
    print(f"  {'client':<24} {'ja4 / user agent':<62} tcp os")
    for line in sys.stdin:
        r = json.loads(line)
        tls = r.get("tls", {}).get("client", {})
        sw = r["scrapewatch"]
        what = tls.get("ja4") or r.get("user_agent", {}).get("original", "-")
        if tls.get("server_name"):
            what += f" ({tls['server_name']})"
        os_class = sw.get("tcp", {}).get("os_class", "-")
        print(f"  {endpoint(r['source']):<24} {what[:62]:<62} {os_class}")


def main():
    if sys.argv[1:] == ["--fingerprints"]:
        fingerprints()
        return
    print(f"  {'client':<26} {'server':<20} {'up B':>7} {'down B':>9} "
          f"{'turns':>5}  {'seen':<6} close")
    for line in sys.stdin:
        r = json.loads(line)
        s, d, f = r["source"], r["destination"], r["scrapewatch"]["flow"]
        print(f"  {endpoint(s):<26} {endpoint(d):<20} {s['bytes']:>7} "
              f"{d['bytes']:>9} {f['turns']:>5}  {f['directions']:<6} "
              f"{f['close_reason']}")


if __name__ == "__main__":
    main()
