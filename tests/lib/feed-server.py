#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A calendar feed server for tests/calendar-fetch.sh: https (and plain http) on 127.0.0.1.

Usage: feed-server.py DIR
DIR holds cert.pem and key.pem (made by the test with openssl) and feed.ics (the body
served when all goes well); the server writes DIR/ports ("HTTPS HTTP") once it listens and
appends one line per request to DIR/log:
    PATH <TAB> If-None-Match <TAB> If-Modified-Since <TAB> Authorization <TAB> status
("-" for a header that was not sent). What /feed.ics does is read from DIR/mode at each
request: good, html, text, truncated, big, big-chunked, stall, loop, redirect3, to-http, 500,
403. Other paths: /lm.ics (Last-Modified, no ETag), /auth.ics (Basic sam:secret),
/r/N (a redirect to /r/N-1; /r/0 is the feed), /loop.
"""
import http.server
import os
import ssl
import sys
import threading
import time

DIR = sys.argv[1]
ETAG = '"v1-feed"'
LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT"
LOCK = threading.Lock()


def feed():
    with open(os.path.join(DIR, "feed.ics"), "rb") as f:
        return f.read()


def mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            return f.read().strip()
    except FileNotFoundError:
        return "good"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status):
        h = self.headers
        fields = [self.path, h.get("If-None-Match", "-"), h.get("If-Modified-Since", "-"),
                  h.get("Authorization", "-"), str(status)]
        with LOCK, open(os.path.join(DIR, "log"), "a") as f:
            f.write("\t".join(fields) + "\n")

    def answer(self, status, body=b"", ctype="text/calendar", headers=()):
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, where):
        self.answer(302, headers=[("Location", where)])

    def calendar(self, etag=True):
        """The feed with its validators, 304 when the request names them."""
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if (etag and inm == ETAG) or (not etag and inm is None and ims == LAST_MODIFIED):
            self.record(304)
            self.send_response(304)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        hdrs = [("Last-Modified", LAST_MODIFIED)] + ([("ETag", ETAG)] if etag else [])
        self.answer(200, feed(), headers=hdrs)

    def stream(self, total, length_header):
        """`total` bytes of a calendar-looking body, with or without Content-Length."""
        self.record(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        if length_header:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 65000 + b"\r\n"
        sent = 0
        try:
            while sent < total:
                piece = chunk[: total - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:  # the client gave up (a cap, a time limit)
            pass
        self.close_connection = True

    def do_GET(self):
        p = self.path
        if p == "/feed.ics" or p == "/r/0":
            return self.feed_by_mode(mode() if p == "/feed.ics" else "good")
        if p == "/lm.ics":
            return self.calendar(etag=False)
        if p.startswith("/r/"):
            return self.redirect("/r/%d" % (int(p[3:]) - 1))
        if p == "/loop":
            return self.redirect("/loop")
        if p == "/auth.ics":
            if self.headers.get("Authorization") == "Basic c2FtOnNlY3JldA==":
                return self.answer(200, feed())
            return self.answer(401, headers=[("WWW-Authenticate", 'Basic realm="cal"')])
        self.answer(404, b"not found", "text/plain")

    def feed_by_mode(self, m):
        if m == "good":
            self.calendar()
        elif m == "html":
            self.answer(200, b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
                        b"<body>Please log in</body></html>\n", "text/html")
        elif m == "text":
            self.answer(200, b'{"error": "no such feed"}\n', "application/json")
        elif m == "truncated":
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(feed()[:200])
            self.wfile.flush()
            self.close_connection = True
        elif m == "big":
            self.stream(20 << 20, True)
        elif m == "big-chunked":
            self.stream(20 << 20, False)
        elif m == "stall":
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            # A byte now and then: the connection is alive, the body never completes.
            for _ in range(60):
                try:
                    self.wfile.write(b"B")
                    self.wfile.flush()
                except OSError:  # the client gave up (a cap, a time limit)
                    break
                time.sleep(1)
            self.close_connection = True
        elif m == "loop":
            self.redirect("/loop")
        elif m == "redirect3":
            self.redirect("/r/3")
        elif m == "to-http":
            self.redirect("http://127.0.0.1:%d/feed.ics" % HTTP_PORT)
        elif m == "500":
            self.answer(500, b"oops", "text/plain")
        elif m == "403":
            self.answer(403, b"no", "text/plain")
        else:
            self.answer(404, b"no such mode", "text/plain")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


https = Server(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(DIR, "cert.pem"), os.path.join(DIR, "key.pem"))
https.socket = ctx.wrap_socket(https.socket, server_side=True)
plain = Server(("127.0.0.1", 0), Handler)
HTTP_PORT = plain.server_address[1]
threading.Thread(target=plain.serve_forever, daemon=True).start()
with open(os.path.join(DIR, "ports.tmp"), "w") as f:
    f.write("%d %d\n" % (https.server_address[1], HTTP_PORT))
os.rename(os.path.join(DIR, "ports.tmp"), os.path.join(DIR, "ports"))
https.serve_forever()
