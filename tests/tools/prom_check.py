#!/usr/bin/python3
"""Checks a Prometheus text exposition (format 0.0.4) read from stdin with
the Prometheus client library's own parser, and prints the samples asked
for.

usage: prom_check.py [SAMPLE ...]

SAMPLE is a name, or name{label="value",...}.  Every family must have a
HELP text and a TYPE other than untyped; a parse error or a family without
them exits 1.  Then each SAMPLE's value is printed on a line of its own
(as an integer when it is one), or "absent".
"""
import re
import sys

from prometheus_client.parser import text_string_to_metric_families


def parse_want(s):
    m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?', s)
    if m is None:
        sys.exit('prom_check: bad sample %r' % s)
    labels = {}
    if m.group(2):
        for k, v in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"',
                               m.group(2)):
            labels[k] = v
    return m.group(1), labels


def main():
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others
        print('prom_check: parse error: %s' % e, file=sys.stderr)
        return 1
    samples = {}
    bad = 0
    for f in families:
        if not f.documentation or f.type in ('unknown', 'untyped'):
            print('prom_check: %s: no HELP or TYPE' % f.name,
                  file=sys.stderr)
            bad += 1
        for s in f.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    if bad:
        return 1
    for w in sys.argv[1:]:
        name, labels = parse_want(w)
        v = samples.get((name, tuple(sorted(labels.items()))))
        if v is None:
            print('absent')
        elif v == int(v):
            print(int(v))
        else:
            print(v)
    return 0


if __name__ == '__main__':
    sys.exit(main())
