#!/usr/bin/env python3
"""tsa_server.py DIR PORTFILE: a local RFC 3161 time-stamping authority.

Listens on 127.0.0.1, port chosen by the kernel, and writes the port to
PORTFILE once it accepts connections.  A POST (any path) carrying an
application/timestamp-query is answered by the real "openssl ts -reply"
with the TSA made by mktsa.sh in DIR; the DER reply goes back as
application/timestamp-reply.  While the file DIR/down exists every request
gets 503, so a test can take the TSA down and bring it back without
restarting it.  One line per request goes to stderr.  The server exits
when the process that started it is gone, so a test that fails half way
leaves no server behind.
"""

import http.server
import os
import subprocess
import sys
import tempfile

MAX_QUERY = 64 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "custos-test-tsa/1"

    def log_message(self, fmt, *args):
        # One line per request, through log_request() below.
        pass

    def note(self, code, what):
        sys.stderr.write("tsa_server: %s %s -> %d %s\n" %
                         (self.command, self.path, code, what))
        sys.stderr.flush()

    def reply(self, code, body, ctype, what):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.note(code, what)

    def do_GET(self):
        self.reply(405, b"POST a timestamp query\n", "text/plain",
                   "method not allowed")

    def do_POST(self):
        d = self.server.tsadir
        n = int(self.headers.get("Content-Length") or 0)
        if n <= 0 or n > MAX_QUERY:
            self.reply(400, b"bad length\n", "text/plain",
                       "bad length %d" % n)
            return
        query = self.rfile.read(n)
        if os.path.exists(os.path.join(d, "down")):
            self.reply(503, b"down\n", "text/plain", "down")
            return
        ctype = self.headers.get("Content-Type", "")
        if ctype.split(";")[0].strip() != "application/timestamp-query":
            self.reply(415, b"want application/timestamp-query\n",
                       "text/plain", "content type %r" % ctype)
            return
        with tempfile.TemporaryDirectory() as t:
            q = os.path.join(t, "q.tsq")
            r = os.path.join(t, "r.tsr")
            with open(q, "wb") as f:
                f.write(query)
            p = subprocess.run(
                ["openssl", "ts", "-reply",
                 "-config", os.path.join(d, "tsa.cnf"),
                 "-queryfile", q,
                 "-inkey", os.path.join(d, "tsa.key"),
                 "-signer", os.path.join(d, "tsa.pem"),
                 "-out", r],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            # openssl ts -reply answers a bad query with a "rejection"
            # reply and exit 0; only a missing reply is a server error.
            if p.returncode != 0 or not os.path.exists(r):
                err = p.stderr.decode(errors="replace").strip()
                self.reply(500, b"openssl ts failed\n", "text/plain",
                           "openssl ts -reply: " +
                           (err.splitlines()[-1] if err else "failed"))
                return
            with open(r, "rb") as f:
                body = f.read()
        self.reply(200, body, "application/timestamp-reply",
                   "%d bytes" % len(body))


class Server(http.server.HTTPServer):
    def service_actions(self):
        # Called between requests (every poll interval): a test script
        # that died cannot stop us, so notice it by being re-parented.
        if os.getppid() != self.parent:
            raise KeyboardInterrupt


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: tsa_server.py DIR PORTFILE\n")
        sys.exit(2)
    # Single-threaded on purpose: "openssl ts -reply" bumps the serial
    # file in DIR, and two at once could hand out the same serial.
    srv = Server(("127.0.0.1", 0), Handler)
    srv.parent = os.getppid()
    srv.tsadir = os.path.abspath(sys.argv[1])
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, sys.argv[2])
    sys.stderr.write("tsa_server: listening on 127.0.0.1:%d\n" %
                     srv.server_address[1])
    sys.stderr.flush()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
