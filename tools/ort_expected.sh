#!/bin/sh
# ort_expected.sh -- rewrite the expected output shapes of a test from
# onnxruntime: `sh tools/ort_expected.sh ml` writes tests/ml_shapes.json
# for the models of tests/real_ml.py, `... legacy` tests/legacy_shapes.json
# for tests/real_legacy.py, `... ortopt` tests/ortopt_shapes.json for
# tests/real_ortopt.py, `... opsets` tests/opsets_shapes.json for
# tests/real_opsets.py, `... contrib` tests/contrib_shapes.json for
# tests/real_contrib.py, `... onnx_cases` tests/conformance/onnx_cases_ort.json
# for tests/real_onnx_cases.py. Needs node and onnxruntime-node (ORT=path to
# the module, default /opt/ort/node_modules/onnxruntime-node); `make check`
# does not: it compares against the committed files.
set -eu
cd "$(dirname "$0")/.."
case ${1:-} in
ml | legacy | ortopt | opsets | contrib) out=tests/$1_shapes.json ;;
onnx_cases) out=tests/conformance/onnx_cases_ort.json ;;
*) echo "usage: sh tools/ort_expected.sh ml|legacy|ortopt|opsets|contrib|onnx_cases" >&2; exit 2 ;;
esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 "tests/real_$1.py" --write "$dir"
node tools/ort_shapes.js "$dir" ${ORT:-} >"$out"
echo "wrote $out"
