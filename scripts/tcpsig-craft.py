#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes crafted TCP SYN and SYN+ACK packets to a pcap (Ethernet) for the
TCP signature fixtures: option layouts of other systems, every p0f quirk,
malformed options, TTL and window-divisor corner cases, and seeded random
SYNs. Standard library only. Usage: tcpsig-craft.py OUT.pcap"""
import ipaddress
import random
import struct
import sys

C4, S4 = '198.18.0.1', '198.18.0.2'
C6, S6 = '2001:db8::1', '2001:db8::2'
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128
NOP, EOL, SOK = b'\x01', b'\x00', b'\x04\x02'


def mss(v): return struct.pack('!BBH', 2, 4, v)
def ws(v): return struct.pack('!BBB', 3, 3, v)
def ts(a, b): return struct.pack('!BBII', 8, 10, a, b)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp(sport, dport, seq, ack, flags, win, opts=b'', urg=0, res=0, data=b''):
    opts += b'\0' * (-len(opts) % 4)
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq, ack,
                      ((20 + len(opts)) // 4) << 4 | res, flags, win, 0, urg)
    return hdr + opts + data


def with_csum(l4, pseudo):
    c = csum(pseudo + l4)
    return l4[:16] + struct.pack('!H', c) + l4[18:]


def ip4(src, dst, l4, ttl=64, df=True, ipid=0, tos=0, opts=b'', rf=False):
    opts += b'\0' * (-len(opts) % 4)
    s, d = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
    l4 = with_csum(l4, s + d + struct.pack('!BBH', 0, 6, len(l4)))
    frag = (0x4000 if df else 0) | (0x8000 if rf else 0)
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | (20 + len(opts)) // 4, tos,
                    20 + len(opts) + len(l4), ipid, frag, ttl, 6, 0, s, d) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return b'\x08\x00' + h + l4


def ip6(src, dst, l4, hlim=64, tc=0, flow=0):
    s, d = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    l4 = with_csum(l4, s + d + struct.pack('!I3xB', len(l4), 6))
    return struct.pack('!2sIHBB16s16s', b'\x86\xdd', 6 << 28 | tc << 20 | flow,
                       len(l4), 6, hlim, s, d) + l4


frames = []
port = [20000]


def nport():
    port[0] += 1
    return port[0]


def syn(o, win=64240, ttl=64, v6=False, flags=SYN, seq=1000, ack=0, urg=0,
        res=0, data=b'', df=True, ipid=7, tos=0, ipopts=b'', rf=False, tc=0,
        flow=0, p=None):
    p = p or nport()
    t = tcp(p, 80, seq, ack, flags, win, o, urg, res, data)
    if v6:
        frames.append(ip6(C6, S6, t, ttl, tc, flow))
    else:
        frames.append(ip4(C4, S4, t, ttl, df, ipid, tos, ipopts, rf))
    return p


def pair(co, so, win, swin=64240, v6=False, **kw):
    p = syn(co, swin, v6=v6)
    t = tcp(80, p, 5000, kw.pop('ack', 1001), kw.pop('flags', SYN | ACK),
            win, so, **kw)
    frames.append(ip6(S6, C6, t) if v6 else ip4(S4, C4, t, ipid=0))


LINUX = mss(1460) + SOK + ts(1, 0) + NOP + ws(7)
# Layouts of other systems, with their usual initial TTLs and windows.
syn(mss(1460) + NOP + ws(8) + NOP + NOP + SOK, 64240, ttl=113)      # Windows
syn(mss(1460) + NOP + ws(8) + NOP + NOP + SOK, 8192, ttl=128)       # Windows
syn(mss(1460) + NOP + NOP + SOK, 65535, ttl=120, df=False)          # XP-era
syn(mss(1460) + NOP + ws(6) + NOP + NOP + ts(5, 0) + SOK + EOL + b'\0',
    65535, ttl=57, v6=True)                                          # Darwin
syn(mss(1460) + NOP + ws(6) + NOP + NOP + ts(5, 0) + SOK + EOL + b'\0',
    65535, ttl=64, ipid=0x4321)                                      # Darwin
syn(mss(1460) + NOP + ws(6) + SOK + ts(5, 0), 65535)                # FreeBSD
syn(mss(1460) + NOP + NOP + SOK + NOP + ws(6) + NOP + NOP + ts(5, 0),
    16384)                                                           # OpenBSD
syn(mss(1460) + NOP + ws(0) + NOP + NOP + SOK, 4128, ttl=255)       # router
syn(mss(1024), 1024, ttl=37, df=False, ipid=0x1111)                 # scanner
syn(b'', 1024, ttl=90, df=False, ipid=0, seq=0)                     # ttl+?
syn(b'', 1024, df=False, ipid=1, seq=1, ack=0x01000000)             # ack+
syn(b'', 1024, df=False, ipid=1, seq=1, ack=77)                     # no ack+

# TTL buckets and the 35-hop limit.
for t in (0, 1, 31, 32, 33, 60, 64, 65, 93, 94, 100, 128, 129, 200, 220,
          221, 254, 255):
    syn(LINUX, ttl=t)
    syn(LINUX, ttl=t, v6=True)

# Window divisors, in p0f's order, IPv4 and IPv6.
for v6 in (False, True):
    for win, m, tsv in ((0, 1460, 1), (1, 1460, 1), (1460, 1460, 1),
                        (1448 * 4, 1460, 1), (1448 * 4, 1460, 0),
                        (2920, 1380, 1), (1500 * 3, 1380, 1),
                        (1440 * 3, 1380, 1), (1428 * 3, 1380, 0),
                        (1420 * 3, 1380, 1), (1460 * 3, 1380, 1),
                        (1368 * 3, 1380, 1), (1368 * 3, 1380, 0),
                        (1376 * 2, 1388, 1), (990, 99, 1), (1000, 100, 1),
                        (65500, 100, 1), (65535, 1380, 1), (8192, 1380, 1)):
        syn(mss(m) + SOK + ts(tsv, 0) + NOP + ws(7), win, v6=v6)
    syn(SOK + ts(1, 0) + NOP + ws(7), 2920, v6=v6)
syn(mss(1380), 1428 * 3, ipopts=b'\x01' * 4)
syn(mss(1380), 1424 * 3, ipopts=b'\x01' * 4)

# SYN+ACK windows against the client's MSS.
for cm, sm, win in ((1200, 1460, 1200 * 7), (1200, 1460, 1240 * 7),
                    (730, 1300, 2920), (1000, 1300, 3000), (112, 1300, 2800),
                    (1012, 1300, 4000), (480, 1000, 2880), (1, 1300, 7),
                    (13, 1300, 7), (5, 1300, 21), (1, 1300, 32767),
                    (1, 1300, 32768), (1, 1300, 61483), (99, 1300, 396),
                    (1000, 50, 4000), (1000, 1300, 0)):
    p = syn(mss(cm) + SOK + ts(1, 0) + NOP + ws(7))
    t = tcp(80, p, 5000, 1001, SYN | ACK, win,
            mss(sm) + SOK + ts(1, 1) + NOP + ws(7))
    frames.append(ip4(S4, C4, t, ipid=0))
pair(LINUX, mss(1440) + SOK + ts(1, 1) + NOP + ws(7), 1440 * 5, v6=True)
pair(LINUX, mss(1460) + SOK + ts(0, 7) + NOP + ws(7), 100, ack=0)
pair(mss(1000), mss(1300) + ts(0, 5), 100,
     flags=SYN | ACK | URG | PSH | ECE, urg=3, data=b'x')

# IP and TCP header quirks.
syn(mss(1460), 100, df=False, ipid=0, seq=0, ack=77)
syn(mss(1460), 100, flags=SYN | PSH | URG | ECE | CWR, urg=5, df=False)
syn(mss(1460), 100, urg=5)
for tos in (1, 2, 3, 0xfc):
    syn(mss(1460), 100, tos=tos)
for res in (1, 2, 4, 8):
    syn(mss(1460), 100, res=res)
syn(mss(1460), 100, flags=SYN | CWR)
syn(mss(1460), 100, rf=True)
syn(mss(1460), 100, data=b'hi')
syn(mss(1460), 100, ipopts=b'\x94\x04\0\0')
syn(mss(1460), 100, ipopts=b'\x01\x01\x01\x00' + b'\x44' * 8)
syn(mss(1460), 100, v6=True, flags=SYN | ECE | CWR, tc=3, flow=0x12345)
syn(mss(1460), 100, v6=True, res=1, tc=0xfc, ttl=255)
for a in (1, 0x80000000, 0x7fffffff, 0xffffffff, 0x03000000):
    syn(b'', 100, ack=a)
syn(b'', 100, flags=SYN | FIN)     # p0f ignores these two
syn(b'', 100, flags=SYN | RST)

# Options: padding after EOL, malformed lengths, the 24-option limit.
for o in (mss(1460) + EOL + b'\0\0\0', mss(1460) + EOL + b'\0\x01\0',
          mss(1460) + b'\0\0\0\x05', mss(1460) + b'\x01\x01\x00\x05',
          b'\x00\x05\x05\x05', mss(1460) + b'\x1e\x04\x01\x02',
          b'\x02\x05\x05\xb4\x00\x01\x01\x01', b'\x02\x03\x05\x01',
          b'\x03\x04\x07\x01', b'\x04\x03\x00\x01',
          b'\x08\x0c' + b'\0' * 8 + b'\x01\x01', b'\x08\x08' + b'\0' * 6,
          b'\x05\x0a' + b'\0' * 8 + b'\x01\x01', b'\x05\x02\x01\x01',
          b'\x05\x09' + b'\0' * 7 + b'\x01' * 3,
          b'\x05\x22' + b'\0' * 32 + mss(1400),
          b'\x05\x23' + b'\0' * 33 + b'\x01',
          b'\x1e\x01\x01\x01', b'\x1e\x00\x01\x01', b'\x02\x04\x05\xb4\x1e\x08\x01\x01',
          b'\x02\x04\x05\xb4\x01\x01\x01\x02', b'\x01\x01\x01\x08',
          b'\x01\x01\x03\x03', b'\x01\x01\x05\x0a\0\0\0\0',
          b'\x01\x01\x1e\x06\0\0\0\0', b'\x02\x00\x05\xb4', mss(0),
          ws(14), ws(15), ws(255), ts(0, 0), ts(5, 5),
          ts(5, 5) + ts(0, 0) + mss(1000) + mss(536) + ws(3) + ws(9),
          NOP * 40, EOL * 40, NOP * 23 + EOL * 3, NOP * 24 + EOL * 3,
          NOP * 23 + mss(1400), NOP * 24 + mss(1400),
          b'\xfd\x04\x01\x02\xfe\x02\x22\x03\0\0\0\0\x1c\x04\0\0'):
    syn(o, 100)

# Seeded random SYNs and SYN+ACKs.
rnd = random.Random(20261128)


def ropts():
    o = b''
    for _ in range(rnd.randint(0, 9)):
        r = rnd.random()
        if r < 0.15:
            o += mss(rnd.choice([0, 1, 99, 100, 536, 1380, 1460,
                                 rnd.randint(0, 65535)]))
        elif r < 0.25:
            o += ws(rnd.choice([0, 7, 14, 15, rnd.randint(0, 255)]))
        elif r < 0.35:
            o += SOK
        elif r < 0.45:
            o += ts(rnd.choice([0, 1, rnd.getrandbits(32)]),
                    rnd.choice([0, 0, rnd.getrandbits(32)]))
        elif r < 0.6:
            o += NOP
        elif r < 0.65:
            o += EOL
        elif r < 0.75:
            o += bytes(rnd.randint(0, 255) for _ in range(rnd.randint(1, 5)))
        else:
            k = rnd.choice([5, rnd.randint(9, 255)])
            n = rnd.randint(0, 36)
            o += bytes([k, n]) + bytes(rnd.randint(0, 1)
                                       for _ in range(max(0, n - 2)))
    return o[:40]


def rwin(m):
    r = rnd.random()
    if r < 0.3 and m:
        return min(65535, m * rnd.randint(1, 45))
    if r < 0.45:
        return rnd.choice([1460, 1448, 1440, 1428, 1500]) * rnd.randint(1, 40) % 65536
    if r < 0.55:
        return (m + rnd.choice([40, 52, 60])) * rnd.randint(1, 30) % 65536
    return rnd.choice([0, rnd.randint(0, 65535)])


for _ in range(300):
    m = rnd.choice([None, 1460, 1380, 536, 1, 99, 100])
    o = ((mss(m) if m is not None else b'') + ropts())[:40]
    v6 = rnd.random() < 0.3
    p = syn(o, rwin(m or 0), ttl=rnd.randint(0, 255), v6=v6,
            flags=SYN | rnd.choice([0, 0, 0, PSH, URG, ECE, CWR, ECE | CWR]),
            seq=rnd.choice([0, rnd.getrandbits(32)]),
            ack=rnd.choice([0, 0, rnd.getrandbits(32)]),
            urg=rnd.choice([0, 0, 0, rnd.randint(1, 65535)]),
            res=rnd.choice([0, 0, 1, rnd.randint(0, 15)]),
            data=b'x' * rnd.choice([0, 0, 0, 5]), df=rnd.random() < 0.7,
            ipid=rnd.choice([0, rnd.randint(0, 65535)]),
            tos=rnd.choice([0, 0, 1, 3, rnd.randint(0, 255)]),
            ipopts=b'\x01' * rnd.choice([0, 0, 0, 4, 12, 40]),
            rf=rnd.random() < 0.1, tc=rnd.choice([0, 0, 2, 0xfc]),
            flow=rnd.choice([0, 0, rnd.getrandbits(20)]))
    if rnd.random() < 0.5:
        sm = rnd.choice([None, 1460, 1300, 100, 99])
        so = ((mss(sm) if sm is not None else b'') + ropts())[:40]
        t = tcp(80, p, rnd.choice([0, rnd.getrandbits(32)]),
                rnd.choice([0, rnd.getrandbits(32)]),
                SYN | ACK | rnd.choice([0, 0, 0, PSH, URG, ECE]),
                rwin(rnd.choice([m or 0, sm or 0])), so,
                rnd.choice([0, 0, 5]), 0, b'y' * rnd.choice([0, 0, 3]))
        if v6:
            frames.append(ip6(S6, C6, t, rnd.randint(0, 255), rnd.choice([0, 1])))
        else:
            frames.append(ip4(S4, C4, t, rnd.randint(0, 255), rnd.random() < 0.7,
                              rnd.choice([0, rnd.randint(0, 65535)])))

with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, body in enumerate(frames):
        fr = b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01' + body
        f.write(struct.pack('<IIII', 1800000000 + i, 0, len(fr), len(fr)) + fr)
