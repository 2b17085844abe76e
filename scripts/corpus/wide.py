#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Python clients of the corpus's "wide" profile. TLS verification is off
# (the server's certificate is self-signed). Subcommands:
#   httpx-crawl  scraper: python3-httpx with http2=True, WORKERS tasks on
#                one multiplexed connection, walking the social API
#                (/api/feed?page=N, then every post it lists) at about
#                RATE requests a second, for at most SECONDS
#   mobile       benign: a mobile app's poller: a small JSON document
#                (notifications) every GAP_MIN..GAP_MAX seconds over
#                HTTP/2, now and then the first feed page (httpx)
#   rotate       scraper behind rotating addresses: ADDRFILE lists the
#                source addresses (all configured in the namespace); each
#                "session" binds one address (http.client with
#                source_address), makes SESSION_MIN..SESSION_MAX requests
#                on one connection, GAP_MIN..GAP_MAX s apart, then moves
#                to the next address; CONC sessions run at once. With
#                --session 1 1 every request has its own address.
#
# Usage: wide.py SUBCOMMAND BASE_URL [--seed N] [--rate R] [--workers N]
#                [--seconds N] [--gap MIN MAX] [--session MIN MAX]
#                [--conc N] [--addrs FILE] [--paths product|post]

import argparse
import asyncio
import http.client
import random
import ssl
import threading
import time
import urllib.parse

MOBILE_UA = "SocialApp/5.12.1 (Android 14; Pixel 7) okhttp/4.12.0"


def httpx_crawl(a, rng):
    import httpx

    lim = httpx.Limits(max_connections=2, max_keepalive_connections=2)

    def new_client():
        return httpx.AsyncClient(http2=True, verify=False, limits=lim,
                                 trust_env=False, timeout=30)

    async def run():
        # One shared client; when the server ends its connection (nginx
        # sends GOAWAY after keepalive_requests), this httpx may not open
        # a new one by itself: the first task to see the error replaces
        # the client, as a crawler's retry logic would.
        cl = {"c": new_client()}
        pages = list(range(1, 151))
        rng.shuffle(pages)
        queue = ["/api/feed?page=%d" % p for p in pages]
        seen = set()
        interval = 1.0 / a.rate
        next_t = [time.monotonic()]
        end = time.monotonic() + a.seconds
        count = {"n": 0, "h2": 0, "new": 0}

        async def worker():
            while queue and time.monotonic() < end:
                path = queue.pop(0)
                now = time.monotonic()
                t = max(now, next_t[0])
                next_t[0] = t + interval * rng.uniform(0.6, 1.4)
                await asyncio.sleep(t - now)
                c = cl["c"]
                try:
                    r = await c.get(a.base + path)
                except Exception as e:
                    print("httpx-crawl:", e, flush=True)
                    queue.insert(0, path)
                    if cl["c"] is c:
                        cl["c"] = new_client()
                        count["new"] += 1
                        try:
                            await c.aclose()
                        except Exception:
                            pass
                    continue
                count["n"] += 1
                count["h2"] += r.http_version == "HTTP/2"
                if path.startswith("/api/feed"):
                    for p in r.json().get("posts", []):
                        if p["url"] not in seen:
                            seen.add(p["url"])
                            queue.insert(rng.randrange(len(queue) + 1),
                                         p["url"])
        await asyncio.gather(*(worker() for _ in range(a.workers)))
        await cl["c"].aclose()
        print("httpx-crawl: %(n)d requests, %(h2)d over HTTP/2, "
              "%(new)d new clients" % count)
    asyncio.run(run())


def mobile(a, rng):
    import httpx
    with httpx.Client(http2=True, verify=False, trust_env=False, timeout=30,
                      headers={"User-Agent": MOBILE_UA}) as c:
        while True:
            c.get(a.base + "/api/notifications.json")
            if rng.random() < 0.25:
                c.get(a.base + "/api/feed?page=1")
            time.sleep(rng.uniform(*a.gap))


def rotate(a, rng):
    with open(a.addrs) as f:
        addrs = [l.strip() for l in f if l.strip()]
    u = urllib.parse.urlsplit(a.base)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if a.paths == "post":
        paths = ["/p/%05d.html" % i for i in range(3000)]
    else:
        paths = ["/catalogue/product-%05d.html" % i for i in range(3000)]
    rng.shuffle(paths)
    lock = threading.Lock()
    state = {"addr": 0, "path": 0}

    def take(kind):
        with lock:
            i = state[kind]
            state[kind] += 1
        return i

    def session(r):
        while True:
            i = take("addr")
            src = addrs[i % len(addrs)]
            if u.scheme == "https":
                conn = http.client.HTTPSConnection(
                    u.hostname, u.port or 443, timeout=30,
                    source_address=(src, 0), context=ctx)
            else:
                conn = http.client.HTTPConnection(
                    u.hostname, u.port or 80, timeout=30,
                    source_address=(src, 0))
            try:
                for _ in range(r.randint(*a.session)):
                    p = paths[take("path") % len(paths)]
                    conn.request("GET", p, headers={
                        "User-Agent": a.ua, "Accept": "text/html,*/*;q=0.8",
                        "Accept-Language": "en-US,en;q=0.9"})
                    conn.getresponse().read()
                    time.sleep(r.uniform(*a.gap))
            except (OSError, http.client.HTTPException) as e:
                print("rotate: %s: %s" % (src, e), flush=True)
                time.sleep(1)
            finally:
                conn.close()

    ts = [threading.Thread(target=session,
                           args=(random.Random(rng.random()),), daemon=True)
          for _ in range(a.conc)]
    for t in ts:
        t.start()
        time.sleep(rng.uniform(*a.gap))
    for t in ts:
        t.join()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=("httpx-crawl", "mobile", "rotate"))
    ap.add_argument("base")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=150)
    ap.add_argument("--gap", type=float, nargs=2, default=(0.5, 1.5))
    ap.add_argument("--session", type=int, nargs=2, default=(1, 1))
    ap.add_argument("--conc", type=int, default=1)
    ap.add_argument("--addrs")
    ap.add_argument("--paths", default="product")
    ap.add_argument("--ua", default=(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    {"httpx-crawl": httpx_crawl, "mobile": mobile, "rotate": rotate}[a.cmd](
        a, rng)


if __name__ == "__main__":
    main()
