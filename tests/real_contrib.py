#!/usr/bin/python3
"""real_contrib.py -- priori on ONNX Runtime's smaller com.microsoft operators.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_contrib.py [-v]
       /usr/bin/python3 tests/real_contrib.py --write DIR   (models only, for
       tools/ort_shapes.js)

One single-node model per operator (ops/contrib.c, and the com.microsoft
rows over ONNX functions: Trilu, GatherND, GridSample, MRotaryEmbedding,
GemmaRotaryEmbedding), written with onnx.helper into build/contrib/. Every
output shape must equal the one onnxruntime-node 1.31 computes
(tests/contrib_shapes.json, from `sh tools/ort_expected.sh contrib`);
extents the data decides (Unique's count, the tokens of Tokenizer, the
warping path) are bound with --dim to the values onnxruntime found.
GemmaRotaryEmbedding has no CPU kernel (float16 only, CUDA): its shapes
are the spec's, q's and k's. Counts
against the closed forms of ops/contrib.c and attention.c:

  cdist      A 5x3, B 4x3, euclidean: MACs 60, FLOPs 3*60 + 20 = 200
  cdist_sq   sqeuclidean: FLOPs 180
  inverse    X 2x3x3: MACs 2*27 = 54, FLOPs 108 + 2*9 = 126
  crop       bilinear, Y 3x2x4x5 = 120: FLOPs 7*120 = 840
  ngram      input_ids 2x6, ngram_size 3: 2*(6-3+1)*2 = 16
  dtw        cost 4x6: 3*24 = 72
  mmi16      A 3x4, B 4x5 int16: MACs 60, FLOPs 120
  unique     x of 10: numel(x) * ceil(log2 n) with n bound to onnxruntime's
  trilu      X 3x4x5: 60
  mrope      input 2x5x16, 2 heads of 8, rotary dim 8: 3*2*5*2*8 = 480
  gemma_rope emb 2x5x8, q/k 2x3x5x8: 2*80 + 3*240 + 3*240 = 1600
  convt_dyn  ConvTransposeWithDynamicPads, X 1x2x3x3, W 2x3x3x3, stride 2,
             output_padding 1, Pads (1, 0, 1, 2) from input 2, B input 3:
             Y 1x3x6x6; MACs 18*3*9 = 486, FLOPs 2*486 + 108 = 1080
  bifur      BifurcationDetector, src 6, cur 2, pred 5 (bifurcation index 2,
             tokens 2 + 2 + 1 = 5, bound with --dim to onnxruntime's): token
             comparisons 5 + 6*(1+3)*3 = 77
  wce        WordConvEmbedding, Sequence 3x5, W 4x1x2x3: U = 5-2+1 = 4 windows,
             MACs 3*4*4*2*3 = 288, FLOPs 2*288 + 3*3*4*4 = 720
  fpq4       MatMulFpQ4, A 2x3x64, B_shape (64, 16), blob 16 x 2 blocks x 21
             bytes: MACs 2*3*16*64 = 6144, FLOPs 2*6144 + 2*64*16 = 14336
  mpmask     MaxpoolWithMask, X 1x2x5x5, kernel 2x2 stride 2, pads end 1:
             Y 1x2x3x3, FLOPs 18*4 = 72
The others (ExpandDims, Range, Pad, GatherND, GridSample, MurmurHash3,
Tokenizer, UnfoldTensor) move or hash data: FLOPs 0 but GridSample's (its
ONNX formula, checked by the conformance suite). Prints one line per
failure and "N passed, N failed" last.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import ROOT, ort_shapes, analyse, check, summary, vi

OUT = os.path.join(ROOT, "build", "contrib")
SHAPES = os.path.join(ROOT, "tests", "contrib_shapes.json")
SPEC_ONLY = {"gemma_rope": {"o1": [2, 3, 5, 8], "o2": [2, 3, 5, 8]}}   # no CPU kernel in onnxruntime


def model(node, inputs, inits=(), nout=1):
    outs = [onnx.ValueInfoProto(name=o) for o in node.output if o][:nout]
    g = h.make_graph([node], "g", inputs, outs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m


def ms(op, ins, outs, **attrs):
    return h.make_node(op, ins, outs, name=op.lower(), domain="com.microsoft", **attrs)


def const(name, vals, dtype=np.int64):
    return nh.from_array(np.array(vals, dtype), name)


def models():
    """name -> (model, MACs, FLOPs, data-dependent symbols: (symbol, output, axis)); FLOPs None: shapes only."""
    i32 = np.int32
    return {
        "cdist": (model(ms("CDist", ["a", "b"], ["y"], metric="euclidean"), [vi("a", [5, 3]), vi("b", [4, 3])]),
                  60, 200, []),
        "cdist_sq": (model(ms("CDist", ["a", "b"], ["y"], metric="sqeuclidean"), [vi("a", [5, 3]), vi("b", [4, 3])]),
                     60, 180, []),
        "inverse": (model(ms("Inverse", ["x"], ["y"]), [], [const("x", np.eye(3)[None].repeat(2, 0) * 2, np.float32)]),
                    54, 126, []),
        "crop": (model(ms("CropAndResize", ["x", "r", "bi", "cs"], ["y"]), [vi("x", [2, 2, 8, 9]), vi("r", [3, 4])],
                       [const("bi", [0, 1, 1], i32), const("cs", [4, 5], i32)]), 0, 840, []),
        "ngram": (model(ms("NGramRepeatBlock", ["ids", "sc"], ["y"], ngram_size=3),
                        [vi("ids", [2, 6], T.INT64), vi("sc", [2, 11])]), 0, 16, []),
        "dtw": (model(ms("DynamicTimeWarping", ["x"], ["y"]), [vi("x", [4, 6])]), 0, 72,
                [("dynamictimewarping.path", "y", 1)]),
        "mmi16": (model(ms("MatMulInteger16", ["a", "b"], ["y"]), [],
                        [const("a", np.ones((3, 4)), np.int16), const("b", np.ones((4, 5)), np.int16)]), 60, 120, []),
        "unique": (model(ms("Unique", ["x"], ["y", "idx", "n"]), [vi("x", [10])], nout=3), 0, None,
                   [("unique.n", "y", 0)]),
        "trilu": (model(ms("Trilu", ["x", "k"], ["y"], upper=0), [vi("x", [3, 4, 5])], [const("k", 1)]), 0, 60, []),
        "mrope": (model(ms("MRotaryEmbedding", ["x", "p", "c", "s"], ["y"], num_heads=2, mrope_section=[2, 1, 1]),
                        [vi("x", [2, 5, 16]), vi("p", [3, 2, 5], T.INT64), vi("c", [9, 4]), vi("s", [9, 4])]),
                  0, 480, []),
        "gemma_rope": (model(ms("GemmaRotaryEmbedding", ["e", "q", "qr", "k", "kr"], ["o1", "o2"]),
                             [vi("e", [2, 5, 8]), vi("q", [2, 3, 5, 8], T.FLOAT16), vi("qr", [2, 3, 5, 8], T.FLOAT16),
                              vi("k", [2, 3, 5, 8], T.FLOAT16), vi("kr", [2, 3, 5, 8], T.FLOAT16)], nout=2),
                       0, 1600, []),
        "expand_dims": (model(ms("ExpandDims", ["x", "a"], ["y"]), [vi("x", [3, 4])], [const("a", -1, i32)]),
                        0, 0, []),
        "range": (model(ms("Range", ["s", "l"], ["y"]), [], [const("s", 2.0, np.float32), const("l", 7.5, np.float32)]),
                  0, 0, []),
        "range_d": (model(ms("Range", ["s", "l", "d"], ["y"]), [], [const("s", 10), const("l", 1), const("d", -3)]),
                    0, 0, []),
        "pad": (model(ms("Pad", ["x", "p"], ["y"], mode="reflect"), [vi("x", [3, 4])], [const("p", [[0, 2, 1, 1]])]),
                0, 0, []),
        "gathernd": (model(ms("GatherND", ["x", "i"], ["y"]), [vi("x", [2, 3, 4])], [const("i", [[1, 0], [0, 2]])]),
                     0, 0, []),
        "gridsample": (model(ms("GridSample", ["x", "g"], ["y"], mode="bilinear"),
                             [vi("x", [1, 2, 4, 5]), vi("g", [1, 3, 6, 2])]), 0, None, []),
        "murmur": (model(ms("MurmurHash3", ["x"], ["y"], positive=0), [vi("x", [2, 3], T.INT32)]), 0, 0, []),
        "tokenizer": (model(ms("Tokenizer", ["x"], ["y"], mark=1, mincharnum=1, pad_value="#", separators=[" "]),
                            [vi("x", [2, 3], T.STRING)]), 0, 0, [("tokenizer.tokens", "y", 2)]),
        "unfold": (model(ms("UnfoldTensor", ["x"], ["y"], dim=1, size=3, step=2), [vi("x", [2, 9, 4])]), 0, 0, []),
        "convt_dyn": (model(ms("ConvTransposeWithDynamicPads", ["x", "w", "p", "b"], ["y"], strides=[2, 2],
                               output_padding=[1, 1]),
                            [vi("x", [1, 2, 3, 3])], [const("w", np.ones((2, 3, 3, 3)), np.float32),
                                                     const("p", [1, 0, 1, 2]), const("b", [1, 2, 3], np.float32)]),
                      486, 1080, []),
        "bifur": (model(ms("BifurcationDetector", ["src", "cur", "prev", "pred"], ["tok", "idx"]), [],
                        [const("src", [1, 2, 3, 4, 5, 6]), const("cur", [7, 8]), const("prev", [2]),
                         const("pred", [3, 4, 9, 9, 9])], nout=2),
                  0, 77, [("bifurcationdetector.tokens", "tok", 0)]),
        "wce": (model(ms("WordConvEmbedding", ["seq", "w", "b", "c"], ["y"], conv_window_size=2),
                      [vi("seq", [3, 5], T.INT32)],
                      [const("w", np.ones((4, 1, 2, 3)), np.float32), const("b", np.ones(4), np.float32),
                       const("c", np.ones((10, 3)), np.float32)]),
                288, 720, []),
        "fpq4": (model(ms("MatMulFpQ4", ["a", "b", "bs"], ["y"]), [vi("a", [2, 3, 64])],
                       [const("b", np.zeros(16 * 2 * 21), np.uint8), const("bs", [64, 16])]),
                 2 * 3 * 16 * 64, 2 * (2 * 3 * 16 * 64) + 2 * 64 * 16, []),
        "mpmask": (model(ms("MaxpoolWithMask", ["x", "m"], ["y"], kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1]),
                         [vi("x", [1, 2, 5, 5]), vi("m", [1, 1, 5, 5], T.INT32)]), 0, 72, []),
    }


def main():
    ms_ = models()
    ort = ort_shapes(ms_, SHAPES)
    check(sorted(ort["_errors"]) == sorted(SPEC_ONLY), "onnxruntime refused only %s: %s" % (sorted(SPEC_ONLY), ort["_errors"]))
    ort.update(SPEC_ONLY)
    os.makedirs(OUT, exist_ok=True)
    for name, (m, macs, flops, symbols) in ms_.items():
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(m, path)
        want = ort.get(name, {})
        dims = []
        for sym, out, axis in symbols:
            dims += ["--dim", "%s=%d" % (sym, want[out][axis])]
        rep = analyse(name, path, *dims)
        if not rep:
            continue
        layer = rep["layers"][0]
        check(layer["status"] == "ok" and not rep["unsupported"] and rep["totals"]["complete"],
              "%s: %s counted, complete (status %s)" % (name, layer["op_type"], layer["status"]))
        got = {o["name"]: o["shape"] for o in layer["outputs"]}
        check(want and all(got.get(k) == v for k, v in want.items()), "%s: shapes %s, onnxruntime %s" % (name, got, want))
        t = rep["totals"]
        if name == "unique":
            n = want["y"][0]
            flops = 10 * (n - 1).bit_length()
        if name == "fpq4":   # the blob packs K x N = 1024 weights
            check(t["params"] == 64 * 16, "fpq4: %s parameters, expected 1024" % t["params"])
        if flops is not None:
            check(t["macs"] == macs and t["flops"] == flops,
                  "%s: MACs %s FLOPs %s, expected %s and %s" % (name, t["macs"], t["flops"], macs, flops))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
