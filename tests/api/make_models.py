#!/usr/bin/python3
"""make_models.py -- the models of the sweep and llm tests of the C API and
the Python package (tests/api.sh, tests/python_api.py), with the closed
forms those tests check:

    /usr/bin/python3 tests/api/make_models.py OUTDIR

  chain.onnx   x [batch, seq, 32] -> MatMul W1 [32, 64] -> MatMul W2 [64, 16]
               (float32). For b = batch, s = seq:
                 MACs  = b s (32*64 + 64*16) = 3072 b s;   FLOPs = 2 MACs
                 params = 32*64 + 64*16 = 3072;            weight bytes = 4 params
                 activation bytes = 4 b s (64 + 16) = 320 b s
                 peak = 4 b s max(32 + 64, 64 + 16) = 384 b s
                   (x and the first product are alive while it runs)
                 bytes read = 4 (b s (32 + 64) + 3072);  bytes written = 320 b s
  fixed.onnx   x [1, seq, 16] -> MatMul W [16, 16] -> Reshape to [1, 8, 16]:
               the analysis fails at every seq but 8.
  genai_gqa.onnx  tests/llm/make_decoders.py's decoder in the
               onnxruntime-genai layout (L = 2 layers, Hkv = 2 key/value heads
               of dh = 8, float32): the KV cache holds 2 L Hkv dh 4 = 256
               bytes per token and sequence, MACs as that file's docstring.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "llm"))


def init(name, shape):
    return numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name)


def save(graph, path):
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def chain(path):
    nodes = [h.make_node("MatMul", ["x", "W1"], ["y1"], name="mm1"),
             h.make_node("MatMul", ["y1", "W2"], ["y2"], name="mm2")]
    g = h.make_graph(nodes, "chain", [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", 32])],
                     [h.make_tensor_value_info("y2", T.FLOAT, ["batch", "seq", 16])],
                     [init("W1", [32, 64]), init("W2", [64, 16])])
    return save(g, path)


def chain_expect(b, s):
    """The closed forms of chain.onnx at batch b, seq s."""
    macs = 3072 * b * s
    return {"params": 3072, "macs": macs, "flops": 2 * macs, "weight_bytes": 4 * 3072,
            "activation_bytes": 320 * b * s, "peak_activation_bytes": 384 * b * s,
            "bytes_read": 4 * (96 * b * s + 3072), "bytes_written": 320 * b * s}


def fixed(path):
    shape = numpy_helper.from_array(np.array([1, 8, 16], dtype=np.int64), "shape")
    nodes = [h.make_node("MatMul", ["x", "W"], ["m"], name="mm"),
             h.make_node("Reshape", ["m", "shape"], ["y"], name="reshape")]
    g = h.make_graph(nodes, "fixed", [h.make_tensor_value_info("x", T.FLOAT, [1, "seq", 16])],
                     [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 16])], [init("W", [16, 16]), shape])
    return save(g, path)


def decoder(outdir):
    import make_decoders  # torch is imported there: only when a decoder is made
    return make_decoders.genai(outdir), make_decoders.CONFIGS["genai_gqa"]


def decoder_config():
    """The configuration of genai_gqa.onnx (L, d, H, Hkv, dh, d_ff, mlp_mats, V)."""
    import make_decoders
    return make_decoders.CONFIGS["genai_gqa"]


def llm_macs(c, B, S, P):
    """MACs of S new tokens after P cached ones, batch B (make_decoders.py's closed form)."""
    T_ = P + S
    L, d, H, Hkv, dh, F, m, V = (c[k] for k in ("L", "d", "H", "Hkv", "dh", "d_ff", "mlp_mats", "V"))
    return B * S * (L * (2 * d * d + 2 * d * Hkv * dh + m * d * F + 2 * T_ * H * dh) + d * V)


def kv_bytes_per_token(c):
    """Keys and values of every layer for one token of one sequence (float32)."""
    return 2 * c["L"] * c["Hkv"] * c["dh"] * 4


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_models.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    chain(os.path.join(out, "chain.onnx"))
    fixed(os.path.join(out, "fixed.onnx"))
    decoder(out)


if __name__ == "__main__":
    main()
