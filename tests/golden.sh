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

# cmd NAME.EXT COMMAND ARGS...: any command's standard output (compare,
# diff, check, analyze --format md/html); the exit code is not compared
# here (tests/gate.sh checks it).
cmd() {
    want=tests/golden/$1
    shift
    "$PRIORI" "$@" -q >"$tmp" 2>/dev/null
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

R=fixtures/review
cmd demo_cnn.md analyze fixtures/demo_cnn.onnx --format md
cmd demo_cnn.html analyze fixtures/demo_cnn.onnx --format html
cmd hostile_names.md analyze $R/hostile_names.onnx --format md
cmd hostile_names.html analyze $R/hostile_names.onnx --format html
for f in txt json csv md; do
    [ $f = txt ] && F=table || F=$f
    cmd compare.$f compare fixtures/demo_cnn.onnx $R/demo_cnn_v2.onnx fixtures/symbolic_batch.onnx --dim batch=4 --format $F
    cmd diff_renamed.$f diff fixtures/demo_cnn.onnx $R/demo_cnn_v2.onnx --format $F
    cmd check_breach.$f check fixtures/demo_cnn.onnx --budget $R/budget_breach.json --format $F
    cmd check_growth.$f check $R/demo_cnn_v2.onnx --baseline tests/golden/demo_cnn.json --max-growth macs=5%,params=200%,flops=50% --format $F
done
cmd check_breach.github check fixtures/demo_cnn.onnx --budget $R/budget_breach.json --format github
cmd check_ok.txt check fixtures/demo_cnn.onnx --budget $R/budget_ok.json
cmd diff_hostile.md diff $R/hostile_names.onnx $R/hostile_names.onnx --all --format md

# with --hw, on the fixed test database (tests/energy_db, as tests/energy.sh)
TDB=tests/energy_db
HW=rpi4-tflite-v2.7.1-ruy@v2.0
cmd demo_cnn_hw.md analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --region FRA --format md
cmd demo_cnn_hw.html analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --format html
cmd demo_cnn_spec.html analyze fixtures/demo_cnn.onnx --db $TDB --hw nvidia-a100-pcie-40gb --format html
for f in txt json csv md; do
    [ $f = txt ] && F=table || F=$f
    cmd compare_hw.$f compare fixtures/demo_cnn.onnx $R/demo_cnn_v2.onnx --db $TDB --hw $HW --format $F
    cmd diff_hw.$f diff fixtures/demo_cnn.onnx $R/demo_cnn_v2.onnx --db $TDB --hw $HW --format $F
    cmd check_hw_budget.$f check $R/demo_cnn_v2.onnx --db $TDB --hw $HW --budget $R/budget_hw.json --format $F
    cmd check_hw_growth.$f check $R/demo_cnn_v2.onnx --db $TDB --hw $HW --carbon 300 --pue 1.2 \
        --baseline tests/golden/demo_cnn_hw.json --max-growth energy_j=3%,latency_s=5%,co2e=3%,macs=40% --format $F
done
cmd check_hw_budget.github check $R/demo_cnn_v2.onnx --db $TDB --hw $HW --budget $R/budget_hw.json --format github

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
