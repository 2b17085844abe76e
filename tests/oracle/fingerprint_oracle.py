# SPDX-License-Identifier: BSD-2-Clause
#
# Fingerprint oracle: checks the TLS, HTTP and TCP SYN fingerprints in the
# records of `scrapewatch flows` against figures computed independently of
# scrapewatch from the same capture, with tshark's dissectors and p0f.
#
# For every TCP stream whose SYN was seen, matched to a flow record by the
# client's address and port:
#   JA3          tshark's tls.handshake.ja3 of the stream's first
#                ClientHello (MD5 of the JA3 string; GREASE left out).
#   JA4          recomputed here from tshark's parsed ClientHello fields,
#                following FoxIO's JA4 specification (technical_details/
#                JA4.md, BSD-3-Clause): GREASE ignored everywhere, also in
#                the signature algorithms; those come from the
#                signature_algorithms extension (13) only. The whole
#                string is compared.
#   SNI          tls.handshake.extensions_server_name; absent when the
#                ClientHello has none, and then the record must not have
#                tls.client.server_name.
#   ciphers      the number of cipher suite values in the ClientHello as
#                sent, GREASE values included: tshark lists every value
#                of the cipher_suites vector, and the count is checked
#                against cipher_suites_length / 2.
#   tls.version  the highest version the client offers: the largest
#                non-GREASE supported_versions value, or the ClientHello
#                version without that extension, as "1.3", "1.2", ...
#                (what JA4 puts in its version field). The oracle checks
#                that this equals the version the ServerHello chose on
#                every stream of this fixture, so "offered" and
#                "negotiated" do not differ here.
#   HTTP         on cleartext streams: the first http.request.method,
#                http.request.uri (without a query string, as url.path)
#                and http.user_agent, and the number of requests tshark
#                dissects (scrapewatch.flow.requests). TLS streams must
#                count requests from their records (requests_by
#                tls_records), cleartext streams have no tls.client
#                fields.
#   SYN          p0f's raw_sig of the client's SYN (p0f -r PCAP -o LOG,
#                mod=syn, subj=cli), compared with
#                scrapewatch.tcp.signature. The oracle recomputes the
#                signature from tshark's SYN fields and requires it to
#                agree with p0f before trusting either.
# Other self-checks: JA3 recomputed from the parsed fields equals tshark's
# ja3_full and ja3; the JA4 code reproduces the worked examples of the
# spec; ALPN values are printable ASCII of the dissected length; the number
# of HTTP responses equals the number of requests.
#
# Usage: fingerprint_oracle.py --pcap PCAP [--flows NDJSON]
#            [--write-expected NDJSON]
# Without --flows it prints the oracle table and the self-checks only;
# --write-expected writes the expected fields as one nested ECS record per
# stream, for diffing against the binary's output by hand.
# Prints one "PASS oracle: ..." / "FAIL oracle: ... actual X expected Y"
# line per check; exits 0 when every check passed, 1 otherwise.

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

from oracle_common import check, get, norm_ip, read_tcp_flows, results, tshark_rows

# The aggregator separates repeated values of a field in tshark's output;
# no value used here (ALPN, SNI, User-Agent, URI) contains it.
AGG = "|"

TSHARK_PREFS = [
    "-o", "tcp.desegment_tcp_streams:TRUE",
    "-o", "tls.desegment_ssl_records:TRUE",
    "-o", "tls.desegment_ssl_application_data:TRUE",
    "-o", "http.desegment_headers:TRUE",
    "-o", "http.desegment_body:TRUE",
]

TLS_VERSIONS = {0x0304: "1.3", 0x0303: "1.2", 0x0302: "1.1", 0x0301: "1.0",
                0x0300: "3.0"}
JA4_VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10",
                0x0300: "s3", 0x0002: "s2", 0xfeff: "d1", 0xfefd: "d2",
                0xfefc: "d3"}

def is_grease(v):
    """RFC 8701 GREASE values: 0x0a0a, 0x1a1a, ..., 0xfafa."""
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def tshark(pcap, display_filter, fields):
    return tshark_rows(pcap, TSHARK_PREFS, display_filter, fields, AGG)


def vals(row, field):
    s = row.get(field, "")
    return s.split(AGG) if s != "" else []


def ints(row, field):
    return [int(v, 0) for v in vals(row, field)]


def flag(row, field):
    return row.get(field, "") in ("1", "True", "true")


# ---------------------------------------------------------------- JA3/JA4

def ja3_string(ch):
    """JA3 from the parsed fields, decimal, GREASE left out."""
    def dec(xs):
        return "-".join(str(x) for x in xs if not is_grease(x))
    return ",".join([str(ch["version"]), dec(ch["ciphers"]), dec(ch["exts"]),
                     dec(ch["groups"]), dec(ch["point_formats"])])


def sha12(s):
    return hashlib.sha256(s.encode()).hexdigest()[:12]


def alnum(b):
    return 0x30 <= b <= 0x39 or 0x41 <= b <= 0x5a or 0x61 <= b <= 0x7a


def ja4_alpn(first):
    """The ALPN field of JA4 from the first ALPN value (bytes or None)."""
    if not first:
        return "00"
    if alnum(first[0]) and alnum(first[-1]):
        return chr(first[0]) + chr(first[-1])
    h = first.hex()
    return h[0] + h[-1]


def ja4_parts(proto, version, has_sni, ciphers, exts, alpn_first, sigalgs,
              keep_sigalg_grease=False):
    """Returns (ja4, ja4_r). Lists are integers in wire order, GREASE in."""
    c = [x for x in ciphers if not is_grease(x)]
    e = [x for x in exts if not is_grease(x)]
    s = [x for x in sigalgs if keep_sigalg_grease or not is_grease(x)]
    a = "%s%s%s%02d%02d%s" % (proto, JA4_VERSIONS.get(version, "00"),
                              "d" if has_sni else "i", min(len(c), 99),
                              min(len(e), 99), ja4_alpn(alpn_first))
    cs = ",".join("%04x" % x for x in sorted(c))
    es = ",".join("%04x" % x for x in sorted(x for x in e
                                             if x not in (0x0000, 0x0010)))
    ss = ",".join("%04x" % x for x in s)
    ext_sig = es + ("_" + ss if ss else "")
    b = sha12(cs) if c else "000000000000"
    cc = sha12(ext_sig) if es else "000000000000"
    return "%s_%s_%s" % (a, b, cc), "%s_%s_%s" % (a, cs, ext_sig)


def ja4_spec_examples():
    """The worked examples of FoxIO's JA4.md, as self-checks."""
    ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
               0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
               0x0035]
    exts = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
            0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015]
    sigs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    # GREASE sprinkled in must change nothing.
    got, _ = ja4_parts("t", 0x0304, True, [0x0a0a] + ciphers,
                       [0x1a1a] + exts + [0xfafa], b"h2", [0x2a2a] + sigs)
    check("JA4 spec example t13d1516h2_8daaf6152771_e5627efa2ab1", got,
          "t13d1516h2_8daaf6152771_e5627efa2ab1")
    got, _ = ja4_parts("t", 0x0304, True, ciphers, exts, b"h2", [])
    check("JA4 spec example without signature algorithms",
          got.split("_")[2], "6d807ffa2a79")
    got, _ = ja4_parts("t", 0x0303, False, [], [], None, [])
    check("JA4 of an empty hello", got, "t12i000000_000000000000_000000000000")
    # Chromium 156 puts a GREASE value first in signature_algorithms; the
    # reference implementation's snapshot for such a hello (FoxIO ja4,
    # rust/ja4/src/snapshots/ja4__insta@sigalg-grease.pcapng.snap) has
    # JA4_c cb7bf5808d99, i.e. that GREASE value left out.
    got, _ = ja4_parts(
        "t", 0x0304, True,
        [0x4a4a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
         0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
        [0x4a4a, 0xfe0d, 0x44cd, 0x002b, 0x0010, 0xca34, 0xff01, 0x000a,
         0x001b, 0x000d, 0x0017, 0x0012, 0x0000, 0x000b, 0x0033, 0x0005,
         0x0023, 0x002d, 0x5a5a], b"h2",
        [0x6a6a, 0x0904, 0x0905, 0x0906, 0x0403, 0x0804, 0x0401, 0x0503,
         0x0805, 0x0501, 0x0806, 0x0601])
    check("JA4 with GREASE in signature_algorithms (reference snapshot)",
          got, "t13d1517h2_8daaf6152771_cb7bf5808d99")
    for raw, want in ((b"\xab", "ab"), (b"\xab\xcd", "ad"), (b"\x30\xab", "3b"),
                      (b"\x30\x31\xab\xcd", "3d"), (b"\x30\xab\xcd\x31", "01"),
                      (b"http/1.1", "h1"), (b"h", "hh"), (b"", "00")):
        check("JA4 ALPN rule %r" % raw, ja4_alpn(raw), want)


# ---------------------------------------------------------------- p0f

def p0f_ittl(ttl):
    for t in (32, 64, 128, 255):
        if ttl <= t:
            return t
    return 255


def syn_signature(s):
    """p0f 3 raw_sig of a SYN, from tshark fields: ver:ittl:olen:mss:
    wsize,scale:olayout:quirks:pclass. Covers what a SYN can show."""
    v6 = s["ipv6.version"] != ""
    ttl = int(s["ipv6.hlim"] if v6 else s["ip.ttl"])
    ittl = p0f_ittl(ttl)
    olen = 0 if v6 else int(s["ip.hdr_len"]) - 20
    mss = int(s["tcp.options.mss_val"] or 0)
    win = int(s["tcp.window_size_value"])
    mtu = mss + (60 if v6 else 40)
    if mss and win and win % mss == 0:
        wsize = "mss*%d" % (win // mss)
    elif win and win % mtu == 0:
        wsize = "mtu*%d" % (win // mtu)
    else:
        wsize = str(win)
    scale = s["tcp.options.wscale.shift"] or "0"
    names = {0: "eol", 1: "nop", 2: "mss", 3: "ws", 4: "sok", 5: "sack",
             8: "ts"}
    kinds = ints(s, "tcp.option_kind")
    olayout = ",".join(names.get(k, "?%d" % k) for k in kinds)
    q = []
    if not v6:
        df = flag(s, "ip.flags.df")
        ipid = int(s["ip.id"], 0)
        if df:
            q.append("df")
        if df and ipid:
            q.append("id+")
        if not df and not ipid:
            q.append("id-")
    ecn = int((s["ipv6.tclass.ecn"] if v6 else s["ip.dsfield.ecn"]) or 0)
    if ecn or flag(s, "tcp.flags.ece") or flag(s, "tcp.flags.cwr"):
        q.append("ecn")
    if not v6 and flag(s, "ip.flags.rb"):
        q.append("0+")
    if v6 and int(s["ipv6.flow"], 0):
        q.append("flow")
    if int(s["tcp.seq_raw"]) == 0:
        q.append("seq-")
    if int(s["tcp.ack_raw"]) != 0:
        q.append("ack+")
    if int(s["tcp.urgent_pointer"] or 0) and not flag(s, "tcp.flags.urg"):
        q.append("uptr+")
    if flag(s, "tcp.flags.urg"):
        q.append("urgf+")
    if flag(s, "tcp.flags.push"):
        q.append("pushf+")
    if s["tcp.options.timestamp.tsval"] != "":
        if int(s["tcp.options.timestamp.tsval"]) == 0:
            q.append("ts1-")
        if int(s["tcp.options.timestamp.tsecr"] or 0) != 0:
            q.append("ts2+")
    if int(scale) > 14:
        q.append("exws")
    pclass = "+" if int(s["tcp.len"] or 0) else "0"
    return "%d:%d+%d:%d:%s:%s,%s:%s:%s:%s" % (
        6 if v6 else 4, ittl, ittl - ttl, olen, mss or "*", wsize, scale,
        olayout, ",".join(q), pclass)


def run_p0f(pcap):
    """{(client_ip, client_port): raw_sig} of the SYNs p0f saw, or None."""
    if shutil.which("p0f") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "p0f.log")
        subprocess.run(["p0f", "-r", pcap, "-o", log], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sigs = {}
        with open(log) as f:
            for line in f:
                kv = dict(p.split("=", 1) for p in
                          line.strip().split("] ", 1)[-1].split("|") if "=" in p)
                if kv.get("mod") != "syn" or kv.get("subj") != "cli":
                    continue
                ip, port = kv["cli"].rsplit("/", 1)
                sigs.setdefault((norm_ip(ip), int(port)), kv["raw_sig"])
        return sigs


# ---------------------------------------------------------------- oracle

SYN_FIELDS = ["tcp.stream", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
              "tcp.srcport", "tcp.dstport", "ipv6.version", "ip.ttl",
              "ipv6.hlim", "ip.hdr_len", "ip.flags.df", "ip.flags.rb",
              "ip.id", "ipv6.flow", "ip.dsfield.ecn", "ipv6.tclass.ecn",
              "tcp.seq_raw", "tcp.ack_raw", "tcp.urgent_pointer",
              "tcp.flags.urg", "tcp.flags.push", "tcp.flags.ece",
              "tcp.flags.cwr", "tcp.options.mss_val", "tcp.window_size_value",
              "tcp.options.wscale.shift", "tcp.option_kind",
              "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
              "tcp.len"]

CH_FIELDS = ["tcp.stream", "tls.handshake.type", "tls.handshake.version",
             "tls.handshake.extensions.supported_version",
             "tls.handshake.cipher_suites_length", "tls.handshake.ciphersuite",
             "tls.handshake.extension.type", "tls.handshake.extensions_alpn_str",
             "tls.handshake.extensions_alpn_str_len",
             "tls.handshake.sig_hash_alg", "tls.handshake.sig_hash_alg_len",
             "tls.handshake.extensions_server_name",
             "tls.handshake.extensions_supported_group",
             "tls.handshake.extensions_ec_point_format",
             "tls.handshake.ja3", "tls.handshake.ja3_full"]

SH_FIELDS = ["tcp.stream", "tls.handshake.type", "tls.handshake.version",
             "tls.handshake.extensions.supported_version"]

# Extensions whose bodies tshark dissects into tls.handshake.sig_hash_alg:
# signature_algorithms, delegated_credentials, signature_algorithms_cert.
SIGALG_EXTS = (13, 34, 50)


def parse_client_hello(r, problems):
    types = ints(r, "tls.handshake.type")
    if types != [1]:
        problems.append("ClientHello frame has handshake types %s" % types)
    exts = ints(r, "tls.handshake.extension.type")
    # Split the signature algorithm values by extension, in wire order.
    algs = ints(r, "tls.handshake.sig_hash_alg")
    lens = ints(r, "tls.handshake.sig_hash_alg_len")
    owners = [e for e in exts if e in SIGALG_EXTS]
    if len(owners) != len(lens) or sum(lens) != 2 * len(algs):
        problems.append("signature algorithm lists %s do not match "
                        "extensions %s / %d values" % (lens, owners, len(algs)))
    per_ext, i = {}, 0
    for e, n in zip(owners, lens):
        per_ext.setdefault(e, algs[i:i + n // 2])
        i += n // 2
    alpn = vals(r, "tls.handshake.extensions_alpn_str")
    alpn_len = ints(r, "tls.handshake.extensions_alpn_str_len")
    for a in alpn:
        if not all(0x20 < ord(ch) < 0x7f for ch in a):
            problems.append("ALPN value %r is not printable ASCII" % a)
    if [len(a) for a in alpn] != alpn_len:
        problems.append("ALPN values %r do not have the dissected lengths %s"
                        % (alpn, alpn_len))
    sni = vals(r, "tls.handshake.extensions_server_name")
    ciphers = ints(r, "tls.handshake.ciphersuite")
    return {
        "version": int(r["tls.handshake.version"], 0),
        "supported_versions": ints(r, "tls.handshake.extensions.supported_version"),
        "ciphers": ciphers,
        "ciphers_wire": int(r["tls.handshake.cipher_suites_length"]) // 2,
        "exts": exts,
        "alpn": alpn,
        "sigalgs": per_ext.get(13, []),
        "sni": sni[0] if sni else None,
        "groups": ints(r, "tls.handshake.extensions_supported_group"),
        "point_formats": ints(r, "tls.handshake.extensions_ec_point_format"),
        "ja3": r["tls.handshake.ja3"],
        "ja3_full": r["tls.handshake.ja3_full"],
    }


def offered_version(ch):
    sv = [v for v in ch["supported_versions"] if not is_grease(v)]
    if 43 in ch["exts"] and sv:
        return max(sv)
    return ch["version"]


def compute_oracle(pcap):
    problems = []
    oracle = {}
    by_stream = {}
    for s in tshark(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0",
                    SYN_FIELDS):
        sid = int(s["tcp.stream"])
        if sid in by_stream:
            continue  # a retransmitted SYN
        key = (norm_ip(s["ip.src"] or s["ipv6.src"]), int(s["tcp.srcport"]))
        o = {"stream": sid, "client_ip": key[0], "client_port": key[1],
             "server_port": int(s["tcp.dstport"]),
             "syn_sig": syn_signature(s), "tls": None, "http": None,
             "negotiated": None}
        oracle[key] = o
        by_stream[sid] = o

    for r in tshark(pcap, "tls.handshake.type == 1", CH_FIELDS):
        o = by_stream.get(int(r["tcp.stream"]))
        if o is None or o["tls"] is not None:
            continue  # no SYN seen, or a second ClientHello (after HRR)
        p = []
        ch = parse_client_hello(r, p)
        problems += ["stream %d: %s" % (o["stream"], m) for m in p]
        ja4, ja4_r = ja4_parts("t", offered_version(ch), ch["sni"] is not None,
                               ch["ciphers"], ch["exts"],
                               ch["alpn"][0].encode() if ch["alpn"] else None,
                               ch["sigalgs"])
        ja4_g, _ = ja4_parts("t", offered_version(ch), ch["sni"] is not None,
                             ch["ciphers"], ch["exts"],
                             ch["alpn"][0].encode() if ch["alpn"] else None,
                             ch["sigalgs"], keep_sigalg_grease=True)
        ch.update(ja4=ja4, ja4_r=ja4_r, ja4_sigalg_grease_kept=ja4_g,
                  ja3_recomputed=ja3_string(ch),
                  tls_version=TLS_VERSIONS.get(offered_version(ch)))
        o["tls"] = ch

    for r in tshark(pcap, "tls.handshake.type == 2", SH_FIELDS):
        o = by_stream.get(int(r["tcp.stream"]))
        if o is None or o["negotiated"] is not None:
            continue
        sv = ints(r, "tls.handshake.extensions.supported_version")
        v = sv[0] if sv else ints(r, "tls.handshake.version")[0]
        o["negotiated"] = TLS_VERSIONS.get(v)

    responses = defaultdict(int)
    for r in tshark(pcap, "http.response", ["tcp.stream", "http.response.code"]):
        responses[int(r["tcp.stream"])] += len(vals(r, "http.response.code"))
    for r in tshark(pcap, "http.request",
                    ["tcp.stream", "http.request.method", "http.request.uri",
                     "http.user_agent"]):
        o = by_stream.get(int(r["tcp.stream"]))
        if o is None:
            continue
        methods = vals(r, "http.request.method")
        if o["http"] is None:
            uas = vals(r, "http.user_agent")
            o["http"] = {"method": methods[0],
                         "path": vals(r, "http.request.uri")[0].split("?")[0],
                         "user_agent": uas[0] if uas else None,
                         "requests": 0,
                         "responses": responses[o["stream"]]}
        o["http"]["requests"] += len(methods)
    return oracle, problems


def print_table(oracle, p0f):
    print("# oracle per TCP stream with SYN seen (tshark; JA4 recomputed; p0f)")
    for key, o in oracle.items():
        print("# stream %d [%s]:%d -> :%d" % (o["stream"], key[0], key[1],
                                              o["server_port"]))
        print("#   syn %s (p0f %s)" % (o["syn_sig"],
                                       p0f.get(key, "-") if p0f is not None
                                       else "not run"))
        t = o["tls"]
        if t:
            print("#   tls sni=%s version=%s negotiated=%s ciphers=%d alpn=%s"
                  % (t["sni"], t["tls_version"], o["negotiated"],
                     len(t["ciphers"]), ",".join(t["alpn"]) or "-"))
            print("#   ja3 %s %s" % (t["ja3"], t["ja3_full"]))
            print("#   ja4 %s" % t["ja4"])
            print("#   ja4_r %s" % t["ja4_r"])
            if t["ja4_sigalg_grease_kept"] != t["ja4"]:
                print("#   ja4 with GREASE kept in the signature algorithms"
                      " (not the spec): %s" % t["ja4_sigalg_grease_kept"])
        h = o["http"]
        if h:
            print("#   http %s %s requests=%d ua=%s" % (
                h["method"], h["path"], h["requests"], h["user_agent"]))


def self_checks(oracle, problems, p0f):
    check("tshark sees SYN-started TCP streams", len(oracle) > 0, True)
    check("capture has TLS streams",
          any(o["tls"] for o in oracle.values()), True)
    check("capture has cleartext HTTP streams",
          any(o["http"] for o in oracle.values()), True)
    check("tshark fields are consistent", problems, [])
    ja4_spec_examples()
    for key, o in oracle.items():
        name = "stream [%s]:%d" % key
        t = o["tls"]
        if t:
            check("%s JA3 string recomputed == tshark ja3_full" % name,
                  t["ja3_recomputed"], t["ja3_full"])
            check("%s md5(ja3_full) == tshark ja3" % name,
                  hashlib.md5(t["ja3_full"].encode()).hexdigest(), t["ja3"])
            check("%s cipher values == cipher_suites_length / 2" % name,
                  len(t["ciphers"]), t["ciphers_wire"])
            check("%s offered version == ServerHello's" % name,
                  t["tls_version"], o["negotiated"])
        h = o["http"]
        if h:
            check("%s HTTP responses == requests" % name, h["responses"],
                  h["requests"])
        if p0f is not None:
            check("%s SYN signature from tshark fields == p0f raw_sig" % name,
                  o["syn_sig"], p0f.get(key))
    if p0f is not None:
        check("p0f SYNs all belong to SYN-seen streams",
              sorted(set(p0f) - set(oracle)), [])


def compare(oracle, flows, p0f):
    check("TCP flow records == SYN-seen streams",
          sum(len(v) for v in flows.values()), len(oracle))
    for key, o in oracle.items():
        name = "[%s]:%d" % key
        recs = flows.get(key, [])
        check("%s: one flow record" % name, len(recs), 1)
        if not recs:
            continue
        r = recs[0]
        if p0f is not None:
            check("%s scrapewatch.tcp.signature" % name,
                  get(r, "scrapewatch.tcp.signature"), p0f.get(key))
        t, h = o["tls"], o["http"]
        if t:
            check("%s tls.client.ja3" % name, get(r, "tls.client.ja3"),
                  t["ja3"])
            check("%s tls.client.ja4" % name, get(r, "tls.client.ja4"),
                  t["ja4"])
            check("%s tls.client.server_name" % name,
                  get(r, "tls.client.server_name"), t["sni"])
            check("%s tls.client.supported_ciphers" % name,
                  get(r, "tls.client.supported_ciphers"), len(t["ciphers"]))
            check("%s tls.version" % name, get(r, "tls.version"),
                  t["tls_version"])
            # Requests on TLS come from the client's record headers
            # (docs/requests.md); tshark cannot count them here, the
            # estimate's own oracle is tests/oracle/test_requests_nginx.sh.
            check("%s scrapewatch.flow.requests_by" % name,
                  get(r, "scrapewatch.flow.requests_by"), "tls_records")
        else:
            check("%s no tls.client.ja3" % name, get(r, "tls.client.ja3"),
                  None)
            check("%s no tls.client.ja4" % name, get(r, "tls.client.ja4"),
                  None)
        if h:
            check("%s http.request.method" % name,
                  get(r, "http.request.method"), h["method"])
            check("%s url.path" % name, get(r, "url.path"), h["path"])
            check("%s user_agent.original" % name,
                  get(r, "user_agent.original"), h["user_agent"])
            check("%s scrapewatch.flow.requests" % name,
                  get(r, "scrapewatch.flow.requests"), h["requests"])


def expected_records(oracle, p0f):
    """The records a correct `scrapewatch flows` would hold, as nested ECS
    objects (only the fields checked here), for diffing by hand."""
    out = []
    for key, o in oracle.items():
        r = {"source": {"ip": key[0], "port": key[1]},
             "destination": {"port": o["server_port"]}}
        if p0f is not None and key in p0f:
            r["scrapewatch"] = {"tcp": {"signature": p0f[key]}}
        t, h = o["tls"], o["http"]
        if t:
            client = {"ja3": t["ja3"], "ja4": t["ja4"],
                      "supported_ciphers": len(t["ciphers"])}
            if t["sni"] is not None:
                client["server_name"] = t["sni"]
            r["tls"] = {"client": client, "version": t["tls_version"]}
        if h:
            r["http"] = {"request": {"method": h["method"]}}
            r["url"] = {"path": h["path"]}
            if h["user_agent"] is not None:
                r["user_agent"] = {"original": h["user_agent"]}
            r.setdefault("scrapewatch", {})["flow"] = {
                "requests": h["requests"]}
        out.append(r)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--flows")
    ap.add_argument("--write-expected", metavar="NDJSON")
    a = ap.parse_args()

    oracle, problems = compute_oracle(a.pcap)
    p0f = run_p0f(a.pcap)
    print_table(oracle, p0f)
    if p0f is None:
        print("SKIP oracle: p0f not installed: SYN signatures not checked")
    self_checks(oracle, problems, p0f)
    if a.write_expected:
        with open(a.write_expected, "w") as f:
            for r in expected_records(oracle, p0f):
                f.write(json.dumps(r, sort_keys=True) + "\n")
    if a.flows:
        flows = read_tcp_flows(a.flows, "flows", transport_optional=True)
        compare(oracle, flows, p0f)
    print("oracle: %d passed, %d failed" % (results["pass"], results["fail"]))
    return 0 if results["fail"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
