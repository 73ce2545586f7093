#!/usr/bin/env python3
"""layout.py - which files of a directory import each other.

usage: layout.py DIR...   (DIR: a build directory of object files, such as
build/server)

A file imports another when its object file uses a symbol the other
defines (nm).  Prints one line per pair of files that import each other,
"a.o <-> b.o: what a uses of b | what b uses of a", then one line per
longer circle, "DIR: circle a.o -> b.o -> c.o"; exits 1 when there is a
circle of any length.
"""
import collections
import glob
import os
import subprocess
import sys


def graph(objs):
    defs, uses = {}, collections.defaultdict(set)
    for o in objs:
        out = subprocess.run(["nm", "-g", o], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == "U":
                uses[o].add(f[1])
            elif len(f) == 3 and f[1] in "TDBRCV":
                defs[f[2]] = o
    g = collections.defaultdict(dict)
    for o in objs:
        for s in sorted(uses[o]):
            if s in defs and defs[s] != o:
                g[o].setdefault(defs[s], []).append(s)
    return g


def circles(g, nodes):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = []
            while True:
                w = stack.pop()
                on.discard(w)
                c.append(w)
                if w == v:
                    break
            if len(c) > 2:
                out.append(sorted(c))

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main():
    bad = 0
    for d in sys.argv[1:]:
        objs = sorted(glob.glob(os.path.join(d, "*.o")))
        g = graph(objs)
        b = os.path.basename
        for a in objs:
            for c in sorted(g[a]):
                if a < c and a in g[c]:
                    bad += 1
                    print("%s <-> %s: %s | %s" % (
                        b(a), b(c), ", ".join(g[a][c][:4]),
                        ", ".join(g[c][a][:4])))
        for c in circles(g, objs):
            bad += 1
            print("%s: circle %s" % (d, " -> ".join(map(b, c))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
