#!/usr/bin/python3
"""real_ml.py -- priori on the ai.onnx.ml operators.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_ml.py [-v]
       /usr/bin/python3 tests/real_ml.py --write DIR   (models only, for
       tools/ml_ort_shapes.js, which runs them in onnxruntime)

Models are written with onnx.helper into build/ml/ (N = 3 samples, C = 4
features) and analysed with --format json. Output shapes are compared with
tests/ml_shapes.json, written by `sh tools/ort_expected.sh ml` from onnxruntime's
outputs (node is not needed here). Costs are closed forms of the model's
hyper-parameters, worked out below per model (conventions: ops/ml.c):

  linear_clf   3 classes: MACs = N*C*K = 36; FLOPs = 72 + N*K (intercepts)
               + 5*N*K (SOFTMAX) = 126
  linear_bin   binary, one coefficient row: MACs = N*C = 12; FLOPs = 24 + 3
  svm_clf3     LINEAR, 3 classes, 3 vectors (one-vs-one): MACs = N*nsv*C +
               N*nsv*(K-1) = 36 + 18 = 54; FLOPs = 108
  svm_clf4     the same with 4 classes: MACs = 48 + 36 = 84; scores are the
               K(K-1)/2 = 6 pairwise votes (no probabilities)
  linear_reg   2 targets: MACs = 24; FLOPs = 48 + 6 = 54
  svm_clf      RBF, 5 support vectors, 2 classes: MACs = N*nsv*C + N*nsv
               = 60 + 15 = 75; FLOPs = 150 + N*nsv*(C+2) = 240
  svm_reg      LINEAR, 3 vectors: MACs = 36 + 9 = 45; FLOPs = 90
  tree_clf     trees of depth 2 and 1, 3 classes: FLOPs = N*(2+1) + N*T*K
               = 9 + 18 = 27; MACs 0
  tree_reg     the same trees, 1 target: FLOPs = 9 + 6 = 15
  tree5        TreeEnsemble (ai.onnx.ml 5), the same trees: FLOPs = 15
  scaler 2*12 = 24, normalizer (L2) 3*12 + 3 = 39, binarizer 12,
  imputer 12; encoders, extractors, vectorizers, ZipMap: 0
  zipmap       LinearClassifier (N = 2) then ZipMap: MACs = 2*C*K = 24
  dictvec, castmap, zipmap  maps (onnxruntime-node can neither feed nor
               return them): shapes from the spec: DictVectorizer
               [1, vocabulary], CastMap SPARSE [1, max_map], ZipMap N maps
               of K entries
Refused (exit 3, naming the node): targets = 0; a tree whose nodes_*
attributes reach a node twice; FeatureVectorizer with one inputdimensions
entry too many.
Prints one line per failure and "N passed, N failed" last.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from realkit import ROOT, ort_shapes, check, refused, reports, summary, vi

OUT = os.path.join(ROOT, "build", "ml")
SHAPES = os.path.join(ROOT, "tests", "ml_shapes.json")
ML = "ai.onnx.ml"
N, C = 3, 4




def model(nodes, inputs, outputs, inits=(), ml=1):
    g = h.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 13), h.make_opsetid(ML, ml)])
    m.ir_version = 8
    return m


def map_type(key, value):
    """TypeProto map(key, tensor(value)) (onnx 1.12's helper has no maker)."""
    tp = onnx.TypeProto()
    tp.map_type.key_type = key
    tp.map_type.value_type.CopyFrom(h.make_tensor_type_proto(value, None))
    return tp


def node(op, ins, outs, **attrs):
    return h.make_node(op, ins, outs, domain=ML, **attrs)


X = vi("X", [N, C], T.FLOAT)


def trees_classic():
    """Tree 0: node 0 -> (1, 2), node 1 -> (3, 4), others leaves: depth 2.
    Tree 1: node 0 -> (1, 2): depth 1."""
    return dict(
        nodes_treeids=[0, 0, 0, 0, 0, 1, 1, 1],
        nodes_nodeids=[0, 1, 2, 3, 4, 0, 1, 2],
        nodes_featureids=[0, 1, 0, 0, 0, 2, 0, 0],
        nodes_values=[0.5, 0.2, 0, 0, 0, 0.1, 0, 0],
        nodes_modes=["BRANCH_LEQ", "BRANCH_LEQ", "LEAF", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"],
        nodes_truenodeids=[1, 3, 0, 0, 0, 1, 0, 0],
        nodes_falsenodeids=[2, 4, 0, 0, 0, 2, 0, 0],
    )


def models():
    """name -> (model, expected {macs, flops}) with closed-form costs."""
    K = 3
    out = {}
    out["linear_clf"] = (model(
        [node("LinearClassifier", ["X"], ["Y", "Z"], coefficients=[0.1] * (K * C), intercepts=[0.0] * K,
              classlabels_ints=[0, 1, 2], post_transform="SOFTMAX")],
        [X], [vi("Y", None, T.INT64), vi("Z", None, T.FLOAT)]),
        dict(macs=N * C * K, flops=2 * N * C * K + N * K + 5 * N * K))
    out["linear_reg"] = (model(
        [node("LinearRegressor", ["X"], ["Y"], coefficients=[0.1] * (2 * C), intercepts=[0.0, 1.0], targets=2)],
        [X], [vi("Y", None, T.FLOAT)]),
        dict(macs=N * C * 2, flops=2 * N * C * 2 + N * 2))
    out["linear_bin"] = (model(
        [node("LinearClassifier", ["X"], ["Y", "Z"], coefficients=[0.1] * C, intercepts=[0.0],
              classlabels_ints=[0, 1])],
        [X], [vi("Y", None, T.INT64), vi("Z", None, T.FLOAT)]),
        dict(macs=N * C, flops=2 * N * C + N))
    out["svm_clf3"] = (model(
        [node("SVMClassifier", ["X"], ["Y", "Z"], kernel_type="LINEAR", kernel_params=[0.5, 0.0, 3.0],
              vectors_per_class=[1, 1, 1], support_vectors=[0.1] * (3 * C), coefficients=[1.0] * 6,
              rho=[0.1] * 3, classlabels_ints=[0, 1, 2])],
        [X], [vi("Y", None, T.INT64), vi("Z", None, T.FLOAT)]),
        dict(macs=N * 3 * C + N * 3 * 2, flops=2 * (N * 3 * C + N * 3 * 2)))
    out["svm_clf4"] = (model(
        [node("SVMClassifier", ["X"], ["Y", "Z"], kernel_type="LINEAR", kernel_params=[0.5, 0.0, 3.0],
              vectors_per_class=[1, 1, 1, 1], support_vectors=[0.1] * (4 * C), coefficients=[1.0] * 12,
              rho=[0.1] * 6, classlabels_ints=[0, 1, 2, 3])],
        [X], [vi("Y", None, T.INT64), vi("Z", None, T.FLOAT)]),
        dict(macs=N * 4 * C + N * 4 * 3, flops=2 * (N * 4 * C + N * 4 * 3)))
    nsv = 5
    out["svm_clf"] = (model(
        [node("SVMClassifier", ["X"], ["Y", "Z"], kernel_type="RBF", kernel_params=[0.5, 0.0, 3.0],
              vectors_per_class=[2, 3], support_vectors=[0.1] * (nsv * C), coefficients=[1.0] * nsv,
              rho=[0.1], classlabels_ints=[0, 1])],
        [X], [vi("Y", None, T.INT64), vi("Z", None, T.FLOAT)]),
        dict(macs=N * nsv * C + N * nsv, flops=2 * (N * nsv * C + N * nsv) + N * nsv * (C + 2)))
    out["svm_reg"] = (model(
        [node("SVMRegressor", ["X"], ["Y"], kernel_type="LINEAR", kernel_params=[0.5, 0.0, 3.0], n_supports=3,
              support_vectors=[0.1] * (3 * C), coefficients=[1.0] * 3, rho=[0.1])],
        [X], [vi("Y", None, T.FLOAT)]),
        dict(macs=N * 3 * C + N * 3, flops=2 * (N * 3 * C + N * 3)))
    tc = trees_classic()
    leaves = [(0, 2), (0, 3), (0, 4), (1, 1), (1, 2)]
    cls = dict(class_treeids=[t for t, _ in leaves for _ in range(K)],
               class_nodeids=[n for _, n in leaves for _ in range(K)],
               class_ids=[k for _ in leaves for k in range(K)], class_weights=[0.1] * (len(leaves) * K))
    out["tree_clf"] = (model(
        [node("TreeEnsembleClassifier", ["X"], ["Y", "Z"], classlabels_int64s=[0, 1, 2], **tc, **cls)],
        [X], [vi("Y", None, T.INT64), vi("Z", None, T.FLOAT)]),
        dict(macs=0, flops=N * (2 + 1) + N * 2 * K))
    reg = dict(target_treeids=[t for t, _ in leaves], target_nodeids=[n for _, n in leaves],
               target_ids=[0] * len(leaves), target_weights=[0.5] * len(leaves))
    out["tree_reg"] = (model(
        [node("TreeEnsembleRegressor", ["X"], ["Y"], n_targets=1, **tc, **reg)],
        [X], [vi("Y", None, T.FLOAT)]),
        dict(macs=0, flops=N * (2 + 1) + N * 2 * 1))
    # TreeEnsemble (ai.onnx.ml 5): node 0 -> (node 1, leaf 0), node 1 -> (leaf 1, leaf 2); node 2 -> (leaf 3, leaf 4)
    t5 = node("TreeEnsemble", ["X"], ["Y"], n_targets=1, tree_roots=[0, 2],
              nodes_featureids=[0, 1, 2], nodes_truenodeids=[1, 1, 3], nodes_trueleafs=[0, 1, 1],
              nodes_falsenodeids=[0, 2, 4], nodes_falseleafs=[1, 1, 1], leaf_targetids=[0] * 5,
              nodes_splits=nh.from_array(np.array([0.5, 0.2, 0.1], np.float32)),
              nodes_modes=nh.from_array(np.zeros(3, np.uint8)),
              leaf_weights=nh.from_array(np.full(5, 0.5, np.float32)))
    out["tree5"] = (model([t5], [X], [vi("Y", None, T.FLOAT)], ml=5), dict(macs=0, flops=N * 3 + N * 2))
    out["scaler"] = (model([node("Scaler", ["X"], ["Y"], offset=[0.1] * C, scale=[2.0] * C)], [X],
                           [vi("Y", None, T.FLOAT)]), dict(macs=0, flops=2 * N * C))
    out["normalizer"] = (model([node("Normalizer", ["X"], ["Y"], norm="L2")], [X], [vi("Y", None, T.FLOAT)]),
                         dict(macs=0, flops=3 * N * C + N))
    out["binarizer"] = (model([node("Binarizer", ["X"], ["Y"], threshold=0.5)], [X], [vi("Y", None, T.FLOAT)]),
                        dict(macs=0, flops=N * C))
    out["imputer"] = (model([node("Imputer", ["X"], ["Y"], imputed_value_floats=[0.0] * C,
                                  replaced_value_float=float("nan"))], [X], [vi("Y", None, T.FLOAT)]),
                      dict(macs=0, flops=N * C))
    out["onehot"] = (model([node("OneHotEncoder", ["I"], ["Y"], cats_int64s=[1, 2, 3, 4], zeros=1)],
                           [vi("I", [N, 1], T.INT64)], [vi("Y", None, T.FLOAT)]), dict(macs=0, flops=0))
    idx = nh.from_array(np.array([0, 2], np.int64), "idx")
    out["afe"] = (model([node("ArrayFeatureExtractor", ["X", "idx"], ["Y"])], [X], [vi("Y", None, T.FLOAT)],
                        [idx]), dict(macs=0, flops=0))
    out["label_encoder"] = (model([node("LabelEncoder", ["I"], ["Y"], keys_int64s=[1, 2, 3],
                                        values_floats=[0.5, 1.5, 2.5], default_float=0.0)],
                                  [vi("I", [N], T.INT64)], [vi("Y", None, T.FLOAT)], ml=2), dict(macs=0, flops=0))
    out["category_mapper"] = (model([node("CategoryMapper", ["S"], ["Y"], cats_strings=["a", "b"],
                                          cats_int64s=[1, 2], default_int64=0)],
                                    [vi("S", [N], T.STRING)], [vi("Y", None, T.INT64)]), dict(macs=0, flops=0))
    out["feature_vectorizer"] = (model([node("FeatureVectorizer", ["A", "B"], ["Y"], inputdimensions=[2, 3])],
                                       [vi("A", [N, 2], T.FLOAT), vi("B", [N, 3], T.FLOAT)],
                                       [vi("Y", None, T.FLOAT)]), dict(macs=0, flops=0))
    zm_seq = h.make_sequence_type_proto(map_type(T.INT64, T.FLOAT))
    out["zipmap"] = (model(
        [node("LinearClassifier", ["X"], ["L", "Z"], coefficients=[0.1] * (K * C), intercepts=[0.0] * K,
              classlabels_ints=[0, 1, 2]),
         node("ZipMap", ["Z"], ["M"], classlabels_int64s=[0, 1, 2])],
        [vi("X", [2, C], T.FLOAT)], [vi("L", None, T.INT64), h.make_value_info("M", zm_seq)]),
        dict(macs=2 * C * K, flops=2 * 2 * C * K + 2 * K))
    map_in = h.make_value_info("D", map_type(T.STRING, T.FLOAT))
    out["dictvec"] = (model([node("DictVectorizer", ["D"], ["Y"], string_vocabulary=["a", "b", "c", "d", "e"])],
                            [map_in], [vi("Y", None, T.FLOAT)]), dict(macs=0, flops=0))
    map_in = h.make_value_info("D", map_type(T.INT64, T.FLOAT))
    out["castmap"] = (model([node("CastMap", ["D"], ["Y"], cast_to="TO_FLOAT", map_form="SPARSE", max_map=7)],
                            [map_in], [vi("Y", None, T.FLOAT)]), dict(macs=0, flops=0))
    return out


# onnxruntime-node cannot feed maps nor return ZipMap's sequence of maps:
# these come from the spec (ZipMap: each of the 2 maps has K = 3 entries,
# which priori reports as the element shape of the sequence).
SPEC_SHAPES = {"dictvec": {"Y": [1, 5]}, "castmap": {"Y": [1, 7]}, "zipmap": {"L": [2], "M": [3]}}


def main():
    ms = models()
    ort = ort_shapes(ms, SHAPES, skip=SPEC_SHAPES)
    ort.update(SPEC_SHAPES)
    for name, want, rep in reports(ms, OUT):
        t = rep["totals"]
        # a map's length is unknown: the bytes its consumer reads are too
        check(t["complete"] == (name not in ("dictvec", "castmap")), "%s: complete is %s" % (name, t["complete"]))
        check(rep.get("unsupported", []) == [], "%s: no unsupported operator" % name)
        check(t["macs"] == want["macs"], "%s: MACs %s, expected %s" % (name, t["macs"], want["macs"]))
        check(t["flops"] == want["flops"], "%s: FLOPs %s, expected %s" % (name, t["flops"], want["flops"]))
        outs = {o["name"]: o["shape"] for o in rep["outputs"]}
        exp = ort.get(name)
        check(exp is not None, "%s: expected shapes in %s" % (name, SHAPES))
        for oname, shape in (exp or {}).items():
            check(outs.get(oname) == shape, "%s: output %s shape %s, onnxruntime %s" % (name, oname, outs.get(oname), shape))
    bad = {
        "targets_0": (node("LinearRegressor", ["X"], ["Y"], coefficients=[0.1] * C, targets=0),
                      "targets is 0; it must be at least 1"),
        "tree_cycle": (node("TreeEnsembleRegressor", ["X"], ["Y"], n_targets=1, nodes_treeids=[0, 0],
                            nodes_nodeids=[0, 1], nodes_featureids=[0, 0], nodes_values=[0.5, 0.5],
                            nodes_modes=["BRANCH_LEQ", "BRANCH_LEQ"], nodes_truenodeids=[1, 0],
                            nodes_falsenodeids=[1, 0], target_treeids=[0], target_nodeids=[1], target_ids=[0],
                            target_weights=[1.0]), "is reached twice"),
        "featvec_dims": (node("FeatureVectorizer", ["X"], ["Y"], inputdimensions=[4, 4]),
                         "inputdimensions has 2 entries; it needs one per input (1)"),
    }
    for name, (n, text) in bad.items():
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(model([n], [X], [vi("Y", None, T.FLOAT)]), path)
        refused(name, path, text)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
