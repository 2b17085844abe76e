#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# A syslog-over-TCP peer that stalls: it accepts every connection at once
# but reads nothing until the feeder's "enqueued" marker file exists and
# at least --stall-min seconds have passed since the first connection (or
# --stall-max seconds, whichever comes first); then it reads every
# connection to its end, in the order they were accepted, which is the
# order the sink wrote them (the sink has one connection at a time). With
# --never-read it never reads at all.
#
# When the marker appears, it notes what it held then: whether it was
# still stalled, the bytes it had read (0 while stalled), the bytes
# waiting unread in its sockets (FIONREAD) and the connections so far.
#
# Frames are RFC 6587 octet-counted RFC 5424 messages whose MSG is the
# JSON record; the sequence number is scrapewatch.seq. A connection the
# sink dropped may end with a cut frame (its last write was partial):
# that tail is counted, not parsed.
#
# --hostname H: frames with another HOSTNAME, and a connection that does
# not start with a syslog frame, are counted as foreign and left out
# (other tests on this machine use loopback ports too, and one that
# picked a port before this peer bound it may send here).
#
# It binds 127.0.0.1 port 0 and writes the port to PORTFILE. It ends when
# DONEFILE exists and every connection has reached its end (--never-read:
# when DONEFILE exists), and writes RESULT (JSON): conns, seqs (in arrival
# order), cut (bytes of cut tails), bad (frames that did not parse) and
# bad_samples, foreign, bytes, and marker {seen_stalled, read, unread,
# conns}.
#
# usage: stall_peer.py PORTFILE MARKER DONEFILE RESULT [--stall-min S]
#                      [--stall-max S] [--rcvbuf BYTES] [--never-read]
#                      [--hostname H]
import fcntl
import json
import os
import socket
import struct
import sys
import termios
import threading
import time

portfile, marker, donefile, result = sys.argv[1:5]
stall_min, stall_max, rcvbuf, never_read, hostname = 3.0, 120.0, 0, False, None
args = sys.argv[5:]
while args:
    a = args.pop(0)
    if a == "--stall-min":
        stall_min = float(args.pop(0))
    elif a == "--stall-max":
        stall_max = float(args.pop(0))
    elif a == "--rcvbuf":
        rcvbuf = int(args.pop(0))
    elif a == "--never-read":
        never_read = True
    elif a == "--hostname":
        hostname = args.pop(0).encode()
    else:
        sys.exit(f"stall_peer.py: unknown argument {a}")

conns = []  # accepted sockets, in accept order
conns_lock = threading.Lock()
first_accept = []

ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if rcvbuf:
    # Inherited by accepted sockets: each connection absorbs less.
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
ls.bind(("127.0.0.1", 0))
ls.listen(64)
with open(portfile + ".tmp", "w") as f:
    f.write(f"{ls.getsockname()[1]}\n")
os.rename(portfile + ".tmp", portfile)


def acceptor():
    while True:
        c, _ = ls.accept()
        with conns_lock:
            if not first_accept:
                first_accept.append(time.monotonic())
            conns.append(c)


threading.Thread(target=acceptor, daemon=True).start()


def unread(c):
    buf = fcntl.ioctl(c.fileno(), termios.FIONREAD, struct.pack("i", 0))
    return struct.unpack("i", buf)[0]


# --- the stall ---
start = time.monotonic()
mark = {"seen_stalled": False, "read": 0, "unread": 0, "conns": 0}
while True:
    now = time.monotonic()
    with conns_lock:
        t0 = first_accept[0] if first_accept else None
        snapshot = list(conns)
    if not mark["seen_stalled"] and os.path.exists(marker):
        mark = {"seen_stalled": True, "read": 0,
                "unread": sum(unread(c) for c in snapshot),
                "conns": len(snapshot)}
    if never_read:
        if os.path.exists(donefile):
            break
    elif mark["seen_stalled"] and t0 is not None and now - t0 >= stall_min:
        break
    elif now - start >= stall_max:
        break
    time.sleep(0.02)

out = {"conns": 0, "seqs": [], "cut": 0, "bad": 0, "bad_samples": [],
       "foreign": 0, "bytes": 0, "marker": mark}


def bad(conn, off, what):
    out["bad"] += 1
    if len(out["bad_samples"]) < 5:
        out["bad_samples"].append(f"connection {conn} offset {off}: "
                                  + repr(what[:160]))


def parse(conn, data):
    """Octet-counted frames of one connection; a cut tail is counted."""
    i, mine = 0, False
    while i < len(data):
        sp = data.find(b" ", i)
        if sp < 0 and data[i:].isdigit():
            out["cut"] += len(data) - i  # cut inside the length
            return
        if sp < 0 or not data[i:sp].isdigit():
            if hostname and not mine:
                out["foreign"] += 1  # not syslog: not from our sink
            else:
                bad(conn, i, data[i:])
            return
        n = int(data[i:sp])
        if sp + 1 + n > len(data):
            out["cut"] += len(data) - i
            return
        msg = data[sp + 1:sp + 1 + n]
        hdr = msg.split(b" ", 3)
        if hostname and (len(hdr) < 3 or hdr[2] != hostname):
            out["foreign"] += 1
            i = sp + 1 + n
            continue
        mine = True
        try:
            # PRI+VERSION TIMESTAMP HOSTNAME APP PROCID MSGID SD MSG
            rec = json.loads(msg.split(b" ", 7)[7])
            out["seqs"].append(rec["scrapewatch"]["seq"])
        except (IndexError, ValueError, KeyError, TypeError):
            bad(conn, i, msg)
        i = sp + 1 + n


# --- the drain: each connection to its end, in accept order ---
k = 0
while not never_read:
    with conns_lock:
        c = conns[k] if k < len(conns) else None
    if c is None:
        if os.path.exists(donefile):
            with conns_lock:
                if k == len(conns):
                    break
        time.sleep(0.01)
        continue
    chunks = []
    while True:
        b = c.recv(1 << 20)
        if not b:
            break
        chunks.append(b)
    data = b"".join(chunks)
    out["bytes"] += len(data)
    parse(k, data)
    c.close()
    k += 1
with conns_lock:
    out["conns"] = len(conns)
with open(result + ".tmp", "w") as f:
    json.dump(out, f)
os.rename(result + ".tmp", result)
