#!/usr/bin/env python3
"""Checks of a station's log and store for the dock tests.

Reads state/log.db read-only (the daemon may be running; SQLite WAL lets
a reader in) and the object store.  Each command prints what it found and
exits 1 with a reason when a check fails.

  docklog.py STATE sessions CAMERA          number of dock.session entries
  docklog.py STATE session CAMERA [K]       the K-th (default last) one, JSON
  docklog.py STATE segments                 number of segment.sealed entries
  docklog.py STATE volume CAMERA DIR [--deleted-ok]
        every regular file below DIR (never following symlinks) has exactly
        one segment.sealed entry from CAMERA with object = its sha256 (the
        same bytes from another camera are that camera's own entries)
  docklog.py STATE store
        every object in the store hashes to its name, no temporary file is
        visible as an object, every segment.sealed object is in the store
  docklog.py STATE absent HEX               HEX appears in no entry
  docklog.py STATE once                     no object has two segment entries
        from one camera; an object's later entries (other cameras) name
        its first in same_object_as, its first names none
"""
import hashlib
import json
import os
import sqlite3
import stat
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def entries(state):
    db = sqlite3.connect("file:%s/log.db?mode=ro" % state, uri=True,
                         timeout=10)
    try:
        rows = db.execute("SELECT idx, data FROM entries ORDER BY idx")
        return [(i, bytes(d)) for i, d in rows]
    finally:
        db.close()


def parsed(state, typ=None):
    out = []
    for i, d in entries(state):
        e = json.loads(d)
        if typ is None or e.get("type") == typ:
            out.append(e)
    return out


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def regular_files(top):
    """Regular files below top as (bytes relpath, abspath); no symlinks."""
    out = []
    topb = os.fsencode(top)
    for dirpath, dirnames, filenames in os.walk(topb, followlinks=False):
        for n in filenames + dirnames:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                out.append((os.path.relpath(p, topb), p))
    return out


def seg_path(e):
    if "path_hex" in e:
        return bytes.fromhex(e["path_hex"])
    return e["path"].encode()


def cmd_volume(state, camera, top, *flags):
    segs = parsed(state, "segment.sealed")
    by_obj = {}
    for e in segs:
        by_obj.setdefault(e["object"], []).append(e)
    files = regular_files(top)
    if not files:
        fail("no regular files below %s" % top)
    for rel, p in files:
        obj = "sha256:" + sha256_file(p)
        es = [e for e in by_obj.get(obj, []) if e["camera"] == camera]
        if len(es) != 1:
            fail("%r (%s): %d segment.sealed entries from %s, expected 1"
                 % (rel, obj, len(es), camera))
        e = es[0]
        if e["camera"] == camera and seg_path(e) != rel:
            # The same bytes under two names: sealed once, first name.
            if not any(r2 == seg_path(e) for r2, _ in files):
                fail("%r: entry %d names path %r" % (rel, e["index"],
                                                     seg_path(e)))
        if e["size"] != os.path.getsize(p):
            fail("%r: entry size %d, file %d" % (rel, e["size"],
                                                  os.path.getsize(p)))
    print("volume %s: %d regular files, each sealed once" % (camera,
                                                              len(files)))


def cmd_store(state):
    objdir = os.path.join(state, "store", "objects")
    n = 0
    for dirpath, _, filenames in os.walk(objdir):
        for f in filenames:
            p = os.path.join(dirpath, f)
            name = os.path.basename(dirpath) + f
            # An object's packet leaves (a cache) sit beside the object.
            if f.endswith(".leaves") and len(name) == 64 + 7:
                if not os.path.isfile(p[:-7]):
                    fail("store: leaves without their object: %s" % p)
                continue
            if len(name) != 64:
                fail("store: stray file %s" % p)
            if sha256_file(p) != name:
                fail("store: %s does not hash to its name (partial?)" % p)
            n += 1
    for e in parsed(state, "segment.sealed"):
        h = e["object"].split(":", 1)[1]
        if not os.path.isfile(os.path.join(objdir, h[:2], h[2:])):
            fail("segment entry %d: object %s is not in the store"
                 % (e["index"], h))
    print("store: %d objects, all whole, every segment's object present" % n)


def cmd_once(state):
    seen, first = {}, {}
    for e in parsed(state, "segment.sealed"):
        key = (e["object"], e["camera"])
        if key in seen:
            fail("object %s sealed twice from %s: entries %d and %d"
                 % (e["object"], e["camera"], seen[key], e["index"]))
        seen[key] = e["index"]
        want = first.setdefault(e["object"], e["index"])
        if e.get("same_object_as") != (None if want == e["index"] else want):
            fail("entry %d: same_object_as %r, expected %r"
                 % (e["index"], e.get("same_object_as"),
                    None if want == e["index"] else want))
    print("once: %d segments, no object twice from one camera" % len(seen))


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    state, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "sessions":
        print(len([e for e in parsed(state, "dock.session")
                   if e["camera"] == args[0]]))
    elif cmd == "session":
        s = [e for e in parsed(state, "dock.session")
             if e["camera"] == args[0]]
        k = int(args[1]) if len(args) > 1 else -1
        if not s:
            fail("no dock.session for %s" % args[0])
        print(json.dumps(s[k], ensure_ascii=False))
    elif cmd == "segments":
        print(len(parsed(state, "segment.sealed")))
    elif cmd == "volume":
        cmd_volume(state, *args)
    elif cmd == "store":
        cmd_store(state)
    elif cmd == "once":
        cmd_once(state)
    elif cmd == "absent":
        for i, d in entries(state):
            if args[0].encode() in d:
                fail("%s appears in entry %d" % (args[0], i))
        print("absent: %s in no entry" % args[0][:16])
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
