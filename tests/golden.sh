#!/bin/sh
# golden.sh -- whole reports compared byte for byte with reviewed copies in
# tests/golden/, so that any change to what users read is seen in review.
# The numbers in them are checked independently elsewhere (fixtures_check.py
# against closed forms); this catches everything else: layout, fields,
# ordering, warnings. After an intended change, regenerate with
#   UPDATE=1 sh tests/golden.sh
# and review the diff. Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}"
pass=0
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# golden NAME FORMAT MODEL [FLAGS...]
golden() {
    name=$1 fmt=$2 model=$3
    shift 3
    want=tests/golden/$name.$fmt
    [ "$fmt" = txt ] && f=table || f=$fmt
    "$PRIORI" analyze "$model" --format "$f" -q "$@" >"$tmp" 2>/dev/null
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$tmp" "$want"
    fi
    if cmp -s "$tmp" "$want"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $want differs (UPDATE=1 sh tests/golden.sh regenerates it):"
        diff "$want" "$tmp" | head -n 20
    fi
}

golden demo_cnn txt fixtures/demo_cnn.onnx
golden demo_cnn json fixtures/demo_cnn.onnx
golden demo_cnn csv fixtures/demo_cnn.onnx
golden conv_transpose_3d json fixtures/conv_transpose_3d.onnx
golden pool_3d txt fixtures/pool_3d.onnx
golden shape_chain json fixtures/shape_chain.onnx
golden symbolic_batch_8 json fixtures/symbolic_batch.onnx --dim batch=8
golden symbolic_unbound txt fixtures/symbolic_batch.onnx
golden unknown_op txt fixtures/unknown_op.onnx
golden unknown_op json fixtures/unknown_op.onnx
golden value_info_mismatch txt fixtures/value_info_mismatch.onnx
golden liveness json fixtures/liveness.onnx

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
