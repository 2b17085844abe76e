#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# The checks of test_sink_stall.sh, over the feeder's counters (its JSON
# output: "sinks" after the drain, "final" after close) and, for the
# stall-then-drain case, what stall_peer.py received. Prints one line per
# check, "name|actual|expected", and "info|text|" lines; the shell side
# compares and reports them.
# usage: check_stall.py drain FEED.json PEER.json N
#        check_stall.py never FEED.json N
import json
import sys


def drain(feed, peer, n):
    s, fin = feed["sinks"][0], feed["final"]["sinks"][0]
    seqs = peer["seqs"]
    firsts, seen = [], set()
    for q in seqs:
        if q not in seen:
            seen.add(q)
            firsts.append(q)
    m = peer["marker"]
    out = [
        ("the feeder had enqueued all while the peer was stalled",
         m["seen_stalled"], True),
        ("bytes the peer had read by then", m["read"], 0),
        ("the peer held less than all bytes then (unread < total)",
         m["unread"] < peer["bytes"], True),
        ("every record arrived (distinct seqs)", len(seen), n),
        ("in order (first copies are 0..N-1 in sequence)",
         firsts == list(range(n)), True),
        ("duplicates at the peer == resent counter",
         len(seqs) - len(seen), s["resent"]),
        ("frames that did not parse", peer["bad"], 0),
    ]
    out += [("bad frame", b, "none") for b in peer["bad_samples"]]
    out += [
        ("delivered counter", s["delivered"], n),
        ("enqueued counter", s["enqueued"], n),
        ("nothing dropped", sum(fin["dropped"].values()), 0),
        ("lost at close", feed["lost"], 0),
        ("the sink saw the stall (errors > 0)", s["errors"] > 0, True),
        ("records were spooled during the stall", s["spooled"] > 0, True),
        ("delivering again after the stall (reconnects >= 1)",
         s["reconnects"] >= 1, True),
    ]
    info = (f"peer: {peer['conns']} connections, {peer['bytes']} bytes, "
            f"{len(seqs)} frames, {peer['cut']} bytes of cut tails, "
            f"{peer['foreign']} foreign frames; when "
            f"all was enqueued: {m['unread']} bytes unread on {m['conns']} "
            "connections; sink: "
            + ", ".join(f"{k}={s[k]}" for k in (
                "delivered", "resent", "spooled", "errors", "reconnects",
                "queue_depth_max", "spool_bytes_max"))
            + f"; enqueue {feed['enqueue_seconds']:.2f} s, "
            f"total {feed['total_seconds']:.2f} s")
    return out, info


def never(feed, n):
    fin = feed["final"]["sinks"][0]
    dr = fin["dropped"]
    out = [
        ("enqueued counter", fin["enqueued"], n),
        ("delivered + every drop reason == records sent",
         fin["delivered"] + sum(dr.values()), n),
        ("lost at close == sum of drops", feed["lost"], sum(dr.values())),
        ("something was dropped at shutdown", dr["shutdown"] > 0, True),
        ("nothing in flight, queued or spooled after close",
         (fin["in_flight"], fin["queue_depth"], fin["spool_records"]),
         (0, 0, 0)),
        ("the sink saw the stall (errors > 0)", fin["errors"] > 0, True),
    ]
    info = (f"final: delivered={fin['delivered']} "
            + " ".join(f"{k}={v}" for k, v in dr.items() if v)
            + f" spooled={fin['spooled']} errors={fin['errors']}; "
            f"enqueue {feed['enqueue_seconds']:.2f} s, "
            f"total {feed['total_seconds']:.2f} s")
    return out, info


def main():
    try:
        if sys.argv[1] == "drain":
            out, info = drain(json.load(open(sys.argv[2])),
                              json.load(open(sys.argv[3])), int(sys.argv[4]))
        else:
            out, info = never(json.load(open(sys.argv[2])), int(sys.argv[3]))
    except (OSError, ValueError, KeyError, IndexError) as e:
        print(f"the feeder's and peer's results are readable|{e!r}|yes")
        return
    for name, actual, expected in out:
        print(f"{name}|{actual}|{expected}")
    print(f"info|{info}|")


main()
