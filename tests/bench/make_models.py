#!/usr/bin/python3
"""make_models.py -- the benchmark set of `make bench`, written once into OUTDIR.

    /usr/bin/python3 tests/bench/make_models.py build/bench

Each model is made only when its file is missing (a partial file is written
under a temporary name and renamed, so an interrupted run leaves nothing).

  resnet50.onnx, vgg16.onnx, vit_b_16.onnx
      torchvision architectures (random weights, eval mode), exported with
      torch.onnx.export at opset 17, batch 1, 224x224.
  transformer_2g.onnx + transformer_2g.data
      a stack of 11 transformer encoder layers (d_model 2048, 16 heads, FFN
      8192, sequence 128) built with onnx.helper: 2.21 GB of float32
      weights, saved as external data in one file. The weights are zeros:
      each tensor is made, written with onnx's own external-data helpers
      (set_external_data + save_external_data, what save_model's
      save_as_external_data does for every tensor) and dropped before the
      next one, so the generator never holds more than one 64 MB tensor;
      the model is then written with onnx.save_model(...,
      save_as_external_data=True), which finds every large tensor already
      external. onnx.checker validates the result.
  synthetic_100k.onnx
      100,000 nodes written with onnx.helper: 20,000 blocks of MatMul (one
      shared 64x64 weight), Add (shared bias), Relu, Shape and Reshape (the
      shape computed from the data, as exporters write it).
  synthetic_1m.onnx
      the same blocks, 200,000 of them: 1,000,000 nodes (PR_MAX_NODES).
  synthetic_50k_batch.onnx
      the same blocks, 10,000 of them (50,000 nodes), on an input of shape
      [batch, 64]: what a sweep over --dim batch=... re-analyses.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import save_external_data, set_external_data

OPSET = 17


def write_atomically(path, write):
    tmp = path + ".part"
    write(tmp)
    os.replace(tmp, path)


def torchvision_model(outdir, name):
    path = os.path.join(outdir, name + ".onnx")
    if os.path.exists(path):
        return
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)

    def write(tmp):
        # not under no_grad: that would send ViT's attention down PyTorch's
        # fused fast path, which has no ONNX export
        torch.onnx.export(model, x, tmp, opset_version=OPSET, input_names=["image"],
                          output_names=["logits"], do_constant_folding=True)

    write_atomically(path, write)
    print("wrote", path, os.path.getsize(path), "bytes")


# ---- transformer stack with external data ----

D, HEADS, FFN, SEQ, LAYERS = 2048, 16, 8192, 128, 11


def transformer(outdir):
    name = "transformer_2g"
    path = os.path.join(outdir, name + ".onnx")
    data = name + ".data"
    if os.path.exists(path) and os.path.exists(os.path.join(outdir, data)):
        return
    tmp_data = os.path.join(outdir, data)
    if os.path.exists(tmp_data):
        os.remove(tmp_data)
    nodes, inits = [], []

    def weight(wname, shape):
        t = numpy_helper.from_array(np.zeros(shape, dtype=np.float32), wname)
        if t.ByteSize() >= 1024:   # what save_model's size_threshold does
            set_external_data(t, data)
            save_external_data(t, outdir)
            t.ClearField("raw_data")
            t.data_location = TensorProto.EXTERNAL
        inits.append(t)
        return wname

    def const_i64(cname, values):
        inits.append(numpy_helper.from_array(np.array(values, dtype=np.int64), cname))
        return cname

    def node(op, ins, outs_n, **attrs):
        outs = [f"{outs_n}"] if isinstance(outs_n, str) else outs_n
        nodes.append(helper.make_node(op, ins, outs, name=outs[0], **attrs))
        return outs[0]

    dh = D // HEADS
    heads_shape = const_i64("heads_shape", [1, SEQ, HEADS, dh])
    model_shape = const_i64("model_shape", [1, SEQ, D])
    inits.append(numpy_helper.from_array(np.array(1.0 / np.sqrt(dh), dtype=np.float32), "scale"))
    scale = "scale"
    x = "tokens"
    for i in range(LAYERS):
        p = f"l{i}."

        def proj(tag, src, k, n):
            w = weight(p + tag + ".w", (k, n))
            b = weight(p + tag + ".b", (n,))
            return node("Add", [node("MatMul", [src, w], p + tag + ".mm"), b], p + tag)

        def heads(t, perm):
            return node("Transpose", [node("Reshape", [t, heads_shape], t + ".r")], t + ".t", perm=perm)

        q = heads(proj("q", x, D, D), [0, 2, 1, 3])
        k = heads(proj("k", x, D, D), [0, 2, 3, 1])
        v = heads(proj("v", x, D, D), [0, 2, 1, 3])
        s = node("Mul", [node("MatMul", [q, k], p + "qk"), scale], p + "scaled")
        a = node("MatMul", [node("Softmax", [s], p + "attn", axis=-1), v], p + "ctx")
        a = node("Reshape", [node("Transpose", [a], p + "ctx.t", perm=[0, 2, 1, 3]), model_shape], p + "ctx.r")
        x = node("Add", [x, proj("o", a, D, D)], p + "res1")
        h = node("Relu", [proj("ff1", x, D, FFN)], p + "ff.relu")
        x = node("Add", [x, proj("ff2", h, FFN, D)], p + "res2")
    graph = helper.make_graph(nodes, "transformer_2g",
                              [helper.make_tensor_value_info("tokens", TensorProto.FLOAT, [1, SEQ, D])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, SEQ, D])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="priori-bench")
    model.ir_version = 8

    def write(tmp):
        onnx.save_model(model, tmp, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data)

    write_atomically(path, write)
    onnx.checker.check_model(path)
    print("wrote", path, os.path.getsize(path), "bytes +", data,
          os.path.getsize(os.path.join(outdir, data)), "bytes")


# ---- 100,000 nodes ----

def synthetic(outdir, blocks=20000, width=64, name="synthetic_100k", batch=1):
    path = os.path.join(outdir, name + ".onnx")
    if os.path.exists(path):
        return
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((width, width)).astype(np.float32), "W"),
             numpy_helper.from_array(rng.standard_normal(width).astype(np.float32), "b")]
    nodes = []
    x = "x"
    for i in range(blocks):
        p = f"b{i}."
        nodes.append(helper.make_node("MatMul", [x, "W"], [p + "mm"], name=p + "mm"))
        nodes.append(helper.make_node("Add", [p + "mm", "b"], [p + "add"], name=p + "add"))
        nodes.append(helper.make_node("Relu", [p + "add"], [p + "relu"], name=p + "relu"))
        nodes.append(helper.make_node("Shape", [p + "relu"], [p + "shape"], name=p + "shape"))
        nodes.append(helper.make_node("Reshape", [p + "relu", p + "shape"], [p + "out"], name=p + "reshape"))
        x = p + "out"
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, width])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, [batch, width])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="priori-bench")
    model.ir_version = 8
    if blocks <= 20000:   # the checker is slow on a million nodes; the smaller files show the layout is valid
        onnx.checker.check_model(model)
    write_atomically(path, lambda tmp: onnx.save_model(model, tmp))
    print("wrote", path, os.path.getsize(path), "bytes,", len(nodes), "nodes")


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "build/bench"
    os.makedirs(outdir, exist_ok=True)
    synthetic(outdir)
    synthetic(outdir, blocks=200000, name="synthetic_1m")
    synthetic(outdir, blocks=10000, name="synthetic_50k_batch", batch="batch")
    for name in ("resnet50", "vgg16", "vit_b_16"):
        torchvision_model(outdir, name)
    transformer(outdir)


if __name__ == "__main__":
    main()
