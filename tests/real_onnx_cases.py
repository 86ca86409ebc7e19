#!/usr/bin/python3
"""real_onnx_cases.py -- the node test cases of ONNX's own backend suite for the
operators of opsets 18-26, rebuilt as models and analysed.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_onnx_cases.py [-v]
       /usr/bin/python3 tests/real_onnx_cases.py --write DIR   (models only, for
       tools/ort_shapes.js)

Debian's libonnx-testdata stops at opset 17 (run by the conformance suite),
so tests/conformance/onnx_cases.json holds, transcribed from
onnx/backend/test/case/node/*.py of the ONNX repository, each case's node
(operator, attributes), its inputs (type, shape, and the values of small
integer inputs: shapes, axes, pads, indices) and the shapes of the outputs
the case expects: Attention, RotaryEmbedding, RMSNormalization,
TensorScatter, Swish, DeformConv, CenterCropPad, CumProd, BitCast, the
string operators, GroupNormalization, AffineGrid, Col2Im, GridSample,
Quantize/DequantizeLinear, and the cases of Resize, Split, Pad, LpPool,
AveragePool, MaxPool and TopK that use what opsets 18-24 added. Each case
becomes a model at the opset that defines it: inputs with values, and
every float, integer and string input, are initializers (ones, zeros, "a b";
Resize's scales the case's output extents over its input's), the 4- and
8-bit float and integer inputs graph inputs.

Every output shape must equal onnxruntime-node 1.31's for the same model
(tests/conformance/onnx_cases_ort.json, `sh tools/ort_expected.sh
onnx_cases`) and the case's expected shape. onnxruntime cannot feed the
float8 and int4 inputs of 8 cases, and has no uint64 TopK: those are
checked against the case alone. StringSplit's substring count depends on
the strings: it is bound with --dim to the case's value (onnxruntime's
strings are not the case's). Prints one line per failure and
"N passed, N failed" last.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import ROOT, analyse, check, ort_shapes, summary

OUT = os.path.join(ROOT, "build", "onnx_cases")
CASES = os.path.join(ROOT, "tests", "conformance", "onnx_cases.json")
SHAPES = os.path.join(ROOT, "tests", "conformance", "onnx_cases_ort.json")
OPSET = {"Attention": 23, "RotaryEmbedding": 23, "RMSNormalization": 23, "TensorScatter": 24, "Swish": 24,
         "DeformConv": 19, "CenterCropPad": 18, "CumProd": 26, "BitCast": 26, "StringSplit": 20,
         "StringConcat": 20, "RegexFullMatch": 20, "GroupNormalization": 21, "AffineGrid": 20, "Col2Im": 18,
         "GridSample": 20, "DequantizeLinear": 21, "QuantizeLinear": 21, "Resize": 19, "Split": 18, "Pad": 19,
         "LpPool": 18, "AveragePool": 19, "MaxPool": 12, "TopK": 11}
NUMPY = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64,
         "int32": np.int32, "int8": np.int8, "uint8": np.uint8, "int16": np.int16, "uint16": np.uint16,
         "bool": np.bool_, "uint32": np.uint32, "uint64": np.uint64}
LOW_BIT = {"float8e4m3fn": 17, "float8e4m3fnuz": 18, "float8e5m2": 19, "float8e5m2fnuz": 20, "uint4": 21, "int4": 22}
ORT_CANNOT = {"test_dequantizelinear_e4m3fn", "test_dequantizelinear_e4m3fn_float16",
              "test_dequantizelinear_e4m3fn_zero_point", "test_dequantizelinear_e5m2", "test_quantizelinear_e4m3fn",
              "test_quantizelinear_e5m2", "test_quantizelinear_int4", "test_quantizelinear_uint4", "test_top_k_uint64"}


def attribute(name, v):
    if isinstance(v, dict) and "tensor" in v:
        t = v["tensor"]
        return h.make_tensor(name, onnx.helper.np_dtype_to_tensor_dtype(np.dtype(t["dtype"])), t["dims"], t["values"])
    return v


def resize_scales(case):
    """Resize's scales (not transcribed: floats), from the case's input and output extents."""
    x, y = case["inputs"][0]["shape"], case["output_shapes"][0]
    axes = case["attrs"].get("axes", list(range(len(x))))
    return [y[a] / x[a] for a in axes]


def build(case):
    """The case as a model, or None when an input's shape is not known (ImageDecoder's file)."""
    names, inputs, inits = [], [], []
    for k, i in enumerate(case["inputs"]):
        if i is None:
            names.append("")
            continue
        if i.get("shape") is None:
            return None
        name, dt, shape = "in%d" % k, i["dtype"], i["shape"]
        names.append(name)
        if dt in LOW_BIT:
            inputs.append(h.make_tensor_value_info(name, LOW_BIT[dt], shape))
        elif dt in ("object", "str"):
            inits.append(h.make_tensor(name, T.STRING, shape, [b"a b"] * int(np.prod(shape))))
        elif "values" in i:
            inits.append(nh.from_array(np.array(i["values"], NUMPY[dt]).reshape(shape), name))
        elif case["op"] == "Resize" and k == 2:   # float scales: the case's output over its input
            inits.append(nh.from_array(np.array(resize_scales(case), NUMPY[dt]), name))
        else:
            inits.append(nh.from_array((np.ones if dt.startswith("float") else np.zeros)(shape, NUMPY[dt]), name))
    outs = [o or "" for o in case["outputs"]]
    node = h.make_node(case["op"], names, outs, domain=case["domain"],
                       **{k: attribute(k, v) for k, v in case["attrs"].items()})
    g = h.make_graph([node], case["name"], inputs, [onnx.ValueInfoProto(name=o) for o in outs if o],
                     initializer=inits)
    opset = case["opset"] or OPSET[case["op"]]
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 10 if opset < 23 else 11
    return m


def main():
    with open(CASES) as f:
        cases = [c for c in json.load(f)]
    models = {c["name"]: (m, c) for c in cases for m in [build(c)] if m is not None}
    ort = ort_shapes(models, SHAPES)
    errors = ort.pop("_errors")
    check(sorted(errors) == sorted(ORT_CANNOT), "onnxruntime refuses only %s: %s" % (sorted(ORT_CANNOT), errors))
    check(len(models) == 226, "226 cases rebuilt (ImageDecoder's 9 need an image file): %d" % len(models))
    os.makedirs(OUT, exist_ok=True)
    for name, (m, case) in models.items():
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(m, path)
        outs = [o for o in case["outputs"] if o]
        expected = dict(zip(outs, case["output_shapes"]))
        dims = []
        if case["op"] == "StringSplit":
            dims = ["--dim", "StringSplit_0.parts=%d" % expected[outs[0]][-1]]
        rep = analyse(name, path, *dims)
        if not rep:
            continue
        layer = rep["layers"][0]
        got = {o["name"]: o["shape"] for o in layer["outputs"]}
        check(layer["status"] == "ok" and not rep["unsupported"], "%s: counted (status %s, warnings %s)" %
              (name, layer["status"], rep["warnings"][:2]))
        check(all(got.get(k) == v for k, v in expected.items()), "%s: shapes %s, the case's %s" % (name, got, expected))
        if name not in ORT_CANNOT:
            want = ort.get(name, {})
            if case["op"] == "StringSplit":   # onnxruntime split other strings
                want = {k: v for k, v in want.items() if k != outs[0]}
            check(want and all(got.get(k) == v for k, v in want.items()),
                  "%s: shapes %s, onnxruntime %s" % (name, got, want))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
