# SPDX-License-Identifier: BSD-2-Clause
"""What the oracle scripts share: PASS/FAIL lines with actual and expected,
address normalisation, and tshark's fields as one dict per frame."""
import ipaddress
import subprocess

results = {"pass": 0, "fail": 0}


def check(desc, actual, expected):
    if actual == expected:
        results["pass"] += 1
        print("PASS oracle: %s" % desc)
    else:
        results["fail"] += 1
        print("FAIL oracle: %s actual %s expected %s" % (desc, actual, expected))


def norm_ip(s):
    return str(ipaddress.ip_address(s))


def tshark_rows(pcap, prefs, display_filter, fields, aggregator):
    """One dict per matching frame; repeated values joined by aggregator."""
    cmd = ["tshark", "-n", "-r", pcap] + prefs + [
        "-Y", display_filter, "-T", "fields", "-E", "separator=\t",
        "-E", "occurrence=a", "-E", "aggregator=" + aggregator]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append(dict(zip(fields, cols)))
    return rows
