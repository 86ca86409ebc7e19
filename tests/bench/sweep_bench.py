#!/usr/bin/python3
"""sweep_bench.py -- `make bench`'s sweep line (issue 14): a sweep of 64
points over a 50,000-node graph (10,000 blocks of MatMul, Add, Relu, Shape,
Reshape on x [batch, 64], written with onnx.helper like make_models.py's
synthetic graph; cached in OUT), against one `priori analyze` of the same
graph and the process start (`priori --version`), measured in the same run.
Target: the sweep in at most 2 s. Prints PASS/FAIL; a benchmark does not
fail the build.

Usage: sweep_bench.py --priori build/priori --dir build/bench [--runs 3]
"""
import argparse
import os
import statistics
import subprocess
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LIMIT_S = 2.0
POINTS = 64


def model(outdir, blocks=10000, width=64):
    path = os.path.join(outdir, "synthetic_50k_batch.onnx")
    if os.path.exists(path):
        return path
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((width, width)).astype(np.float32), "W"),
             numpy_helper.from_array(rng.standard_normal(width).astype(np.float32), "b")]
    nodes, x = [], "x"
    for i in range(blocks):
        p = f"b{i}."
        nodes += [helper.make_node("MatMul", [x, "W"], [p + "mm"], name=p + "mm"),
                  helper.make_node("Add", [p + "mm", "b"], [p + "add"], name=p + "add"),
                  helper.make_node("Relu", [p + "add"], [p + "relu"], name=p + "relu"),
                  helper.make_node("Shape", [p + "relu"], [p + "shape"], name=p + "shape"),
                  helper.make_node("Reshape", [p + "relu", p + "shape"], [p + "out"], name=p + "reshape")]
        x = p + "out"
    g = helper.make_graph(nodes, "synthetic_50k_batch",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", width])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["batch", width])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="priori-bench")
    m.ir_version = 8
    tmp = path + ".tmp"
    onnx.save_model(m, tmp)
    os.replace(tmp, path)
    return path


def timed(argv, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        out.append(time.perf_counter() - t0)
        if r.returncode:
            raise SystemExit("%s: exit %d %s" % (" ".join(argv), r.returncode, r.stderr.decode()[:300]))
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--priori", default="build/priori")
    ap.add_argument("--dir", default="build/bench")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    path = model(a.dir)
    start = timed([a.priori, "--version"], a.runs * 3)
    one = timed([a.priori, "analyze", "-q", "--format", "json", path, "--dim", "batch=1"], a.runs)
    sweep = timed([a.priori, "sweep", "-q", "--format", "json", path, "--dim", "batch=1..%d" % POINTS], a.runs)
    print("\nsweep: %d points on a 50,000-node graph (median of %d runs)" % (POINTS, a.runs))
    print("  priori sweep --dim batch=1..%d   %.3f s (%.1f ms per point)" % (POINTS, sweep, 1000 * sweep / POINTS))
    print("  priori analyze --dim batch=1     %.3f s (one point, with the load and the report)" % one)
    print("  priori --version                 %.4f s (the process start)" % start)
    print("  sweep / (%d x analyze)           %.2f (what loading once saves)" % (POINTS, sweep / (POINTS * one)))
    print("  sweep / analyze                  %.1f" % (sweep / one))
    print("  %s  a sweep of %d points on 50,000 nodes in %.2f s <= %.1f s" %
          ("PASS" if sweep <= LIMIT_S else "FAIL", POINTS, sweep, LIMIT_S))


if __name__ == "__main__":
    main()
