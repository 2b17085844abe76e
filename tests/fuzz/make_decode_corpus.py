#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Writes the seed corpus of fuzz_decode.c into corpus/decode/: a handful of
# hand-made captures, each in the harness's input format (a selector byte,
# then frames, each with a 16-bit big-endian length). Also a few option
# areas for fuzz_tcp_options.c into corpus/tcp_options/. Rerun after
# changing a seed; the files are checked in so the fuzzer needs no Python.
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "gen"))
import tunnel_wrap  # noqa: E402

# Selector low bits: index into fuzz_decode.c's linktypes[].
ETHERNET, SLL, SLL2, RAW, IPV4, IPV6, NULL, LOOP = range(8)

CLI4, SRV4 = bytes([10, 0, 0, 1]), bytes([192, 0, 2, 80])
CLI6 = bytes.fromhex("20010db8000000000000000000000001")
SRV6 = bytes.fromhex("20010db8000000000000000000000080")

SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04
LINUX_SYN_OPTS = bytes.fromhex("020405b40402080a0001e24000000000" "01030307")


def tcp(sport, dport, seq, ack, flags, payload=b"", opts=b""):
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                       ack & 0xFFFFFFFF, doff << 4, flags, 64240, 0,
                       0) + opts + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ipv4(proto, l4, rev=False, frag=0x4000, opts=b""):
    src, dst = (SRV4, CLI4) if rev else (CLI4, SRV4)
    ihl = (20 + len(opts)) // 4
    return struct.pack("!BBHHHBBH", 0x40 | ihl, 0, 20 + len(opts) + len(l4),
                       0x1234, frag, 64, proto, 0) + src + dst + opts + l4


def ipv6(next_hdr, rest, rev=False):
    src, dst = (SRV6, CLI6) if rev else (CLI6, SRV6)
    return struct.pack("!IHBB", 0x60012345, len(rest), next_hdr,
                       64) + src + dst + rest


def ext6(next_hdr, n8=0):
    body = bytes([1, 4 + 8 * n8]) + bytes(4 + 8 * n8)
    return bytes([next_hdr, n8]) + body


def eth(ethertype, rest, tags=()):
    hdr = bytes.fromhex("020000000002020000000001")
    types = [t for t, _ in tags] + [ethertype]
    out = hdr + struct.pack("!H", types[0])
    for i, (_, vid) in enumerate(tags):
        out += struct.pack("!HH", vid, types[i + 1])
    return out + rest


def sll(ethertype, rest):
    return struct.pack("!HHH", 0, 1, 6) + bytes(8) + struct.pack(
        "!H", ethertype) + rest


def sll2(ethertype, rest):
    return struct.pack("!HHIHBB", ethertype, 0, 3, 1, 0, 6) + bytes(
        8) + rest


def seed(selector, frames):
    out = bytes([selector])
    for f in frames:
        out += struct.pack("!H", len(f)) + f
    return out


def http_conversation(wrap):
    """Handshake, two keep-alive requests, active close, over wrap."""
    c, s = 0xFFFFFF00, 0xFFFFFFF0
    get = b"GET / HTTP/1.1\r\nHost: example.test\r\n\r\n"
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    pkts = [
        (0, tcp(40000, 80, c, 0, SYN, opts=LINUX_SYN_OPTS)),
        (1, tcp(80, 40000, s, c + 1, SYN | ACK, opts=LINUX_SYN_OPTS)),
        (0, tcp(40000, 80, c + 1, s + 1, ACK)),
        (0, tcp(40000, 80, c + 1, s + 1, PSH | ACK, get)),
        (1, tcp(80, 40000, s + 1, c + 1 + len(get), PSH | ACK, body)),
        (0, tcp(40000, 80, c + 1 + len(get), s + 1 + len(body),
                PSH | ACK, get)),
        (1, tcp(80, 40000, s + 1 + len(body), c + 1 + 2 * len(get),
                PSH | ACK, body)),
        (0, tcp(40000, 80, c + 1 + 2 * len(get), s + 1 + 2 * len(body),
                FIN | ACK)),
        (1, tcp(80, 40000, s + 1 + 2 * len(body), c + 2 + 2 * len(get),
                FIN | ACK)),
        (0, tcp(40000, 80, c + 2 + 2 * len(get), s + 2 + 2 * len(body),
                ACK)),
    ]
    return [wrap(ipv4(6, seg, rev=bool(d))) for d, seg in pkts]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus",
                       "decode")
    os.makedirs(out, exist_ok=True)
    seeds = {
        "eth-ipv4-http-keepalive":
        seed(ETHERNET, http_conversation(lambda ip: eth(0x0800, ip))),
        "sll-ipv4-http-snap":
        seed(SLL | (3 << 3),
             [f[:64] for f in http_conversation(lambda ip: sll(0x0800, ip))]),
        "eth-qinq-ipv6-exthdrs":
        seed(ETHERNET, [
            eth(0x86DD,
                ipv6(0, ext6(43) + ext6(60, 1) + ext6(44) +
                     bytes([6, 0, 0, 1]) + b"\xca\xfe\xf0\x0d" +
                     tcp(40000, 443, 1, 1, PSH | ACK, b"x" * 40)),
                tags=((0x88A8, 10), (0x8100, 20))),
            eth(0x86DD,
                ipv6(44, bytes([6, 0, 0, 0xb9]) + b"\xca\xfe\xf0\x0d" +
                     b"y" * 24),
                tags=((0x8100, 20),)),
        ]),
        "sll2-ipv4-udp-quic":
        seed(SLL2, [
            sll2(0x0800, ipv4(17, udp(50000, 443, b"\xc3" + bytes(1199)))),
            sll2(0x0800,
                 ipv4(17, udp(443, 50000, b"\xc3" + bytes(1199)), rev=True)),
            sll2(0x0800, ipv4(17, udp(50000, 443, b"\x40" + bytes(40)))),
            sll2(0x0800, ipv4(17, udp(443, 50000, b"\x40" + bytes(900)),
                              rev=True)),
            sll2(0x0800, ipv4(17, udp(50000, 443, b"\x40" + bytes(30)))),
        ]),
        "null-ipv6-tcp-syn":
        seed(NULL, [
            b"\x1e\x00\x00\x00" +
            ipv6(6, tcp(40000, 443, 7, 0, SYN, opts=LINUX_SYN_OPTS)),
        ]),
        "raw-ipv4-fragments-options":
        seed(RAW, [
            ipv4(6, tcp(40000, 80, 1, 1, ACK, b"z" * 32), frag=0x2000,
                 opts=bytes.fromhex("94040000")),
            ipv4(6, b"z" * 40, frag=0x0005),
        ]),
        "loop-ipv4-tcp-rst":
        seed(LOOP, [
            b"\x00\x00\x00\x02" + ipv4(6, tcp(40000, 8080, 100, 200, PSH | ACK,
                                              b"q" * 10)),
            b"\x00\x00\x00\x02" +
            ipv4(6, tcp(8080, 40000, 200, 110, RST | ACK), rev=True),
        ]),
        "ipv6-linktype-ah-udp":
        seed(IPV6, [
            ipv6(51, bytes([17, 4, 0, 0]) + bytes(20) +
                 udp(5353, 53, b"\x12\x34" + bytes(10))),
        ]),
        "ipv4-linktype-tcp-bad-options":
        seed(IPV4, [
            ipv4(6, tcp(40000, 443, 5, 0, SYN,
                        opts=bytes.fromhex("020405b4010108") + b"\x0a")),
        ]),
    }
    # The keep-alive conversation in every tunnel of tests/gen; selector
    # bit 3 turns decode.mpls_pseudowire on in the harness.
    conv = http_conversation(lambda ip: eth(0x0800, ip))
    for kind in tunnel_wrap.KINDS:
        frames = []
        for n, f in enumerate(conv):
            hdr, strip = tunnel_wrap.wrap(kind, f, len(f), n)
            frames.append(hdr + f[strip:])
        sel = ETHERNET | (1 << 3 if kind == "mpls_pw" else 0)
        seeds["tunnel-" + kind] = seed(sel, frames)
    for name, blob in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)

    out = os.path.join(os.path.dirname(out), "tcp_options")
    os.makedirs(out, exist_ok=True)
    options = {
        "linux": LINUX_SYN_OPTS,
        "windows": bytes.fromhex("020405b40103030801010402"),
        "macos-eol": bytes.fromhex("020405b4010303060101080a1234567800000000"
                                   "04020000"),
        "sack": bytes.fromhex("0101050a0000000100000009"),
        "malformed": bytes.fromhex("020405b4030507"),
    }
    for name, blob in options.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
