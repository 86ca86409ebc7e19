#!/usr/bin/python3
"""real_legacy.py -- priori on the experimental operators of opsets 1..9.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_legacy.py [-v]
       /usr/bin/python3 tests/real_legacy.py --write DIR   (models only, for
       tools/ort_shapes.js)

Single-node models (opset 8) written with onnx.helper into build/legacy/,
X = [2, 3, 8, 10] (numel 480). Shapes: tests/legacy_shapes.json, from
onnxruntime by `sh tools/ort_expected.sh legacy`, where onnxruntime still runs the
operator; the others (listed in its "_errors") are checked against the
closed forms of the old spec (ONNX Changelog, opsets 1..9), written here:

  image_scaler  Y = scale*X + bias[c]          FLOPs 2*480 = 960
  affine        Y = alpha*X + beta             FLOPs 960
  scale         Y = scale*X                    FLOPs 480
  scaled_tanh   alpha*tanh(beta*X)             FLOPs 3*480 = 1440
  psoftplus     alpha*ln(exp(beta*X)+1)        FLOPs 5*480 = 2400
  crop          border (1, 2, 3, 1): [2, 3, 8-2-1, 10-1-3] = [2, 3, 5, 6]
  crop_scale    border (1, 2, 0, 0), scale (4, 5): [2, 3, 4, 5]
  gru_unit      hidden [4, 6], gates [4, 18]: [4, 6]; FLOPs 13*24 = 312
  constant_fill shape (2, 5), extra_shape (3): [2, 5, 3], int64 (dtype 7)
  given_fill    input [3, 4] (input_as_shape 0): [3, 4]
  dyn_slice     data [2, 3, 8, 10], starts (1, 2), ends (3, 7), axes (2, 3): [2, 3, 2, 5]
  thresholded   ThresholdedRelu (experimental before opset 10): numel 480
  mvn1          MeanVarianceNormalization-1: per (n, c) over H, W: 6 rows,
                FLOPs 5*480 + 6*6 = 2436 (MVN's convention, ops/layernorm.c);
                across_channels = 1: per n, 2 rows: 2400 + 12 = 2412
MACs are 0 everywhere. Refused: a Crop border past the extent it crops. Prints one line per failure and "N passed, N failed" last.
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import ROOT, ort_shapes, check, refused, reports, summary, vi

OUT = os.path.join(ROOT, "build", "legacy")
SHAPES = os.path.join(ROOT, "tests", "legacy_shapes.json")
XS = [2, 3, 8, 10]
NX = 2 * 3 * 8 * 10



def model(n, inputs, inits=()):
    g = h.make_graph([n], "g", inputs, [vi("Y", None)], initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 8)])
    m.ir_version = 3
    return m


def i64(name, vals):
    return nh.from_array(np.array(vals, np.int64), name)


def models():
    """name -> (model, flops, shape by the old spec)."""
    X = vi("X", XS)
    out = {
        "image_scaler": (model(h.make_node("ImageScaler", ["X"], ["Y"], scale=2.0, bias=[0.1, 0.2, 0.3]), [X]),
                         2 * NX, XS),
        "affine": (model(h.make_node("Affine", ["X"], ["Y"], alpha=2.0, beta=0.5), [X]), 2 * NX, XS),
        "scale": (model(h.make_node("Scale", ["X"], ["Y"], scale=3.0), [X]), NX, XS),
        "scaled_tanh": (model(h.make_node("ScaledTanh", ["X"], ["Y"], alpha=2.0, beta=0.5), [X]), 3 * NX, XS),
        "psoftplus": (model(h.make_node("ParametricSoftplus", ["X"], ["Y"], alpha=2.0, beta=0.5), [X]), 5 * NX, XS),
        "crop": (model(h.make_node("Crop", ["X"], ["Y"], border=[1, 2, 3, 1]), [X]), 0, [2, 3, 5, 6]),
        "crop_scale": (model(h.make_node("Crop", ["X"], ["Y"], border=[1, 2, 0, 0], scale=[4, 5]), [X]), 0,
                       [2, 3, 4, 5]),
        "gru_unit": (model(h.make_node("GRUUnit", ["H", "G", "L", "t"], ["Y"]),
                           [vi("H", [4, 6]), vi("G", [4, 18]), vi("L", [4]), vi("t", [1])]),
                     13 * 24, [4, 6]),
        "constant_fill": (model(h.make_node("ConstantFill", [], ["Y"], shape=[2, 5], extra_shape=[3], dtype=7,
                                            value=1.0), []), 0, [2, 5, 3]),
        "given_fill": (model(h.make_node("GivenTensorFill", ["S"], ["Y"], values=[1.0] * 12), [vi("S", [3, 4])]),
                       0, [3, 4]),
        "dyn_slice": (model(h.make_node("DynamicSlice", ["X", "st", "en", "ax"], ["Y"]), [X],
                            [i64("st", [1, 2]), i64("en", [3, 7]), i64("ax", [2, 3])]), 0, [2, 3, 2, 5]),
        "thresholded": (model(h.make_node("ThresholdedRelu", ["X"], ["Y"], alpha=0.5), [X]), NX, XS),
        "mvn1": (model(h.make_node("MeanVarianceNormalization", ["X"], ["Y"]), [X]), 5 * NX + 6 * 6, XS),
        "mvn1_across": (model(h.make_node("MeanVarianceNormalization", ["X"], ["Y"], across_channels=1), [X]),
                        5 * NX + 6 * 2, XS),
    }
    return out


def main():
    ms = models()
    ort = ort_shapes(ms, SHAPES)
    for name, flops, spec, rep in reports(ms, OUT):
        t = rep["totals"]
        check(t["complete"], "%s: report complete" % name)
        check(t["macs"] == 0 and t["flops"] == flops, "%s: MACs %s FLOPs %s, expected 0 and %s" %
              (name, t["macs"], t["flops"], flops))
        got = rep["outputs"][0]["shape"]
        check(got == spec, "%s: shape %s, old spec %s" % (name, got, spec))
        if name in ort:   # onnxruntime still runs it: its shape too
            check(got == ort[name]["Y"], "%s: shape %s, onnxruntime %s" % (name, got, ort[name]["Y"]))
        else:
            check(name in ort["_errors"], "%s: neither an onnxruntime shape nor a refusal recorded" % name)
    path = os.path.join(OUT, "crop_too_far.onnx")
    onnx.save(model(h.make_node("Crop", ["X"], ["Y"], border=[0, 20, 0, 0]), [vi("X", XS)]), path)
    refused("crop_too_far", path, "(Crop): border[1] is 20")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
