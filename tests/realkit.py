"""realkit.py -- helpers shared by tests/real_functions.py, real_standard.py,
real_ml.py, real_legacy.py, real_dynamo.py, real_ortopt.py, real_opsets.py
and real_contrib.py (not a test itself: check.sh runs tests/real_*.py).

check(ok, what) counts a result and prints "FAIL what" (with -v also "ok");
summary() prints "N passed, N failed" and gives the exit status;
analyse() runs `priori analyze --format json` and checks its exit;
refused() checks that a model is refused with exit 3 and a given message;
ort_shapes() writes the models for tools/ort_expected.sh or reads its shapes.
"""
import json
import os
import subprocess
import sys
import time

import onnx

from onnx import TensorProto as T
from onnx import helper as h

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIORI = os.environ.get("PRIORI", os.path.join(ROOT, "build", "priori"))
VERBOSE = "-v" in sys.argv
_counts = {"passed": 0, "failed": 0}


def check(ok, what):
    _counts["passed" if ok else "failed"] += 1
    if not ok:
        print("FAIL", what)
    elif VERBOSE:
        print("ok", what)


def summary():
    print("%d passed, %d failed" % (_counts["passed"], _counts["failed"]))
    return 1 if _counts["failed"] else 0


def vi(name, shape, t=T.FLOAT):
    return h.make_tensor_value_info(name, t, shape)


def analyse(case, path, *args):
    """priori's JSON report of path, None (after a failed check) when it exits non-zero."""
    r = subprocess.run([PRIORI, "analyze", "-q", "--format", "json", path, *args], capture_output=True, text=True)
    check(r.returncode == 0, "%s: exit %d %s" % (case, r.returncode, r.stderr.strip()[:300]))
    return json.loads(r.stdout) if r.returncode == 0 else None


def refused(case, path, *texts, seconds=30):
    """priori must refuse path: exit 3 within seconds, no report, every text in its message."""
    t0 = time.time()
    r = subprocess.run([PRIORI, "analyze", "--format", "json", path], capture_output=True, text=True)
    dt = time.time() - t0
    check(r.returncode == 3 and all(t in r.stderr for t in texts) and r.stdout == "" and dt < seconds,
          "%s: exit %d in %.1f s, message %r, want %r" % (case, r.returncode, dt, r.stderr.strip(), texts))


def ort_shapes(models, shapes, skip=(), prepare=None):
    """The onnxruntime side of a test of single-node models. With --write DIR
    (tools/ort_expected.sh) saves each model of {name: (model, ...)} not in
    skip as DIR/name.onnx (through prepare when given) and exits; otherwise
    returns the shapes onnxruntime computed, read from the JSON file shapes."""
    if "--write" in sys.argv:
        d = sys.argv[sys.argv.index("--write") + 1]
        os.makedirs(d, exist_ok=True)
        for name, (m, *_) in models.items():
            if name not in skip:
                onnx.save(prepare(m) if prepare else m, os.path.join(d, name + ".onnx"))
        sys.exit(0)
    with open(shapes) as f:
        return json.load(f)


def reports(models, out):
    """Saves each model of {name: (model, expected...)} as out/name.onnx and
    yields (name, expected..., report) for every one priori analyses."""
    os.makedirs(out, exist_ok=True)
    for name, (m, *expected) in models.items():
        path = os.path.join(out, name + ".onnx")
        onnx.save(m, path)
        rep = analyse(name, path)
        if rep:
            yield (name, *expected, rep)
