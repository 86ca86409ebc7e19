#!/usr/bin/python3
"""real_opsets.py -- priori on the operators of opsets 18 to 26 (ONNX 1.13-1.21).

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_opsets.py [-v]
       /usr/bin/python3 tests/real_opsets.py --write DIR   (models only, for
       tools/ort_shapes.js)

Debian's ONNX test data stops at opset 17, so the operators added or
changed since are checked here: one single-node model each, written with
onnx.helper into build/opsets/ at the opset that introduced the behaviour.
Every output shape must equal onnxruntime's (tests/opsets_shapes.json,
written by `sh tools/ort_expected.sh opsets` with onnxruntime-node 1.31,
which runs all of them). The counts of the new operators are checked
against closed forms written here (the formulas of docs/counting.md with
each node's hyper-parameters):

  attn4      Attention-23, Q 2x4x5x8, K/V 2x4x7x8|6: scores S = 2*4*5*7 = 280,
             MACs 280*(8+6) = 3920, FLOPs 2*3920 + 6*280 = 9520
  attn_gqa   rank 3, 4 query / 2 kv heads, causal, softcap: S = 2*4*5*7,
             MACs S*14, FLOPs 2*MACs + 7*S + 3*S
  attn_past  past 7 + 5 new = T 12, float mask, qk output: S = 2*4*5*12,
             MACs S*14, FLOPs 2*MACs + 7*S
  attn_pad   Attention-24 with nonpad_kv_seqlen, causal: S = 2*4*5*9,
             MACs S*16, FLOPs 2*MACs + 8*S
  rms        RMSNormalization 2x5x8, axis -1: 4*80 + 3*10 = 350
  rms_axis1  axis 1: 4*80 + 3*2 = 326
  rope4      RotaryEmbedding 2x4x5x8, position_ids: 3*320 = 960
  rope3      2x5x16, 2 heads, rotary dim 4, caches (B, S, 2): 3*2*5*2*4 = 240
  swish      Swish 3x4: 6*12 = 72
  cumprod    CumProd 3x4: 12
  deform     DeformConv X 1x4x8x8, W 6x4x3x3: Y 216, MACs 216*36 = 7776,
             FLOPs 2*7776 + 7*(324*4) + 12*324 = 28512
  deform_g   group 2, offset_group 2, stride 2, pad 1, bias, mask:
             X 2x4x9x9, W 6x2x3x3, Y 2x6x5x5 = 300, MACs 300*18 = 5400,
             taps 2*25*9 = 450: FLOPs 2*5400 + 300 + 450*4*8 + 450*2*12 = 36300
and three older operators the table lacked until the check against
onnxruntime's kernel list (X 2x3x8x10, 480 elements):
  glp        GlobalLpPool p 3: 2*480 + 6 = 966
  lpn2       LpNormalization axis 1, p 2: 3*480 + 160 rows = 1600
  lpn1       axis -1, p 1: 3*480 = 1440
  memcpy     MemcpyToHost (ONNX Runtime's device copy): 0
Every other model (TensorScatter, CenterCropPad, BitCast, the string
operators, and the changed forms of Split, Pad, Reduce*, Resize,
AveragePool, LpPool, GroupNormalization, Quantize/DequantizeLinear,
ScatterND, GridSample, DFT, ...) is checked by its shapes. Prints one line
per failure and "N passed, N failed" last.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import ROOT, ort_shapes, check, reports, summary, vi

OUT = os.path.join(ROOT, "build", "opsets")
SHAPES = os.path.join(ROOT, "tests", "opsets_shapes.json")


def model(opset, node, inputs, inits=(), nout=1):
    outs = [onnx.ValueInfoProto(name=o) for o in node.output if o][:max(nout, 1)]   # types: inferred
    g = h.make_graph([node], "g", inputs, outs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 10 if opset < 23 else 11
    return m


def const(name, vals, dtype=np.int64):
    return nh.from_array(np.array(vals, dtype), name)


def node(op, ins, outs, **attrs):
    return h.make_node(op, ins, outs, **attrs)


def new_operators():
    """name -> (model, MACs, FLOPs); None where only shapes are checked."""
    s280, sgqa, spast, spad = 2 * 4 * 5 * 7, 2 * 4 * 5 * 7, 2 * 4 * 5 * 12, 2 * 4 * 5 * 9
    return {
        "attn4": (model(23, node("Attention", ["q", "k", "v"], ["y"]),
                        [vi("q", [2, 4, 5, 8]), vi("k", [2, 4, 7, 8]), vi("v", [2, 4, 7, 6])]),
                  s280 * 14, 2 * s280 * 14 + 6 * s280),
        "attn_gqa": (model(23, node("Attention", ["q", "k", "v"], ["y"], q_num_heads=4, kv_num_heads=2,
                                    is_causal=1, softcap=30.0),
                           [vi("q", [2, 5, 32]), vi("k", [2, 7, 16]), vi("v", [2, 7, 12])]),
                     sgqa * 14, 2 * sgqa * 14 + 7 * sgqa + 3 * sgqa),
        "attn_past": (model(23, node("Attention", ["q", "k", "v", "m", "pk", "pv"], ["y", "ok", "ov", "qk"],
                                     qk_matmul_output_mode=1),
                            [vi("q", [2, 4, 5, 8]), vi("k", [2, 2, 5, 8]), vi("v", [2, 2, 5, 6]),
                             vi("m", [5, 12]), vi("pk", [2, 2, 7, 8]), vi("pv", [2, 2, 7, 6])], nout=4),
                      spast * 14, 2 * spast * 14 + 7 * spast),
        "attn_pad": (model(24, node("Attention", ["q", "k", "v", "", "", "", "n"], ["y"], is_causal=1),
                           [vi("q", [2, 4, 5, 8]), vi("k", [2, 4, 9, 8]), vi("v", [2, 4, 9, 8]),
                            vi("n", [2], T.INT64)]),
                     spad * 16, 2 * spad * 16 + 8 * spad),
        "rms": (model(23, node("RMSNormalization", ["x", "s"], ["y"]), [vi("x", [2, 5, 8]), vi("s", [8])]),
                0, 350),
        "rms_axis1": (model(23, node("RMSNormalization", ["x", "s"], ["y"], axis=1),
                            [vi("x", [2, 5, 8]), vi("s", [5, 8])]), 0, 326),
        "rope4": (model(23, node("RotaryEmbedding", ["x", "c", "s", "p"], ["y"]),
                        [vi("x", [2, 4, 5, 8]), vi("c", [16, 4]), vi("s", [16, 4]), vi("p", [2, 5], T.INT64)]),
                  0, 960),
        "rope3": (model(23, node("RotaryEmbedding", ["x", "c", "s"], ["y"], num_heads=2, rotary_embedding_dim=4),
                        [vi("x", [2, 5, 16]), vi("c", [2, 5, 2]), vi("s", [2, 5, 2])]), 0, 240),
        "swish": (model(24, node("Swish", ["x"], ["y"], alpha=1.702), [vi("x", [3, 4])]), 0, 72),
        "cumprod": (model(26, node("CumProd", ["x", "a"], ["y"], reverse=1), [vi("x", [3, 4])], [const("a", 1)]),
                    0, 12),
        "deform": (model(19, node("DeformConv", ["x", "w", "o"], ["y"]),
                         [vi("x", [1, 4, 8, 8]), vi("w", [6, 4, 3, 3]), vi("o", [1, 18, 6, 6])]),
                   7776, 2 * 7776 + 7 * 324 * 4 + 12 * 324),
        "deform_g": (model(19, node("DeformConv", ["x", "w", "o", "b", "m"], ["y"], group=2, offset_group=2,
                                    strides=[2, 2], pads=[1, 1, 1, 1]),
                           [vi("x", [2, 4, 9, 9]), vi("w", [6, 2, 3, 3]), vi("o", [2, 36, 5, 5]), vi("b", [6]),
                            vi("m", [2, 18, 5, 5])]),
                     5400, 2 * 5400 + 300 + 450 * 4 * 8 + 450 * 2 * 12),
        "tscat": (model(24, node("TensorScatter", ["c", "u", "w"], ["y"]),
                        [vi("c", [2, 3, 16, 8]), vi("u", [2, 3, 1, 8]), vi("w", [2], T.INT64)]), 0, 0),
        "tscat_circ": (model(24, node("TensorScatter", ["c", "u"], ["y"], axis=1, mode="circular"),
                             [vi("c", [2, 16, 3]), vi("u", [2, 4, 3])]), 0, 0),
        "ccp": (model(18, node("CenterCropPad", ["x", "sh"], ["y"], axes=[0, 1]), [vi("x", [10, 7, 3])],
                      [const("sh", [6, 9])]), 0, 0),
        "ccp_all": (model(18, node("CenterCropPad", ["x", "sh"], ["y"]), [vi("x", [10, 7])], [const("sh", [4, 12])]),
                    0, 0),
        "bitcast": (model(26, node("BitCast", ["x"], ["y"], to=T.INT32), [vi("x", [3, 4])]), 0, 0),
        "sconcat": (model(20, node("StringConcat", ["x", "z"], ["y"]),
                          [vi("x", [3, 1], T.STRING), vi("z", [4], T.STRING)]), 0, 0),
        "regex": (model(20, node("RegexFullMatch", ["x"], ["y"], pattern="a.*"), [vi("x", [2, 3], T.STRING)]), 0, 0),
        "ssplit": (model(20, node("StringSplit", ["x"], ["y", "n"], delimiter=",", maxsplit=0),
                         [vi("x", [3], T.STRING)], nout=2), 0, 0),
        "glp": (model(18, node("GlobalLpPool", ["x"], ["y"], p=3), [vi("x", [2, 3, 8, 10])]), 0, 966),
        "lpn2": (model(18, node("LpNormalization", ["x"], ["y"], axis=1), [vi("x", [2, 3, 8, 10])]), 0, 1600),
        "lpn1": (model(18, node("LpNormalization", ["x"], ["y"], p=1), [vi("x", [2, 3, 8, 10])]), 0, 1440),
        "memcpy": (model(18, node("MemcpyToHost", ["x"], ["y"]), [vi("x", [2, 3, 8, 10])]), 0, 0),
    }


def changed_operators():
    """Operators that opsets 18-21 changed: name -> model (shapes only)."""
    x4 = vi("x", [2, 3, 8, 10])
    i8 = T.INT8
    return {
        "split18": model(18, node("Split", ["x"], ["a", "b", "c"], axis=3, num_outputs=3), [x4], nout=3),
        "reducemax18": model(18, node("ReduceMax", ["x", "ax"], ["y"], keepdims=0), [x4], [const("ax", [1, 3])]),
        "reducemean18_noop": model(18, node("ReduceMean", ["x", "ax"], ["y"], noop_with_empty_axes=1), [x4],
                                   [const("ax", np.zeros(0), np.int64)]),
        "reducel2_18": model(18, node("ReduceL2", ["x", "ax"], ["y"]), [x4], [const("ax", [-1])]),
        "pad18_axes": model(18, node("Pad", ["x", "p", "", "ax"], ["y"]), [x4],
                            [const("p", [1, 2, 3, 4]), const("ax", [1, 3])]),
        "pad19_wrap": model(19, node("Pad", ["x", "p"], ["y"], mode="wrap"), [x4], [const("p", [0, 0, 1, 2, 0, 0, 1, 2])]),
        "resize18_axes": model(18, node("Resize", ["x", "", "sc"], ["y"], axes=[2, 3], mode="linear", antialias=1),
                               [x4], [const("sc", [0.5, 1.5], np.float32)]),
        "resize18_policy": model(18, node("Resize", ["x", "", "", "sz"], ["y"], axes=[2, 3],
                                          keep_aspect_ratio_policy="not_larger"), [x4], [const("sz", [4, 4])]),
        "resize18_larger": model(18, node("Resize", ["x", "", "", "sz"], ["y"], axes=[2, 3],
                                          keep_aspect_ratio_policy="not_smaller"), [x4], [const("sz", [4, 4])]),
        "resize19": model(19, node("Resize", ["x", "", "sc"], ["y"], coordinate_transformation_mode="half_pixel_symmetric",
                                   mode="linear"), [x4], [const("sc", [1, 1, 2, 0.5], np.float32)]),
        "avgpool19_dil": model(19, node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], dilations=[2, 2],
                                        ceil_mode=1, strides=[2, 2]), [x4]),
        "lppool18": model(18, node("LpPool", ["x"], ["y"], kernel_shape=[3, 3], dilations=[1, 2], ceil_mode=1,
                                   strides=[2, 2], p=2), [x4]),
        "groupnorm21": model(21, node("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=3),
                             [vi("x", [2, 6, 4, 4]), vi("s", [6]), vi("b", [6])]),
        "dq21_block": model(21, node("DequantizeLinear", ["x", "s", "z"], ["y"], axis=1, block_size=4),
                            [vi("x", [3, 8], i8)],
                            [const("s", np.ones((3, 2)), np.float32), const("z", np.zeros((3, 2)), np.int8)]),
        "q21_block": model(21, node("QuantizeLinear", ["x", "s"], ["y"], axis=1, block_size=4, output_dtype=i8),
                           [vi("x", [3, 8])], [const("s", np.ones((3, 2)), np.float32)]),
        "scatternd18_max": model(18, node("ScatterND", ["x", "i", "u"], ["y"], reduction="max"),
                                 [vi("x", [4, 5]), vi("u", [2, 5])], [const("i", [[1], [3]])]),
        "scatterel18_min": model(18, node("ScatterElements", ["x", "i", "u"], ["y"], reduction="min", axis=1),
                                 [vi("x", [3, 4]), vi("u", [3, 2])], [const("i", [[0, 1], [1, 2], [2, 3]])]),
        "gridsample20_3d": model(20, node("GridSample", ["x", "g"], ["y"], mode="linear"),
                                 [vi("x", [1, 2, 4, 5, 6]), vi("g", [1, 3, 3, 2, 3])]),
        "affinegrid20": model(20, node("AffineGrid", ["th", "sz"], ["y"], align_corners=1),
                              [vi("th", [2, 2, 3])], [const("sz", [2, 3, 5, 6])]),
        "dft20": model(20, node("DFT", ["x", "n", "ax"], ["y"], onesided=1),
                       [vi("x", [2, 16, 1])], [const("n", 16), const("ax", 1)]),
        "gelu20_tanh": model(20, node("Gelu", ["x"], ["y"], approximate="tanh"), [x4]),
        "mish18": model(18, node("Mish", ["x"], ["y"]), [x4]),
        "col2im18": model(18, node("Col2Im", ["x", "im", "bl"], ["y"]), [vi("x", [1, 5 * 2 * 2, 12])],
                          [const("im", [4, 5]), const("bl", [2, 2])]),
        "bitwise18": model(18, node("BitwiseAnd", ["a", "b"], ["y"]), [vi("a", [3, 1], T.INT32), vi("b", [4], T.INT32)]),
        "optional18": model(18, node("OptionalHasElement", ["x"], ["y"]), [vi("x", [3])]),
        "isinf20": model(20, node("IsInf", ["x"], ["y"], detect_negative=0), [x4]),
        "constofshape20": model(20, node("ConstantOfShape", ["sh"], ["y"],
                                         value=h.make_tensor("v", T.INT8, [1], [3])), [], [const("sh", [2, 3])]),
        "topk_24": model(24, node("TopK", ["x", "k"], ["v", "i"], axis=3), [x4], [const("k", [4])], nout=2),
        "squeeze24": model(24, node("Squeeze", ["x", "ax"], ["y"]), [vi("x", [2, 1, 5, 1])], [const("ax", [1, 3])]),
    }


def models():
    out = {name: v for name, v in new_operators().items()}
    for name, m in changed_operators().items():
        out[name] = (m, None, None)
    return out


def main():
    ms = models()
    ort = ort_shapes(ms, SHAPES)
    check(not ort["_errors"], "onnxruntime refused none of the models: %s" % ort["_errors"])
    for name, macs, flops, rep in reports(ms, OUT):
        layer = rep["layers"][0]
        check(layer["status"] in ("ok", "cost_incomplete") and not rep["unsupported"],
              "%s: %s is counted (status %s)" % (name, layer["op_type"], layer["status"]))
        want = ort.get(name, {})
        got = {o["name"]: o["shape"] for o in layer["outputs"]}
        check(want and all(got.get(k) == v for k, v in want.items()),
              "%s: shapes %s, onnxruntime %s" % (name, got, want))
        if flops is not None:
            t = rep["totals"]
            check(t["complete"] and t["macs"] == macs and t["flops"] == flops,
                  "%s: MACs %s FLOPs %s, expected %s and %s" % (name, t["macs"], t["flops"], macs, flops))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
