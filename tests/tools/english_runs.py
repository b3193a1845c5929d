#!/usr/bin/env python3
"""english_runs: the runs of English words left in a report meant to be
read in Chinese (custos-verify's text or HTML report made with --lang zh).

    english_runs.py [--allow WORD]... FILE...

A FILE ending in .html (or .htm, or .dom) is read as HTML: only its text
counts (tags, attributes, <style> and <script> bodies aside).  What is
not English prose is taken out first:
  - certificate names (CN=..., O=..., up to the next non-ASCII character),
  - a code alone in brackets, [unreviewed_device], (not_media),
    （not_media）, or alone on its line (an HTML cell of the code under its
    label),
  - custos-verify and the verb after it (custos-verify bundle),
  - a token (a run of ASCII letters, digits and . _ - + / : @ = ~) that
    holds a digit (hashes, times, IDs, versions), a '/' (paths, names of
    stations), starts with '-' (command-line options) or ends in a file
    name's extension (note.txt, .mp4),
  - the names of the allow-list: custosd, custos-verify, sha256, RFC,
    MANIFEST.json, station.vkey, checkpoint (files of a bundle), USB, TSA,
    UTC (and each --allow WORD).
What remains is cut into runs of tokens with a letter in them; a run that
holds an ASCII word of 3 or more letters is printed, one a line, with its
file and line number.  Exits 1 if any run is printed, 0 if none, 2 on a
usage error.
"""
import re
import sys
from html.parser import HTMLParser

ALLOW = {"custosd", "custos-verify", "sha256", "RFC", "MANIFEST.json",
         "station.vkey", "checkpoint", "USB", "TSA", "UTC"}

DN = re.compile(r"\b(?:CN|OU|O|C|L|ST|emailAddress)=[ -~]*")
CODE = re.compile(r"\[[a-z0-9_.]+\]|\([a-z0-9_.]+\)|（[a-z0-9_.]+）|"
                  r"^\s*[a-z0-9]+(?:[_.][a-z0-9]+)+\s*$")
VERB = re.compile(r"\bcustos-verify [a-z]+")
FILE = re.compile(r"\.(txt|mp4|mov|mkv|avi|ts|m4a|wav|mp3|jpe?g|png|pdf|"
                  r"json|tsr|vkey|html?|csv|md)$", re.I)
TOKEN = re.compile(r"[A-Za-z0-9_.+\-/:@=~']+")
WORD = re.compile(r"[A-Za-z]{3,}")


class Text(HTMLParser):
    """The text of an HTML page, line by line as the source has it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "td", "th", "h1",
                     "h2", "h3", "section", "table"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self.skip > 0:
            self.skip -= 1
        elif tag in ("td", "th", "span", "dd", "dt", "p", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def ignored(tok, allow):
    t = tok.strip(".:'=+~@")
    return (t in allow or any(ch.isdigit() for ch in t) or "/" in t or
            t.startswith("-") or FILE.search(tok) is not None or
            not re.search("[A-Za-z]", t))


def runs(line, allow):
    """The English runs of one line of text."""
    line = DN.sub(" ", line)
    line = VERB.sub(" ", line)
    line = CODE.sub(" ", line)
    found, cur, last = [], [], None
    for m in TOKEN.finditer(line):
        tok = m.group(0)
        if ignored(tok, allow):
            gap = True
        else:
            # Tokens separated by ASCII only (spaces, commas) are one run.
            gap = last is not None and \
                not all(ord(c) < 128 for c in line[last:m.start()])
        if gap and cur:
            found.append(cur)
            cur = []
        if not ignored(tok, allow):
            cur.append(tok)
        last = m.end()
    if cur:
        found.append(cur)
    return [" ".join(r) for r in found
            if any(WORD.search(t) for t in r)]


def main(argv):
    allow, files = set(ALLOW), []
    i = 1
    while i < len(argv):
        if argv[i] == "--allow" and i + 1 < len(argv):
            allow.add(argv[i + 1])
            i += 2
        elif argv[i].startswith("-"):
            print(__doc__.strip().splitlines()[2], file=sys.stderr)
            return 2
        else:
            files.append(argv[i])
            i += 1
    if not files:
        print("usage: english_runs.py [--allow WORD]... FILE...",
              file=sys.stderr)
        return 2
    n = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if re.search(r"\.(html?|dom)$", path):
            p = Text()
            p.feed(text)
            p.close()
            text = "".join(p.parts)
        for no, line in enumerate(text.splitlines(), 1):
            for r in runs(line, allow):
                print(f"{path}:{no}: {r}\t<- {line.strip()[:160]}")
                n += 1
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
