#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Generates the two extra sites of the corpus's "wide" profile (the shop
# itself comes from gensite.py), each served by the same nginx under its
# own server name:
#   social  social.corpus.test: a social feed. User pages and post pages
#           that link to each other, a JSON API (/api/feed?page=N,
#           /api/posts/N.json, /api/notifications.json), an RSS feed
#           (/feed.xml), and a heavy single-page app under /app/ (about
#           100 assets: script chunks, stylesheets, images, fonts; its
#           main script fetches the feed API, as such apps do)
#   files   files.corpus.test: a file archive. Directory pages listing
#           files of 4-60 kB, a podcast feed with its episodes, a few
#           large files, and room for the apt repository and the git
#           repository that record.sh builds at record time (/debian/,
#           /git/)
# Everything is derived from the seed. Large files (episodes, big files)
# are sparse (truncate): they cost no disk and no time.
#
# Usage: gensite_wide.py SOCIAL_ROOT FILES_ROOT --seed N [--big-mb N]
#                        [--episode-mb N]

import argparse
import json
import os
import random

WORDS = ("able acorn aspen atlas autumn bay bloom brook cairn calm cape "
         "cinder clover cloud cove crane dawn dell dusk elm fable fjord "
         "gale glade glen grove gull heath heron hollow isle ivy kestrel "
         "knoll lake laurel ledge loch lumen marsh mist moor moss north "
         "orchid otter peak pier plover pond quay rain reed robin rowan "
         "sand shore sky sloe snow sorrel sparrow spring stone storm "
         "swift thorn tide trail vale wave wren yarrow").split()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def sparse(path, size):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def page(title, body, css="/static/s.css"):
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<title>%s</title><link rel="stylesheet" href="%s"></head>\n'
            '<body>\n%s</body></html>\n' % (title, css, "".join(body)))


def social(root, rng, users=400, posts=3000, feed_pages=150, per_feed=20):
    write(os.path.join(root, "static/s.css"),
          "".join(".p%d{padding:%dpx}\n" % (i, i % 9) for i in range(120)))
    write(os.path.join(root, "robots.txt"), "User-agent: *\nDisallow:\n")
    author = [rng.randrange(users) for _ in range(posts)]
    handle = ["%s_%s%d" % (rng.choice(WORDS), rng.choice(WORDS),
                           rng.randrange(100)) for _ in range(users)]
    text = [words(rng, rng.randrange(8, 40)) for _ in range(posts)]
    by_user = [[] for _ in range(users)]
    for p, u in enumerate(author):
        by_user[u].append(p)
    for p in range(posts):
        rel = rng.sample(range(posts), 5)
        body = ['<nav><a href="/">Home</a> <a href="/app/">App</a></nav>\n',
                '<article><h1>post %d</h1><p>by <a href="/u/%s.html">@%s'
                '</a></p><p>%s</p></article>\n' %
                (p, handle[author[p]], handle[author[p]], text[p]),
                '<p>%d likes</p><ul>\n' % rng.randrange(5000)]
        body += ['<li><a href="/p/%05d.html">post %d</a></li>\n' % (r, r)
                 for r in rel]
        body.append("</ul>\n")
        write(os.path.join(root, "p/%05d.html" % p), page("post %d" % p, body))
        write(os.path.join(root, "api/posts/%05d.json" % p), json.dumps(
            {"id": p, "author": handle[author[p]], "text": text[p],
             "likes": rng.randrange(5000), "related": rel}))
    for u in range(users):
        body = ['<nav><a href="/">Home</a></nav><h1>@%s</h1>\n' % handle[u],
                '<p>%s</p><ul>\n' % words(rng, 20)]
        body += ['<li><a href="/p/%05d.html">%s</a></li>\n' %
                 (p, text[p][:40]) for p in by_user[u]]
        body.append("</ul>\n")
        write(os.path.join(root, "u/%s.html" % handle[u]),
              page("@" + handle[u], body))
    for n in range(1, feed_pages + 1):
        ids = [(n - 1) * per_feed + i for i in range(per_feed)]
        doc = {"page": n, "pages": feed_pages,
               "posts": [{"id": p % posts, "author": handle[author[p % posts]],
                          "text": text[p % posts],
                          "url": "/api/posts/%05d.json" % (p % posts)}
                         for p in ids]}
        if n < feed_pages:
            doc["next"] = "/api/feed?page=%d" % (n + 1)
        write(os.path.join(root, "api/feed/page-%d.json" % n),
              json.dumps(doc))
    write(os.path.join(root, "api/notifications.json"), json.dumps(
        {"unread": rng.randrange(9), "items": [
            {"id": i, "kind": rng.choice(("like", "reply", "follow"))}
            for i in range(rng.randrange(3, 8))]}))
    items = "".join(
        "<item><title>post %d</title><link>https://social.corpus.test/p/"
        "%05d.html</link><guid>p%d</guid><description>%s</description>"
        "</item>\n" % (p, p, p, text[p]) for p in range(posts - 30, posts))
    write(os.path.join(root, "feed.xml"),
          '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>social'
          '</title><link>https://social.corpus.test/</link>\n%s</channel>'
          '</rss>\n' % items)
    idx = ['<nav><a href="/app/">App</a> <a href="/feed.xml">RSS</a></nav>',
           "<h1>social</h1><ul>\n"]
    idx += ['<li><a href="/u/%s.html">@%s</a></li>\n' % (h, h)
            for h in rng.sample(handle, 40)]
    idx += ['<li><a href="/p/%05d.html">post %d</a></li>\n' % (p, p)
            for p in rng.sample(range(posts), 40)]
    idx.append("</ul>\n")
    write(os.path.join(root, "index.html"), page("social", idx))

    # The single-page app: 60 script chunks, 8 stylesheets, 28 images,
    # 4 fonts; every route is the same shell with its own links.
    assets = []
    for i in range(60):
        js = "".join("export function c%d_%d(x){return x^%d;}\n" %
                     (i, k, rng.randrange(1 << 20))
                     for k in range(rng.randrange(40, 400)))
        write(os.path.join(root, "app/js/chunk-%02d.js" % i), js)
        assets.append('<script defer src="/app/js/chunk-%02d.js"></script>'
                      % i)
    for i in range(8):
        write(os.path.join(root, "app/css/part-%d.css" % i),
              "".join(".a%d_%d{margin:%dpx}\n" % (i, k, k % 13)
                      for k in range(rng.randrange(100, 800))))
        assets.append('<link rel="stylesheet" href="/app/css/part-%d.css">'
                      % i)
    for i in range(28):
        write(os.path.join(root, "app/img/a%02d.png" % i),
              rng.randbytes(rng.randrange(2000, 30000)))
        assets.append('<img src="/app/img/a%02d.png" alt="">' % i)
    for i in range(4):
        write(os.path.join(root, "app/font/f%d.woff2" % i),
              rng.randbytes(rng.randrange(15000, 40000)))
        assets.append('<link rel="preload" as="font" crossorigin '
                      'href="/app/font/f%d.woff2">' % i)
    write(os.path.join(root, "app/main.js"),
          "fetch('/api/feed?page=1').then(r => r.json()).then(d => {\n"
          "  document.getElementById('feed').textContent = "
          "d.posts.length + ' posts';\n"
          "  return fetch('/api/notifications.json');\n});\n")
    assets.append('<script defer src="/app/main.js"></script>')
    for v in range(20):
        links = ['<a href="/app/v%02d.html">view %d</a> ' % (r, r)
                 for r in rng.sample(range(20), 6)]
        html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                "<title>app</title>%s</head><body><div id=\"feed\"></div>"
                "<nav>%s</nav></body></html>\n" %
                ("".join(assets), "".join(links)))
        write(os.path.join(root, "app/v%02d.html" % v), html)
        if v == 0:
            write(os.path.join(root, "app/index.html"), html)


def files(root, rng, dirs=12, per_dir=40, episodes=10, episode_mb=3,
          big=3, big_mb=5):
    write(os.path.join(root, "robots.txt"), "User-agent: *\nDisallow:\n")
    top = ['<h1>archive</h1><ul>\n']
    for d in range(dirs):
        name = "%d-%s" % (2010 + d, rng.choice(WORDS))
        top.append('<li><a href="/archive/%s/">%s</a></li>\n' % (name, name))
        listing = ['<h1>%s</h1><ul>\n' % name]
        for k in range(per_dir):
            fn = "%s-%03d.%s" % (rng.choice(WORDS), k,
                                 rng.choice(("pdf", "zip", "tar.gz", "csv")))
            size = rng.randrange(4000, 60000)
            write(os.path.join(root, "archive", name, fn),
                  rng.randbytes(size))
            listing.append('<li><a href="/archive/%s/%s">%s</a> %d</li>\n' %
                           (name, fn, fn, size))
        listing.append("</ul>\n")
        write(os.path.join(root, "archive", name, "index.html"),
              page(name, listing, css="/s.css"))
    top.append('</ul><p><a href="/podcast/">podcast</a> '
               '<a href="/big/">large files</a></p>\n')
    write(os.path.join(root, "index.html"), page("archive", top, "/s.css"))
    write(os.path.join(root, "s.css"), "body{margin:1em}\n")
    items, blist = [], []
    for e in range(episodes):
        fn = "episode-%02d.mp3" % e
        sparse(os.path.join(root, "podcast", fn), episode_mb * 1000 * 1000)
        items.append('<item><title>episode %d</title><enclosure url="https://'
                     'files.corpus.test/podcast/%s" length="%d" type="audio/'
                     'mpeg"/><guid>ep%d</guid></item>\n' %
                     (e, fn, episode_mb * 1000 * 1000, e))
    write(os.path.join(root, "podcast/feed.xml"),
          '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>'
          'podcast</title>\n%s</channel></rss>\n' % "".join(items))
    write(os.path.join(root, "podcast/index.html"),
          page("podcast", ['<a href="feed.xml">feed</a>\n'], "/s.css"))
    for i in range(big):
        fn = "dataset-%d.tar" % i
        sparse(os.path.join(root, "big", fn), big_mb * 1000 * 1000)
        blist.append('<li><a href="/big/%s">%s</a></li>\n' % (fn, fn))
    write(os.path.join(root, "big/index.html"),
          page("large files", ["<ul>\n"] + blist + ["</ul>\n"], "/s.css"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("social")
    ap.add_argument("files")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--big-mb", type=int, default=5)
    ap.add_argument("--episode-mb", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(a.seed * 7919 + 1)
    social(a.social, rng)
    files(a.files, rng, episode_mb=a.episode_mb, big_mb=a.big_mb)


if __name__ == "__main__":
    main()
