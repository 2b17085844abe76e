#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Spread a classic pcap's packets over a longer time: the same packets, in
the same order, with each gap from the first packet scaled so the capture
lasts SECONDS. A sparse capture for measuring what expiry costs when few
packets arrive over a long time (the flow table's cost must follow the
packets, not the clock).

usage: pcap_spread.py IN OUT SECONDS
"""
import struct
import sys


def main():
    src, dst, span = sys.argv[1], sys.argv[2], float(sys.argv[3])
    with open(src, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data)[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit("pcap_spread: little-endian classic pcap only")
    scale = 1000 if magic == 0xA1B2C3D4 else 1  # to ns
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from("<IIII", data, off)
        recs.append((off, sec * 1000000000 + frac * scale))
        off += 16 + incl
    t0, t1 = recs[0][1], recs[-1][1]
    k = span * 1e9 / max(t1 - t0, 1)
    out = bytearray(data)
    for off, ts in recs:
        ns = t0 + int((ts - t0) * k)
        struct.pack_into("<II", out, off, ns // 1000000000,
                         (ns % 1000000000) // scale)
    with open(dst, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
