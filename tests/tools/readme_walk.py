#!/usr/bin/env python3
"""Turns the shell code blocks of one section of a Markdown file (the
README's walk-through) into a bash script for tests/e2e/readme.sh.

    readme_walk.py README.md "A walk-through" SKIP-NAME...

The section runs from its "## " heading to the next "## " heading.  Its
```sh blocks, in order, become calls of functions readme.sh defines:

    readme_block LINE                  a block starts (for the log)
    readme_make_run LINE               a block that is exactly "make run"
    readme_skip LINE NAME              a block marked to be skipped
    readme_run LINE COMMAND [WANT...]  one command of a block

A block is skipped when the line before its fence (blank lines apart) is
the HTML comment

    <!-- readme: skip NAME: why -->

and NAME must be one of the SKIP-NAMEs readme.sh allows.  Blocks fenced
other than ```sh (program output, say) are not run.

A block is cut into commands the way a shell reads it: lines joined by a
trailing backslash, and more lines while "bash -n" says the command is
not complete (a quote or $( still open).  Comment lines between commands
are dropped, except

    # → TEXT

on a line of its own after a command (after its comment lines, if any):
the command's output must contain TEXT.  Anything this script cannot read (a marker it
does not know, a command left open at the end of a block, a "make run"
beside other commands, no section) is an error, exit 2: the README is
fixed, or this script taught, never silently skipped.
"""
import re
import shlex
import subprocess
import sys

MARK = re.compile(r"^<!--\s*readme:\s*(.*?)\s*-->\s*$")
SKIP = re.compile(r"^skip\s+([a-z0-9-]+)\s*:\s*\S")
WANT = re.compile(r"^\s*#\s*→\s*(.*\S)\s*$")
FENCE = re.compile(r"^(```+|~~~+)\s*(\S*)")


def die(msg):
    print("readme_walk.py: %s" % msg, file=sys.stderr)
    sys.exit(2)


def section(lines, title):
    """(first line number, lines) of the section titled TITLE."""
    start = None
    for n, line in enumerate(lines):
        if start is None:
            if line.rstrip() == "## " + title:
                start = n + 1
        elif line.startswith("## "):
            return start, lines[start:n]
    if start is None:
        die('no section "## %s"' % title)
    return start, lines[start:]


def blocks(first, lines):
    """Yields (line number of the fence, info word, marker or None, body
    lines as (line number, text))."""
    marker = None
    n = 0
    while n < len(lines):
        line = lines[n]
        m = FENCE.match(line)
        if m is None:
            mm = MARK.match(line)
            if mm is not None:
                marker = (first + n + 1, mm.group(1))
            elif line.strip() != "":
                marker = None
            n += 1
            continue
        fence, info = m.group(1), m.group(2)
        at = first + n + 1
        body = []
        n += 1
        while n < len(lines) and not lines[n].startswith(fence):
            body.append((first + n + 1, lines[n]))
            n += 1
        if n == len(lines):
            die("line %d: the block is not closed" % at)
        n += 1
        yield at, info, marker, body
        marker = None


def complete(text):
    """Whether bash reads TEXT as whole commands."""
    if text.rstrip().endswith("\\"):
        return False
    r = subprocess.run(["bash", "-n"], input=text.encode(),
                       capture_output=True)
    return r.returncode == 0


def commands(at, body):
    """Yields (line number, command text, [wanted texts])."""
    cmd = None
    for lineno, line in body:
        if "→" in line and WANT.match(line) is None:
            die("line %d: \"# → TEXT\" goes on a line of its own" % lineno)
        if cmd is not None and cmd[3]:
            # The command is complete: its # → lines, or the next one.
            w = WANT.match(line)
            if w is not None:
                cmd[2].append(w.group(1))
                continue
            if line.lstrip().startswith("#"):
                continue        # its comment goes on
            yield cmd[0], cmd[1], cmd[2]
            cmd = None
        if cmd is None:
            if line.strip() == "" or line.lstrip().startswith("#"):
                if WANT.match(line):
                    die("line %d: \"# →\" follows no command" % lineno)
                continue
            cmd = [lineno, line, [], False]
        else:
            cmd[1] += "\n" + line
        cmd[3] = complete(cmd[1] + "\n")
    if cmd is not None:
        if not cmd[3]:
            die("line %d: the command is not complete at the end of its "
                "block (line %d)" % (cmd[0], at))
        yield cmd[0], cmd[1], cmd[2]


def main():
    if len(sys.argv) < 3:
        die("usage: readme_walk.py README TITLE [SKIP-NAME...]")
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    allowed = set(sys.argv[3:])
    first, sect = section(lines, sys.argv[2])
    out = []
    for at, info, marker, body in blocks(first, sect):
        if info != "sh":
            if marker is not None:
                die("line %d: a marker before a block that is not run"
                    % marker[0])
            continue
        out.append("readme_block %d" % at)
        if marker is not None:
            m = SKIP.match(marker[1])
            if m is None:
                die('line %d: unknown marker "%s" (known: "skip NAME: why")'
                    % (marker[0], marker[1]))
            if m.group(1) not in allowed:
                die('line %d: skip "%s" is not one readme.sh allows (%s)'
                    % (marker[0], m.group(1), " ".join(sorted(allowed))))
            out.append("readme_skip %d %s" % (at, m.group(1)))
            continue
        cmds = list(commands(at, body))
        if not cmds:
            die("line %d: a block with no command" % at)
        for lineno, text, want in cmds:
            if re.match(r"^\s*make\s+run\b", text):
                if len(cmds) != 1 or text.strip() != "make run" or want:
                    die("line %d: \"make run\" must be a block of its own"
                        % lineno)
                out.append("readme_make_run %d" % lineno)
                continue
            out.append("readme_run %d %s%s" % (lineno, shlex.quote(text),
                       "".join(" " + shlex.quote(w) for w in want)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
