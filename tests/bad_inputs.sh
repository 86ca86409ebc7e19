#!/bin/sh
# bad_inputs.sh -- the catalogue of hostile inputs (fixtures/bad/README.md).
# Every case: the exit code, the words its one-line message must contain
# (and the model's path for exit 3), under 1 s (fails at 5 s; the slowest is
# printed), no report and no temporary file left behind by a failed run
# (-o), and -- under strace, when installed -- nothing opened or stat()ed
# outside the model's folder but the system libraries. Also: make_bad.py
# reproduces the committed files. Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${PYTHON:=/usr/bin/python3}"
. "$(dirname "$0")/testlib.sh"
slowest=0
slowest_case=""
GUARD_MS=5000
root=$(pwd)

# run ID CODE WORDS MODEL ARGS...: one case with every guarantee checked.
run() {
    id=$1 code=$2 words=$3 model=$4
    shift 4
    rm -rf "$tmp/out"
    mkdir "$tmp/out"
    t0=$(date +%s%N)
    "$PRIORI" analyze "$model" "$@" --format json -o "$tmp/out/r.json" >"$tmp/stdout" 2>"$tmp/err"
    got=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$ms" -gt "$slowest" ]; then slowest=$ms slowest_case=$id; fi
    [ "$ms" -le "$GUARD_MS" ] && ok || bad "$id: took $ms ms (guard $GUARD_MS ms)"
    if [ "$got" -ne "$code" ]; then
        bad "$id: exit $got, expected $code; stderr: $(head -c 300 "$tmp/err")"
        return
    fi
    ok
    if [ -n "$words" ] && ! grep -qF -- "$words" "$tmp/err"; then
        bad "$id: stderr lacks '$words': $(head -c 300 "$tmp/err")"
    elif [ "$code" -eq 3 ] && ! grep -qF -- "priori: $model: " "$tmp/err"; then
        bad "$id: message does not start with 'priori: $model: ': $(head -c 300 "$tmp/err")"
    elif [ "$code" -ne 0 ] && [ "$(grep -vc '^priori: warning: ' "$tmp/err")" -ne 1 ]; then
        bad "$id: expected one error line on stderr, got $(grep -vc '^priori: warning: ' "$tmp/err")"
    else
        ok
    fi
    left=$(ls -A "$tmp/out")
    if [ "$code" -ne 0 ]; then
        [ -z "$left" ] && ok || bad "$id: a failed run left '$left' behind"
    else
        [ "$left" = r.json ] && ok || bad "$id: output folder holds '$left', expected r.json only"
    fi
    command -v strace >/dev/null 2>&1 || return
    # Files touched: opened or stat()ed by path (readlink of the folder's
    # ancestors is realpath() at work and reads no data).
    strace -f -qq -e trace=open,openat,stat,lstat,newfstatat,statx,access,faccessat -o "$tmp/strace" \
        "$PRIORI" analyze "$model" "$@" --format json -o "$tmp/out/s.json" >/dev/null 2>&1
    dir=$(cd "$(dirname "$model")" && pwd -P)
    outside=$(sed -n 's/^[0-9]* *[a-z0-9]*([^"]*"\([^"]*\)".*/\1/p' "$tmp/strace" | while read -r p; do
        [ -z "$p" ] && continue
        case $p in /*) ;; *) p="$root/$p" ;; esac
        case $p in
        "$dir"/* | "$tmp/out"/* | /etc/ld.so.* | /lib/* | /lib64/* | /usr/lib/* | /proc/* | /dev/* | /sys/*) ;;
        *) echo "$p" ;;
        esac
    done | sort -u | tr '\n' ' ')
    [ -z "$outside" ] && ok || bad "$id: touched files outside $dir: $outside"
}

# ---- the generator reproduces the committed files ----
"$PYTHON" fixtures/make_bad.py --out "$tmp/regen" >/dev/null 2>"$tmp/err" || bad "make_bad.py: $(cat "$tmp/err")"
stale=""
for f in "$tmp/regen/bad/"*; do
    cmp -s "$f" "fixtures/bad/$(basename "$f")" || stale="$stale $(basename "$f")"
done
[ -z "$stale" ] && ok || bad "fixtures/bad differs from a fresh run of make_bad.py:$stale"
"$PYTHON" fixtures/make_bad.py --big "$tmp/big" 2>"$tmp/err" || bad "make_bad.py --big: $(cat "$tmp/err")"

# ---- files the catalogue names @tmp/ (made here: FIFOs, sparse files, raw bytes) ----
c=$tmp/cat
mkdir -p "$c/dir.onnx"
mkfifo "$c/fifo.onnx"
ln -s fifo.onnx "$c/link_to_fifo.onnx"
truncate -s $((1024 * 1024 * 1024)) "$c/zeros.onnx"           # 1 GiB of zero bytes (sparse)
printf '\002\000' >"$c/field0.onnx" && cat fixtures/demo_cnn.onnx >>"$c/field0.onnx"
printf '\016\000' >"$c/wt6.onnx" && cat fixtures/demo_cnn.onnx >>"$c/wt6.onnx"
printf '\017' >"$c/wt7.onnx" && cat fixtures/demo_cnn.onnx >>"$c/wt7.onnx"

# ---- the cases of catalogue.tsv ----
n=0
tab=$(printf '\t')
while IFS="$tab" read -r id code words args; do
    case $id in '#'* | '') continue ;; esac
    n=$((n + 1))
    [ "$words" = - ] && words=""
    # shellcheck disable=SC2086
    set -- $args
    model=$(printf '%s' "$1" | sed "s|^@bad/|fixtures/bad/|; s|^@big/|$tmp/big/|; s|^@fx/|fixtures/|; s|^@tmp/|$c/|")
    shift
    run "$id" "$code" "$words" "$model" "$@"
done <fixtures/bad/catalogue.tsv
[ "$n" -ge 40 ] && ok || bad "catalogue.tsv has $n cases, expected at least 40"

# what the cases that are analysed must say
"$PRIORI" analyze fixtures/bad/invalid_utf8.onnx --format json -o "$tmp/u.json" 2>/dev/null
"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))   # valid UTF-8 and valid JSON
names = [L["name"] for L in d["layers"]]
assert names == ["r\ufffd\ufffd?"], names
' "$tmp/u.json" && ok || bad "invalid_utf8: the JSON report is not valid UTF-8 with U+FFFD for the bad bytes"
"$PRIORI" analyze "$tmp/big/warnings_1100.onnx" --format json -q |
    "$PYTHON" -c 'import json,sys; w=json.load(sys.stdin)["warnings"]; assert len(w) == 1001 and w[-1].startswith("... and 100 more"), w[-1]' &&
    ok || bad "warnings_1100: the JSON report does not say that 100 warnings were dropped"
for f in zero_batch zero_channels; do
    # Conv MACs = N*C_out*H_out*W_out*(C_in/group)*k*k: 0 when N = 0 or C_in = 0
    "$PRIORI" analyze fixtures/bad/$f.onnx --format json 2>/dev/null |
        "$PYTHON" -c 'import json,sys; t=json.load(sys.stdin)["totals"]; assert t["macs"] == 0, t' && ok ||
        bad "$f: MACs are not 0"
done

# a plain operator (BiasDropout) carrying a stray graph attribute, its input of
# unknown rank: analysed (exit 0) with that layer's shape unknown, not an
# error (the fuzzer found its family reading an extent at index -2)
run stray_graph_attribute 0 "have unknown shapes (first: node 0 (BiasDropout))" \
    tests/fuzz/regressions/model/graph_attr_on_plain_op_unknown_rank.onnx

# a sequence fed to an operator of tensors (the fuzzer's SequenceErase ->
# BiasDropout): a type error of the file, refused whatever priori assumed
run sequence_into_tensor_op 3 "input 0 is a sequence; BiasDropout takes tensors" \
    tests/fuzz/regressions/model/sequence_into_tensor_op.onnx

# ---- cases that need a set-up ----
mkdir -p "$tmp/huge"
truncate -s $((2049 * 1024 * 1024)) "$tmp/huge/model.onnx"
run file_2gib 3 "limited to 2 GB" "$tmp/huge/model.onnx"
rm -f "$tmp/huge/model.onnx"

mkdir -p "$tmp/ext"
cp fixtures/external_missing.onnx "$tmp/ext/model.onnx"
run external_missing 0 "external data file 'missing.bin' is missing" "$tmp/ext/model.onnx"
ln -s /etc/hostname "$tmp/ext/missing.bin"
run external_symlink 3 "resolves outside the model's folder" "$tmp/ext/model.onnx"
rm "$tmp/ext/missing.bin"
printf 'short' >"$tmp/ext/missing.bin"
run external_past_end 3 "past the end" "$tmp/ext/model.onnx"

# database files: exit 2, the file and JSON path of the bad field named
TDB=tests/energy_db
HW=$("$PRIORI" hw list --db $TDB 2>/dev/null | awk 'NR == 2 { print $1 }')
db_case() {
    id=$1 file=$2 words=$3
    rm -rf "$tmp/db"
    mkdir "$tmp/db"
    cp $TDB/*.json "$tmp/db/"
    cat >"$tmp/db/$file"
    "$PRIORI" analyze fixtures/demo_cnn.onnx --db "$tmp/db" --hw "$HW" -o "$tmp/db/r.txt" >/dev/null 2>"$tmp/err"
    got=$?
    if [ "$got" -ne 2 ]; then
        bad "$id: exit $got, expected 2: $(head -c 300 "$tmp/err")"
    elif ! grep -qF -- "$tmp/db/$file: " "$tmp/err" || ! grep -qF -- "$words" "$tmp/err"; then
        bad "$id: stderr lacks '$tmp/db/$file: ' or '$words': $(head -c 300 "$tmp/err")"
    elif [ -e "$tmp/db/r.txt" ]; then
        bad "$id: a report was written"
    else
        ok
    fi
}
printf '{"schema": "priori-db-profiles", "version": 1, "profiles": [' | db_case db_malformed profiles.json "not valid JSON near byte"
sed 's/"tdp_w": *\([0-9.e+]*\)/"tdp_w": "\1"/' $TDB/profiles.json | db_case db_wrong_type profiles.json "profiles[0].spec.tdp_w: expected a number from 0 to 1e+06"
sed 's/"tdp_w": *[0-9.e+]*/"tdp_w": -5/' $TDB/profiles.json | db_case db_negative_power profiles.json "profiles[0].spec.tdp_w: expected a number from 0 to 1e+06"
sed 's/"j_per_sample": *[0-9.e+-]*,//' $TDB/records.json | db_case db_missing_field records.json "records[0].j_per_sample: expected a number"
rm -rf "$tmp/db" && mkdir "$tmp/db" && cp $TDB/*.json "$tmp/db/"
truncate -s $((65 * 1024 * 1024)) "$tmp/db/profiles.json"
"$PRIORI" analyze fixtures/demo_cnn.onnx --db "$tmp/db" --hw "$HW" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "$tmp/db/profiles.json: larger than 64 MiB" "$tmp/err" && ok ||
    bad "db_too_large: $(head -c 300 "$tmp/err")"
rm -rf "$tmp/db"

# a budget that is not JSON
printf '{"totals": {"macs": 1e9' >"$tmp/budget.json"
"$PRIORI" check fixtures/demo_cnn.onnx --budget "$tmp/budget.json" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "$tmp/budget.json" "$tmp/err" && grep -qF "malformed JSON" "$tmp/err" && ok ||
    bad "budget_malformed: $(head -c 300 "$tmp/err")"

echo "catalogue: $n cases from catalogue.tsv; slowest $slowest ms ($slowest_case)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
