#!/usr/bin/env python3
"""forge_sig.py BUNDLE WORK TAG add|replace: signs BUNDLE's checkpoint text
with a new Ed25519 key under the station's name (e2e.example/station),
as an attacker or a second signer would (tests/e2e/bundle_tamper.sh).

add      appends the new signature line after the station's own.
replace  keeps only the new signature and writes the new key into
         BUNDLE/station.vkey.
Writes WORK/TAG.pem (the key) and WORK/TAG.id ("name+keyid")."""
import base64
import hashlib
import os
import subprocess
import sys

NAME = "e2e.example/station"


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in ("add", "replace"):
        sys.exit(__doc__)
    b, w, tag, mode = sys.argv[1:]
    key = os.path.join(w, tag + ".pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519",
                    "-out", key], check=True)
    der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout",
                          "-outform", "DER"], check=True,
                         capture_output=True).stdout
    pub = der[-32:]
    keyid = hashlib.sha256(NAME.encode() + b"\n" + b"\x01" +
                           pub).digest()[:4]
    note = open(os.path.join(b, "checkpoint"), "rb").read()
    text = note.split(b"\n\n")[0] + b"\n"
    tf = os.path.join(w, tag + ".text")
    open(tf, "wb").write(text)
    sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin",
                          "-inkey", key, "-in", tf], check=True,
                         capture_output=True).stdout
    line = "\u2014 %s %s\n" % (NAME, base64.b64encode(keyid + sig).decode())
    if mode == "add":
        out = note + line.encode()
    else:
        out = text + b"\n" + line.encode()
        vkey = "%s+%s+%s\n" % (NAME, keyid.hex(),
                               base64.b64encode(b"\x01" + pub).decode())
        open(os.path.join(b, "station.vkey"), "w").write(vkey)
    open(os.path.join(b, "checkpoint"), "wb").write(out)
    open(os.path.join(w, tag + ".id"), "w").write(
        "%s+%s" % (NAME, keyid.hex()))


if __name__ == "__main__":
    main()
