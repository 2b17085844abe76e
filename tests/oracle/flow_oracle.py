# SPDX-License-Identifier: BSD-2-Clause
#
# Flow-accounting oracle: checks the records of `scrapewatch flows` against
# figures that tshark computes independently from the same capture.
#
# For every TCP stream of the both-directions capture whose SYN was seen,
# tshark gives, per direction, the unique payload bytes as
#   max(tcp.seq + tcp.len) - 1
# over the segments that carry payload or the FIN, in relative sequence
# numbers: the SYN takes relative seq 0, so data starts at 1; the FIN takes
# a sequence number after the data but is not in tcp.len, so the FIN
# segment gives 1 + payload; the pure ACKs that a side sends after its own
# FIN are left out, as their seq is one past the FIN.
# This is cross-checked against the raw sequence numbers (highest raw
# seq + len minus the ISN from the SYN, modulo 2^32, minus 1), and against
# the sum of tcp.len over frames that tshark does not flag as
# retransmissions; if these disagree the oracle itself fails. The request
# count of a stream is the number of HTTP requests tshark dissects on it
# (http.request.method occurrences), and it must equal the manifest written
# by scripts/record-fixtures.sh. Packet counts are the frames per direction.
#
# scrapewatch must give the same byte and turn figures from the
# both-directions capture and from the client->server-only capture (there
# the server bytes come from the client's cumulative ACKs). Flows are
# matched by client address and port.
#
# Usage: flow_oracle.py --pcap BOTH.pcap --manifest CSV
#            [--flows BOTH.ndjson] [--c2s-flows C2S.ndjson]
# Without --flows it prints the oracle table only. Prints one
# "PASS oracle: ..." / "FAIL oracle: ... actual X expected Y" line per
# check; exits 0 when every check passed, 1 otherwise.

import argparse
import csv
import sys
from collections import defaultdict

from oracle_common import check, get, norm_ip, read_tcp_flows, results, tshark_rows

TSHARK_PREFS = [
    "-o", "tcp.analyze_sequence_numbers:TRUE",
    "-o", "tcp.relative_sequence_numbers:TRUE",
    "-o", "tcp.desegment_tcp_streams:TRUE",
    "-o", "http.desegment_headers:TRUE",
    "-o", "http.desegment_body:TRUE",
]

def tshark_fields(pcap, display_filter, fields):
    return tshark_rows(pcap, TSHARK_PREFS, display_filter, fields, "|")


def compute_oracle(pcap):
    """Returns {(client_ip, client_port): figures} for SYN-seen streams."""
    fields = ["tcp.stream", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
              "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
              "tcp.flags.fin",
              "tcp.seq", "tcp.seq_raw", "tcp.len",
              "tcp.analysis.retransmission"]
    rows = tshark_fields(pcap, "tcp", fields)
    streams = defaultdict(list)
    for r in rows:
        streams[int(r["tcp.stream"])].append(r)

    requests = defaultdict(int)
    for r in tshark_fields(pcap, "http.request", ["tcp.stream",
                                                  "http.request.method"]):
        requests[int(r["tcp.stream"])] += len(r["http.request.method"].split("|"))

    def flag(r, f):
        return r[f] in ("1", "True", "true")

    oracle = {}
    for sid, pkts in sorted(streams.items()):
        syn = next((p for p in pkts
                    if flag(p, "tcp.flags.syn") and not flag(p, "tcp.flags.ack")),
                   None)
        if syn is None:
            continue
        cip = norm_ip(syn["ip.src"] or syn["ipv6.src"])
        sip = norm_ip(syn["ip.dst"] or syn["ipv6.dst"])
        cport, sport = int(syn["tcp.srcport"]), int(syn["tcp.dstport"])
        fig = {"stream": sid, "client_ip": cip, "client_port": cport,
               "server_ip": sip, "server_port": sport,
               "requests": requests.get(sid, 0)}
        for side in ("c2s", "s2c"):
            mine = [p for p in pkts
                    if (int(p["tcp.srcport"]) == cport) == (side == "c2s")
                    and norm_ip(p["ip.src"] or p["ipv6.src"]) ==
                    (cip if side == "c2s" else sip)]
            fig[side + "_packets"] = len(mine)
            # Only segments that carry payload or the FIN: the pure ACK a
            # side sends after its own FIN has seq = FIN's seq + 1.
            mine_data = [p for p in mine
                         if int(p["tcp.len"]) > 0 or flag(p, "tcp.flags.fin")]
            rel = max((int(p["tcp.seq"]) + int(p["tcp.len"])
                       for p in mine_data), default=1) - 1
            isn_pkt = next((p for p in mine if flag(p, "tcp.flags.syn")), None)
            if isn_pkt is None:
                raw = None
            else:
                isn = int(isn_pkt["tcp.seq_raw"])
                raw = max(((int(p["tcp.seq_raw"]) + int(p["tcp.len"]) - isn)
                           % (1 << 32) for p in mine_data), default=1) - 1
            summed = sum(int(p["tcp.len"]) for p in mine
                         if not p["tcp.analysis.retransmission"])
            fig[side + "_bytes"] = rel
            fig[side + "_bytes_raw"] = raw
            fig[side + "_bytes_sum"] = summed
        oracle[(cip, cport)] = fig
    return oracle


def read_manifest(path):
    m = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            m[(norm_ip(row["client_ip"]), int(row["client_port"]))] = \
                int(row["requests"])
    return m


def print_table(oracle, manifest):
    print("# oracle (tshark) per TCP stream with SYN seen")
    print("# stream client server c2s_bytes(rel/raw/sum) s2c_bytes(rel/raw/sum)"
          " c2s_pkts s2c_pkts http_requests manifest")
    for key, o in oracle.items():
        print("# %d [%s]:%d -> [%s]:%d %d/%s/%d %d/%s/%d %d %d %d %s" % (
            o["stream"], o["client_ip"], o["client_port"], o["server_ip"],
            o["server_port"], o["c2s_bytes"], o["c2s_bytes_raw"],
            o["c2s_bytes_sum"], o["s2c_bytes"], o["s2c_bytes_raw"],
            o["s2c_bytes_sum"], o["c2s_packets"], o["s2c_packets"],
            o["requests"], manifest.get(key, "-")))


def self_checks(oracle, manifest):
    check("tshark sees SYN-started TCP streams", len(oracle) > 0, True)
    for key, o in oracle.items():
        name = "stream [%s]:%d" % key
        for side in ("c2s", "s2c"):
            check("%s %s bytes: relative seq == raw seq" % (name, side),
                  o[side + "_bytes_raw"], o[side + "_bytes"])
            check("%s %s bytes: relative seq == sum of non-retransmitted "
                  "tcp.len" % (name, side), o[side + "_bytes_sum"],
                  o[side + "_bytes"])
        check("%s tshark http.request count == manifest" % name,
              o["requests"], manifest.get(key))
    extra = sorted(set(manifest) - set(oracle))
    check("manifest connections all present in capture", extra, [])


def compare(oracle, flows, label, one_direction):
    got = sum(len(v) for v in flows.values())
    check("%s: TCP flow records == SYN-seen streams" % label, got, len(oracle))
    for key, o in oracle.items():
        name = "%s [%s]:%d" % (label, key[0], key[1])
        recs = flows.get(key, [])
        check("%s: one flow record" % name, len(recs), 1)
        if not recs:
            continue
        r = recs[0]
        dip = get(r, "destination.ip")
        check("%s destination.ip" % name,
              norm_ip(dip) if isinstance(dip, str) else dip, o["server_ip"])
        check("%s destination.port" % name, get(r, "destination.port"),
              o["server_port"])
        check("%s source.bytes" % name, get(r, "source.bytes"), o["c2s_bytes"])
        check("%s destination.bytes" % name, get(r, "destination.bytes"),
              o["s2c_bytes"])
        check("%s scrapewatch.flow.turns" % name,
              get(r, "scrapewatch.flow.turns"), o["requests"])
        check("%s source.packets" % name, get(r, "source.packets"),
              o["c2s_packets"])
        check("%s destination.packets" % name, get(r, "destination.packets"),
              0 if one_direction else o["s2c_packets"])
        check("%s scrapewatch.flow.directions" % name,
              get(r, "scrapewatch.flow.directions"),
              "client" if one_direction else "both")
        check("%s scrapewatch.flow.syn_seen" % name,
              get(r, "scrapewatch.flow.syn_seen"), True)
        cr = get(r, "scrapewatch.flow.close_reason")
        check("%s scrapewatch.flow.close_reason is a non-empty string (%r)"
              % (name, cr), isinstance(cr, str) and cr != "", True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--flows")
    ap.add_argument("--c2s-flows")
    a = ap.parse_args()

    oracle = compute_oracle(a.pcap)
    manifest = read_manifest(a.manifest)
    print_table(oracle, manifest)
    self_checks(oracle, manifest)
    if a.flows:
        compare(oracle, read_tcp_flows(a.flows, "real.pcap"), "real.pcap", False)
    if a.c2s_flows:
        compare(oracle, read_tcp_flows(a.c2s_flows, "real_c2s.pcap"),
                "real_c2s.pcap", True)
    print("oracle: %d passed, %d failed" % (results["pass"], results["fail"]))
    return 0 if results["fail"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
