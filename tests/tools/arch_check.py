#!/usr/bin/env python3
"""arch_check: the architecture rules of docs/design.md, checked on the tree
and on the objects of a build.

    arch_check.py TOP BUILD

TOP is the source tree, BUILD the build directory whose obj/ holds the
objects of the plain build.  Prints one line per breach and exits 1 if
there is any, else prints the figures and exits 0:

  size      no source file in lib/, daemon/, tools/, include/, tests/ or
            bench/ is over 1,000 lines;
  circles   no two source files call each other, directly or round a
            longer loop (from the symbols each object defines and uses,
            read with nm);
  aliases   no macro renames a function ("#define refuse api_refuse");
  types     include/custos/entry_type.h and the table of entry types in
            docs/log.md name the same set, and no file in lib/, daemon/
            or tools/ spells an entry type as a string literal;
  handlers  a route handler's header in daemon/api/ is included by the
            router and its own file only.
The size rule also covers tests/ and bench/ (corpora and data aside).
"""
import os
import re
import subprocess
import sys

MAX_LINES = 1000
SRC_DIRS = ('lib', 'daemon', 'tools', 'include')
SIZE_DIRS = SRC_DIRS + ('tests', 'bench')
SIZE_EXTS = ('.c', '.h', '.sh', '.py', '.go')


def sources(top, exts=('.c', '.h'), dirs=SRC_DIRS):
    for d in dirs:
        for root, subdirs, files in os.walk(os.path.join(top, d)):
            # npm's installed packages (not ours, not in git)
            subdirs[:] = [s for s in subdirs if s != 'node_modules']
            for f in sorted(files):
                if f.endswith(exts):
                    p = os.path.join(root, f)
                    yield os.path.relpath(p, top), p


def check_size(top):
    bad, largest = [], ('', 0)
    for rel, p in sources(top, SIZE_EXTS, SIZE_DIRS):
        if '/corpus/' in rel or '/data/' in rel:
            continue
        with open(p, encoding='utf-8') as fh:
            n = sum(1 for _ in fh)
        if n > MAX_LINES:
            bad.append('size: %s has %d lines (at most %d)' %
                       (rel, n, MAX_LINES))
        if n > largest[1]:
            largest = (rel, n)
    return bad, 'largest file %s, %d lines' % largest


def symbol_graph(top, build):
    """Edges object -> object for every undefined symbol the second one
    defines; nodes are named by their source file.  Objects whose source
    is gone (a build directory older than the tree) are left out."""
    objdir = os.path.join(build, 'obj')
    objs = []
    for d in ('lib', 'daemon', 'tools'):
        for root, _, files in os.walk(os.path.join(objdir, d)):
            for f in files:
                o = os.path.join(root, f)
                src = os.path.relpath(o, objdir)[:-2] + '.c'
                if f.endswith('.o') and os.path.exists(os.path.join(top, src)):
                    objs.append(o)
    if not objs:
        raise SystemExit('arch_check: no objects under %s' % objdir)
    defs, uses = {}, {}
    for o in objs:
        src = os.path.relpath(o, objdir)[:-2] + '.c'
        out = subprocess.run(['nm', o], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in 'TDBR':
                defs.setdefault(f[2], set()).add(src)
            elif len(f) == 2 and f[0] == 'U':
                uses.setdefault(src, set()).add(f[1])
    graph = {s: set() for s in uses}
    for s, names in uses.items():
        for n in names:
            graph[s] |= defs.get(n, set()) - {s}
    return graph, len(objs)


def strong_components(graph):
    """Tarjan's algorithm, iterative: the components with more than one
    node are the circles."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def check_circles(top, build):
    graph, nobj = symbol_graph(top, build)
    bad = ['circles: %s call each other' % ' <-> '.join(c)
           for c in strong_components(graph)]
    return bad, '%d objects, %d circles' % (nobj, len(bad))


ALIAS = re.compile(r'^\s*#\s*define\s+([a-z_][a-z0-9_]*)\s+'
                   r'([a-z_][a-z0-9_]*)\s*$')


def check_aliases(top):
    bad = []
    for rel, p in sources(top):
        with open(p, encoding='utf-8') as fh:
            for i, line in enumerate(fh, 1):
                m = ALIAS.match(line)
                if m:
                    bad.append('aliases: %s:%d renames %s as %s' %
                               (rel, i, m.group(2), m.group(1)))
    return bad, 'no macro aliases' if not bad else ''


def check_types(top):
    bad = []
    with open(os.path.join(top, 'include/custos/entry_type.h'),
              encoding='utf-8') as fh:
        header = set(re.findall(r'^#define\s+ENTRY_[A-Z_]+\s+"([a-z_.]+)"',
                                fh.read(), re.M))
    with open(os.path.join(top, 'docs/log.md'), encoding='utf-8') as fh:
        text = fh.read()
    m = re.search(r'^\| entry type \|.*\n\| ---.*\n((?:\|.*\n)+)', text, re.M)
    if not m:
        return ['types: docs/log.md has no table of entry types'], ''
    docs = set(re.findall(r'^\| `([a-z_.]+)` \|', m.group(1), re.M))
    for t in sorted(header - docs):
        bad.append('types: %s is in entry_type.h, not in docs/log.md' % t)
    for t in sorted(docs - header):
        bad.append('types: %s is in docs/log.md, not in entry_type.h' % t)
    lit = re.compile(r'"(%s)"' % '|'.join(re.escape(t) for t in header))
    for rel, p in sources(top):
        if rel == os.path.join('include', 'custos', 'entry_type.h'):
            continue
        with open(p, encoding='utf-8') as fh:
            for i, line in enumerate(fh, 1):
                for t in lit.findall(line):
                    bad.append('types: %s:%d spells "%s"; use its '
                               'constant from custos/entry_type.h' %
                               (rel, i, t))
    return bad, '%d entry types, header and docs agree' % len(header)


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_handlers(top):
    """In daemon/api/, a header that declares route handlers (functions of
    route.h's route_handler type, or chain_step routes) is included only
    by the router and by its own .c file."""
    api = os.path.join(top, 'daemon', 'api')
    names = sorted(f for f in os.listdir(api) if f.endswith('.h'))
    handlers = []
    for h in names:
        with open(os.path.join(api, h), encoding='utf-8') as fh:
            text = fh.read()
            # Handlers are declared "route_handler name;" (route.h) or,
            # for steps on an inspection, as a chain_step (chain.h).
            if h not in ('route.h', 'chain.h') and (
                    'const struct route_env *' in text or
                    re.search(r'^(route_handler|extern const struct '
                              r'chain_step)\s', text, re.M)):
                handlers.append(h)
    bad = []
    for rel, p in sources(top, ('.c', '.h'), SRC_DIRS + ('tests',)):
        with open(p, encoding='utf-8') as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            h = os.path.basename(inc)
            if h not in handlers:
                continue
            d = os.path.dirname(inc)
            here = os.path.dirname(rel)
            target = os.path.normpath(inc if d else os.path.join(here, inc))
            if target != os.path.join('daemon', 'api', h):
                continue
            own = rel == os.path.join('daemon', 'api', h[:-2] + '.c')
            if rel != os.path.join('daemon', 'api', 'router.c') and not own:
                bad.append('handlers: %s includes the handler header %s; '
                           'only the router may' % (rel, target))
    return bad, '%d handler headers, included by the router only' % \
        len(handlers)


def main():
    if len(sys.argv) != 3:
        print('usage: arch_check.py TOP BUILD', file=sys.stderr)
        return 2
    top, build = sys.argv[1], sys.argv[2]
    failed = False
    for check in (lambda: check_size(top), lambda: check_circles(top, build),
                  lambda: check_aliases(top), lambda: check_types(top),
                  lambda: check_handlers(top)):
        bad, figure = check()
        for b in bad:
            print(b)
        failed = failed or bool(bad)
        if not bad:
            print('ok:', figure)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
