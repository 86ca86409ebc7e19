#!/bin/sh
# energy.sh -- the energy commands from the outside: golden --hw report
# (table and JSON) on a fixed test database, the DB schema check over db/,
# bad databases and flags (exit 2, database untouched), db add (J/sample and
# CodeCarbon), hw list/show, calibrate. Prints "N passed, N failed" last.
#   UPDATE=1 sh tests/energy.sh   regenerates the golden files
set -u
: "${PRIORI:=build/priori}"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect CODE DESCRIPTION -- CMD...: exit code, stderr kept in $tmp/err
expect() {
    code=$1; what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$code" ]; then ok; else ko "$what: exit $got, expected $code"; sed 's/^/   /' "$tmp/err" | head -5; fi
}
contains() {   # contains FILE TEXT DESCRIPTION
    if grep -qF -- "$2" "$1"; then ok; else ko "$3: '$2' not in output"; head -5 "$1" | sed 's/^/   /'; fi
}
golden() {     # golden NAME -- CMD...
    name=$1; shift 2
    "$@" >"$tmp/golden" 2>/dev/null
    if [ "${UPDATE:-0}" = 1 ]; then cp "$tmp/golden" "tests/golden/$name"; fi
    if cmp -s "$tmp/golden" "tests/golden/$name"; then ok; else ko "golden $name differs"; diff "tests/golden/$name" "$tmp/golden" | head -10; fi
}

TDB=tests/energy_db
HW=rpi4-tflite-v2.7.1-ruy@v2.0

# the shipped database passes its schema check
expect 0 "db check db/" -- "$PRIORI" db check --db db
expect 0 "db check test db" -- "$PRIORI" db check --db $TDB

# golden --hw reports on the fixed test database
golden demo_cnn_hw.txt -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --region FRA --inferences 5000
golden demo_cnn_hw.json -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --carbon 300 --pue 1.2 --format json
golden demo_cnn_spec.txt -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw nvidia-a100-pcie-40gb

# JSON energy fields are consistent: co2e = J / 3.6e6 * PUE * intensity
"$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --carbon 300 --pue 1.2 --format json >"$tmp/r.json" 2>/dev/null
if ${PYTHON:-/usr/bin/python3} -c "
import json,sys; e=json.load(open('$tmp/r.json'))['energy']
ok = abs(e['co2e_g'] - e['energy_j']/3.6e6*1.2*300) <= 1e-9*e['co2e_g'] and e['method']=='fitted' and e['uncertainty_pct']>0
ok = ok and abs(e['wh_per_million'] - e['energy_j']*1e6/3600) <= 1e-9*e['wh_per_million']
sys.exit(0 if ok else 1)"; then ok; else ko "JSON energy arithmetic"; fi
"$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --format csv >"$tmp/r.csv" 2>/dev/null
contains "$tmp/r.csv" "counted,why,time_s,energy_j" "CSV energy columns"

# bad flags and databases: exit 2, clear message
expect 2 "--precision without --hw" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --precision int8
expect 2 "unknown --hw" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw nope
contains "$tmp/err" "priori hw list" "unknown --hw names the fix"
expect 2 "unknown --region" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --region XYZ
expect 2 "--pue below 1" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --pue 0.5
expect 2 "--region and --carbon" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --region FRA --carbon 5
expect 2 "missing --db" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db "$tmp/none" --hw $HW
mkdir "$tmp/bad" && cp $TDB/*.json "$tmp/bad/"
sed 's/"j_per_sample": [0-9.e-]*/"j_per_sample": -1/' $TDB/records.json >"$tmp/bad/records.json"
expect 2 "malformed database" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db "$tmp/bad" --hw $HW
contains "$tmp/err" "records.json: records[0].j_per_sample: expected a number" "error names file and JSON path"

# db add: J/sample into a new profile, then CodeCarbon; hw show lists them
mkdir "$tmp/db" && cp $TDB/*.json "$tmp/db/"
expect 0 "db add J/sample" -- "$PRIORI" db add fixtures/demo_cnn.onnx --db "$tmp/db" --hw mybox --j-per-sample 0.02 --latency-ms 3 --family demo
printf 'timestamp,project_name,run_id,duration,emissions,energy_consumed\n2024-05-01T10:00:00,p,1,40.0,0.0001,0.0005\n' >"$tmp/emissions.csv"
expect 0 "db add CodeCarbon" -- "$PRIORI" db add fixtures/demo_cnn.onnx --db "$tmp/db" --hw mybox --codecarbon "$tmp/emissions.csv" --inferences 1000 --name demo_cc
expect 0 "hw show new profile" -- "$PRIORI" hw show mybox/fp32/single --db "$tmp/db"
# 0.0005 kWh over 1000 inferences = 1.8 J each; 40 s / 1000 = 40 ms
contains "$tmp/out" "1.8 J/inference" "CodeCarbon J per inference"
contains "$tmp/out" "40 ms" "CodeCarbon latency"
expect 0 "calibrate after add" -- "$PRIORI" calibrate --db "$tmp/db"
contains "$tmp/out" "mybox/fp32/single" "calibrate lists the new profile"
expect 0 "anchor estimate" -- "$PRIORI" analyze fixtures/demo_cnn.onnx --db "$tmp/db" --hw mybox
contains "$tmp/out" "method               anchor" "two models give an anchor profile"

# failures leave the database untouched
cp "$tmp/db/records.json" "$tmp/before.json"
printf 'timestamp,duration\n1,2\n' >"$tmp/bad.csv"
expect 2 "bad CodeCarbon file" -- "$PRIORI" db add fixtures/demo_cnn.onnx --db "$tmp/db" --hw mybox --codecarbon "$tmp/bad.csv" --inferences 10
expect 2 "codecarbon without --inferences" -- "$PRIORI" db add fixtures/demo_cnn.onnx --db "$tmp/db" --hw mybox --codecarbon "$tmp/emissions.csv"
expect 3 "db add of a bad model" -- "$PRIORI" db add fixtures/bad/empty.onnx --db "$tmp/db" --hw mybox --j-per-sample 1
if cmp -s "$tmp/db/records.json" "$tmp/before.json"; then ok; else ko "records.json changed by a failed add"; fi
if ls "$tmp/db" | grep -q tmp; then ko "temporary file left in the database"; else ok; fi

# hw list
expect 0 "hw list" -- "$PRIORI" hw list --db db
contains "$tmp/out" "$HW/fp32/single" "hw list shows the Krai profiles"
expect 2 "hw show unknown" -- "$PRIORI" hw show nope --db db

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
