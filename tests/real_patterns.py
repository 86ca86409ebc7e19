#!/usr/bin/python3
"""real_patterns.py -- graph patterns of real exporters, built with
onnx.helper and analysed end to end with closed-form expectations.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_patterns.py [-v]

1. tf2onnx (TensorFlow/Keras, NHWC): the input arrives NHWC with a
   symbolic batch ("unk__7", bound with --dim), a Transpose to NCHW
   before the Conv and back after it, weights stored as Constant nodes
   (the conv kernel in TensorFlow's HWIO layout, transposed to OIHW by a
   Transpose node), Identity chains between ops, a Reshape whose target is
   a Constant, and MatMul + Add for the dense layer. Expected, with
   N = batch, H = W = 8, C = 3 channels in, K = 4 filters of 3x3 (pad 1),
   D = 10 dense units:
     Conv    MACs N*K*H*W*C*3*3, FLOPs 2*MACs + N*K*H*W (bias)
     Relu    FLOPs N*K*H*W
     MatMul  MACs N*(H*W*K)*D, FLOPs 2*MACs
     Add     FLOPs N*D
     params  3*3*C*K + K + H*W*K*D + D (each Constant weight once)
   Every layer must be "ok", nothing unsupported, totals complete.

2. Data-dependent extents (pr_data_dim): a TopK whose K is a graph input
   and a NonZero on a runtime tensor. Their output extents are the symbols
   "topk.k" and "nz.n": bound with --dim the costs downstream use the bound
   values; unbound they take the upper bound (the axis extent, numel(X))
   with a warning that names the symbol and the flag, and are listed in
   unbound_symbols. A binding above the upper bound is an error (exit 3).
     X 3x10, TopK k:   TopK FLOPs 30*max(1, ceil(log2 k)), Relu FLOPs 3*k
     Y 4x6, NonZero n: NonZero FLOPs 24, Cast FLOPs 0, Neg FLOPs 2*n

Prints one line per failure and "N passed, N failed" last; exit 1 on any
failure.
"""

import json
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRIORI = os.environ.get("PRIORI", os.path.join(ROOT, "build", "priori"))
OUT = os.path.join(ROOT, os.environ.get("BUILD", "build"), "patterns")

passed = failed = 0
verbose = "-v" in sys.argv


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        if verbose:
            print("ok", what)
    else:
        failed += 1
        print("FAIL", what)


def const(name, array):
    return helper.make_node("Constant", [], [name], name=name + "_const",
                            value=numpy_helper.from_array(array, name))


def tf2onnx_model(path):
    H = W = 8
    C, K, D = 3, 4, 10
    rng = np.random.default_rng(0)
    nodes = [
        const("kernel_hwio", rng.standard_normal((3, 3, C, K)).astype(np.float32)),
        helper.make_node("Identity", ["kernel_hwio"], ["kernel_read"], name="conv/ReadVariableOp"),
        helper.make_node("Transpose", ["kernel_read"], ["kernel_oihw"], name="conv/kernel_T",
                         perm=[3, 2, 0, 1]),
        const("conv_bias", rng.standard_normal((K,)).astype(np.float32)),
        helper.make_node("Transpose", ["input_1:0"], ["nchw"], name="conv/Conv2D__6",
                         perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["nchw", "kernel_oihw", "conv_bias"], ["conv_out"],
                         name="conv/Conv2D", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[1, 1], dilations=[1, 1], group=1),
        helper.make_node("Relu", ["conv_out"], ["relu_out"], name="conv/Relu"),
        helper.make_node("Transpose", ["relu_out"], ["nhwc"], name="conv/Relu__8",
                         perm=[0, 2, 3, 1]),
        helper.make_node("Identity", ["nhwc"], ["nhwc_id1"], name="dropout/Identity"),
        helper.make_node("Identity", ["nhwc_id1"], ["nhwc_id2"], name="flatten/Identity"),
        const("flat_shape", np.array([-1, H * W * K], dtype=np.int64)),
        helper.make_node("Reshape", ["nhwc_id2", "flat_shape"], ["flat"], name="flatten/Reshape"),
        const("dense_kernel", rng.standard_normal((H * W * K, D)).astype(np.float32)),
        helper.make_node("MatMul", ["flat", "dense_kernel"], ["mm"], name="dense/MatMul"),
        const("dense_bias", rng.standard_normal((D,)).astype(np.float32)),
        helper.make_node("Add", ["mm", "dense_bias"], ["logits"], name="dense/BiasAdd"),
        helper.make_node("Identity", ["logits"], ["output_0"], name="Identity"),
    ]
    graph = helper.make_graph(
        nodes, "tf2onnx",
        [helper.make_tensor_value_info("input_1:0", TensorProto.FLOAT, ["unk__7", H, W, C])],
        [helper.make_tensor_value_info("output_0", TensorProto.FLOAT, ["unk__7", D])])
    model = helper.make_model(graph, producer_name="tf2onnx", producer_version="1.9.3",
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return H, W, C, K, D


def data_dim_model(path):
    nodes = [
        helper.make_node("TopK", ["x", "k"], ["vals", "idx"], name="topk", axis=1),
        helper.make_node("Relu", ["vals"], ["top"], name="relu"),
        helper.make_node("NonZero", ["y"], ["coords"], name="nz"),
        helper.make_node("Cast", ["coords"], ["coords_f"], name="cast", to=TensorProto.FLOAT),
        helper.make_node("Neg", ["coords_f"], ["neg"], name="neg"),
    ]
    graph = helper.make_graph(
        nodes, "data_dims",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 10]),
         helper.make_tensor_value_info("k", TensorProto.INT64, [1]),
         helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 6])],
        [helper.make_tensor_value_info("top", TensorProto.FLOAT, [None, None]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, [None, None]),
         helper.make_tensor_value_info("neg", TensorProto.FLOAT, [None, None])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def analyse(path, flags):
    p = subprocess.run([PRIORI, "analyze", path, "--format", "json", "-q"] + flags,
                       capture_output=True, timeout=120)
    check(p.returncode == 0, f"{os.path.basename(path)} {flags}: exit 0 "
          f"(got {p.returncode}: {p.stderr.decode()[:300]})")
    try:
        return json.loads(p.stdout)
    except ValueError:
        check(False, f"{os.path.basename(path)}: JSON report")
        return {}


def layers(report):
    return {L["name"]: L for L in report.get("layers", [])}


def check_tf2onnx():
    path = os.path.join(OUT, "tf2onnx_nhwc.onnx")
    H, W, C, K, D = tf2onnx_model(path)
    for N in (1, 2):
        r = analyse(path, ["--dim", f"unk__7={N}"])
        t = r.get("totals", {})
        L = layers(r)
        conv = N * K * H * W * C * 3 * 3
        dense = N * (H * W * K) * D
        tag = f"tf2onnx N={N}"
        check(t.get("macs") == conv + dense, f"{tag}: MACs {t.get('macs')} == {conv + dense}")
        want_flops = (2 * conv + N * K * H * W) + N * K * H * W + 2 * dense + N * D
        check(t.get("flops") == want_flops, f"{tag}: FLOPs {t.get('flops')} == {want_flops}")
        params = 3 * 3 * C * K + K + H * W * K * D + D
        check(t.get("params") == params, f"{tag}: params {t.get('params')} == {params}")
        check(t.get("complete") is True, f"{tag}: totals complete")
        check(not r.get("unsupported"), f"{tag}: nothing unsupported ({r.get('unsupported')})")
        check(all(x["status"] == "ok" for x in L.values()),
              f"{tag}: every layer ok ({[(n, x['status']) for n, x in L.items() if x['status'] != 'ok']})")
        check(L.get("conv/Conv2D", {}).get("macs") == conv, f"{tag}: Conv MACs")
        check(L.get("dense/MatMul", {}).get("macs") == dense, f"{tag}: MatMul MACs")
        check(r.get("outputs", [{}])[0].get("shape") == [N, D], f"{tag}: output shape [N, D]")
        check(not r.get("unbound_symbols"), f"{tag}: no unbound symbols")


def check_data_dims():
    path = os.path.join(OUT, "data_dims.onnx")
    data_dim_model(path)
    for k, n in ((4, 5), (1, 24), (None, None)):
        flags = []
        if k is not None:
            flags += ["--dim", f"topk.k={k}", "--dim", f"nz.n={n}"]
        r = analyse(path, flags)
        L = layers(r)
        kk = 10 if k is None else k    # unbound: the axis extent
        nn = 24 if n is None else n    # unbound: numel(Y) = 4*6
        tag = f"data dims k={k} n={n}"
        check(L.get("topk", {}).get("flops") == 30 * max(1, math.ceil(math.log2(kk))),
              f"{tag}: TopK FLOPs {L.get('topk', {}).get('flops')}")
        check(L.get("relu", {}).get("flops") == 3 * kk, f"{tag}: Relu FLOPs use k")
        check(L.get("nz", {}).get("flops") == 24, f"{tag}: NonZero FLOPs numel(Y)")
        check(L.get("neg", {}).get("flops") == 2 * nn, f"{tag}: Neg FLOPs use n")
        outs = {o["name"]: o["shape"] for o in r.get("outputs", [])}
        check(outs.get("top") == [3, kk], f"{tag}: TopK output shape {outs.get('top')}")
        check(outs.get("neg") == [2, nn], f"{tag}: NonZero output shape {outs.get('neg')}")
        unbound = set(r.get("unbound_symbols") or [])
        warnings = " ".join(r.get("warnings") or [])
        if k is None:
            check({"topk.k", "nz.n"} <= unbound, f"{tag}: unbound symbols listed ({unbound})")
            check("--dim topk.k=N" in warnings and "--dim nz.n=N" in warnings,
                  f"{tag}: warnings name the symbols and the flag")
        else:
            check(not unbound, f"{tag}: nothing unbound ({unbound})")
    # a binding past the upper bound is a model error (exit 3) naming the node
    p = subprocess.run([PRIORI, "analyze", path, "--dim", "topk.k=11"], capture_output=True,
                       timeout=120)
    err = p.stderr.decode()
    check(p.returncode == 3 and "'topk'" in err and "cannot exceed 10" in err,
          f"topk.k=11 > 10 is refused (exit {p.returncode}: {err[:200]})")


def main():
    os.makedirs(OUT, exist_ok=True)
    check_tf2onnx()
    check_data_dims()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
