#!/usr/bin/env python3
"""A camera uploading for tests/e2e/torture.sh, across daemon crashes.

  torture_upload.py PORT PKI SERIAL ACKS STOP

Uploads files of random bytes (64 KiB to 1 MiB) one after the other with
PUT /v1/cameras/SERIAL/files/NAME and a Content-Digest, as SERIAL (PKI
from tests/tools/mkcerts.sh).  An upload is acknowledged when the answer
is 201 or 200 with the entry: the client then appends "HEX NAME STATUS
INDEX" to ACKS and fsyncs it before the next upload.  Until then the same
name and bytes are sent again, however the attempt ended (refused
connection, cut, 5xx), as a camera would.  Stops once STOP exists; prints
"acked=N attempts=N" and exits 0, or exits 1 on an answer that no crash
explains (4xx, or an acknowledgement naming other bytes).
"""
import base64
import hashlib
import json
import os
import random
import socket
import ssl
import sys
import time


def attempt(ctx, port, serial, name, data, digest):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.settimeout(30)
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            s.sendall(("PUT /v1/cameras/%s/files/%s HTTP/1.1\r\nHost: x\r\n"
                       "Content-Length: %d\r\n"
                       "Content-Digest: sha-256=:%s:\r\n\r\n"
                       % (serial, name, len(data), digest)).encode())
            s.sendall(data)
            answer = b""
            while True:
                try:
                    b = s.recv(65536)
                except ssl.SSLError:
                    break
                if not b:
                    break
                answer += b
                head, _, body = answer.partition(b"\r\n\r\n")
                if _ and b"content-length:" in head.lower():
                    n = int(head.lower().split(b"content-length:")[1]
                            .split(b"\r\n")[0])
                    if len(body) >= n:
                        break
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        return None, None
    return int(head.split()[1]), body


def main():
    port, pki, serial, acks, stop = sys.argv[1:]
    port = int(port)
    ctx = ssl.create_default_context(cafile=pki + "/ca.pem")
    ctx.load_cert_chain(pki + "/%s.pem" % serial, pki + "/%s.key" % serial)
    rnd = random.Random()
    seq, attempts, acked = 0, 0, 0
    out = open(acks, "a")
    job = None
    while not os.path.exists(stop):
        if job is None:
            seq += 1
            data = rnd.randbytes(rnd.randint(64 * 1024, 1024 * 1024))
            sha = hashlib.sha256(data)
            job = ("U%d_%06d.bin" % (os.getpid(), seq), data,
                   sha.hexdigest(), base64.b64encode(sha.digest()).decode())
        name, data, hexd, digest = job
        attempts += 1
        try:
            code, body = attempt(ctx, port, serial, name, data, digest)
        except (OSError, ssl.SSLError, ValueError):
            code, body = None, None
        if code in (200, 201):
            e = json.loads(body)
            if e.get("object") != "sha256:" + hexd:
                print("%s: acknowledged as %s, sent %s" % (name,
                      e.get("object"), hexd))
                return 1
            out.write("%s %s %d %d\n" % (hexd, name, code, e["index"]))
            out.flush()
            os.fsync(out.fileno())
            acked += 1
            job = None
            continue
        if code is not None and 400 <= code < 500:
            print("%s: answer %d: %r" % (name, code, body[:300]))
            return 1
        time.sleep(0.05)
    print("acked=%d attempts=%d" % (acked, attempts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
