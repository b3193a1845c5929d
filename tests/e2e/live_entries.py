"""What the live tests' entry checks share (tests/e2e/live_lib.sh runs
them with this folder on PYTHONPATH): the log's entries as
live_dump_entries wrote them, what ffprobe says of a sealed object, and
the verdict."""
import json
import os
import subprocess
import sys


def raw(w, n):
    """The bytes of entries 0 to n - 1, from w/entries."""
    out = []
    for i in range(n):
        with open(os.path.join(w, "entries", str(i)), "rb") as f:
            out.append(f.read())
    return out


def load(w, n):
    return [json.loads(r) for r in raw(w, n)]


def object_path(state, e):
    h = e["object"].split(":")[1]
    return os.path.join(state, "store", "objects", h[:2], h[2:])


def ffprobe(state, e, bad, duration=False):
    """ffprobe -v error on E's object; what it says goes to bad.  With
    duration, returns the format's duration (None when it failed)."""
    path = object_path(state, e)
    args = ["-show_entries", "format=duration", "-of", "csv=p=0"] \
        if duration else []
    r = subprocess.run(["ffprobe", "-v", "error"] + args + [path],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        bad.append(f"ffprobe {path}: {r.returncode} {r.stderr.strip()}")
        return None
    return r.stdout.strip() if duration else None


def verdict(bad, summary):
    for b in bad:
        print("bad:", b)
    print(summary)
    sys.exit(1 if bad else 0)
