#!/usr/bin/env python3
"""reaper.py PIDFILE LOG COMMAND...: runs COMMAND as a child subreaper.

Every descendant orphaned by COMMAND's death is reparented to this
process (PR_SET_CHILD_SUBREAPER), so how each one ended can be told: for
every process reaped, one line "PID exit N" or "PID signal N" is appended
to LOG.  COMMAND's pid is written to PIDFILE.  Exits when no child is
left, with COMMAND's own status (128 + signal when killed).
"""
import ctypes
import os
import subprocess
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    pidfile, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("reaper: prctl: %s" % os.strerror(ctypes.get_errno()),
              file=sys.stderr)
        return 2
    main_pid = subprocess.Popen(cmd).pid
    with open(pidfile + ".tmp", "w") as f:
        f.write("%d\n" % main_pid)
    os.rename(pidfile + ".tmp", pidfile)
    status = 0
    while True:
        try:
            pid, st = os.wait()
        except ChildProcessError:
            return status
        if os.WIFSIGNALED(st):
            how, code = "signal %d" % os.WTERMSIG(st), 128 + os.WTERMSIG(st)
        else:
            how, code = "exit %d" % os.WEXITSTATUS(st), os.WEXITSTATUS(st)
        with open(log, "a") as f:
            f.write("%d %s\n" % (pid, how))
        if pid == main_pid:
            status = code


if __name__ == "__main__":
    sys.exit(main())
