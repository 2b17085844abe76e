#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Generates the web site that the corpus server (nginx) serves: a shop-like
# catalogue of thousands of linked HTML pages (category listings and
# product pages, each linking to related products, a stylesheet, scripts
# and images), static JSON API pages, an HLS-like media stream (playlist
# and .ts segments) and a few large files. Everything is derived from the
# seed, so two runs with the same arguments write the same bytes. Large
# files are sparse (truncate), so they cost no disk and no generation time.
#
# Usage: gensite.py DOCROOT --seed N [--products N] [--big-mb N]
#                   [--big-files N] [--seg-kbit N] [--segments N]

import argparse
import json
import os
import random

WORDS = ("acme alpha amber anchor apex arch aurora basalt beacon birch "
         "blaze bolt brass breeze cable canyon cedar chalk cobalt comet "
         "copper coral crest delta drift dune echo ember falcon fern flint "
         "forge frost garnet glacier granite harbor hazel helix indigo iron "
         "ivory jade juniper kelp lagoon lantern lark lotus maple marble "
         "meadow mesa mint nebula nickel oak onyx orbit pebble pine prism "
         "quartz quill raven reef ridge river sage sable slate spruce "
         "summit talon tidal timber topaz tundra umber valley vapor willow "
         "zephyr zinc").split()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def head(title, extra_js=True):
    js = ('<script src="/static/js/vendor.js"></script>'
          '<script src="/static/js/app.js"></script>') if extra_js else ""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<title>%s</title><link rel="stylesheet" '
            'href="/static/css/site.css">%s</head>\n<body>\n'
            '<nav><a href="/">Home</a> <a href="/catalogue/">Catalogue</a> '
            '<a href="/media/">Media</a> <a href="/downloads/">Downloads</a>'
            '</nav>\n' % (title, js))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("docroot")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--products", type=int, default=3000)
    ap.add_argument("--categories", type=int, default=30)
    ap.add_argument("--images", type=int, default=400)
    ap.add_argument("--api-pages", type=int, default=200)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--big-files", type=int, default=3)
    ap.add_argument("--seg-kbit", type=int, default=800)
    ap.add_argument("--segments", type=int, default=200)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    root = a.docroot
    per_page = 24

    # Static assets: a stylesheet, two scripts, a pool of images that the
    # products share, a favicon.
    css = "".join(".c%d{margin:%dpx;color:#%06x}\n" %
                  (i, i % 17, rng.randrange(1 << 24)) for i in range(300))
    write(os.path.join(root, "static/css/site.css"), css)
    for name, n in (("vendor.js", 900), ("app.js", 250)):
        js = "".join("function f%d(x){return x*%d+%d;}\n" %
                     (i, rng.randrange(99), rng.randrange(99))
                     for i in range(n))
        write(os.path.join(root, "static/js", name), js)
    for i in range(a.images):
        size = rng.randrange(1500, 9000)
        write(os.path.join(root, "static/img/i%04d.jpg" % i),
              rng.randbytes(size))
    write(os.path.join(root, "favicon.ico"), rng.randbytes(1150))
    write(os.path.join(root, "robots.txt"), "User-agent: *\nDisallow:\n")

    # Products, spread over categories.
    cat_of = [rng.randrange(a.categories) for _ in range(a.products)]
    by_cat = [[] for _ in range(a.categories)]
    for p, c in enumerate(cat_of):
        by_cat[c].append(p)
    names = ["%s %s" % (rng.choice(WORDS).title(), rng.choice(WORDS))
             for _ in range(a.products)]

    for p in range(a.products):
        c = cat_of[p]
        related = rng.sample(range(a.products), 6)
        imgs = rng.sample(range(a.images), 2)
        body = [head("%s - product %d" % (names[p], p)),
                '<h1>%s</h1>\n' % names[p],
                '<p><a href="/catalogue/category-%02d/page-1.html">'
                'category %d</a></p>\n' % (c, c)]
        body += ['<img src="/static/img/i%04d.jpg" alt="">\n' % i
                 for i in imgs]
        body.append("<p>price %d.%02d</p>\n" %
                    (rng.randrange(5, 900), rng.randrange(100)))
        for _ in range(rng.randrange(2, 6)):
            body.append("<p>%s</p>\n" % text(rng, rng.randrange(30, 90)))
        body.append("<h2>Related</h2><ul>\n")
        body += ['<li><a href="/catalogue/product-%05d.html">%s</a></li>\n' %
                 (r, names[r]) for r in related]
        body.append("</ul></body></html>\n")
        write(os.path.join(root, "catalogue/product-%05d.html" % p),
              "".join(body))

    cat_links = []
    for c in range(a.categories):
        items = by_cat[c]
        npages = max(1, (len(items) + per_page - 1) // per_page)
        cat_links.append('<li><a href="/catalogue/category-%02d/page-1.html">'
                         'category %d</a></li>\n' % (c, c))
        for n in range(npages):
            chunk = items[n * per_page:(n + 1) * per_page]
            body = [head("category %d page %d" % (c, n + 1)),
                    "<h1>category %d</h1><ul>\n" % c]
            body += ['<li><a href="/catalogue/product-%05d.html">%s</a>'
                     '</li>\n' % (p, names[p]) for p in chunk]
            body.append("</ul>\n")
            if n > 0:
                body.append('<a href="page-%d.html">previous</a>\n' % n)
            if n + 1 < npages:
                body.append('<a href="page-%d.html">next</a>\n' % (n + 2))
            body.append("</body></html>\n")
            write(os.path.join(root, "catalogue/category-%02d/page-%d.html" %
                               (c, n + 1)), "".join(body))

    index = [head("Shop")] + ["<h1>Shop</h1><ul>\n"] + cat_links + \
        ["</ul>\n<p>%s</p>\n" % text(rng, 80)]
    index += ['<a href="/catalogue/product-%05d.html">featured</a>\n' % p
              for p in rng.sample(range(a.products), 12)]
    index.append("</body></html>\n")
    write(os.path.join(root, "index.html"), "".join(index))
    write(os.path.join(root, "catalogue/index.html"),
          "".join([head("Catalogue"), "<ul>\n"] + cat_links +
                  ["</ul></body></html>\n"]))

    # JSON API: /api/items?page=N is mapped by nginx to page-N.json.
    per_api = 25
    for n in range(1, a.api_pages + 1):
        items = [{"id": (n - 1) * per_api + i,
                  "name": rng.choice(WORDS) + " " + rng.choice(WORDS),
                  "price": rng.randrange(100, 99999) / 100,
                  "stock": rng.randrange(0, 500),
                  "url": "/catalogue/product-%05d.html" %
                  (((n - 1) * per_api + i) % a.products)}
                 for i in range(per_api)]
        doc = {"page": n, "pages": a.api_pages, "items": items}
        if n < a.api_pages:
            doc["next"] = "/api/items?page=%d" % (n + 1)
        write(os.path.join(root, "api/items/page-%d.json" % n),
              json.dumps(doc, indent=1))
    write(os.path.join(root, "api/status.json"),
          json.dumps({"status": "ok", "queue": rng.randrange(100),
                      "version": "1.%d" % rng.randrange(20)}))

    # HLS-like stream: 4 s segments at seg_kbit.
    seg_bytes = a.seg_kbit * 1000 * 4 // 8
    pl = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:4",
          "#EXT-X-MEDIA-SEQUENCE:0"]
    for s in range(a.segments):
        pl += ["#EXTINF:4.000,", "seg-%04d.ts" % s]
        # MPEG-TS-like: 188-byte packets starting with the 0x47 sync byte.
        npk = seg_bytes // 188
        pkt = bytearray(rng.randbytes(188 * npk))
        pkt[0::188] = b"\x47" * npk
        write(os.path.join(root, "media/hls/seg-%04d.ts" % s), bytes(pkt))
    pl.append("#EXT-X-ENDLIST")
    write(os.path.join(root, "media/hls/stream.m3u8"), "\n".join(pl) + "\n")
    write(os.path.join(root, "media/index.html"),
          head("Media") + '<a href="/media/hls/stream.m3u8">stream</a>'
          "</body></html>\n")

    # Large files: sparse, made at record time, never committed.
    links = []
    os.makedirs(os.path.join(root, "downloads"), exist_ok=True)
    for i in range(a.big_files):
        name = "big-%d.bin" % i
        with open(os.path.join(root, "downloads", name), "wb") as f:
            f.truncate(a.big_mb * 1000 * 1000)
        links.append('<li><a href="/downloads/%s">%s</a></li>\n' %
                     (name, name))
    write(os.path.join(root, "downloads/index.html"),
          "".join([head("Downloads"), "<ul>\n"] + links +
                  ["</ul></body></html>\n"]))


if __name__ == "__main__":
    main()
