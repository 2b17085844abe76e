#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# The python-requests clients of the corpus. Each subcommand is one
# client behaviour; timings come from the arguments (drawn from the seed by
# record.sh), and randomness from --seed. TLS verification is off: the
# server's certificate is self-signed, made at record time.
#   api-walk   scraper: walks /api/items?page=N from 1 to the last page on
#              one keep-alive session, then fetches the product pages the
#              items point to, with a short pause between requests
#   harvest    scraper (one member of a distributed scraper): fetches the
#              product pages whose number is SLICE modulo SLICES, in order,
#              one every GAP_MIN..GAP_MAX seconds, with a browser User-Agent
#   player     benign: an HLS-like media player: the playlist, a start-up
#              buffer of 3 segments, then one segment per segment duration
#
# Usage: clients.py SUBCOMMAND BASE_URL [--seed N] [--gap MIN MAX]
#                   [--slice K --slices N] [--products N]

import argparse
import random
import time

import requests
import urllib3

urllib3.disable_warnings()

BROWSER_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36")


def session():
    s = requests.Session()
    # No proxies or CA bundles from the environment: the server is local
    # and its certificate self-signed.
    s.trust_env = False
    s.verify = False
    return s


def api_walk(base, rng, a):
    s = session()
    url, products = base + "/api/items?page=1", []
    while url:
        r = s.get(url, timeout=30)
        doc = r.json()
        products += [it["url"] for it in doc["items"]]
        url = base + doc["next"] if "next" in doc else None
        time.sleep(rng.uniform(*a.gap))
    for p in products:
        s.get(base + p, timeout=30)
        time.sleep(rng.uniform(*a.gap))


def harvest(base, rng, a):
    s = session()
    s.headers.update({"User-Agent": BROWSER_UA,
                      "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                      "Accept-Language": "en-US,en;q=0.9"})
    for p in range(a.slice, a.products, a.slices):
        s.get("%s/catalogue/product-%05d.html" % (base, p), timeout=30)
        time.sleep(rng.uniform(*a.gap))


def player(base, rng, a):
    s = session()
    s.headers.update({"User-Agent": "Lavf/59.27.100"})
    pl = s.get(base + "/media/hls/stream.m3u8", timeout=30).text
    segs = [l for l in pl.splitlines() if l and not l.startswith("#")]
    t0 = time.monotonic()
    for i, seg in enumerate(segs):
        # Buffer 3 segments ahead of the play position, 4 s each.
        due = t0 + max(0, i - 3) * 4.0
        time.sleep(max(0.0, due - time.monotonic()))
        s.get(base + "/media/hls/" + seg, timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=("api-walk", "harvest", "player"))
    ap.add_argument("base")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gap", type=float, nargs=2, default=(0.2, 0.6))
    ap.add_argument("--slice", type=int, default=0)
    ap.add_argument("--slices", type=int, default=1)
    ap.add_argument("--products", type=int, default=3000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    {"api-walk": api_walk, "harvest": harvest, "player": player}[a.cmd](
        a.base, rng, a)


if __name__ == "__main__":
    main()
