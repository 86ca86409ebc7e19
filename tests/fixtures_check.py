#!/usr/bin/python3
"""fixtures_check.py -- priori against the fixtures' closed-form expectations.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/fixtures_check.py
           [--no-regen] [-v] [CASE_ID ...]

For every case of fixtures/expected_counts.json (written by
fixtures/make_fixtures.py, which computes each number from the counting
contract, independently of priori) this runs

    $PRIORI analyze MODEL FLAGS --format json

and checks:
  - the exit code (0, or 3 for the hostile files of fixtures/bad/);
  - for exit 0: the report parses, has schema priori.report/1, every count
    is an exact integer; the totals, the graph outputs' shapes, and per
    layer (matched by name) the MACs, FLOPs, params, output shape and
    status given in the case; the layer order when pinned; counts per op
    type; the unsupported-op list; the warnings expected (all substrings of
    one entry in one warning), the warnings that must not appear, and no
    warning at all for clean models;
  - for exit 3: one line on stderr, "priori: FILE: ...", containing the
    strings the case names (the node at fault, ...), no report on stdout
    when the model must be refused before analysis, and never the content
    of a file outside the model's folder;
  - unless --no-regen: re-running the generator into a temporary folder
    gives byte-identical fixtures (they are deterministic and up to date).

Prints one line per failed check and, last, "N passed, N failed";
exits 1 on any failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTED = os.path.join(ROOT, "fixtures", "expected_counts.json")
GENERATOR = os.path.join(ROOT, "fixtures", "make_fixtures.py")
TOTAL_KEYS = ("nodes", "params", "macs", "flops", "weight_bytes",
              "activation_bytes", "peak_activation_bytes", "bytes_read",
              "bytes_written")


class Checker:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, ok, case, what):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"ok   {case}: {what}")
        else:
            self.failed += 1
            print(f"FAIL {case}: {what}")
        return ok

    def eq(self, case, what, expected, actual):
        return self.check(same(expected, actual), case,
                          f"{what}: expected {expected!r}, got {actual!r}")


def same(e, a):
    """Equal, with integers required to be integers (not 1.0, not True)."""
    if isinstance(e, bool) or isinstance(a, bool):
        return e is a
    if isinstance(e, int):
        return isinstance(a, int) and e == a
    if isinstance(e, (list, tuple)):
        return (isinstance(a, (list, tuple)) and len(e) == len(a)
                and all(same(x, y) for x, y in zip(e, a)))
    if isinstance(e, dict):
        return (isinstance(a, dict) and e.keys() == a.keys()
                and all(same(e[k], a[k]) for k in e))
    return e == a


def is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def run_priori(priori, model, flags):
    cmd = [priori, "analyze", model] + list(flags) + ["--format", "json"]
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after 120 s", cmd
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"), cmd)


def check_error_case(ck, case, rc, out, err):
    cid = case["id"]
    lines = [L for L in err.splitlines() if L.strip()]
    ck.check(len(lines) == 1, cid,
             f"one line on stderr (got {len(lines)}: {err.strip()[:300]!r})")
    last = lines[-1] if lines else ""
    ck.check(last.startswith("priori: "), cid,
             f"stderr line starts with 'priori: ' (got {last[:200]!r})")
    ck.check(os.path.basename(case["model"]) in last, cid,
             f"stderr names the file (got {last[:200]!r})")
    for s in case.get("stderr_contains", []):
        ck.check(s in last, cid, f"stderr mentions {s!r} (got {last[:200]!r})")
    if case.get("stage") in ("load", "graph"):
        ck.check(out.strip() == "", cid,
                 f"no report on stdout for a model refused before analysis "
                 f"(got {out[:120]!r})")
    ck.check("root:" not in out + err, cid,
             "output does not contain /etc/passwd's content")


def find_layers(report):
    by_name = {}
    for L in report.get("layers") or []:
        by_name.setdefault(L.get("name"), L)
    return by_name


def check_report(ck, case, report):
    cid = case["id"]
    ck.eq(cid, "schema", "priori.report/1", report.get("schema"))
    totals = report.get("totals")
    if not ck.check(isinstance(totals, dict), cid, "report has totals"):
        return
    for k in TOTAL_KEYS:
        ck.check(is_count(totals.get(k)), cid,
                 f"totals.{k} is an exact non-negative integer "
                 f"(got {totals.get(k)!r})")
    for k, v in case.get("totals", {}).items():
        if k.endswith("_formula"):
            continue
        f = case["totals"].get(k + "_formula", "")
        ck.eq(cid, f"totals.{k} [{f[:160]}]" if f else f"totals.{k}", v,
              totals.get(k))

    # graph outputs
    outs = {o.get("name"): o for o in report.get("outputs") or []}
    for o in case.get("outputs", []):
        got = outs.get(o["name"])
        if ck.check(got is not None, cid, f"output {o['name']!r} reported"):
            ck.eq(cid, f"output {o['name']!r} shape", o["shape"],
                  got.get("shape"))

    # layers
    layers = report.get("layers") or []
    by_name = find_layers(report)
    for L in layers:
        for k in ("macs", "flops", "params"):
            if not is_count(L.get(k)):
                ck.check(False, cid, f"layer {L.get('name')!r}: {k} is an "
                         f"exact integer (got {L.get(k)!r})")
    for want in case.get("layers", []):
        name = want["name"]
        got = by_name.get(name)
        if not ck.check(got is not None, cid, f"layer {name!r} reported"):
            continue
        ck.eq(cid, f"layer {name!r} op_type", want["op_type"],
              got.get("op_type"))
        for k in ("macs", "flops", "params"):
            if k in want:
                f = want.get(k + "_formula", "")
                ck.eq(cid, f"layer {name!r} {k} [{f}]", want[k], got.get(k))
        if "shape" in want:
            o = (got.get("outputs") or [{}])[0]
            ck.eq(cid, f"layer {name!r} output shape", want["shape"],
                  o.get("shape"))
        if "status" in want:
            ck.eq(cid, f"layer {name!r} status", want["status"],
                  got.get("status"))
    if "layer_order" in case:
        ck.eq(cid, "layer order (execution order)", case["layer_order"],
              [L.get("name") for L in layers])
    if case.get("all_ok"):
        bad = [(L.get("name"), L.get("status")) for L in layers
               if L.get("status") != "ok"]
        ck.check(not bad, cid, f"every layer has status ok (not: {bad[:8]})")
        ck.check(not report.get("unsupported"), cid,
                 f"no unsupported op (got {report.get('unsupported')})")
        if "warnings_contain" not in case:
            ck.check(not report.get("warnings"), cid,
                     f"no warning on a clean model (got "
                     f"{report.get('warnings')})")

    # per op type: params sum to the totals (a shared weight counts once,
    # in the op type of its first reader), every share within [0, 1]
    ops = report.get("by_op_type") or []
    ck.eq(cid, "by_op_type params sum = totals.params", (report.get("totals") or {}).get("params"),
          sum(e.get("params") or 0 for e in ops))
    for e in ops:
        for key in ("share_macs", "share_flops", "share_params"):
            ck.check(0 <= (e.get(key) or 0) <= 1, cid, f"{e.get('op_type')} {key} {e.get(key)} within [0, 1]")
    if "by_op_type" in case:
        got = {}
        for e in report.get("by_op_type") or []:
            got[e.get("op_type")] = got.get(e.get("op_type"), 0) + \
                (e.get("count") or 0)
        ck.eq(cid, "by_op_type counts", case["by_op_type"], got)

    # unsupported ops
    if "unsupported" in case:
        norm = lambda lst: sorted(
            (u.get("domain"), u.get("op_type"), u.get("count"),
             tuple(sorted(u.get("nodes") or []))) for u in lst)
        ck.eq(cid, "unsupported list", norm(case["unsupported"]),
              norm(report.get("unsupported") or []))

    # warnings
    warnings = [w if isinstance(w, str) else json.dumps(w)
                for w in report.get("warnings") or []]
    for subs in case.get("warnings_contain", []):
        hit = any(all(s in w for s in subs) for w in warnings)
        ck.check(hit, cid, f"a warning mentions all of {subs} "
                           f"(warnings: {warnings[:5]})")
    for s in case.get("warnings_absent", []):
        ck.check(not any(s in w for w in warnings), cid,
                 f"no warning mentions {s!r} (warnings: {warnings[:5]})")


def check_regen(ck):
    """The generator is deterministic and the committed fixtures current."""
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([sys.executable, GENERATOR, "--out", tmp,
                            "--no-verify"], capture_output=True)
        if not ck.check(p.returncode == 0, "generator",
                        f"make_fixtures.py runs "
                        f"({p.stderr.decode()[-300:]!r})"):
            return
        stale = []
        for dirpath, _, files in os.walk(tmp):
            for f in files:
                new = os.path.join(dirpath, f)
                rel = os.path.relpath(new, tmp)
                old = os.path.join(ROOT, "fixtures", rel)
                with open(new, "rb") as a:
                    data = a.read()
                try:
                    with open(old, "rb") as b:
                        same = b.read() == data
                except OSError:
                    same = False
                if not same:
                    stale.append(rel)
        ck.check(not stale, "generator",
                 f"fixtures match a fresh run of make_fixtures.py "
                 f"(differ: {sorted(stale)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*", help="case ids to run (default all)")
    ap.add_argument("--no-regen", action="store_true",
                    help="skip the generator determinism check")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    priori = os.environ.get("PRIORI", "build/priori")
    if not os.path.isabs(priori):
        priori = os.path.join(ROOT, priori)
    ck = Checker(args.verbose)
    with open(EXPECTED) as f:
        doc = json.load(f)
    if not args.no_regen and not args.cases:
        check_regen(ck)
    for case in doc["cases"]:
        cid = case["id"]
        if args.cases and cid not in args.cases:
            continue
        rc, out, err, cmd = run_priori(priori, case["model"], case["flags"])
        if not ck.check(rc is not None and rc >= 0, cid,
                        f"{' '.join(cmd[1:])} ran without crashing "
                        f"(rc {rc}, stderr {err.strip()[-300:]!r})"):
            continue
        if not ck.eq(cid, f"exit code of {' '.join(cmd[1:])} "
                          f"(stderr {err.strip()[-200:]!r})",
                     case["exit"], rc):
            continue
        if case["exit"] != 0:
            check_error_case(ck, case, rc, out, err)
            continue
        try:
            report = json.loads(out)
        except ValueError as e:
            ck.check(False, cid, f"stdout is JSON ({e}; {out[:120]!r})")
            continue
        check_report(ck, case, report)
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
