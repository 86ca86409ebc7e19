#!/usr/bin/python3
"""real_assume.py -- what static analysis cannot know becomes a named assumption.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_assume.py [-v]

Models are written with onnx.helper into build/assume/; every expected
number is worked out here from the model's hyper-parameters, and the
Silero VAD shapes come from onnxruntime (fixtures/silero/expected_shapes.json,
written by tools/silero_ort_shapes.js from the original models):

  minus_one     input [-1, 3] (tf2onnx's unknown) -> Relu: taken as 1 with a
                warning, output [1, 3]; --input x=4x3 gives [4, 3]
  nms           NonMaxSuppression on boxes 1x?x?: taken as 1x1x1 it fails
                ("boxes must be ... x 4") only under that assumption: exit 0,
                a warning naming the node and --input, its consumer marked
                incomplete with its reason; --strict exits 3; the real shapes
                analyse completely
  audio         [1, samples] -> Unsqueeze -> Conv1d (k = 512, stride 256,
                4 filters): samples taken as 1 makes the kernel larger than
                the input: exit 0 naming 'samples' and --dim; with
                --dim samples=16000: L = (16000 - 512) / 256 + 1 = 61,
                MACs = 4 * 61 * 512; a fixed input of 100 samples is an
                invalid model (exit 3), not an assumption
  structural    a wrong attribute type stays exit 3 even on assumed dims
  if_value      sr -> Equal(sr, 16000) -> If: then = MatMul 1x8.8x16 (128
                MACs), else = a Reshape of 8 elements to 3x5 (always wrong):
                --value sr=16000: only then is analysed (128 MACs, else rows
                not analysed), exit 0; --value sr=8000: the taken branch
                fails: exit 3; no --value: else fails under the unknown
                condition (warning naming --value sr), then counted, exit 0;
                --strict: exit 3
  commands      --value in compare, diff, check (a budget of 128 MACs holds)
                and db features
  if_both_fail  both branches fail under the unknown condition: the If's
                outputs are unknown, exit 0
  value_shape   Reshape(x [1, 8], shape input [2]): --value shape=2,4 gives
                [2, 4]; errors (exit 2): two values for a scalar, 2.5 for an
                int64, a rank-2 input, a name that is no input, a value
                outside int32, too many values for a [2]
  while_loop    Loop with M = INT64_MAX and a condition on the data (the
                carried values' sum): a while-loop, one iteration counted
                (MatMul 1x8.8x8: 64 MACs) with a warning naming
                'loop.trips'; --dim loop.trips=5: 5 x 64
  while_folded  the same with a carried counter (k += 3 while k < 8): the
                condition folds, 3 iterations (ceil(8/3)) counted as a
                fact, scan output [3]; with M = 2: 2 iterations
  grouped       12 inputs [batch, 4]: one warning "(12 dims"; 3 initializers
                in one missing external file: one warning "(3 initializers"
  silero        the three Silero VAD models (graph-only copies): with the
                real inputs and --value sr=16000 / 8000 the report is
                complete, the untaken branches are not counted, and the
                output shapes equal onnxruntime's; with no flags exit 0 and
                the warnings name the assumptions and the flags
Prints one line per failure and "N passed, N failed" last.
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIORI = os.environ.get("PRIORI", os.path.join(ROOT, "build", "priori"))
OUT = os.path.join(ROOT, "build", "assume")
SILERO = os.path.join(ROOT, "fixtures", "silero")
tally = {"pass": 0, "fail": 0}


def expect(case, what, want, got):
    ok = want == got
    tally["pass" if ok else "fail"] += 1
    if not ok or "-v" in sys.argv:
        print("%s %s: %s: expected %r, got %r" % ("ok" if ok else "FAIL", case, what, want, got))


def model(name, nodes, inputs, outputs, inits=(), opset=13):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".onnx")
    g = h.make_graph(nodes, name, inputs, outputs, list(inits))
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", opset)]), path)
    return path


def run(path, *flags):
    """(exit code, JSON report or None, stderr text)."""
    p = subprocess.run([PRIORI, "analyze", path, "--format", "json"] + list(flags), capture_output=True, timeout=120)
    return p.returncode, json.loads(p.stdout) if p.returncode == 0 else None, p.stderr.decode()


def tensor(name, dtype, dims):
    return h.make_tensor_value_info(name, dtype, dims)


def const(name, dims, dtype=T.FLOAT, vals=None):
    n = int(np.prod(dims)) if dims else 1
    return h.make_tensor(name, dtype, dims, vals if vals is not None else [0] * n)


def layer(r, name):
    return next(l for l in r["layers"] if l["name"] == name)


def shape_of(r, value):
    for l in r["layers"]:
        for o in l["outputs"]:
            if o["name"] == value:
                return o.get("shape")
    return None


def has(warnings, *parts):
    return any(all(p in w for p in parts) for w in warnings)


def set_dim(vinfo, k, value):
    """Writes a raw dim_value (-1 is refused by onnx.helper)."""
    vinfo.type.tensor_type.shape.dim[k].dim_value = value
    return vinfo


def test_minus_one():
    x = set_dim(tensor("x", T.FLOAT, [5, 3]), 0, -1)
    p = model("minus_one", [h.make_node("Relu", ["x"], ["y"], name="relu")], [x], [tensor("y", T.FLOAT, None)])
    rc, r, _ = run(p)
    expect("minus_one", "exit", 0, rc)
    expect("minus_one", "output shape (-1 taken as 1)", [1, 3], shape_of(r, "y"))
    expect("minus_one", "warning names the input and --input", True,
           has(r["warnings"], "'x' dim 0", "taken as 1", "--input"))
    rc, r, _ = run(p, "--input", "x=4x3")
    expect("minus_one", "--input x=4x3", [4, 3], shape_of(r, "y"))
    expect("minus_one", "--input: complete, no warning", (True, []), (r["totals"]["complete"], r["warnings"]))


def test_nms():
    boxes = tensor("boxes", T.FLOAT, [1, None, None])
    scores = tensor("scores", T.FLOAT, [1, 1, None])
    nodes = [h.make_node("NonMaxSuppression", ["boxes", "scores", "k"], ["sel"], name="nms"),
             h.make_node("Cast", ["sel"], ["self"], name="after", to=T.FLOAT)]
    p = model("nms", nodes, [boxes, scores], [tensor("self", T.FLOAT, None)],
              [const("k", [1], T.INT64, [10])], opset=11)
    rc, r, err = run(p)
    expect("nms", "exit 0 (an assumption, not an invalid model)", 0, rc)
    expect("nms", "warning names the node, the error and the flag", True,
           has(r["warnings"], "'nms' (NonMaxSuppression)", "x 4", "assumptions", "--input boxes="))
    expect("nms", "the failing row says why", True, "fails under assumptions" in layer(r, "nms").get("why", ""))
    expect("nms", "downstream row: unknown, names the origin", ("shape_unknown", True),
           (layer(r, "after")["status"], "'nms'" in layer(r, "after").get("why", "")))
    expect("nms", "totals incomplete", False, r["totals"]["complete"])
    rc, _, err = run(p, "--strict")
    expect("nms", "--strict: exit 3", 3, rc)
    expect("nms", "--strict: message", True, "only under priori's assumptions" in err)
    rc, r, _ = run(p, "--input", "boxes=1x20x4", "--input", "scores=1x1x20")
    expect("nms", "real shapes: exit 0", 0, rc)
    expect("nms", "real shapes: selected [n, 3], n unbound = its bound 10", [10, 3], shape_of(r, "sel"))


def audio_model(name, samples):
    nodes = [h.make_node("Unsqueeze", ["wave", "ax"], ["w3"], name="unsq"),
             h.make_node("Conv", ["w3", "W"], ["spec"], name="frames", strides=[256])]
    return model(name, nodes, [tensor("wave", T.FLOAT, [1, samples])], [tensor("spec", T.FLOAT, None)],
                 [const("ax", [1], T.INT64, [1]), const("W", [4, 1, 512])])


def test_audio():
    p = audio_model("audio", "samples")
    rc, r, _ = run(p)
    expect("audio", "exit 0", 0, rc)
    expect("audio", "warning: kernel > input, names 'samples' and --dim", True,
           has(r["warnings"], "'frames' (Conv)", "kernel", "symbol 'samples' taken as 1", "--dim samples=N"))
    rc, r, _ = run(p, "--dim", "samples=16000")
    frames = (16000 - 512) // 256 + 1
    expect("audio", "--dim samples=16000: output", [1, 4, frames], shape_of(r, "spec"))
    expect("audio", "--dim samples=16000: MACs = 4 * L * 512", 4 * frames * 512, r["totals"]["macs"])
    rc, _, err = run(audio_model("audio_fixed", 100))
    expect("audio_fixed", "100 samples < kernel: invalid model", 3, rc)
    expect("audio_fixed", "message names the node", True, "'frames' (Conv)" in err)


def test_structural():
    nodes = [h.make_node("Conv", ["x", "W"], ["y"], name="conv", strides=[1.5])]
    p = model("structural", nodes, [tensor("x", T.FLOAT, [1, 1, "n"])], [tensor("y", T.FLOAT, None)],
              [const("W", [1, 1, 3])])
    rc, _, err = run(p)
    expect("structural", "a wrong attribute type is exit 3 even on assumed dims", 3, rc)
    expect("structural", "message", True, "attribute 'strides'" in err)


def if_model(name, else_nodes, then_nodes=None, else_out="e"):
    then_nodes = then_nodes or [h.make_node("MatMul", ["x", "W"], ["t"], name="then_mm")]
    then_g = h.make_graph(then_nodes, "then", [], [tensor("t", T.FLOAT, None)])
    else_g = h.make_graph(else_nodes, "else", [], [tensor(else_out, T.FLOAT, None)])
    nodes = [h.make_node("Equal", ["sr", "k16"], ["is16"], name="eq"),
             h.make_node("If", ["is16"], ["y"], name="branch", then_branch=then_g, else_branch=else_g)]
    return model(name, nodes, [tensor("sr", T.INT64, []), tensor("x", T.FLOAT, [1, 8])], [tensor("y", T.FLOAT, None)],
                 [const("k16", [], T.INT64, [16000]), const("W", [8, 16]), const("bad", [2], T.INT64, [3, 5])])


def test_if_value():
    p = if_model("if_value", [h.make_node("Reshape", ["x", "bad"], ["e"], name="else_reshape")])
    rc, r, _ = run(p, "--value", "sr=16000")
    expect("if_value", "sr=16000: exit 0", 0, rc)
    expect("if_value", "sr=16000: MACs of then only (8 * 16)", 128, r["totals"]["macs"])
    expect("if_value", "sr=16000: complete", True, r["totals"]["complete"])
    e = layer(r, "else_reshape")
    expect("if_value", "else row: not analysed, not counted", (False, "ok", 0), (e["counted"], e["status"], e["flops"]))
    expect("if_value", "else row says why", True, "not taken" in e.get("why", ""))
    expect("if_value", "output is then's", [1, 16], shape_of(r, "y"))
    rc, _, err = run(p, "--value", "sr=8000")
    expect("if_value", "sr=8000: the taken branch fails: invalid model", 3, rc)
    expect("if_value", "sr=8000: names the node", True, "'else_reshape' (Reshape)" in err)
    rc, r, _ = run(p)
    expect("if_value", "no --value: exit 0", 0, rc)
    expect("if_value", "no --value: then counted (128 MACs)", 128, r["totals"]["macs"])
    expect("if_value", "no --value: warning names the branch and --value sr", True,
           has(r["warnings"], "'else_reshape' (Reshape)", "condition of 'branch' is unknown", "--value sr=V"))
    expect("if_value", "no --value: the If says which branch counts", True,
           has(r["warnings"], "else_branch fails under priori's assumptions", "then_branch is counted"))
    expect("if_value", "no --value: output is then's", [1, 16], shape_of(r, "y"))
    rc, _, _ = run(p, "--strict")
    expect("if_value", "no --value, --strict: exit 3", 3, rc)


def test_commands():
    """--value is taken wherever --input and --dim are: compare, diff, check, db features."""
    p = if_model("if_cmds", [h.make_node("Reshape", ["x", "bad"], ["e"], name="else_reshape")])
    for cmd in (["compare", p], ["diff", p, p], ["db", "features", p]):
        q = subprocess.run([PRIORI] + cmd + ["--value", "sr=16000", "--format", "json", "-q"] * (cmd[0] != "db") +
                           ["--value", "sr=16000"] * (cmd[0] == "db"), capture_output=True, timeout=120)
        flat = q.stdout.replace(b"\t", b"").replace(b" ", b"").replace(b"\n", b"")
        want = b'"macs":{"before":128,"after":128' if cmd[0] == "diff" else b'"macs":128'
        expect("commands", "%s --value: exit 0, 128 MACs" % cmd[0], (0, True), (q.returncode, want in flat))
    budget = os.path.join(OUT, "budget.json")
    with open(budget, "w") as f:
        json.dump({"totals": {"macs": 128}}, f)
    q = subprocess.run([PRIORI, "check", p, "--budget", budget, "--value", "sr=16000"], capture_output=True, timeout=120)
    expect("commands", "check --value: within the budget of the taken branch", 0, q.returncode)
    q = subprocess.run([PRIORI, "compare", p, "--value", "sr"], capture_output=True, timeout=120)
    expect("commands", "--value without '=': usage error", (2, True), (q.returncode, b"expected NAME=V" in q.stderr))


def test_if_both_fail():
    then_nodes = [h.make_node("Reshape", ["x", "bad"], ["t"], name="then_reshape")]
    p = if_model("if_both_fail", [h.make_node("Reshape", ["x", "bad"], ["e"], name="else_reshape")], then_nodes)
    rc, r, _ = run(p)
    expect("if_both_fail", "exit 0", 0, rc)
    expect("if_both_fail", "outputs unknown", None, shape_of(r, "y"))
    expect("if_both_fail", "warning", True, has(r["warnings"], "both branches fail"))


def test_value_shape():
    nodes = [h.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")]
    p = model("value_shape", nodes, [tensor("x", T.FLOAT, [1, 8]), tensor("shape", T.INT64, [2]),
                                     tensor("n", T.INT64, []), tensor("i32", T.INT32, []),
                                     tensor("m", T.INT64, [2, 2])], [tensor("y", T.FLOAT, None)])
    rc, r, _ = run(p, "--value", "shape=2,4")
    expect("value_shape", "--value shape=2,4", [2, 4], shape_of(r, "y"))
    rc, r, _ = run(p)
    expect("value_shape", "no value: rank known, extents unknown (no failure)", (0, [-1, -1]),
           (rc, [d if isinstance(d, int) else -1 for d in shape_of(r, "y") or []]))
    bad = [(["n=1,2"], "is a scalar but 2 values"), (["n=2.5"], "is not an integer"),
           (["m=1,2,3,4"], "rank 2"), (["nosuch=1"], "no graph input of that name"),
           (["i32=3000000000"], "is not an integer within"), (["shape=1,2,3"], "has 2 elements but 3"),
           (["n="], "expected NAME=V")]
    for flags, msg in bad:
        rc, _, err = run(p, "--value", *flags)
        expect("value_shape", "--value %s: exit 2" % flags[0], (2, True), (rc, msg in err))


def test_while_loop():
    # the condition reads the data (the sum of the carried values): a while-loop
    body = h.make_graph([h.make_node("MatMul", ["yin", "W"], ["yout"], name="body_mm"),
                         h.make_node("ReduceSum", ["yout"], ["s"], keepdims=0),
                         h.make_node("Less", ["s", "limit"], ["cout"], name="test")], "body",
                        [tensor("i", T.INT64, []), tensor("cin", T.BOOL, []), tensor("yin", T.FLOAT, [1, 8])],
                        [tensor("cout", T.BOOL, []), tensor("yout", T.FLOAT, [1, 8])])
    nodes = [h.make_node("Loop", ["M", "c0", "x"], ["y"], name="loop", body=body)]
    p = model("while_loop", nodes, [tensor("x", T.FLOAT, [1, 8])], [tensor("y", T.FLOAT, None)],
              [const("M", [], T.INT64, [2 ** 63 - 1]), const("c0", [], T.BOOL, [1]),
               const("limit", [], T.FLOAT, [100.0]), const("W", [8, 8])])
    rc, r, _ = run(p)
    expect("while_loop", "exit 0", 0, rc)
    expect("while_loop", "one iteration counted (8 * 8)", 64, r["totals"]["macs"])
    expect("while_loop", "warning names loop.trips and --dim", True, has(r["warnings"], "'loop.trips'", "--dim loop.trips=N"))
    expect("while_loop", "lower bounds: incomplete", False, r["totals"]["complete"])
    rc, r, _ = run(p, "--dim", "loop.trips=5")
    expect("while_loop", "--dim loop.trips=5", 5 * 64, r["totals"]["macs"])


def test_while_folded():
    """torch.jit.script's `k = 0; while k < 8: k += 3` (M = INT64_MAX, a
    carried counter): the condition folds every iteration, so the trip
    count is a fact, ceil(8 / 3) = 3, and the scan output of k has 3 rows
    (onnxruntime 1.31: scan output [3]; [2] with M = 2); with M = 2 the loop
    stops at M."""
    body = h.make_graph([h.make_node("Add", ["kin", "three"], ["kout"]),
                         h.make_node("Less", ["kout", "eight"], ["cout"]),
                         h.make_node("MatMul", ["yin", "W"], ["yout"], name="body_mm"),
                         h.make_node("Identity", ["kout"], ["ks"])], "body",
                        [tensor("i", T.INT64, []), tensor("cin", T.BOOL, []), tensor("kin", T.INT64, []),
                         tensor("yin", T.FLOAT, [1, 8])],
                        [tensor("cout", T.BOOL, []), tensor("kout", T.INT64, []), tensor("yout", T.FLOAT, [1, 8]),
                         tensor("ks", T.INT64, [])])
    for case, m, trips in (("while_folded", 2 ** 63 - 1, 3), ("while_folded_m", 2, 2)):
        nodes = [h.make_node("Loop", ["M", "c0", "k0", "x"], ["k", "y", "kseq"], name="loop", body=body)]
        p = model(case, nodes, [tensor("x", T.FLOAT, [1, 8])],
                  [tensor("k", T.INT64, None), tensor("y", T.FLOAT, None), tensor("kseq", T.INT64, None)],
                  [const("M", [], T.INT64, [m]), const("c0", [], T.BOOL, [1]), const("k0", [], T.INT64, [0]),
                   const("three", [], T.INT64, [3]), const("eight", [], T.INT64, [8]), const("W", [8, 8])])
        rc, r, _ = run(p)
        expect(case, "exit 0", 0, rc)
        expect(case, "%d iterations of 8 * 8 MACs" % trips, trips * 64, r["totals"]["macs"])
        expect(case, "complete, no assumption", (True, []), (r["totals"]["complete"], r["unbound_symbols"]))
        expect(case, "scan output [%d]" % trips, [trips], r["outputs"][2]["shape"])


def test_grouped():
    inputs = [tensor("x%d" % i, T.FLOAT, ["batch", 4]) for i in range(12)]
    nodes = [h.make_node("Sum", [i.name for i in inputs], ["s"], name="sum")]
    p = model("grouped", nodes, inputs, [tensor("s", T.FLOAT, None)])
    rc, r, _ = run(p)
    sym = [w for w in r["warnings"] if "'batch'" in w and "unbound" in w]
    expect("grouped", "one warning for the symbol, with the count", (1, True), (len(sym), "(12 dims" in sym[0]))
    ws = []
    for i in range(3):
        w = const("w%d" % i, [4, 4])
        w.ClearField("float_data")
        w.data_location = T.EXTERNAL
        e = w.external_data.add()
        e.key, e.value = "location", "weights.bin"
        ws.append(w)
    nodes = [h.make_node("MatMul", ["x", "w0"], ["a"]), h.make_node("MatMul", ["a", "w1"], ["b"]),
             h.make_node("MatMul", ["b", "w2"], ["c"])]
    p = model("grouped_ext", nodes, [tensor("x", T.FLOAT, [1, 4])], [tensor("c", T.FLOAT, None)], ws)
    rc, r, _ = run(p)
    miss = [w for w in r["warnings"] if "weights.bin" in w]
    expect("grouped", "one warning per missing file, with the count", (1, True), (len(miss), "(3 initializers" in miss[0]))


def test_silero():
    cases = json.load(open(os.path.join(SILERO, "expected_shapes.json")))
    for c in cases:
        name = "%s %s" % (c["model"], c["flags"][-1])
        rc, r, err = run(os.path.join(SILERO, c["model"]), *c["flags"])
        expect(name, "exit", 0, rc)
        if rc:
            continue
        expect(name, "output shapes = onnxruntime's", c["outputs"], {o["name"]: o["shape"] for o in r["outputs"]})
        expect(name, "complete", True, r["totals"]["complete"])
        untaken = [l for l in r["layers"] if l.get("why", "").startswith("in a branch that is not taken")]
        expect(name, "untaken branches: rows shown, none counted", (True, 0),
               (len(untaken) > 0, sum(l["macs"] + l["flops"] + int(l["counted"]) for l in untaken)))
        leaf = sum(l["macs"] * l["multiplier"] for l in r["layers"]
                   if l["counted"] and l["op_type"] not in ("If", "Loop", "Scan") and
                   all(a["counted"] for a in ancestors(r, l)))
        expect(name, "totals = counted rows", r["totals"]["macs"], leaf)
    for m in ("silero_vad_v5.onnx", "silero_vad_v6.onnx", "silero_vad_legacy.onnx"):
        rc, r, _ = run(os.path.join(SILERO, m))
        expect(m, "no flags: exit 0", 0, rc)
        flag = "--dim sequence=N" if "legacy" in m else "--input input=DIMS"  # legacy names its dims
        expect(m, "no flags: names the assumptions and the flags", True,
               has(r["warnings"], "assumptions", flag) and has(r["warnings"], "--value sr=V"))


def ancestors(r, l):
    out = []
    while l["parent"] >= 0:
        l = r["layers"][l["parent"]]
        out.append(l)
    return out


for t in (test_minus_one, test_nms, test_audio, test_structural, test_if_value, test_commands, test_if_both_fail, test_value_shape,
          test_while_loop, test_while_folded, test_grouped, test_silero):
    try:
        t()
    except Exception as ex:  # a crash is a failure, named
        expect(t.__name__, "runs", "no exception", repr(ex))
print("%d passed, %d failed" % (tally["pass"], tally["fail"]))
sys.exit(1 if tally["fail"] else 0)
