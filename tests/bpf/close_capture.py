#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write a capture of one HTTP download seen from the client side only
(what XDP on a server's ingress sees), for tests/bpf/test_xdp_close_sampled.sh.

Usage: close_capture.py OUT.pcap client|server BODY_BYTES

The client sends SYN, the handshake ACK, a request, one pure ACK per
1448 bytes of the server's BODY_BYTES, then:
  client: closes first (FIN+ACK of all the data), then the pure ACK of
          the server's FIN, which completes the close;
  server: the server closes first: the client's FIN acknowledges the
          server's FIN; no pure ACK follows.
Fewer than 16 pure ACKs in all, so with 1 ACK in 16 accounted the
sampler, fresh, would skip every one of them. Plain struct packing, no
checksums (the decoders don't check them).
"""
import struct
import sys

CLI, SRV = bytes([198, 18, 55, 2]), bytes([198, 18, 55, 1])
CPORT, SPORT = 41000, 80
C_ISN, S_ISN = 1000, 5000


def frame(seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", CPORT, SPORT, seq & 0xffffffff,
                      ack & 0xffffffff, 5 << 4, flags, 64240, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                     0, 0x4000, 64, 6, 0, CLI, SRV)
    eth = b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + \
        b"\x08\x00"
    return eth + ip + tcp + payload


def main():
    out, who, body = sys.argv[1], sys.argv[2], int(sys.argv[3])
    fin, syn, ack, psh = 0x01, 0x02, 0x10, 0x08
    req = b"GET /file HTTP/1.1\r\nHost: srv\r\n\r\n"
    pkts = [frame(C_ISN, 0, syn), frame(C_ISN + 1, S_ISN + 1, ack),
            frame(C_ISN + 1, S_ISN + 1, psh | ack, req)]
    seq = C_ISN + 1 + len(req)
    got = 0
    while got < body:
        got = min(body, got + 1448)
        pkts.append(frame(seq, S_ISN + 1 + got, ack))
    if who == "client":
        pkts.append(frame(seq, S_ISN + 1 + body, fin | ack))
        pkts.append(frame(seq + 1, S_ISN + 1 + body + 1, ack))
    else:
        pkts.append(frame(seq, S_ISN + 1 + body + 1, fin | ack))
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1767225600  # 2026-01-01T00:00:00Z
        for i, p in enumerate(pkts):
            us = 1000 * i
            f.write(struct.pack("<IIII", t + us // 1000000, us % 1000000,
                                len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
