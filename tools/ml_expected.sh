#!/bin/sh
# ml_expected.sh -- rewrite tests/ml_shapes.json: the output shapes
# onnxruntime computes for the ai.onnx.ml test models of tests/real_ml.py.
# Needs node and onnxruntime-node (ORT=path to the module, default
# /opt/ort/node_modules/onnxruntime-node); `make check` does not.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 tests/real_ml.py --write "$dir"
node tools/ort_shapes.js "$dir" ${ORT:-} >tests/ml_shapes.json
echo "wrote tests/ml_shapes.json"
