#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
#
# A small HTTP receiver standing in for Splunk HEC and Elasticsearch _bulk
# in the sink tests. It checks each body (gzip, the HEC envelope or the
# _bulk action lines, the Authorization header) and appends every record
# it accepts to OUT as one NDJSON line before answering, so an answered
# 2xx means recorded. --script lists the status of the first answers
# (e.g. 503,429,200); after the list it answers 200. A 429 carries
# Retry-After: 1. Violations are appended to OUT.errors.
# usage: http_peer.py PORT OUT [--script 503,429] [--token T]
import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out = int(sys.argv[1]), sys.argv[2]
script, token = [], None
args = sys.argv[3:]
while args:
    a = args.pop(0)
    if a == "--script":
        script = [int(x) for x in args.pop(0).split(",") if x]
    elif a == "--token":
        token = args.pop(0)
requests = 0


def error(msg):
    with open(out + ".errors", "a") as f:
        f.write(msg + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body=b"{}", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        global requests
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        requests += 1
        if requests <= len(script) and script[requests - 1] != 200:
            st = script[requests - 1]
            self.answer(st, b'{"text":"scripted"}', [("Retry-After", "1")] if st == 429 else [])
            return
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        auth = self.headers.get("Authorization")
        recs = []
        try:
            lines = body.decode("utf-8").split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            if self.path.startswith("/services/collector"):
                if token and auth != f"Splunk {token}":
                    error(f"HEC Authorization [{auth}]")
                for l in lines:
                    env = json.loads(l)
                    if set(env) - {"time", "source", "sourcetype", "event"} or "event" not in env:
                        error(f"HEC envelope keys {sorted(env)}")
                    if env.get("sourcetype") != "_json":
                        error(f"HEC sourcetype {env.get('sourcetype')}")
                    recs.append(env["event"])
            elif self.path.startswith("/_bulk"):
                if token and auth != f"ApiKey {token}":
                    error(f"_bulk Authorization [{auth}]")
                if len(lines) % 2:
                    error(f"_bulk odd line count {len(lines)}")
                for i in range(0, len(lines) - 1, 2):
                    act = json.loads(lines[i])
                    if list(act) != ["index"] or "_index" not in act["index"]:
                        error(f"_bulk action line {lines[i][:100]}")
                    recs.append(json.loads(lines[i + 1]))
            else:
                error(f"unexpected path {self.path}")
        except ValueError as e:
            error(f"body does not parse: {e}")
            self.answer(400, b'{"error":"parse"}')
            return
        with open(out, "a") as f:
            for r in recs:
                f.write(json.dumps(r, sort_keys=True) + "\n")
        if self.path.startswith("/_bulk"):
            items = [{"index": {"status": 201}} for _ in recs]
            self.answer(200, json.dumps({"errors": False, "items": items}).encode())
        else:
            self.answer(200, b'{"text":"Success","code":0}')


ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
