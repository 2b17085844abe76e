# SPDX-License-Identifier: BSD-2-Clause
#
# Which worker each frame of a capture reaches with --workers N, worked out
# here independently of scrapewatch, so a test can say which clients were
# split over workers:
#
#  - rss: what a NIC's RSS does and --dpdk-ring-file emulates: the
#    Toeplitz hash of the source then destination IP address with the
#    symmetric key (0x6d5a repeated, 40 bytes), through the default
#    128-entry redirection table (entry i holds queue i % N);
#  - software: DPDK's software sharding: FNV-1a (64-bit) of the client
#    address, the endpoint with the higher port, folded to 32 bits.
#
# Frames that are not Ethernet (with VLAN tags) + IPv4/IPv6 go to worker 0,
# as both do with frames they cannot decode. Classic pcap only.
#
# Usage: shard_model.py CAPTURE N rss|software
# Prints one JSON object: {"queues": [frames per worker],
#                          "ip": {address: [workers its frames reached]}}
import ipaddress
import json
import struct
import sys

KEY = bytes([0x6D, 0x5A] * 20)


def toeplitz(data):
    key = int.from_bytes(KEY, "big")
    nbits = len(KEY) * 8
    h = 0
    for i in range(len(data) * 8):
        if data[i // 8] & (0x80 >> (i % 8)):
            h ^= (key >> (nbits - 32 - i)) & 0xFFFFFFFF
    return h


def fnv(addr):
    h = 1469598103934665603
    for b in addr:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h ^ (h >> 32)


def frames(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            e = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            e = ">"
        else:
            sys.exit(f"{path}: not a classic pcap file")
        if struct.unpack(e + "I", hdr[20:24])[0] != 1:
            sys.exit(f"{path}: not Ethernet")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack(e + "IIII", rec)[2]
            yield f.read(incl)


def addresses(fr):
    """(source, destination, source port, destination port) or None."""
    off, etype = 14, None
    if len(fr) < 14:
        return None
    etype = struct.unpack(">H", fr[12:14])[0]
    while etype in (0x8100, 0x88A8) and len(fr) >= off + 4:
        etype = struct.unpack(">H", fr[off + 2:off + 4])[0]
        off += 4
    if etype == 0x0800 and len(fr) >= off + 20:
        ihl = (fr[off] & 0x0F) * 4
        proto = fr[off + 9]
        src, dst = fr[off + 12:off + 16], fr[off + 16:off + 20]
        l4 = off + ihl
    elif etype == 0x86DD and len(fr) >= off + 40:
        proto = fr[off + 6]
        src, dst = fr[off + 8:off + 24], fr[off + 24:off + 40]
        l4 = off + 40
    else:
        return None
    sport = dport = 0
    if proto in (6, 17) and len(fr) >= l4 + 4:
        sport, dport = struct.unpack(">HH", fr[l4:l4 + 4])
    return src, dst, sport, dport


def main():
    path, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    queues = [0] * n
    ips = {}
    for fr in frames(path):
        a = addresses(fr)
        q = 0
        if a and n > 1:
            src, dst, sport, dport = a
            if mode == "rss":
                q = (toeplitz(src + dst) % 128) % n
            else:
                if sport != dport:
                    client = src if sport > dport else dst
                else:
                    client = src if src > dst else dst
                q = fnv(client) % n
        queues[q] += 1
        if a:
            for x in a[:2]:
                ips.setdefault(str(ipaddress.ip_address(x)), set()).add(q)
    print(json.dumps({"queues": queues,
                      "ip": {k: sorted(v) for k, v in ips.items()}}))


main()
