#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Drives a real headless Chromium through the DevTools protocol (CDP) for
# the corpus: the browser loads each page with all its assets (CSS, JS,
# images), keeps its connections and cache like any browser, and this
# script only decides where to go next and how long to wait. Modes:
#   crawl     a fast page walker (scraper): breadth-first over every
#             catalogue link it has not seen, a short pause between pages
#   browse    a person (benign): follows a random link, sometimes goes back
#             home, thinks THINK_MIN..THINK_MAX seconds on each page
#   download  a person downloading one large file with the browser
# Chromium runs with no sandbox (root), its own temporary profile and no
# background networking; the network namespace has no route out anyway.
# The browser is ended by its PID when the script ends, also on SIGTERM.
#
# Usage: cdp_walk.py MODE START_URL [--seed N] [--think MIN MAX]
#                    [--pages N] [--port N]

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--ignore-certificate-errors",
    "--disable-background-networking", "--disable-component-update",
    "--disable-default-apps", "--disable-extensions", "--disable-sync",
    "--disable-breakpad", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection", "--no-first-run",
    "--no-default-browser-check", "--metrics-recording-only",
    "--disable-features=OptimizationHints,MediaRouter,Translate,"
    "InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater",
    "--remote-allow-origins=*", "--disable-gpu", "--mute-audio",
]


class Browser:
    def __init__(self, port):
        self.dir = tempfile.mkdtemp(prefix="chromium-", dir=os.environ.get("HOME"))
        self.proc = subprocess.Popen(
            ["chromium"] + CHROMIUM_FLAGS +
            ["--user-data-dir=" + self.dir,
             "--remote-debugging-port=%d" % port, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(
                        "http://127.0.0.1:%d/json/version" % port,
                        timeout=1) as r:
                    url = json.load(r)["webSocketDebuggerUrl"]
                break
            except OSError:
                time.sleep(0.2)
        if url is None:
            raise RuntimeError("chromium did not open its DevTools port")
        self.ws = websocket.create_connection(url, suppress_origin=True)
        self.next_id = 0
        self.events = []
        tid = self.call("Target.createTarget", {"url": "about:blank"})
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": tid["targetId"],
                                  "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def call(self, method, params=None, session=False, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.time()))
            m = json.loads(self.ws.recv())
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)
        raise TimeoutError(method)

    def wait_event(self, name, timeout):
        deadline = time.time() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == name:
                    del self.events[i]
                    return m.get("params", {})
            left = deadline - time.time()
            if left <= 0:
                return None
            self.ws.settimeout(left)
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                return None

    def goto(self, url, timeout=30):
        self.events = [m for m in self.events
                       if m.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired", timeout)

    def links(self):
        r = self.call("Runtime.evaluate",
                      {"expression":
                       "Array.from(document.links).map(a => a.href)",
                       "returnByValue": True}, session=True)
        return r.get("result", {}).get("value") or []

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def crawl(b, start, rng, a):
    """Breadth-first over catalogue pages, each new page once."""
    seen, queue, n = {start}, [start], 0
    while queue and (a.pages == 0 or n < a.pages):
        url = queue.pop(0)
        b.goto(url)
        n += 1
        for link in b.links():
            link = link.split("#")[0]
            if link.startswith(a.origin) and "/catalogue/" in link \
                    and link not in seen:
                seen.add(link)
                queue.append(link)
        time.sleep(rng.uniform(*a.think))


def browse(b, start, rng, a):
    """A person: random links, now and then back home, think time."""
    url, n = start, 0
    while a.pages == 0 or n < a.pages:
        b.goto(url)
        n += 1
        time.sleep(rng.uniform(*a.think))
        links = [l for l in b.links() if l.startswith(a.origin) and
                 "/downloads/" not in l and "/media/" not in l]
        if not links or rng.random() < 0.1:
            url = start
        else:
            url = rng.choice(links)


def download(b, url, rng, a):
    ddir = tempfile.mkdtemp(prefix="download-", dir=os.environ.get("HOME"))
    try:
        b.call("Browser.setDownloadBehavior",
               {"behavior": "allow", "downloadPath": ddir,
                "eventsEnabled": True})
        b.goto(a.origin + "/downloads/", 30)
        time.sleep(rng.uniform(*a.think))
        b.call("Page.navigate", {"url": url}, session=True)
        while True:
            ev = b.wait_event("Browser.downloadProgress", 3600)
            if ev is None or ev.get("state") in ("completed", "canceled"):
                print("download:", ev and ev.get("state"), flush=True)
                break
        time.sleep(rng.uniform(*a.think))
    finally:
        shutil.rmtree(ddir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("crawl", "browse", "download"))
    ap.add_argument("url")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0))
    ap.add_argument("--pages", type=int, default=0)
    ap.add_argument("--port", type=int, default=9222)
    a = ap.parse_args()
    a.origin = "/".join(a.url.split("/")[:3])
    rng = random.Random(a.seed)
    # SIGTERM (timeout, the recorder's cleanup) unwinds through finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    b = Browser(a.port)
    try:
        {"crawl": crawl, "browse": browse, "download": download}[a.mode](
            b, a.url, rng, a)
    finally:
        b.close()


if __name__ == "__main__":
    main()
