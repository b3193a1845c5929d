#!/usr/bin/env python3
"""State checks of a fault run (tests/fault/run.sh), one process per phase.

  check.py STATE OBJECT count   segment.sealed entries with object = OBJECT
  check.py STATE OBJECT final   no object sealed twice, the store whole,
                                OBJECT sealed exactly once and in the store

Reads state/log.db read-only with the daemon stopped.  Prints what it
found; exits 1 with a reason when a check fails.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import docklog  # noqa: E402


def count(state, obj):
    return len([e for e in docklog.parsed(state, "segment.sealed")
                if e["object"] == obj])


def main():
    if len(sys.argv) != 4:
        docklog.fail(__doc__)
    state, obj, cmd = sys.argv[1:]
    if cmd == "count":
        print(count(state, obj))
    elif cmd == "final":
        docklog.cmd_once(state)
        docklog.cmd_store(state)
        n = count(state, obj)
        if n != 1:
            docklog.fail("%s: %d segment.sealed entries, expected 1"
                         % (obj, n))
        h = obj.split(":", 1)[1]
        if not os.path.isfile(os.path.join(state, "store", "objects",
                                           h[:2], h[2:])):
            docklog.fail("%s is not in the store" % obj)
    else:
        docklog.fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
