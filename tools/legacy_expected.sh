#!/bin/sh
# legacy_expected.sh -- rewrite tests/legacy_shapes.json: the output shapes
# onnxruntime computes for the experimental opset 1..9 test models of tests/real_legacy.py.
# Needs node and onnxruntime-node (ORT=path to the module, default
# /opt/ort/node_modules/onnxruntime-node); `make check` does not.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 tests/real_legacy.py --write "$dir"
node tools/ort_shapes.js "$dir" ${ORT:-} >tests/legacy_shapes.json
echo "wrote tests/legacy_shapes.json"
