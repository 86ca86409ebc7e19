#!/usr/bin/python3
"""real_functions.py -- priori on model-local functions (ModelProto.functions).

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_functions.py [-v]

Models written with onnx.helper into build/functions/. Fields newer than
python3-onnx 1.12 (FunctionProto.attribute_proto = 11, .overload = 13,
NodeProto.overload = 8) are appended as raw protobuf fields. Expected values
are closed forms worked out here:

  nested      Block(X[2,8], W1[8,16], W2[16,4]) calls Lin twice; Lin =
              MatMul + LeakyRelu(alpha by reference); then Relu:
              MACs = 2*8*16 + 2*16*4 = 384, params = 128 + 64 = 192,
              FLOPs = 2*384 + 2*(32 + 8) (LeakyRelu) + 8 (Relu) = 856;
              rows: call (depth 0) > Lin (depth 1, parent the call) >
              MatMul (depth 2); every report format writes them
  shared      the same function called twice with the same weight W[8,8]:
              params count W once (64), MACs 2 * 2*8*8 = 256
  refs        Flatten(axis by reference) on [2,3,4,5]: given 2 -> [6,20];
              from the function's default (attribute_proto) 3 -> [24,5];
              neither -> Flatten's default 1 -> [2,60]
  opset       the model imports opset 13, the function opset 11, whose
              ReduceSum takes axes as an attribute: [2,3,4], axes [1],
              keepdims 0 -> [2,4]
  overload    two functions 'F' told apart by overload: 'mm' (MatMul with
              W[8,8]: 128 MACs) and 'relu' (0 MACs); the call picks 'mm'
  optional    Clip(X, lo, hi) inside a function called with X only: lo
              and hi are absent; shape [2,8]
  in_if       an If (constant true) whose then-branch calls Lin: 256 MACs
  recursion   A -> B -> A: exit 3 naming the cycle "A -> B -> A"
  too_large   f0 = Relu, f(i) calls f(i-1) twice, 21 levels (2^21 nodes):
              exit 3 "more than 1000000 nodes", in seconds
  too_deep    a chain of 70 functions: exit 3 "more than 64 deep"
Prints one line per failure and "N passed, N failed" last.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import PRIORI, ROOT, analyse, check, refused, summary, vi

OUT = os.path.join(ROOT, "build", "functions")
L = "local"



def zeros(name, shape):
    return nh.from_array(np.zeros(shape, np.float32), name)


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def with_field(msg, field, payload):
    """msg with a length-delimited field appended (unknown to onnx 1.12)."""
    raw = msg.SerializeToString() + varint(field << 3 | 2) + varint(len(payload)) + payload
    return type(msg).FromString(raw)


def ref(name, ref_name, typ):
    a = onnx.AttributeProto()
    a.name, a.ref_attr_name, a.type = name, ref_name, typ
    return a


def save(name, nodes, inputs, outputs, functions, inits=(), opsets=None):
    os.makedirs(OUT, exist_ok=True)
    g = h.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=opsets or [h.make_opsetid("", 13), h.make_opsetid(L, 1)],
                     functions=functions)
    m.ir_version = 8
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(m, path)
    return path


def run(path, fmt="json", *extra):
    return subprocess.run([PRIORI, "analyze", "-q", "--format", fmt, path, *extra], capture_output=True, text=True)


def report(case, path):
    return analyse(case, path)


def lin():
    f = h.make_function(L, "Lin", ["X", "W"], ["Y"],
                        [h.make_node("MatMul", ["X", "W"], ["T"]), h.make_node("LeakyRelu", ["T"], ["Y"])],
                        [h.make_opsetid("", 13)], ["alpha"])
    f.node[1].attribute.extend([ref("alpha", "alpha", onnx.AttributeProto.FLOAT)])
    return f


def nested():
    block = h.make_function(L, "Block", ["X", "W1", "W2"], ["Z"],
                            [h.make_node("Lin", ["X", "W1"], ["A"], domain=L, alpha=0.2),
                             h.make_node("Lin", ["A", "W2"], ["Z"], domain=L)],
                            [h.make_opsetid("", 13), h.make_opsetid(L, 1)], [])
    path = save("nested", [h.make_node("Block", ["X", "W1", "W2"], ["Z"], domain=L, name="blk"),
                           h.make_node("Relu", ["Z"], ["Out"])],
                [vi("X", [2, 8])], [vi("Out", [2, 4])], [lin(), block],
                [zeros("W1", [8, 16]), zeros("W2", [16, 4])])
    rep = report("nested", path)
    if rep:
        t = rep["totals"]
        check((t["macs"], t["params"], t["flops"], t["complete"]) == (384, 192, 856, True),
              "nested: totals %s" % str([t["macs"], t["params"], t["flops"], t["complete"]]))
        rows = rep["layers"]
        depth = [r["depth"] for r in rows]
        check(depth == [0, 1, 2, 2, 1, 2, 2, 0], "nested: depths %s" % depth)
        check(rows[1]["parent"] == 0 and rows[2]["parent"] == 1 and rows[5]["parent"] == 4,
              "nested: parents %s" % [r["parent"] for r in rows])
        check(rows[0]["op_type"] == "Block" and rows[2]["op_type"] == "MatMul" and rows[2]["macs"] == 256,
              "nested: rows %s" % [(r["op_type"], r["macs"]) for r in rows])
    for fmt in ("table", "csv", "md", "html"):
        r = run(path, fmt)
        check(r.returncode == 0 and "MatMul" in r.stdout, "nested: format %s (exit %d)" % (fmt, r.returncode))
    r = run(path, "csv")
    lines = r.stdout.splitlines()
    check(len(lines) == 9 and ",2,Lin," in lines[3], "nested: csv rows carry depth and graph: %s" % lines[3:4])


def shared():
    f = h.make_function(L, "MM", ["X", "W"], ["Y"], [h.make_node("MatMul", ["X", "W"], ["Y"])],
                        [h.make_opsetid("", 13)], [])
    path = save("shared", [h.make_node("MM", ["X", "W"], ["A"], domain=L), h.make_node("MM", ["A", "W"], ["B"], domain=L)],
                [vi("X", [2, 8])], [vi("B", [2, 8])], [f], [zeros("W", [8, 8])])
    rep = report("shared", path)
    if rep:
        check((rep["totals"]["params"], rep["totals"]["macs"]) == (64, 256),
              "shared: params/MACs %s" % str([rep["totals"]["params"], rep["totals"]["macs"]]))


def flatten_fn(name, default):
    f = h.make_function(L, name, ["X"], ["Y"], [h.make_node("Flatten", ["X"], ["Y"])], [h.make_opsetid("", 13)], ["ax"])
    f.node[0].attribute.extend([ref("axis", "ax", onnx.AttributeProto.INT)])
    if default is not None:
        f = with_field(f, 11, h.make_attribute("ax", default).SerializeToString())
    return f


def refs():
    path = save("refs", [h.make_node("Fd", ["X"], ["A"], domain=L, ax=2), h.make_node("Fd", ["X"], ["B"], domain=L),
                         h.make_node("Fn", ["X"], ["C"], domain=L)],
                [vi("X", [2, 3, 4, 5])], [vi("A", None), vi("B", None), vi("C", None)],
                [flatten_fn("Fd", 3), flatten_fn("Fn", None)])
    rep = report("refs", path)
    if rep:
        got = [o["shape"] for o in rep["outputs"]]
        check(got == [[6, 20], [24, 5], [2, 60]], "refs: shapes %s" % got)


def opset():
    f = h.make_function(L, "Sum1", ["X"], ["Y"], [h.make_node("ReduceSum", ["X"], ["Y"], axes=[1], keepdims=0)],
                        [h.make_opsetid("", 11)], [])
    path = save("opset", [h.make_node("Sum1", ["X"], ["Y"], domain=L)], [vi("X", [2, 3, 4])], [vi("Y", None)], [f])
    rep = report("opset", path)
    if rep:
        check(rep["outputs"][0]["shape"] == [2, 4], "opset: shape %s" % rep["outputs"][0]["shape"])


def overload():
    mm = h.make_function(L, "F", ["X", "W"], ["Y"], [h.make_node("MatMul", ["X", "W"], ["Y"])], [h.make_opsetid("", 13)], [])
    re = h.make_function(L, "F", ["X", "W"], ["Y"], [h.make_node("Relu", ["X"], ["Y"])], [h.make_opsetid("", 13)], [])
    mm, re = with_field(mm, 13, b"mm"), with_field(re, 13, b"relu")
    call = with_field(h.make_node("F", ["X", "W"], ["Y"], domain=L), 8, b"mm")
    path = save("overload", [call], [vi("X", [2, 8])], [vi("Y", None)], [re, mm], [zeros("W", [8, 8])])
    rep = report("overload", path)
    if rep:
        check(rep["totals"]["macs"] == 128, "overload: MACs %s (the 'mm' body)" % rep["totals"]["macs"])


def optional():
    f = h.make_function(L, "Cl", ["X", "lo", "hi"], ["Y"], [h.make_node("Clip", ["X", "lo", "hi"], ["Y"])],
                        [h.make_opsetid("", 13)], [])
    path = save("optional", [h.make_node("Cl", ["X"], ["Y"], domain=L)], [vi("X", [2, 8])], [vi("Y", None)], [f])
    rep = report("optional", path)
    if rep:
        check(rep["outputs"][0]["shape"] == [2, 8] and rep["totals"]["complete"], "optional: %s" % rep["outputs"])


def in_if():
    then = h.make_graph([h.make_node("Lin", ["X", "W"], ["Y1"], domain=L, alpha=0.1)], "then", [], [vi("Y1", None)])
    other = h.make_graph([h.make_node("Identity", ["X"], ["Y2"])], "else", [], [vi("Y2", None)])
    cond = h.make_tensor("c", T.BOOL, [], [True])
    path = save("in_if", [h.make_node("If", ["c"], ["Y"], then_branch=then, else_branch=other)],
                [vi("X", [2, 8])], [vi("Y", None)], [lin()], [zeros("W", [8, 16]), cond])
    rep = report("in_if", path)
    if rep:
        check(rep["totals"]["macs"] == 256, "in_if: MACs %s" % rep["totals"]["macs"])


def limits():
    a = h.make_function(L, "A", ["X"], ["Y"], [h.make_node("B", ["X"], ["Y"], domain=L)], [h.make_opsetid(L, 1)], [])
    b = h.make_function(L, "B", ["X"], ["Y"], [h.make_node("A", ["X"], ["Y"], domain=L)], [h.make_opsetid(L, 1)], [])
    path = save("recursion", [h.make_node("A", ["X"], ["Y"], domain=L)], [vi("X", [2])], [vi("Y", None)], [a, b])
    refused("recursion", path, "calls itself (A -> B -> A)")
    fs = [h.make_function(L, "f0", ["X"], ["Y"], [h.make_node("Relu", ["X"], ["Y"])], [h.make_opsetid("", 13)], [])]
    for i in range(1, 22):
        fs.append(h.make_function(L, "f%d" % i, ["X"], ["Y"],
                                  [h.make_node("f%d" % (i - 1), ["X"], ["T"], domain=L),
                                   h.make_node("f%d" % (i - 1), ["T"], ["Y"], domain=L)], [h.make_opsetid(L, 1)], []))
    path = save("too_large", [h.make_node("f21", ["X"], ["Y"], domain=L)], [vi("X", [2])], [vi("Y", None)], fs)
    refused("too_large", path, "more than 1000000 nodes")
    fs = [h.make_function(L, "g0", ["X"], ["Y"], [h.make_node("Relu", ["X"], ["Y"])], [h.make_opsetid("", 13)], [])]
    for i in range(1, 70):
        fs.append(h.make_function(L, "g%d" % i, ["X"], ["Y"], [h.make_node("g%d" % (i - 1), ["X"], ["Y"], domain=L)],
                                  [h.make_opsetid(L, 1)], []))
    path = save("too_deep", [h.make_node("g69", ["X"], ["Y"], domain=L)], [vi("X", [2])], [vi("Y", None)], fs)
    refused("too_deep", path, "more than 64 deep")


def main():
    for case in (nested, shared, refs, opset, overload, optional, in_if, limits):
        case()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
