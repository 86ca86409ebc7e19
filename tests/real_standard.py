#!/usr/bin/python3
"""real_standard.py -- priori on parts of the ONNX standard that real files use.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_standard.py [-v]

Models written with onnx.helper into build/standard/; expected values are
closed forms of the model (MatMul [2,4] x [4,3]: 24 MACs, 12 weights):

  ir13          ir_version 13 is analysed; 14 is refused (exit 3) with
                "newer than priori understands (at most 13)"
  sparse        W [4,3] as a sparse_initializer with 3 stored values at
                linear indices 0, 5, 11: params 12 (dense), MACs 24, JSON
                model.sparse_initializers[0].nonzero 3; coordinate indices
                [3,2] work the same
  sparse_bad    index 12 (outside 12 elements), indices of shape [3,1],
                values of rank 2: exit 3 naming the initializer
  weightless    two initializers with dims and no data (W [4,3] for a
                MatMul, S [2] for a Reshape): exit 0, params 12, MACs 24,
                exactly one warning, naming the count (2) and 'W'
  const_external  W from a Constant whose value is stored externally
                (Paddle2ONNX writes weights so): params 12, MACs 24, one
                warning naming the Constant's output and the missing file;
                a location with '..' or an absolute one: exit 3 naming the
                node, as for an initializer
  dup_opset     opset_import lists '' twice: exit 3 naming the domain and
                both versions
  dup_attr      Softmax with 'axis' twice: exit 3 naming node and attribute
  fn_dup_opset  a model-local function importing '' twice: exit 3
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
from onnx import numpy_helper as nh

from realkit import PRIORI, ROOT, check, refused, summary, vi

OUT = os.path.join(ROOT, "build", "standard")



def save(name, nodes, inits=(), sparse=(), ir=8, opsets=None, functions=()):
    os.makedirs(OUT, exist_ok=True)
    g = h.make_graph(nodes, "g", [vi("X", [2, 4])], [vi(nodes[-1].output[0], None)], initializer=list(inits),
                     sparse_initializer=list(sparse))
    m = h.make_model(g, opset_imports=opsets or [h.make_opsetid("", 13)], functions=list(functions))
    m.ir_version = ir
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(m, path)
    return path


def run(path):
    return subprocess.run([PRIORI, "analyze", "--format", "json", path], capture_output=True, text=True)


def ok_report(case, path):
    r = run(path)
    check(r.returncode == 0, "%s: exit %d %s" % (case, r.returncode, r.stderr.strip()))
    return (json.loads(r.stdout), r.stderr) if r.returncode == 0 else (None, r.stderr)


MATMUL = h.make_node("MatMul", ["X", "W"], ["Y"])


def w_dense():
    return nh.from_array(np.ones((4, 3), np.float32), "W")


def sparse_w(indices, values=(1.0, 2.0, 3.0), dims=(4, 3)):
    v = nh.from_array(np.array(values, np.float32), "W")
    i = nh.from_array(np.array(indices, np.int64), "W_i")
    return h.make_sparse_tensor(v, i, list(dims))


def main():
    rep, _ = ok_report("ir13", save("ir13", [MATMUL], [w_dense()], ir=13))
    check(rep is not None and rep["totals"]["macs"] == 24, "ir13: analysed")
    refused("ir14", save("ir14", [MATMUL], [w_dense()], ir=14), "ir_version 14", "at most 13")

    for case, idx in (("sparse", [0, 5, 11]), ("sparse_coords", [[0, 0], [1, 2], [3, 2]])):
        rep, _ = ok_report(case, save(case, [MATMUL], sparse=[sparse_w(idx)]))
        if rep:
            t = rep["totals"]
            sp = rep["model"].get("sparse_initializers", [{}])[0]
            check((t["params"], t["macs"], t["complete"]) == (12, 24, True), "%s: totals %s" % (case, t))
            check(sp.get("name") == "W" and sp.get("nonzero") == 3 and sp.get("shape") == [4, 3],
                  "%s: sparse entry %s" % (case, sp))
    refused("sparse_bad_index", save("sparse_bad_index", [MATMUL], sparse=[sparse_w([0, 5, 12])]),
            "sparse initializer 'W'", "index 12", "outside [0, 12)")
    refused("sparse_bad_shape", save("sparse_bad_shape", [MATMUL], sparse=[sparse_w([[0], [5], [11]])]),
            "sparse initializer 'W'", "indices must be int64 of shape [3] or [3, 2]")
    bad = sparse_w([0, 5, 11])
    bad.values.dims[:] = [3, 1]
    refused("sparse_bad_values", save("sparse_bad_values", [MATMUL], sparse=[bad]), "values have rank 2")

    w = onnx.TensorProto()
    w.name, w.data_type = "W", T.FLOAT
    w.dims.extend([4, 3])
    s = onnx.TensorProto()
    s.name, s.data_type = "S", T.INT64
    s.dims.extend([2])
    rep, err = ok_report("weightless", save("weightless", [MATMUL, h.make_node("Reshape", ["Y", "S"], ["Z"])], [w, s]))
    if rep:
        check((rep["totals"]["params"], rep["totals"]["macs"]) == (12, 24), "weightless: totals %s" % rep["totals"])
        lines = [l for l in err.splitlines() if "weightless" in l]
        check(len(lines) == 1 and "2 initializers" in lines[0] and "'W'" in lines[0], "weightless: warnings %s" % lines)

    def ext_constant(loc):   # W as a Constant whose value is stored externally (Paddle2ONNX's layout)
        t = onnx.TensorProto()
        t.name, t.data_type, t.data_location = "Wc", T.FLOAT, T.EXTERNAL
        t.dims.extend([4, 3])
        e = t.external_data.add()
        e.key, e.value = "location", loc
        return h.make_node("Constant", [], ["W"], value=t, name="wc")

    rep, err = ok_report("const_external", save("const_external", [ext_constant("weights.bin"), MATMUL]))
    if rep:
        check((rep["totals"]["params"], rep["totals"]["macs"]) == (12, 24), "const_external: totals %s" % rep["totals"])
        lines = [l for l in err.splitlines() if "external data" in l]
        check(len(lines) == 1 and "Constant output 'W': external data file 'weights.bin' is missing" in lines[0],
              "const_external: warnings %s" % lines)
    for case, loc, text in (("const_external_dotdot", "../w.bin", "leaves the model's folder"),
                            ("const_external_abs", "/etc/passwd", "is absolute")):
        refused(case, save(case, [ext_constant(loc), MATMUL]), "node 0 'wc' (Constant)", "'%s'" % loc, text)

    refused("dup_opset", save("dup_opset", [MATMUL], [w_dense()],
                              opsets=[h.make_opsetid("", 13), h.make_opsetid("", 14)]),
            "opset_import lists domain 'ai.onnx' twice", "versions 13 and 14")
    sm = h.make_node("Softmax", ["X"], ["Y"], axis=1, name="sm")
    sm.attribute.extend([h.make_attribute("axis", 0)])
    refused("dup_attr", save("dup_attr", [sm]), "node 0 'sm' (Softmax)", "attribute 'axis' is given twice")
    f = h.make_function("local", "F", ["X"], ["Y"], [h.make_node("Relu", ["X"], ["Y"])],
                        [h.make_opsetid("", 13), h.make_opsetid("", 14)], [])
    refused("fn_dup_opset", save("fn_dup_opset", [h.make_node("F", ["X"], ["Y"], domain="local")],
                                 opsets=[h.make_opsetid("", 13), h.make_opsetid("local", 1)], functions=[f]),
            "function 'F' imports domain 'ai.onnx' twice")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
