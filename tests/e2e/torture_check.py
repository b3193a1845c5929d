#!/usr/bin/env python3
"""Checks of a station after each kill -9 of tests/e2e/torture.sh.

  torture_check.py STATE MEMO ACKS SUMS CAMDIR [final]

Reads STATE/log.db read-only and STATE/store, remembering in MEMO (JSON)
what earlier runs saw, so each run reads only the new entries and hashes
only the new objects:

  - no object has two segment.sealed entries (duplicates);
  - every object in the store hashes to its name (nothing partial) and
    every segment's object is in the store;
  - every acknowledged upload (ACKS, from torture_upload.py) has exactly
    one segment entry ("lost" if none);
  - every file of SUMS ("HEX NAME" lines) gone from CAMDIR has a segment
    entry and its object is stored (after_ingest = delete took nothing
    unsealed);
  - with "final": every file still in CAMDIR is sealed too.

Prints "entries= segments= objects= acked= lost= duplicates=" and exits 1
with the reason when a check fails.
"""
import json
import os
import sqlite3
import sys

from docklog import sha256_file


def main():
    state, memo_path, acks, sums, camdir = sys.argv[1:6]
    final = sys.argv[6:] == ["final"]
    try:
        with open(memo_path) as f:
            memo = json.load(f)
    except FileNotFoundError:
        memo = {"next": 0, "segments": {}, "verified": []}
    segs = memo["segments"]
    verified = set(memo["verified"])
    problems = []

    db = sqlite3.connect("file:%s/log.db?mode=ro" % state, uri=True,
                         timeout=30)
    rows = db.execute("SELECT idx, data FROM entries WHERE idx >= ? "
                      "ORDER BY idx", (memo["next"],)).fetchall()
    db.close()
    for idx, data in rows:
        if idx != memo["next"]:
            problems.append("entry %d missing" % memo["next"])
        memo["next"] = idx + 1
        e = json.loads(bytes(data))
        if e["type"] != "segment.sealed":
            continue
        h = e["object"].split(":", 1)[1]
        if h in segs:
            problems.append("object %s sealed twice: entries %d and %d"
                            % (h, segs[h], idx))
        else:
            segs[h] = idx

    objdir = os.path.join(state, "store", "objects")
    for dirpath, _, files in os.walk(objdir):
        for f in files:
            name = os.path.basename(dirpath) + f
            if name in verified:
                continue
            # An object's packet leaves (a cache) sit beside the object.
            if f.endswith(".leaves") and len(name) == 64 + 7:
                if not os.path.isfile(os.path.join(dirpath, f[:-7])):
                    problems.append("leaves without their object: %s/%s"
                                    % (dirpath, f))
                continue
            if len(name) != 64:
                problems.append("stray file in the store: %s/%s"
                                % (dirpath, f))
                continue
            if sha256_file(os.path.join(dirpath, f)) != name:
                problems.append("object %s does not hash to its name "
                                "(partial)" % name)
                continue
            verified.add(name)
    for h, idx in segs.items():
        if h not in verified:
            problems.append("segment entry %d: object %s not in the store"
                            % (idx, h))

    acked = lost = 0
    if os.path.exists(acks):
        for line in open(acks):
            h, name = line.split()[:2]
            acked += 1
            if h not in segs:
                lost += 1
                problems.append("acknowledged upload %s (%s) is not sealed"
                                % (name, h))

    if os.path.exists(sums):
        for line in open(sums):
            h, name = line.split(None, 1)
            name = name.strip()
            there = os.path.exists(os.path.join(camdir, name))
            if (not there or final) and h not in segs:
                problems.append("camera file %s (%s) %s" % (name, h,
                                "is not sealed" if there else
                                "left the camera unsealed"))

    memo["verified"] = sorted(verified)
    with open(memo_path + ".tmp", "w") as f:
        json.dump(memo, f)
    os.replace(memo_path + ".tmp", memo_path)
    dups = sum(1 for p in problems if "sealed twice" in p)
    print("entries=%d segments=%d objects=%d acked=%d lost=%d duplicates=%d"
          % (memo["next"], len(segs), len(verified), acked, lost, dups))
    for p in problems[:20]:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
