#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""
Wrap every frame of an Ethernet pcap in a tunnel, the way a mirror or TAP
port delivers it: VXLAN, GENEVE, GRE (IP and Ethernet), ERSPAN II and III,
MPLS (IP, and Ethernet after a pseudowire control word), IP in IP, and
VXLAN inside GRE (two levels). The captured bytes and the wire length grow
by the same header, so a frame cut by a snap length stays cut the same
way. Used by tests/golden/test_tunnels.sh: flows on the wrapped capture
must equal flows on the original, apart from scrapewatch.tunnel.

usage: tunnel_wrap.py KIND IN.pcap OUT.pcap     (KIND: see KINDS)
       tunnel_wrap.py all IN.pcap OUTDIR        (OUTDIR/KIND.pcap, each)
"""
import struct
import sys

OUT4 = (bytes([10, 200, 0, 1]), bytes([10, 200, 0, 2]))
OUT6 = (bytes.fromhex("fd00000000000000000000000000c801"),
        bytes.fromhex("fd00000000000000000000000000c802"))
MAC = bytes.fromhex("02000000c80102000000c802")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(etype):
    return MAC + struct.pack("!H", etype)


def ipv4(proto, plen):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + plen, 0x1234, 0x4000,
                    64, proto, 0, OUT4[0], OUT4[1])
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def ipv6(proto, plen):
    return struct.pack("!IHBB16s16s", 0x60000000, plen, proto, 64, OUT6[0],
                       OUT6[1])


def udp(dport, plen, sport=49152):
    # No checksum (0): legal over IPv4, and over IPv6 for tunnels
    # (RFC 6935), and nothing here checks it.
    return struct.pack("!HHHH", sport, dport, 8 + plen, 0)


def l3_of(frame):
    """The IP packet inside an Ethernet frame (VLAN tags skipped), with
    its EtherType and offset, or Nones when it holds no IP the plain
    decoder would take: more tags than it follows (4), or an IP version
    the EtherType does not name (MPLS and IP in IP go by the version)."""
    off, etype, tags = 14, struct.unpack("!H", frame[12:14])[0], 0
    while etype in (0x8100, 0x88A8, 0x9100) and len(frame) >= off + 4:
        etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
        tags += 1
    if etype not in (0x0800, 0x86DD) or tags > 4 or len(frame) <= off:
        return None, None, 0
    if frame[off] >> 4 != (4 if etype == 0x0800 else 6):
        return None, None, 0
    return etype, frame[off:], off


def over_ip(proto, inner_len, v6=False):
    """Outer Ethernet + IP for a payload of inner_len wire bytes."""
    if v6:
        return eth(0x86DD) + ipv6(proto, inner_len)
    return eth(0x0800) + ipv4(proto, inner_len)


def vxlan(frame, wire, v6=False, vni=5001):
    h = struct.pack("!BBHI", 0x08, 0, 0, vni << 8)
    return over_ip(17, 8 + len(h) + wire, v6) + udp(4789, len(h) + wire) + h


def geneve(frame, wire):
    # One 8-byte option (class 0x0103, type 0x80, 4 bytes of data).
    opt = struct.pack("!HBBI", 0x0103, 0x80, 1, 0xDEADBEEF)
    h = struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, 7001 << 8) + opt
    return over_ip(17, 8 + len(h) + wire) + udp(6081, len(h) + wire) + h


def gre_hdr(ptype, key=None, seq=None, cks=False):
    flags = (0x8000 if cks else 0) | (0x2000 if key is not None else 0) | \
        (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, ptype)
    if cks:
        h += b"\0\0\0\0"
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    return h


def wrap(kind, frame, wire, n):
    """(header bytes, bytes of the original frame kept) or None to drop."""
    if kind == "vxlan":
        return vxlan(frame, wire), 0
    if kind == "vxlan6":
        return vxlan(frame, wire, v6=True), 0
    if kind == "geneve":
        return geneve(frame, wire), 0
    if kind == "gretap":
        h = gre_hdr(0x6558, cks=True)
        return over_ip(47, len(h) + wire) + h, 0
    if kind == "erspan2":
        h = gre_hdr(0x88BE, seq=n) + struct.pack("!HHI", 0x1000, 0x0000 | 42,
                                                  0)
        return over_ip(47, len(h) + wire) + h, 0
    if kind == "erspan3":
        # Version 2, session 43, frame type 0 (Ethernet), O bit set: an
        # 8-byte platform-specific sub-header follows. Outer IPv6.
        h = gre_hdr(0x22EB, seq=n) + struct.pack("!HHIHH", 0x2000, 43,
                                                  n, 0x0000, 0x0001)
        h += struct.pack("!II", 0x0C000000, 0)
        return over_ip(47, len(h) + wire, v6=True) + h, 0
    if kind == "mpls_pw":
        h = struct.pack("!II", (300 << 12) | 64, (301 << 12) | 0x100 | 64)
        h += b"\0\0\0\0"  # pseudowire control word
        return eth(0x8847) + h, 0
    if kind == "vxlan_in_gre":
        inner = vxlan(frame, wire)
        g = gre_hdr(0x0800, key=77)
        # Outer Ethernet of the VXLAN packet replaced by GRE over IPv4.
        return over_ip(47, len(g) + len(inner) - 14 + wire) + g + \
            inner[14:], 0
    # Layer-3 tunnels carry the IP packet, not the Ethernet frame.
    etype, _, off = l3_of(frame)
    if etype is None:
        return None
    wire3 = wire - off
    if kind == "gre":
        h = gre_hdr(etype, key=1234, seq=n)
        return over_ip(47, len(h) + wire3) + h, off
    if kind == "mpls":
        h = struct.pack("!II", (100 << 12) | 64, (200 << 12) | 0x100 | 64)
        return eth(0x8847) + h, off
    if kind == "ipip":
        return over_ip(4 if etype == 0x0800 else 41, wire3), off
    if kind == "ip6ip":
        return over_ip(4 if etype == 0x0800 else 41, wire3, v6=True), off
    raise SystemExit("unknown kind " + kind)


KINDS = ["vxlan", "vxlan6", "geneve", "gre", "gretap", "erspan2", "erspan3",
         "mpls", "mpls_pw", "ipip", "ip6ip", "vxlan_in_gre"]


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in KINDS + ["all"]:
        raise SystemExit(__doc__)
    kind, src, dst = sys.argv[1:]
    data = open(src, "rb").read()
    if kind == "all":
        for k in KINDS:
            wrap_file(k, data, src, dst + "/" + k + ".pcap")
    else:
        wrap_file(kind, data, src, dst)


def wrap_file(kind, data, src, dst):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit(src + ": not a classic pcap file")
    snap, linktype = struct.unpack(e + "II", data[16:24])
    if linktype != 1:
        raise SystemExit(src + ": not Ethernet")
    out = [data[:16] + struct.pack(e + "II", snap + 128, linktype)]
    off, n = 24, 0
    while off + 16 <= len(data):
        sec, frac, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + cap]
        off += 16 + cap
        n += 1
        if len(frame) < 14:
            continue
        w = wrap(kind, frame, wire, n)
        if w is None:
            continue
        hdr, strip = w
        body = frame[strip:]
        out.append(struct.pack(e + "IIII", sec, frac, len(hdr) + len(body),
                               len(hdr) + wire - strip) + hdr + body)
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
