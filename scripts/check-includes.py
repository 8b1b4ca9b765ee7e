#!/usr/bin/env python3
"""Checks lib/'s layering against lib/DEPS; exits 1 naming every breach.

    python3 scripts/check-includes.py [--lib DIR] [--objects DIR]

Reads every #include of lib/**/*.c and *.h and fails when:
  - a folder includes a folder that lib/DEPS does not allow it;
  - a file includes another folder's private header (DEPS "private:");
  - storage/ or cache/ include a public header beyond their plug-in interface;
  - an include names no file of lib/ (nor a system or <erp/...> header);
  - headers include each other in a cycle, or DEPS allows a cycle of folders;
  - a file sits at the top of lib/ that DEPS "top:" does not name.
With --objects BUILD_DIR (a build tree), it also reads the symbols of the
library's object files (nm) and fails on a cycle of calls between files;
the table of modules (lib/modules.c) is where the core reaches the domains
by design, so references to it are not edges.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
PLUGIN_PUBLIC = ("erp/sys/", "erp/buf.h", "erp/errors.h", "erp/context.h", "erp/store.h")
TABLE_SYMBOL = "erp__modules"


def read_deps(path):
    allowed, private, top, order = {}, set(), set(), []
    for n, raw in enumerate(open(path), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, rest = line.partition(":")
        if not sep:
            sys.exit(f"{path}:{n}: expected 'name: values'")
        key, values = key.strip(), rest.split()
        if key == "private":
            private.update(values)
        elif key == "top":
            top.update(values)
        else:
            allowed[key] = set(values)
            order.append(key)
    return allowed, private, top, order


def folder_of(rel):
    """'ledger' for ledger/ledger_post.c, '' for the top level."""
    return rel.split("/", 1)[0] if "/" in rel else ""


def find_cycle(graph):
    """One cycle of `graph` as a list of nodes, or None."""
    state, stack = {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


def check_includes(lib, allowed, private, top, order):
    errors = []
    for a in order:
        for b in allowed[a]:
            if b not in allowed:
                errors.append(f"lib/DEPS: {a} may include '{b}', which is no folder of DEPS")
    cycle = find_cycle(allowed)
    if cycle:
        errors.append("lib/DEPS: folders allowed in a cycle: " + " -> ".join(cycle))

    header_graph = collections.defaultdict(set)
    for d, dirs, files in os.walk(lib):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(d, f)
            rel = os.path.relpath(path, lib)
            own = folder_of(rel)
            if own == "":
                if f not in top:
                    errors.append(f"lib/{rel}: a file at the top of lib/ that lib/DEPS 'top:' does not name "
                                  "(put it in its domain's folder)")
                if not f.endswith((".c", ".h")):
                    continue
            elif not f.endswith((".c", ".h")):
                continue
            elif own not in allowed:
                errors.append(f"lib/{rel}: folder '{own}' is not in lib/DEPS")
                continue
            text = open(path, encoding="utf-8", errors="replace").read()
            for m in INCLUDE.finditer(text):
                kind, name = m.groups()
                line = text.count("\n", 0, m.start()) + 1
                where = f"lib/{rel}:{line}"
                if kind == "<":
                    if name.startswith("erp/") and own in ("storage", "cache") and not name.startswith(PLUGIN_PUBLIC):
                        errors.append(f"{where}: includes <{name}>, but {own}/ sees only the plug-in interface "
                                      f"({', '.join(PLUGIN_PUBLIC)})")
                    continue
                candidates = [os.path.normpath(os.path.join(d, name)), os.path.normpath(os.path.join(lib, name))]
                target = next((c for c in candidates if os.path.isfile(c)), None)
                if target is None:
                    errors.append(f'{where}: includes "{name}", which is no file of lib/')
                    continue
                trel = os.path.relpath(target, lib)
                if trel.startswith(".."):
                    errors.append(f'{where}: includes "{name}", outside lib/')
                    continue
                theirs = folder_of(trel)
                if trel.endswith(".h"):
                    header_graph[rel].add(trel)
                if own == "" or theirs == own:
                    continue
                if theirs == "" or theirs not in allowed[own]:
                    may = " ".join(sorted(allowed[own])) or "nothing"
                    errors.append(f'{where}: includes "{name}" ({theirs or "top"}/), but {own}/ may include only: {may} '
                                  "(lib/DEPS)")
                elif trel in private:
                    errors.append(f'{where}: includes "{name}", private to {theirs}/ (lib/DEPS); use its port or hooks')
    cycle = find_cycle(header_graph)
    if cycle:
        errors.append("headers include each other in a cycle: " + " -> ".join("lib/" + c for c in cycle))
    return errors


def check_calls(lib, build):
    objdir = os.path.join(build, "CMakeFiles", "erp_objects.dir", "lib")
    if not os.path.isdir(objdir):
        return [f"{objdir}: no object files (build the library first)"]
    defined, used = {}, collections.defaultdict(set)
    for d, _, files in os.walk(objdir):
        for f in files:
            if not f.endswith(".c.o"):
                continue
            obj = os.path.join(d, f)
            src = os.path.relpath(obj, objdir)[:-2]
            if not os.path.isfile(os.path.join(lib, src)):
                continue  # an object left by a file since moved or removed
            out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[1] in "TDBR":
                    defined[parts[2]] = src
                elif len(parts) == 2 and parts[0] == "U":
                    used[src].add(parts[1])
    graph = collections.defaultdict(set)
    for src, symbols in used.items():
        for s in symbols:
            if s != TABLE_SYMBOL and s in defined and defined[s] != src:
                graph[src].add(defined[s])
    cycle = find_cycle(graph)
    return ["files call each other in a cycle: " + " -> ".join("lib/" + c for c in cycle)] if cycle else []


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lib", default=os.path.join(root, "lib"), help="the lib/ folder (default: this checkout's)")
    ap.add_argument("--objects", metavar="BUILD_DIR", help="also check calls between the built object files")
    args = ap.parse_args()
    allowed, private, top, order = read_deps(os.path.join(args.lib, "DEPS"))
    errors = check_includes(args.lib, allowed, private, top, order)
    if args.objects:
        errors += check_calls(args.lib, args.objects)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check-includes: {len(errors)} breach(es) of lib/DEPS", file=sys.stderr)
        return 1
    print(f"check-includes: lib/ keeps to lib/DEPS ({len(order)} folders)" + (", no call cycle" if args.objects else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
