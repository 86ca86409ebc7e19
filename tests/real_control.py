#!/usr/bin/python3
"""real_control.py -- priori on control flow: If, Loop, Scan, nesting.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_control.py [-v]

Models are written with onnx.helper into build/control/ and analysed with
--format json. Every expected count is computed here from the model's
hyper-parameters (MatMul [1,K]x[K,N]: K*N MACs, 2*K*N FLOPs; Relu/Add: one
FLOP per output element), never read from priori:

  if_branches     If with then = MatMul 1x8 . 8x16, else = Relu on 1x8:
                  the costlier (then) branch is counted; else is shown with
                  counted = false; by_op sums equal the totals
  if_constant     the same with a constant-false condition: else is taken
  loop_const      Loop, M = 5 (initializer): body MatMul 1x8 . 8x8 + Relu;
                  totals = 5 x body, child multiplier 5, scan output [5,1,8]
  loop_dim        Loop with a runtime M: unbound, one iteration and a
                  lower-bound warning naming 'loop.trips' and --value (M is
                  unknown: not called a while-loop); --dim loop.trips=7 or
                  --value M=7 gives 7 x body
  loop_if         Loop (M = 3) whose body holds an If (then MatMul, else
                  Relu): 3 x the then branch; nested depths 1 and 2
  outer_weight    Loop (M = 4) whose body reads an outer initializer W:
                  params count W once, MACs 4 x
  scan            Scan (opset 9), 6 slices of a [6,4] input: body
                  MatMul 1x4 . 4x4 on a [1,4] state; 6 x body
  limits          a 10,000-deep nested If: exit 3 "nested more than 64 deep",
                  fast; a Loop body with the wrong number of inputs and an
                  If whose branches differ in outputs: exit 3 naming the node
  torch_script    a torch.jit.script-ed module with a for-loop of a
                  Linear (n_iter times) and an if choosing between two
                  Linears, exported with torch.onnx.export (opset 13; the
                  loop runs x.size(0) times, a dynamic axis bound with
                  --dim, so the exporter keeps the Loop):
                  MACs = n_iter * in*out + the costlier branch
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
OUT = os.path.join(ROOT, "build", "control")
VERBOSE = "-v" in sys.argv
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        if VERBOSE:
            print("ok", what)
    else:
        failed += 1
        print("FAIL", what)


def eq(case, what, want, got):
    check(want == got, "%s: %s: expected %r, got %r" % (case, what, want, got))


def vi(name, shape, t=T.FLOAT):
    return h.make_tensor_value_info(name, t, shape)


def zeros(name, shape):
    return h.make_tensor(name, T.FLOAT, shape, np.zeros(shape, dtype=np.float32).flatten().tolist())


def save(g, name, opset=13):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", opset)]), path)
    return path


def analyse(path, *flags):
    p = subprocess.run([PRIORI, "analyze", path, "--format", "json", "-q"] + list(flags),
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (path, p.returncode, p.stderr.decode()))
    return json.loads(p.stdout)


def layer(r, name):
    return next(l for l in r["layers"] if l["name"] == name)


def by_op_sums(case, r):
    eq(case, "by_op MACs sum = totals", r["totals"]["macs"], sum(o["macs"] for o in r["by_op_type"]))
    eq(case, "by_op FLOPs sum = totals", r["totals"]["flops"], sum(o["flops"] for o in r["by_op_type"]))
    eq(case, "by_op params sum = totals", r["totals"]["params"], sum(o["params"] for o in r["by_op_type"]))


def mm(k, n):
    """MACs and FLOPs of MatMul [1,k] x [k,n]."""
    return k * n, 2 * k * n


def if_model(name, cond_init):
    then_g = h.make_graph([h.make_node("MatMul", ["x", "W"], ["t"], name="then_mm")], "then", [], [vi("t", [1, 16])])
    else_g = h.make_graph([h.make_node("Relu", ["x"], ["e0"], name="else_relu"),
                           h.make_node("Concat", ["e0", "e0"], ["e"], name="else_cat", axis=1)],
                          "else", [], [vi("e", [1, 16])])
    inputs, inits = [vi("x", [1, 8])], [zeros("W", [8, 16])]
    if cond_init is None:
        inputs.insert(0, vi("c", [], T.BOOL))
    else:
        inits.append(h.make_tensor("c", T.BOOL, [], [cond_init]))
    g = h.make_graph([h.make_node("If", ["c"], ["y"], name="branch", then_branch=then_g, else_branch=else_g)],
                     "if", inputs, [vi("y", [1, 16])], inits)
    return save(g, name)


def test_if():
    r = analyse(if_model("if_branches", None))
    macs, flops = mm(8, 16)
    eq("if", "totals.macs (then branch)", macs, r["totals"]["macs"])
    eq("if", "totals.flops", flops, r["totals"]["flops"])
    br, t, e = layer(r, "branch"), layer(r, "then_mm"), layer(r, "else_relu")
    eq("if", "parent row MACs", macs, br["macs"])
    eq("if", "then row parent", br["index"], t["parent"])
    eq("if", "then row graph/depth/counted", ("then_branch", 1, True, 1),
       (t["graph"], t["depth"], t["counted"], t["multiplier"]))
    eq("if", "else row graph/counted", ("else_branch", False), (e["graph"], e["counted"]))
    eq("if", "else row shows its FLOPs", 8, e["flops"])
    eq("if", "params: both branches' weights", 8 * 16, r["totals"]["params"])
    by_op_sums("if", r)
    r = analyse(if_model("if_constant", False))
    eq("if_constant", "totals.flops (else branch: Relu 8)", 8, r["totals"]["flops"])
    eq("if_constant", "then not counted", False, layer(r, "then_mm")["counted"])
    check(any("then_branch is not taken" in w for w in r["warnings"]), "if_constant: a warning says the branch is chosen")
    eq("if_constant", "then row: not analysed", (0, "ok"), (layer(r, "then_mm")["macs"], layer(r, "then_mm")["status"]))


def loop_body(k, with_relu=True):
    nodes = [h.make_node("Identity", ["cin"], ["cout"], name="cond_pass"),
             h.make_node("MatMul", ["yin", "W"], ["yout"], name="body_mm")]
    outs = [vi("cout", [], T.BOOL), vi("yout", [1, k])]
    if with_relu:
        nodes.append(h.make_node("Relu", ["yout"], ["scan"], name="body_relu"))
        outs.append(vi("scan", [1, k]))
    return h.make_graph(nodes, "body", [vi("i", [], T.INT64), vi("cin", [], T.BOOL), vi("yin", [1, k])], outs)


def test_loop_const():
    k, trips = 8, 5
    g = h.make_graph([h.make_node("Loop", ["M", "C", "x"], ["yf", "ys"], name="loop", body=loop_body(k))], "loop",
                     [vi("x", [1, k])], [vi("yf", [1, k]), vi("ys", [trips, 1, k])],
                     [zeros("W", [k, k]), h.make_tensor("M", T.INT64, [], [trips]), h.make_tensor("C", T.BOOL, [], [True])])
    r = analyse(save(g, "loop_const"))
    macs, flops = mm(k, k)
    eq("loop_const", "totals.macs", trips * macs, r["totals"]["macs"])
    eq("loop_const", "totals.flops", trips * (flops + k), r["totals"]["flops"])
    eq("loop_const", "totals.params (W once)", k * k, r["totals"]["params"])
    b = layer(r, "body_mm")
    eq("loop_const", "child row: one execution", (macs, trips, "body", 1), (b["macs"], b["multiplier"], b["graph"], b["depth"]))
    eq("loop_const", "scan output shape", [trips, 1, k], layer(r, "loop")["outputs"][1]["shape"])
    eq("loop_const", "complete", True, r["totals"]["complete"])
    by_op_sums("loop_const", r)


def test_loop_dim():
    k = 8
    g = h.make_graph([h.make_node("Loop", ["M", "", "x"], ["yf"], name="loop", body=loop_body(k, False))], "loop",
                     [vi("M", [], T.INT64), vi("x", [1, k])], [vi("yf", [1, k])], [zeros("W", [k, k])])
    path = save(g, "loop_dim")
    macs, _ = mm(k, k)
    r = analyse(path)
    eq("loop_dim", "unbound: one iteration", macs, r["totals"]["macs"])
    eq("loop_dim", "unbound: incomplete", False, r["totals"]["complete"])
    check(any("loop.trips" in w and "lower bound" in w for w in r["warnings"]),
          "loop_dim: the warning names loop.trips and says lower bounds")
    check(any("trip count M, not a known constant" in w and "--value" in w and "while-loop" not in w
              for w in r["warnings"]), "loop_dim: the warning says M is unknown (not a while-loop) and names --value")
    r = analyse(path, "--dim", "loop.trips=7")
    eq("loop_dim", "--dim loop.trips=7", 7 * macs, r["totals"]["macs"])
    r = analyse(path, "--value", "M=7")
    eq("loop_dim", "--value M=7", (7 * macs, True), (r["totals"]["macs"], r["totals"]["complete"]))
    eq("loop_dim", "multiplier", 7, layer(r, "body_mm")["multiplier"])


def test_loop_if():
    k, trips = 8, 3
    then_g = h.make_graph([h.make_node("MatMul", ["yin", "W"], ["t"], name="inner_mm")], "then", [], [vi("t", [1, k])])
    else_g = h.make_graph([h.make_node("Relu", ["yin"], ["e"], name="inner_relu")], "else", [], [vi("e", [1, k])])
    body = h.make_graph([h.make_node("Identity", ["cin"], ["cout"]),
                         h.make_node("If", ["flag"], ["yout"], name="inner_if", then_branch=then_g, else_branch=else_g)],
                        "body", [vi("i", [], T.INT64), vi("cin", [], T.BOOL), vi("yin", [1, k])],
                        [vi("cout", [], T.BOOL), vi("yout", [1, k])])
    g = h.make_graph([h.make_node("Loop", ["M", "", "x"], ["yf"], name="loop", body=body)], "loop",
                     [vi("x", [1, k]), vi("flag", [], T.BOOL)], [vi("yf", [1, k])],
                     [zeros("W", [k, k]), h.make_tensor("M", T.INT64, [], [trips])])
    r = analyse(save(g, "loop_if"))
    macs, flops = mm(k, k)
    eq("loop_if", "totals.macs", trips * macs, r["totals"]["macs"])
    eq("loop_if", "totals.flops", trips * flops, r["totals"]["flops"])
    i, mmr, relu = layer(r, "inner_if"), layer(r, "inner_mm"), layer(r, "inner_relu")
    eq("loop_if", "depths", (1, 2, 2), (i["depth"], mmr["depth"], relu["depth"]))
    eq("loop_if", "nesting", (i["index"], i["index"]), (mmr["parent"], relu["parent"]))
    eq("loop_if", "inner rows", (trips, True, False), (mmr["multiplier"], mmr["counted"], relu["counted"]))
    by_op_sums("loop_if", r)


def test_outer_weight():
    k, trips = 6, 4
    g = h.make_graph([h.make_node("Loop", ["M", "", "x"], ["yf"], name="loop", body=loop_body(k, False)), 
                      h.make_node("MatMul", ["yf", "W"], ["z"], name="after_mm")], "loop",
                     [vi("x", [1, k])], [vi("z", [1, k])],
                     [zeros("W", [k, k]), h.make_tensor("M", T.INT64, [], [trips])])
    r = analyse(save(g, "outer_weight"))
    macs, _ = mm(k, k)
    eq("outer_weight", "params: W once", k * k, r["totals"]["params"])
    eq("outer_weight", "macs", (trips + 1) * macs, r["totals"]["macs"])


def test_scan():
    k, n = 4, 6
    body = h.make_graph([h.make_node("MatMul", ["s_in", "W"], ["mm"], name="scan_mm"),
                         h.make_node("Add", ["mm", "xs"], ["s_out"], name="scan_add"),
                         h.make_node("Identity", ["s_out"], ["ys"])], "body",
                        [vi("s_in", [1, k]), vi("xs", [1, k])], [vi("s_out", [1, k]), vi("ys", [1, k])])
    g = h.make_graph([h.make_node("Scan", ["s0", "xseq"], ["sf", "yseq"], name="scan", body=body, num_scan_inputs=1)],
                     "scan", [vi("s0", [1, k]), vi("xseq", [n, 1, k])], [vi("sf", [1, k]), vi("yseq", [n, 1, k])],
                     [zeros("W", [k, k])])
    r = analyse(save(g, "scan", 11))
    macs, flops = mm(k, k)
    eq("scan", "totals.macs", n * macs, r["totals"]["macs"])
    eq("scan", "totals.flops", n * (flops + k), r["totals"]["flops"])
    eq("scan", "scan output shape", [n, 1, k], layer(r, "scan")["outputs"][1]["shape"])


def test_torch_script():
    try:
        import torch
    except ImportError:
        check(False, "torch_script: torch is not installed")
        return
    d_in, d_out, n_iter = 16, 16, 4

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.step = torch.nn.Linear(d_in, d_out, bias=False)
            self.big = torch.nn.Linear(d_in, 64, bias=False)
            self.small = torch.nn.Linear(d_in, 64, bias=False)

        def forward(self, x, flag: bool):
            h = x[0]
            for _ in range(x.size(0)):
                h = self.step(h)
            x = h
            if flag:
                y = self.big(x)
            else:
                y = torch.relu(self.small(x)) * 2.0
            return y

    m = torch.jit.script(Net().eval())
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "torch_script.onnx")
    torch.onnx.export(m, (torch.zeros(n_iter, d_in), torch.tensor(True)), path, opset_version=13,
                      input_names=["x", "flag"], output_names=["y"], dynamic_axes={"x": {0: "steps"}})
    r = analyse(path, "--dim", "steps=%d" % n_iter)
    want = n_iter * d_in * d_out + d_in * 64
    eq("torch_script", "totals.macs = n_iter x step + costlier branch", want, r["totals"]["macs"])
    check(any(l["op_type"] == "Loop" for l in r["layers"]), "torch_script: the export has a Loop")
    check(any(l["op_type"] == "If" for l in r["layers"]), "torch_script: the export has an If")
    by_op_sums("torch_script", r)


def deep_if_bytes(depth):
    """A model with If nodes nested depth deep, written as raw protobuf
    (onnx.helper copies every level: quadratic)."""
    def varint(n):
        out = bytearray()
        while True:
            b, n = n & 0x7f, n >> 7
            out.append(b | 0x80 if n else b)
            if not n:
                return bytes(out)
    ld = lambda f, p: varint(f << 3 | 2) + varint(len(p)) + p
    vi_ = lambda f, v: varint(f << 3) + varint(v)
    info = lambda name, et: ld(1, name.encode()) + ld(2, ld(1, vi_(1, et)))
    g = ld(1, ld(1, b"x") + ld(2, b"y0") + ld(4, b"Identity")) + ld(12, info("y0", 1))
    for d in range(1, depth + 1):
        small = ld(1, ld(1, b"x") + ld(2, b"e%d" % d) + ld(4, b"Identity")) + ld(12, info("e%d" % d, 1))
        attr = lambda n, sub: ld(1, n) + ld(6, sub) + vi_(20, 5)
        node = (ld(1, b"c") + ld(2, b"y%d" % d) + ld(4, b"If") + ld(5, attr(b"then_branch", g)) +
                ld(5, attr(b"else_branch", small)))
        g = ld(1, node) + ld(12, info("y%d" % d, 1))
    g += ld(11, info("c", 9)) + ld(11, info("x", 1))
    return vi_(1, 8) + ld(7, g) + ld(8, vi_(2, 13))


def test_unsupported_subgraph_weights():
    # com.microsoft BeamSearch as ONNX Runtime's convert_generation writes it: the whole decoder is its
    # `decoder` graph. priori does not cost the op (zero, marked unsupported), but the weights its
    # subgraphs read are the model's: Wq (16x32) and Wo (32x16) in the decoder, Wn (16x16) in an If
    # nested in it, Wout (16x8) of the main graph read inside (an implicit input), Wq read twice (once),
    # and an int64 shape initializer (not a parameter): 512 + 512 + 256 + 128 = 1408 parameters, 5632 bytes.
    dec_then = h.make_graph([h.make_node("MatMul", ["hq", "Wn"], ["t"])], "then", [], [vi("t", [1, 16])],
                            [zeros("Wn", [16, 16])])
    dec_else = h.make_graph([h.make_node("Identity", ["hq"], ["e"])], "else", [], [vi("e", [1, 16])])
    dec = h.make_graph([h.make_node("MatMul", ["x", "Wq"], ["q"]),
                        h.make_node("MatMul", ["x", "Wq"], ["q2"]),
                        h.make_node("MatMul", ["q", "Wo"], ["hq"]),
                        h.make_node("Reshape", ["hq", "shp"], ["hr"]),
                        h.make_node("If", ["c"], ["hi"], then_branch=dec_then, else_branch=dec_else),
                        h.make_node("MatMul", ["hi", "Wout"], ["logits"])], "decoder",
                       [vi("x", [1, 16]), vi("c", [], T.BOOL)], [vi("logits", [1, 8]), vi("q2", [1, 32])],
                       [zeros("Wq", [16, 32]), zeros("Wo", [32, 16]), h.make_tensor("shp", T.INT64, [2], [1, 16])])
    node = h.make_node("BeamSearch", ["ids", "maxlen"], ["seq"], name="beam", domain="com.microsoft", decoder=dec,
                       eos_token_id=2, pad_token_id=0)
    g = h.make_graph([node], "beam", [vi("ids", [1, 4], T.INT32), vi("maxlen", [1], T.INT32)], [vi("seq", None, T.INT32)],
                     [zeros("Wout", [16, 8])])
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "beam_search.onnx")
    onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", 13), h.make_opsetid("com.microsoft", 1)]), path)
    r = analyse(path)
    eq("beam_search", "totals.params", 1408, r["totals"]["params"])
    eq("beam_search", "totals.weight_bytes", 4 * 1408, r["totals"]["weight_bytes"])
    row = layer(r, "beam")
    eq("beam_search", "the BeamSearch row's params", 1408, row["params"])
    eq("beam_search", "its MACs (not costed)", 0, row["macs"])
    check(row["status"] == "unsupported" and not r["totals"]["complete"], "beam_search: marked unsupported, report incomplete")


def test_limits_and_errors():
    import time
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "deep_if.onnx")
    with open(path, "wb") as f:
        f.write(deep_if_bytes(10000))
    t0 = time.time()
    p = subprocess.run([PRIORI, "analyze", path], capture_output=True, timeout=60)
    eq("deep_if", "exit code", 3, p.returncode)
    check(b"nested more than 64 deep" in p.stderr, "deep_if: the message says nested more than 64 deep")
    check(time.time() - t0 < 5, "deep_if: refused fast")
    # Loops of 64 trips nested 5 deep: a 2 KB file whose bodies would run
    # 64^5 times (each unrolled trip re-runs the inner loops): refused at
    # PR_MAX_EVALS node evaluations, fast, naming a node.
    def nested_loops(depth):
        nodes = [h.make_node("Identity", ["cin"], ["cout"]), h.make_node("Relu", ["xin"], ["x1"])]
        if depth > 0:
            nodes += [h.make_node("Constant", [], ["m"], value=h.make_tensor("v", T.INT64, [], [64])),
                      h.make_node("Loop", ["m", "", "x1"], ["xout"], body=nested_loops(depth - 1))]
        else:
            nodes.append(h.make_node("Identity", ["x1"], ["xout"]))
        return h.make_graph(nodes, "body", [vi("i", [], T.INT64), vi("cin", [], T.BOOL), vi("xin", [4])],
                            [vi("cout", [], T.BOOL), vi("xout", [4])])
    g = h.make_graph([h.make_node("Constant", [], ["m"], value=h.make_tensor("v", T.INT64, [], [64])),
                      h.make_node("Loop", ["m", "", "x"], ["y"], body=nested_loops(4))], "g", [vi("x", [4])], [vi("y", [4])])
    t0 = time.time()
    p = subprocess.run([PRIORI, "analyze", save(g, "loops_nested_5")], capture_output=True, timeout=120)
    eq("loops_nested_5", "exit code", 3, p.returncode)
    check(b"more than 3000000 node evaluations" in p.stderr, "loops_nested_5: the message names the evaluation limit")
    check(time.time() - t0 < 5, "loops_nested_5: refused fast")
    # wrong Loop body arity and mismatched If branches: errors naming the node
    body = h.make_graph([h.make_node("Identity", ["cin"], ["cout"])], "body",
                        [vi("i", [], T.INT64), vi("cin", [], T.BOOL)], [vi("cout", [], T.BOOL)])
    g = h.make_graph([h.make_node("Loop", ["", "", "x"], ["y"], name="bad_loop", body=body)], "g",
                     [vi("x", [2])], [vi("y", [2])])
    p = subprocess.run([PRIORI, "analyze", save(g, "bad_loop")], capture_output=True, timeout=60)
    eq("bad_loop", "exit code", 3, p.returncode)
    check(b"'bad_loop' (Loop)" in p.stderr and b"body has 2 inputs" in p.stderr, "bad_loop: message names the node and the arity")
    one = h.make_graph([h.make_node("Identity", ["x"], ["a"])], "t", [], [vi("a", [2])])
    two = h.make_graph([h.make_node("Identity", ["x"], ["b"]), h.make_node("Identity", ["x"], ["b2"])], "e", [],
                       [vi("b", [2]), vi("b2", [2])])
    g = h.make_graph([h.make_node("If", ["c"], ["y"], name="bad_if", then_branch=one, else_branch=two)], "g",
                     [vi("c", [], T.BOOL), vi("x", [2])], [vi("y", [2])])
    p = subprocess.run([PRIORI, "analyze", save(g, "bad_if")], capture_output=True, timeout=60)
    eq("bad_if", "exit code", 3, p.returncode)
    check(b"'bad_if' (If)" in p.stderr and b"else_branch has 2" in p.stderr, "bad_if: message names the node and the counts")


for t in (test_limits_and_errors, test_if, test_loop_const, test_loop_dim, test_loop_if, test_outer_weight, test_scan, test_torch_script,
          test_unsupported_subgraph_weights):
    try:
        t()
    except Exception as e:  # a crash is a failure, reported by name
        check(False, "%s: %s" % (t.__name__, e))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
