#!/usr/bin/python3
"""real_ortopt.py -- the operators ONNX Runtime writes into the models it
optimises (SessionOptions optimizedModelFilePath, level 'all', CPU): its
NCHWc layout (domain com.microsoft.nchwc) and its channels-last
com.microsoft QLinearConv.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_ortopt.py [-v]
       /usr/bin/python3 tests/real_ortopt.py --write DIR   (models with every
       value a graph output, for `sh tools/ort_expected.sh ortopt`)

The models are built with onnx.helper into build/ortopt/ in the form
onnxruntime 1.31 writes them (torchvision's resnet18, mobilenet_v2,
efficientnet_b0 and squeezenet at level 'all' hold the same node kinds):

  nchwc_cnn  x 1x3x16x16 -> nchwc Conv (W 16x3x3x3: a 3-channel NCHW input
             read directly, stride 2, pads 1, Relu) -> MaxPool (3, stride 2,
             pads 1, ceil_mode) -> Conv 3x3 pads 1 with the Sum input ->
             AveragePool 2/2 -> Upsample (scales 1,1,2,2) -> depthwise Conv
             (group 16, LeakyRelu) -> Conv 1x1 with W 16x16x1x1 whose last 6
             output channels are the optimiser's zero padding ->
             ReorderOutput channels 10 -> Relu -> ReorderInput -> Conv 1x1
             (W 16x16: the padded input channels) -> GlobalMaxPool and
             GlobalAveragePool -> ReorderOutput (channels 16, channels_last);
             a second input z 1x6x6x16 (NHWC) -> ReorderInput channels_last
             -> Conv 1x1 -> ReorderOutput channels 12.
  qconv_nhwc x uint8 1x4x9x9 -> Transpose to NHWC -> com.microsoft
             QLinearConv channels_last (W int8 6x4x3x3, stride 2, pads 1,
             int32 bias) -> Transpose back; and a grouped one (group 2,
             W 6x2x3x3) on the NHWC tensor.

Expected values, never from priori: every value's shape and element type as
onnxruntime-node computes them (tests/ortopt_shapes.json, written by
`sh tools/ort_expected.sh ortopt`); MACs as closed forms of the weights and
those output shapes, numel(Y) * W[1] * prod(K) per convolution:
  nchwc_cnn  c1 16*8*8 * 3*9 = 27648; c2 16*5*5 * 16*9 = 57600;
             dw 16*6*6 * 9 = 5184; c3 16*6*6 * 16 = 9216 (6 of its 16
             output channels padding: the MACs the kernel does);
             c4 16*6*6 * 16 = 9216; cz 16*6*6 * 16 = 9216  -> 118080
  qconv_nhwc q1 6*5*5 * 4*9 = 5400; q2 6*5*5 * 2*9 = 2700 -> 8100
Per model: no unsupported operator, complete, totals.macs as above, every
value's shape as onnxruntime's.
Prints one line per failure and "N passed, N failed" last.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import ROOT, ort_shapes, check, reports, summary, vi

OUT = os.path.join(ROOT, "build", "ortopt")
SHAPES = os.path.join(ROOT, "tests", "ortopt_shapes.json")
NCHWC = "com.microsoft.nchwc"
MS = "com.microsoft"
DTYPES = {T.FLOAT: "float32", T.UINT8: "uint8", T.INT8: "int8", T.INT32: "int32"}


def model(nodes, inputs, outputs, inits, domains):
    g = h.make_graph(nodes, "g", inputs, outputs, inits)
    ops = [h.make_opsetid("", 13)] + [h.make_opsetid(d, 1) for d in domains]
    return h.make_model(g, opset_imports=ops, ir_version=8)


def weights(rng, name, shape, dtype=np.float32):
    if dtype == np.float32:
        return nh.from_array(rng.standard_normal(shape).astype(np.float32) * 0.1, name)
    return nh.from_array(rng.integers(-20, 20, shape).astype(dtype), name)


def nchwc_cnn(rng):
    n = lambda op, i, o, **a: h.make_node(op, i, o, domain=NCHWC, **a)
    nodes = [
        n("Conv", ["x", "w1", "b16"], ["c1"], strides=[2, 2], pads=[1, 1, 1, 1], activation="Relu"),
        n("MaxPool", ["c1"], ["p1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
        n("Conv", ["p1", "w2", "b16", "p1"], ["c2"], pads=[1, 1, 1, 1]),
        n("AveragePool", ["c2"], ["a1"], kernel_shape=[2, 2], strides=[2, 2]),
        n("Upsample", ["a1"], ["u1"], scales=[1, 1, 3, 3]),
        n("Conv", ["u1", "wd", "b16"], ["dw"], group=16, pads=[1, 1, 1, 1], activation="LeakyRelu",
          activation_params=[0.1]),
        n("Conv", ["dw", "w3", "b16"], ["c3"]),
        n("ReorderOutput", ["c3"], ["r10"], channels=10),
        h.make_node("Pad", ["r10", "pad6"], ["r16"]),
        n("ReorderInput", ["r16"], ["ri"]),
        n("Conv", ["ri", "w4", "b16"], ["c4"]),
        n("GlobalMaxPool", ["c4"], ["gm"]),
        n("GlobalAveragePool", ["c4"], ["ga"]),
        n("ReorderOutput", ["gm"], ["y1"], channels=16, channels_last=1),
        n("ReorderOutput", ["ga"], ["y2"], channels=16),
        n("ReorderInput", ["z"], ["zi"], channels_last=1),
        n("Conv", ["zi", "w4", "b16"], ["cz"]),
        n("ReorderOutput", ["cz"], ["y3"], channels=12),
    ]
    inits = [weights(rng, "w1", (16, 3, 3, 3)), weights(rng, "w2", (16, 16, 3, 3)),
             weights(rng, "wd", (16, 1, 3, 3)), weights(rng, "w3", (16, 16, 1, 1)),
             weights(rng, "w4", (16, 16, 1, 1)), weights(rng, "b16", (16,)),
             nh.from_array(np.array([0, 0, 0, 0, 0, 6, 0, 0], np.int64), "pad6")]
    ins = [vi("x", [1, 3, 16, 16]), vi("z", [1, 6, 6, 16])]
    outs = [vi("y1", None), vi("y2", None), vi("y3", None)]
    return model(nodes, ins, outs, inits, [NCHWC]), 118080


def qconv_nhwc(rng):
    q = lambda i, o, w, wzp, b, **a: h.make_node(
        "QLinearConv", [i, "s", "zp", w, "ws", wzp, "s", "zp", b], [o], domain=MS, channels_last=1, **a)
    nodes = [
        h.make_node("Transpose", ["x"], ["xt"], perm=[0, 2, 3, 1]),
        q("xt", "q1", "w1", "wzp6", "b6", strides=[2, 2], pads=[1, 1, 1, 1]),
        h.make_node("Transpose", ["q1"], ["y"], perm=[0, 3, 1, 2]),
        q("xt", "q2", "w2", "wzp6", "b6", group=2, strides=[2, 2], pads=[1, 1, 1, 1]),
    ]
    inits = [nh.from_array(np.array(0.05, np.float32), "s"), nh.from_array(np.array(128, np.uint8), "zp"),
             nh.from_array(np.full(6, 0.01, np.float32), "ws"), nh.from_array(np.zeros(6, np.int8), "wzp6"),
             weights(rng, "w1", (6, 4, 3, 3), np.int8), weights(rng, "w2", (6, 2, 3, 3), np.int8),
             nh.from_array(rng.integers(-100, 100, 6).astype(np.int32), "b6")]
    ins = [vi("x", [1, 4, 9, 9], T.UINT8)]
    outs = [vi("y", None, T.UINT8), vi("q2", None, T.UINT8)]
    return model(nodes, ins, outs, inits, [MS]), 8100


def models():
    rng = np.random.default_rng(7)
    return {"nchwc_cnn": nchwc_cnn(rng), "qconv_nhwc": qconv_nhwc(rng)}


def every_value_an_output(m):
    m = onnx.ModelProto.FromString(m.SerializeToString())
    have = {o.name for o in m.graph.output}
    for nd in m.graph.node:
        for o in nd.output:
            if o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    return m


def main():
    ms = models()
    ort = ort_shapes(ms, SHAPES, prepare=every_value_an_output)
    for name, macs, rep in reports(ms, OUT):
        t = rep["totals"]
        check(rep["unsupported"] == [], "%s: unsupported %s" % (name, rep["unsupported"]))
        check(t["complete"], "%s: complete is %s" % (name, t["complete"]))
        check(t["macs"] == macs, "%s: MACs %s, expected %s" % (name, t["macs"], macs))
        got = {o["name"]: o for layer in rep["layers"] for o in layer["outputs"]}
        exp = ort.get(name)
        check(bool(exp), "%s: expected shapes in %s" % (name, SHAPES))
        for vname, shape in (exp or {}).items():
            o = got.get(vname, {})
            check(o.get("shape") == shape, "%s: %s shape %s, onnxruntime %s" % (name, vname, o.get("shape"), shape))
        values = {o for nd in ms[name][0].graph.node for o in nd.output}
        check(set(exp or {}) == values, "%s: onnxruntime gave %d values, the graph has %d"
              % (name, len(exp or {}), len(values)))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
