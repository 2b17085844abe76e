# SPDX-License-Identifier: BSD-2-Clause
"""What the oracle scripts share: PASS/FAIL lines with actual and expected,
address normalisation, tshark's fields as one dict per frame, and
scrapewatch's TCP flow records by client address and port."""
import ipaddress
import json
import os
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from swcheck import field as get  # noqa: E402,F401 (ECS field by name)

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


def read_tcp_flows(path, label, transport_optional=False):
    """TCP flow records of an NDJSON file, as lists keyed by the client's
    (address, port). A line that is not JSON, or a record without a
    source address and port, is a FAIL. With transport_optional, a record
    without network.transport counts as TCP."""
    flows = defaultdict(list)
    ok = (None, "tcp") if transport_optional else ("tcp",)
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                check("%s line %d is JSON" % (label, n), str(e), "valid JSON")
                continue
            if get(rec, "network.transport") not in ok:
                continue
            ip, port = get(rec, "source.ip"), get(rec, "source.port")
            try:
                key = (norm_ip(ip), int(port))
            except (TypeError, ValueError):
                check("%s line %d has source.ip/source.port" % (label, n),
                      "%r/%r" % (ip, port), "an address and a port")
                continue
            flows[key].append(rec)
    return flows
