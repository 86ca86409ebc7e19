#!/usr/bin/python3
"""deps.py -- the layers of priori's C sources, checked (`make check`).

Every source and header file belongs to one layer (LAYERS below, lowest
first). A file may use its own layer and the layers below it, never one
above; ops/ may use only base, the IR's value types (src/ir.h) and the
accessor API (opapi), never the graph or the loader. "Use" is read two
ways, and both must hold:
  - #include "x.h" lines of every file (the header's file is the module);
  - symbols: each object file's undefined symbols (`nm`) resolved to the
    object that defines them, when the objects are built (--build DIR).
Since no edge points upward, the layers have no import loop: a loop would
need one. A file the table does not place is an error too (place it).

Only cli/ prints or ends the process: a file of a lower layer (the library)
must not name stdout, stderr, stdin, printf, puts, putchar, perror, exit,
_Exit, abort and the like in its code (comments and strings do not count),
nor, once built, need one of those symbols (`nm`). A renderer that writes
to a FILE * its caller passes (fprintf(f, ...), fputs(s, f)) is fine; the
library returns messages in struct pr_err and results in its structs, and
cli/ prints them and maps a status to an exit code.

One JSON layer: only src/json.c parses or prints JSON text (cJSON_Parse*,
cJSON_Print*); every other file reads files and builds documents through
src/json.h (limits, JSON-path messages, a builder that remembers a failed
allocation).

Usage: /usr/bin/python3 tools/deps.py [--build build] [--list]
  --list  prints the layers and which layers each one uses, then checks.
Prints each violation, and "N passed, N failed" last (one check per module
edge); exit 1 on any failure.
"""
import argparse
import collections
import fnmatch
import glob
import os
import re
import subprocess
import sys

# (layer, patterns of files without extension), lowest first. docs/architecture.md explains each.
LAYERS = [
    ("base", ["src/arena", "src/err", "src/names", "src/shape", "src/rfile", "src/atomic",
              "src/dbtxn", "src/testhook", "src/json", "src/text", "src/optable", "src/options"]),
    ("ir", ["src/ir", "src/model", "src/tensor", "src/wire", "src/functions", "src/source",
            "src/pbmem", "src/nodesrc", "src/nesting", "proto/onnx.pb-c"]),
    ("opapi", ["ops/op", "ops/ops", "src/node"]),
    ("ops", ["ops/*"]),
    ("infer", ["src/infer", "src/bind_value", "src/liveness"]),
    ("analysis", ["src/analysis", "src/kvcache"]),
    ("energy", ["src/energy", "src/roofline", "src/db", "src/fit", "src/fit_roof",
                "src/calibrate_roof", "src/codecarbon", "src/llm", "src/sweep"]),
    ("report", ["src/report", "src/report_*"]),
    ("gate", ["src/gate", "src/diff", "src/optval"]),
    ("review", ["src/report_compare", "src/report_diff", "src/report_check", "src/report_review"]),
    ("api", ["src/api", "src/api_*", "include/priori"]),
    ("cli", ["cli/*", "src/cli", "src/cmd_*", "src/main", "src/energy_cli", "src/commands"]),
]
# Layers that may use only these lower layers (default: all lower ones).
ONLY = {"ops": {"base", "opapi", "ops"}}
# Single modules a restricted layer may use besides: the IR's value types.
ALSO = {"ops": {"src/ir"}}
# Upward uses that another change removes; each names what uses what. A
# waiver that no longer matches anything is an error too (delete it).
WAIVERS = {}
DIRS = ["src", "ops", "cli", "include", "proto"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# What only cli/ may use: the standard streams, printing to them, ending the process.
PROCESS = ["stdout", "stderr", "stdin", "printf", "vprintf", "puts", "putchar", "getchar", "perror",
           "exit", "_exit", "_Exit", "quick_exit", "abort"]
PROCESS_WORD = re.compile(r"\b(%s)\b" % "|".join(PROCESS))
PROCESS_SYMS = set(PROCESS) | {"__printf_chk", "__vprintf_chk"}
# JSON text in and out: src/json.c only.
JSON_TEXT = re.compile(r"\b(cJSON_Parse\w*|cJSON_Print\w*)\b")
JSON_MODULE = "src/json"
# C comments, string and character literals (blanked before the scan).
NON_CODE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def layer_of(module):
    """The layer naming the module itself, else the first whose pattern matches."""
    for i, (name, pats) in enumerate(LAYERS):
        if module in pats:
            return i
    for i, (name, pats) in enumerate(LAYERS):
        for p in pats:
            if fnmatch.fnmatchcase(module, p):
                return i
    return None


def module_of(path):
    base, ext = os.path.splitext(path)
    return base if ext in (".c", ".h", ".def") else None


def sources(root):
    files = []
    for d in DIRS:
        for ext in ("c", "h", "def"):
            files += glob.glob(os.path.join(root, d, "*." + ext))
    return sorted(os.path.relpath(f, root) for f in files)


def include_edges(root, files):
    """(from module, to module) -> first 'file includes header' seen."""
    edges = {}
    known = set(files)
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            cands = [os.path.normpath(os.path.join(os.path.dirname(f), inc))]
            cands += [os.path.join(d, inc) for d in DIRS]
            hit = next((c for c in cands if c in known), None)
            if hit is None:
                continue   # a system header, or one outside the tree
            a, b = module_of(f), module_of(hit)
            if a != b:
                edges.setdefault((a, b), "%s includes %s" % (f, hit))
    return edges


def symbol_edges(root, build):
    """(from module, to module) -> 'uses symbol' from the built objects."""
    objs = []
    for d in DIRS:
        objs += glob.glob(os.path.join(root, build, d, "*.o"))
    defs, uses = {}, collections.defaultdict(set)
    for o in objs:
        mod = module_of(os.path.relpath(o, os.path.join(root, build))[:-2] + ".c")
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBCG":
                defs.setdefault(p[2], mod)
            elif len(p) == 2 and p[0] == "U":
                uses[mod].add(p[1])
    edges = {}
    for mod, syms in uses.items():
        for s in sorted(syms):
            d = defs.get(s)
            if d and d != mod:
                edges.setdefault((mod, d), "%s calls %s (%s)" % (mod, s, d))
    return edges, len(objs)


def is_library(module):
    la = layer_of(module)
    return la is not None and LAYERS[la][0] != "cli"


def process_uses(root, files, build):
    """'file:line names X' / 'object needs X' for each library file that prints or exits, and for
    each file but src/json.c that parses or prints JSON text."""
    found = []
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        code = NON_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        for m in JSON_TEXT.finditer(code) if module_of(f) != JSON_MODULE else ():
            line = code.count("\n", 0, m.start()) + 1
            found.append("%s:%d names %s (JSON text goes through src/json.h)" % (f, line, m.group(1)))
        if not is_library(module_of(f)):
            continue
        for m in PROCESS_WORD.finditer(code):
            before = code[:m.start()].rstrip()
            if before.endswith("#include") or before.endswith("format("):   # __attribute__((format(printf, ...)))
                continue
            line = code.count("\n", 0, m.start()) + 1
            found.append("%s:%d names %s" % (f, line, m.group(1)))
    for d in DIRS if build else ():
        for o in sorted(glob.glob(os.path.join(root, build, d, "*.o"))):
            mod = module_of(os.path.relpath(o, os.path.join(root, build))[:-2] + ".c")
            if not is_library(mod):
                continue
            out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                p = line.split()
                if len(p) == 2 and p[0] == "U" and p[1] in PROCESS_SYMS:
                    found.append("%s needs %s" % (os.path.relpath(o, root), p[1]))
    return found


def allowed(la, lb, b):
    if lb > la:
        return False
    name = LAYERS[la][0]
    if name in ONLY:
        return LAYERS[lb][0] in ONLY[name] or b in ALSO.get(name, ())
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--build", default=None, help="build folder whose objects give the symbol uses")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    root = os.path.normpath(args.root)
    files = sources(root)
    passed, failed = 0, 0
    for f in files:
        if layer_of(module_of(f)) is None:
            print("FAIL %s: in no layer; place it in tools/deps.py LAYERS (and docs/architecture.md)" % f)
            failed += 1
    edges = include_edges(root, files)
    nobj = 0
    if args.build:
        sym, nobj = symbol_edges(root, args.build)
        for k, v in sym.items():
            edges.setdefault(k, v)
        if nobj == 0:
            print("FAIL no object files under %s/: build first (make)" % args.build)
            failed += 1
    used = set()
    between = collections.defaultdict(set)
    for (a, b), why in sorted(edges.items()):
        la, lb = layer_of(a), layer_of(b)
        if la is None or lb is None:
            continue
        if la != lb:
            between[LAYERS[la][0]].add(LAYERS[lb][0])
        if allowed(la, lb, b):
            passed += 1
        elif (a, b) in WAIVERS:
            used.add((a, b))
            passed += 1
        else:
            print("FAIL %s: layer %s uses layer %s, %s" %
                  (why, LAYERS[la][0], LAYERS[lb][0], "which is above it" if lb > la else "which it may not see"))
            failed += 1
    uses = process_uses(root, files, args.build)
    for u in uses:
        print("FAIL %s" % u if "JSON" in u else
              "FAIL %s: only cli/ prints to the standard streams or ends the process; return the message "
              "(struct pr_err) or the result, or write to a FILE * the caller passes" % u)
    failed += len(uses)
    passed += not uses
    for w in sorted(set(WAIVERS) - used if nobj else ()):   # symbol edges need the objects
        print("FAIL waiver %s -> %s no longer needed: delete it from tools/deps.py WAIVERS" % w)
        failed += 1
    if args.list:
        for i, (name, _) in enumerate(LAYERS):
            print("%d %-9s uses %s" % (i, name, " ".join(n for n, _ in LAYERS if n in between[name]) or "-"))
        for (a, b) in sorted(used):
            print("waived: %s -> %s (%s)" % (a, b, WAIVERS[(a, b)]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
