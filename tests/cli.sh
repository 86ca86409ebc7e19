#!/bin/sh
# cli.sh -- the command line as a user meets it: help, exit codes, usage
# errors, hostile model files (each with its exit code and the words its
# message must contain), atomic -o, external-data path checks.
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}"
. "$(dirname "$0")/testlib.sh"


# expect CODE "WORDS" ARGS...: exit code CODE, stderr containing WORDS
expect() {
    code=$1 words=$2
    shift 2
    "$PRIORI" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$code" ]; then
        bad "priori $*: exit $got, expected $code; stderr: $(head -c 300 "$tmp/err")"
    elif [ -n "$words" ] && ! grep -qF -- "$words" "$tmp/err"; then
        bad "priori $*: stderr lacks '$words': $(head -c 300 "$tmp/err")"
    elif [ "$code" -ge 2 ] && [ "$(grep -c '^priori: ' "$tmp/err")" -lt 1 ]; then
        bad "priori $*: error not prefixed with 'priori: '"
    else
        ok
    fi
}

# help and version
"$PRIORI" --help >"$tmp/out" 2>&1 && grep -q '^usage: priori' "$tmp/out" && ok || bad "--help"
"$PRIORI" help analyze >"$tmp/out" 2>&1 && grep -q -- '--dim SYMBOL=N' "$tmp/out" && ok || bad "help analyze"
"$PRIORI" analyze --help >"$tmp/out" 2>&1 && grep -q -- '--format FORMAT' "$tmp/out" && ok || bad "analyze --help"
"$PRIORI" --version | grep -qE '^priori [0-9]+\.[0-9]+\.[0-9]+$' && ok || bad "--version"

# priori ops: generated from the table; every format lists the same rows
"$PRIORI" ops >"$tmp/ops.txt" 2>&1 && grep -qE '^ai\.onnx +Conv +1\+ +N\*C_out' "$tmp/ops.txt" && ok || bad "ops table lacks Conv"
n_table=$(grep -cE '^(ai\.onnx|com\.|ai\.onnx\.)' "$tmp/ops.txt")
n_csv=$("$PRIORI" ops --format csv | tail -n +2 | wc -l)
n_md=$("$PRIORI" ops --format md | grep -cE '^\| (ai|com)')
n_json=$("$PRIORI" ops --format json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["operators"]))')
n_def=$(grep -c '^OP(' ops/ops.def)
[ "$n_table" -eq "$n_def" ] && [ "$n_csv" -eq "$n_def" ] && [ "$n_md" -eq "$n_def" ] && [ "$n_json" -eq "$n_def" ] && ok ||
    bad "ops: rows table $n_table csv $n_csv md $n_md json $n_json, ops.def $n_def"
expect 2 "expected table, md, csv or json" ops --format yaml
"$PRIORI" help ops | grep -q -- '--strict' && ok || bad "help ops does not mention --strict"

# --strict: an unknown operator is exit 3 naming it and its first node; no report written
expect 0 "" analyze fixtures/unknown_op.onnx -q
expect 3 "com.example.Mystery (2 nodes, first node 1 'mystery_typed' (Mystery))" analyze fixtures/unknown_op.onnx --strict -o "$tmp/strict.txt"
[ ! -e "$tmp/strict.txt" ] && ok || bad "--strict left a report behind"
expect 0 "" analyze fixtures/demo_cnn.onnx --strict

# usage errors: exit 2
expect 2 "no command given"
expect 2 "unknown command" frobnicate
expect 2 "unknown option" analyze fixtures/demo_cnn.onnx --frob
expect 2 "needs a model" analyze
expect 2 "expected table, json, csv, md or html" analyze fixtures/demo_cnn.onnx --format yaml
expect 2 "expected NAME=DIMS" analyze fixtures/demo_cnn.onnx --input image=1xAx3
expect 2 "expected SYMBOL=N" analyze fixtures/demo_cnn.onnx --dim batch=-4
expect 2 "no graph input of that name" analyze fixtures/demo_cnn.onnx --input nosuch=1x3x8x8
expect 2 "needs a value" analyze fixtures/demo_cnn.onnx --top

# I/O errors: exit 4
expect 4 "cannot open" analyze "$tmp/does-not-exist.onnx"
expect 4 "not a regular file" analyze fixtures

# hostile models: exit 3, message names what (and the node when one is at fault)
B=fixtures/bad
expect 3 "empty" analyze $B/empty.onnx
expect 3 "not a valid ONNX protobuf" analyze $B/truncated.onnx
expect 3 "not a valid ONNX protobuf" analyze $B/random.onnx
expect 3 "" analyze $B/not_a_model.onnx
expect 3 "no graph" analyze $B/no_graph.onnx
expect 3 "node 0 'relu' (Relu): input 'ghost' is not defined" analyze $B/undefined_input.onnx
expect 3 "output 'y' is already produced by node 0 'relu_a'" analyze $B/duplicate_output.onnx
expect 3 "is on a cycle" analyze $B/cycle.onnx
expect 3 "node 0 'loop' (Add) is on a cycle" analyze $B/self_loop.onnx
expect 3 "input 'x' dim 1 is -3" analyze $B/negative_dim.onnx
expect 3 "'conv_str_group' (Conv): attribute 'group' is string but must be int" analyze $B/bad_attr_type.onnx
expect 3 "'conv_group2' (Conv)" analyze $B/group_mismatch.onnx
expect 3 "kernel larger than the padded input" analyze $B/kernel_too_big.onnx
expect 3 "is absolute" analyze $B/external_abs.onnx
expect 3 "leaves the model's folder" analyze $B/external_escape.onnx

# external data: missing file is a warning (counts need no weights); a
# symlink leaving the folder and a file too short are errors
mkdir -p "$tmp/ext"
cp fixtures/external_missing.onnx "$tmp/ext/model.onnx"
expect 0 "external data file 'missing.bin' is missing" analyze "$tmp/ext/model.onnx" --format json
ln -s /etc/hostname "$tmp/ext/missing.bin"
expect 3 "resolves outside the model's folder" analyze "$tmp/ext/model.onnx"
rm "$tmp/ext/missing.bin"
printf 'short' >"$tmp/ext/missing.bin"
expect 3 "past the end" analyze "$tmp/ext/model.onnx"
head -c 16 /dev/zero >"$tmp/ext/missing.bin"
expect 0 "" analyze "$tmp/ext/model.onnx"

# -o: complete file or nothing
expect 0 "" analyze fixtures/demo_cnn.onnx --format json -o "$tmp/r.json"
mode=$(umask 027 && "$PRIORI" analyze fixtures/demo_cnn.onnx -o "$tmp/mode.txt" && stat -c %a "$tmp/mode.txt")
[ "$mode" = 640 ] && ok || bad "-o file mode $mode under umask 027, expected 640 (not mkstemp's 600)"
[ -s "$tmp/r.json" ] && [ "$(ls "$tmp" | grep -c tmp)" -eq 0 ] && ok || bad "-o left no report or a temporary file"
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="priori.report/1"' "$tmp/r.json" 2>/dev/null \
    && ok || bad "-o JSON does not parse or has the wrong schema"
expect 3 "" analyze $B/cycle.onnx -o "$tmp/cycle.json"
[ ! -e "$tmp/cycle.json" ] && ok || bad "a failed analysis wrote $tmp/cycle.json"
expect 4 "cannot create" analyze fixtures/demo_cnn.onnx -o "$tmp/no/such/dir/r.txt"

# formats: CSV has a header and one row per node
"$PRIORI" analyze fixtures/demo_cnn.onnx --format csv >"$tmp/r.csv" 2>/dev/null
nodes=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["nodes"])' "$tmp/r.json")
[ "$(wc -l <"$tmp/r.csv")" -eq $((nodes + 1)) ] && head -1 "$tmp/r.csv" | grep -q '^index,node,name,op_type' && ok \
    || bad "CSV rows != nodes + 1"
"$PRIORI" analyze fixtures/demo_cnn.onnx >"$tmp/r.txt" 2>/dev/null && grep -q '^totals' "$tmp/r.txt" \
    && grep -q 'peak live memory' "$tmp/r.txt" && ok || bad "table report lacks its totals"

# symbols: unbound -> warning naming the symbol and the flag; bound -> silent
expect 0 "symbol 'batch', which is unbound: taken as 1; bind it with --dim batch=N" \
    analyze fixtures/symbolic_batch.onnx --format json
"$PRIORI" analyze fixtures/symbolic_batch.onnx --dim batch=4 --format json >/dev/null 2>"$tmp/err"
! grep -q "unbound" "$tmp/err" && ok || bad "--dim batch=4 still warns"
expect 0 "matches no symbolic dim" analyze fixtures/demo_cnn.onnx --dim nosuch=3 --format json
relu=/usr/share/libonnx-testdata/data/node/test_relu/model.onnx
expect 0 "--input x gives rank 2 but the model declares rank 3" analyze $relu --input x=6x7 --format json
expect 3 "'stem_conv' (Conv): weight has rank 4 but input has rank 3" \
    analyze fixtures/demo_cnn.onnx --input image=3x64x64
expect 3 "'stem_conv' (Conv): input has 5 channels but weight expects 3" \
    analyze fixtures/demo_cnn.onnx --input image=1x5x64x64

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
