#!/bin/sh
# listings.sh -- every listing has JSON, and tables keep names apart:
#  - hw list, hw show, ops, db check, db features with --format json: the
#    versioned schema, and the content against the database files and the
#    operator table read independently (python's json on db/*.json, the
#    count line of `priori ops`);
#  - compare of models given by long paths that differ only at the end: the
#    table shows every model's distinguishing file name, no two rows alike;
#  - the option table: each command's help lists exactly the options it
#    accepts, and an option of another command is "unknown option";
#  - the fuzz dictionary (tests/fuzz/onnx.dict) names every operator type.
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${PYTHON:=/usr/bin/python3}"
. "$(dirname "$0")/testlib.sh"
TDB=tests/energy_db

# json_check FILE PYTHON-EXPR...: the file parses and every expression on
# d (the document) is true; names the first false one.
json_check() {
    what=$1 file=$2
    shift 2
    if out=$("$PYTHON" - "$file" "$@" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for expr in sys.argv[2:]:
    if not eval(expr):
        sys.exit("false: " + expr)
EOF
    ); then ok; else bad "$what: $out"; fi
}

# ---- hw list / hw show ----
"$PRIORI" hw list --db $TDB --format json >"$tmp/hwl.json" && ok || bad "hw list --format json exit"
json_check "hw list json" "$tmp/hwl.json" \
    'd["schema"] == "priori-hw-list" and d["version"] == 1' \
    '[p["id"] for p in d["profiles"]] == [p["id"] for p in json.load(open("tests/energy_db/profiles.json"))["profiles"]]' \
    'all(p["method"] == q["method"] for p, q in zip(d["profiles"], json.load(open("tests/energy_db/profiles.json"))["profiles"]))' \
    'all(p["records"] == sum(r["profile"] == p["id"] for r in json.load(open("tests/energy_db/records.json"))["records"]) for p in d["profiles"])'
first=$("$PYTHON" -c 'import json; print(json.load(open("tests/energy_db/profiles.json"))["profiles"][0]["id"])')
"$PRIORI" hw list --db $TDB --format json "${first%%/*}" >"$tmp/hwf.json" && ok || bad "hw list FILTER --format json exit"
json_check "hw list FILTER json" "$tmp/hwf.json" \
    'd["profiles"]' \
    "all('${first%%/*}' in p['id'] for p in d['profiles'])"
"$PRIORI" hw show "$first" --db $TDB --format json >"$tmp/hws.json" && ok || bad "hw show --format json exit"
json_check "hw show json" "$tmp/hws.json" \
    'd["schema"] == "priori-hw-show" and d["version"] == 1 and len(d["profiles"]) == 1' \
    "d['profiles'][0]['profile'] == json.load(open('tests/energy_db/profiles.json'))['profiles'][0]" \
    "[a['model'] for a in d['profiles'][0]['anchors']] == [r['model'] for r in json.load(open('tests/energy_db/records.json'))['records'] if r['profile'] == '$first']"
"$PRIORI" hw show "$first" --db $TDB >"$tmp/hws.txt" && grep -q "^profile    $first\$" "$tmp/hws.txt" && ok ||
    bad "hw show table lost its first line"
"$PRIORI" hw show no/such --db $TDB --format json >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "no hardware profile 'no/such'" "$tmp/err" && ok ||
    bad "hw show of an unknown id: exit 2, nothing on stdout"
"$PRIORI" hw list --db $TDB --format yaml 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "expected table or json" "$tmp/err" && ok || bad "hw list --format yaml"

# ---- ops ----
"$PRIORI" ops --format json >"$tmp/ops.json" && ok || bad "ops --format json exit"
nops=$("$PRIORI" ops | sed -n 's/^\([0-9][0-9]*\) operators\..*/\1/p')
json_check "ops json" "$tmp/ops.json" \
    'd["schema"] == "priori-ops" and d["version"] == 1' "len(d['operators']) == $nops" \
    'any(o["op_type"] == "Conv" and o["domain"] == "ai.onnx" for o in d["operators"])'

# ---- db check / db features ----
"$PRIORI" db check --db $TDB --format json >"$tmp/dbc.json" && ok || bad "db check --format json exit"
json_check "db check json" "$tmp/dbc.json" \
    'd["schema"] == "priori-db-check" and d["version"] == 1 and d["valid"] is True and d["error"] is None' \
    'd["profiles"] == len(json.load(open("tests/energy_db/profiles.json"))["profiles"])' \
    'd["records"] == len(json.load(open("tests/energy_db/records.json"))["records"])' \
    'd["models"] == len(json.load(open("tests/energy_db/records.json"))["models"])'
mkdir "$tmp/baddb" && cp $TDB/*.json "$tmp/baddb/" && printf '{' >"$tmp/baddb/carbon.json"
"$PRIORI" db check --db "$tmp/baddb" --format json >"$tmp/dbb.json" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "carbon.json" "$tmp/err" && ok || bad "db check of a bad database: exit 2 with the file named"
json_check "db check json of a bad database" "$tmp/dbb.json" \
    'd["valid"] is False and "carbon.json" in d["error"]'
"$PRIORI" db features fixtures/demo_cnn.onnx --name demo >"$tmp/feat.txt" && ok || bad "db features exit"
"$PRIORI" db features fixtures/demo_cnn.onnx --name demo --format json >"$tmp/feat.json" && ok ||
    bad "db features --format json exit"
json_check "db features json" "$tmp/feat.json" \
    'd["schema"] == "priori-db-features" and d["version"] == 1' \
    "d['model'] == json.load(open('$tmp/feat.txt'))" \
    "d['model']['name'] == 'demo'" \
    "d['model']['features']['params'] == next(c for c in json.load(open('fixtures/expected_counts.json'))['cases'] if c['id'] == 'demo_cnn')['totals']['params']"

# ---- compare: long paths that differ only at the end stay apart ----
long="$tmp/long/path/to/the/experiments/of/this/week/models"
mkdir -p "$long"
for v in 1 2 3; do cp fixtures/demo_cnn.onnx "$long/A_classifier_v$v.onnx"; done
"$PRIORI" compare "$long/A_classifier_v1.onnx" "$long/A_classifier_v2.onnx" "$long/A_classifier_v3.onnx" -q \
    >"$tmp/cmp.txt" && ok || bad "compare of long paths exit"
rows=$(sed -n 's/^  *[0-2]  \(.*A_classifier_v[1-3]\.onnx\) .*/\1/p' "$tmp/cmp.txt")
[ "$(printf '%s\n' "$rows" | wc -l)" -eq 3 ] && [ "$(printf '%s\n' "$rows" | sort -u | wc -l)" -eq 3 ] && ok ||
    bad "compare rows lost the file names or look alike: $(cat "$tmp/cmp.txt")"
for v in 1 2 3; do
    sed -n "$((v + 3))p" "$tmp/cmp.txt" | grep -q "A_classifier_v$v\.onnx" && ok || bad "row $v does not show A_classifier_v$v.onnx"
done
printf '%s\n' "$rows" | grep -q '\.\.\.' && ok || bad "long paths were not shortened in the middle"
# names that differ only in a folder far from the end keep that folder
mkdir -p "$tmp/runs/seed1/checkpoints/final/export" "$tmp/runs/seed2/checkpoints/final/export"
cp fixtures/demo_cnn.onnx "$tmp/runs/seed1/checkpoints/final/export/model.onnx"
cp fixtures/demo_cnn.onnx "$tmp/runs/seed2/checkpoints/final/export/model.onnx"
"$PRIORI" compare "$tmp/runs/seed1/checkpoints/final/export/model.onnx" \
    "$tmp/runs/seed2/checkpoints/final/export/model.onnx" -q >"$tmp/cmp2.txt"
grep -q '^  0  .*1/checkpoints/final/export/model\.onnx' "$tmp/cmp2.txt" &&
    grep -q '^  1  .*2/checkpoints/final/export/model\.onnx' "$tmp/cmp2.txt" && ok ||
    bad "compare rows of seed1/seed2 lost the distinguishing folder: $(cat "$tmp/cmp2.txt")"

# ---- the fuzz dictionary holds every operator of the table ----
json_check "onnx.dict lists every operator type" "$tmp/ops.json" \
    'not sorted({o["op_type"] for o in d["operators"]} - {l.strip().strip(chr(34)) for l in open("tests/fuzz/onnx.dict") if l.startswith(chr(34))})'

# ---- the option table: help lists what parsing accepts ----
for cmd in analyze ops hw calibrate db compare diff check; do
    "$PRIORI" help $cmd >"$tmp/help" || bad "help $cmd exit"
    for opt in $(sed -n 's/^  \(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' "$tmp/help"); do
        # a value and --help after it: parsed, never run
        "$PRIORI" $cmd $opt 1 --help >"$tmp/out" 2>"$tmp/err"
        if grep -q "unknown option" "$tmp/err"; then bad "help $cmd lists $opt, parsing refuses it"; else ok; fi
    done
done
"$PRIORI" calibrate --top 3 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "unknown option --top" "$tmp/err" && grep -qF "Try 'priori help calibrate'." "$tmp/err" && ok ||
    bad "an option of another command is unknown"
"$PRIORI" ops -o 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "option -o needs a value" "$tmp/err" && ok || bad "a missing value names the option as spelled"

echo "$pass passed, $fail failed"
