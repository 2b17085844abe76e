#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# QUIC and TLS ClientHellos from the same library (GnuTLS: ngtcp2's
# gtlsclient over QUIC, gnutls-cli over TCP) fingerprint consistently:
# JA4 says q and t, the same version and SNI; the signature algorithms are
# the same list; QUIC offers exactly the TCP hello's TLS 1.3 suites; and
# its extensions are the TCP hello's plus quic_transport_parameters (0x39).
cd "$(dirname "$0")/../.." || exit 1
exec /usr/bin/python3 - <<'PY'
import json, subprocess, sys
sys.path.insert(0, "tests/lib")
from swcheck import Checks

def hello(path):
    out = subprocess.run(["build/scrapewatch", "flows", path],
                         capture_output=True, text=True, check=True).stdout
    recs = [json.loads(l) for l in out.splitlines()]
    recs = [r for r in recs if "tls" in r]
    assert len(recs) == 1, f"{path}: {len(recs)} fingerprinted flows"
    r = recs[0]
    ja4_r = r["scrapewatch"]["tls"]["ja4_r"].split("_")
    return {"ja4": r["tls"]["client"]["ja4"],
            "sni": r["tls"]["client"].get("server_name"),
            "ciphers": set(ja4_r[1].split(",")),
            "exts": set(ja4_r[2].split(",")),
            "sigalgs": ja4_r[3].split(",")}

check = Checks("quic/tls")

q = hello("tests/fixtures/quic/ngtcp2-v1.pcap")
t = hello("tests/fixtures/quic/gnutls-cli-tcp.pcap")
check("QUIC JA4 starts with q13d", q["ja4"][:4], "q13d")
check("TCP JA4 starts with t13d", t["ja4"][:4], "t13d")
check("same SNI", q["sni"], t["sni"])
check("same signature algorithms, same order", q["sigalgs"], t["sigalgs"])
check("QUIC ciphers are the TCP hello's TLS 1.3 suites", q["ciphers"],
      {c for c in t["ciphers"] if c.startswith("13")})
check("QUIC extensions are TCP's plus quic_transport_parameters",
      q["exts"], t["exts"] | {"0039"})
sys.exit(check.exit_code())
PY
