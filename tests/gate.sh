#!/bin/sh
# gate.sh -- priori check, compare and diff from the command line: exit
# codes (0 within limits, 1 breached, 2 malformed budget/baseline, unbound
# symbol, estimate metric without --hw or against a baseline without energy
# or on other hardware), the words of each error (file, JSON
# path, what was expected), and the numbers against independent values:
# the closed-form totals of fixtures/expected_counts.json and
# fixtures/review/expected_review.json (written by the fixture generators,
# never by priori), and the diff of renamed layers as constructed there.
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${PYTHON:=/usr/bin/python3}"
. "$(dirname "$0")/testlib.sh"
R=fixtures/review
DEMO=fixtures/demo_cnn.onnx

# expect CODE "WORDS" ARGS...: exit code CODE, stderr+stdout containing WORDS
expect() {
    code=$1 words=$2
    shift 2
    "$PRIORI" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$code" ]; then
        bad "priori $*: exit $got, expected $code; stderr: $(head -c 400 "$tmp/err")"
    elif [ -n "$words" ] && ! cat "$tmp/out" "$tmp/err" | grep -qF -- "$words"; then
        bad "priori $*: output lacks '$words': $(head -c 400 "$tmp/err") $(head -c 400 "$tmp/out")"
    else
        ok
    fi
}

# budget NAME 'JSON': writes $tmp/NAME.json
budget() { printf '%s\n' "$2" >"$tmp/$1.json"; }

# ---- within limits, breached ----
expect 0 "passed, 10 limits held" check $DEMO --budget $R/budget_ok.json -q
expect 1 "BREACH  macs: 1,697,088 > 1,000,000" check $DEMO --budget $R/budget_breach.json -q
expect 1 "BREACH  layer block1_conv1 macs: 589,824 > 500,000" check $DEMO --budget $R/budget_breach.json -q
expect 1 "::error file=fixtures/review/budget_breach.json,title=priori check%3A macs over its limit::" \
    check $DEMO --budget $R/budget_breach.json --format github -q
n_err=$(grep -c '^::error ' "$tmp/out")
n_warn=$(grep -c '^::warning ' "$tmp/out")
[ "$n_err" -eq 3 ] && [ "$n_warn" -eq 2 ] && ok || bad "github: $n_err errors, $n_warn warnings (want 3 and 2)"
expect 1 "" check $DEMO --budget $R/budget_breach.json --format json -o "$tmp/check.json" -q
[ -s "$tmp/check.json" ] && ok || bad "check -o wrote nothing on a breach"
# a limit equal to the value holds: value <= limit
budget exact '{"totals": {"macs": 1697088}}'
expect 0 "macs: 1,697,088 <= 1,697,088" check $DEMO --budget "$tmp/exact.json" -q
budget below '{"totals": {"macs": 1697087}}'
expect 1 "macs: 1,697,088 > 1,697,087" check $DEMO --budget "$tmp/below.json" -q

# the values checked are the closed forms (fixtures/expected_counts.json)
"$PRIORI" check $DEMO --budget $R/budget_ok.json --format json -q >"$tmp/ok.json"
"$PYTHON" - "$tmp/ok.json" <<'EOF' && ok || bad "check values differ from the closed forms"
import json, sys
exp = next(c for c in json.load(open("fixtures/expected_counts.json"))["cases"] if c["id"] == "demo_cnn")
got = json.load(open(sys.argv[1]))
assert got["schema"] == "priori.check/1" and got["passed"] is True
tot = {c["metric"]: c["value"] for c in got["checks"] if c["scope"] == "total"}
for m in ("params", "macs", "flops", "weight_bytes", "peak_activation_bytes"):
    assert tot[m] == exp["totals"][m], (m, tot[m], exp["totals"][m])
layer = {c["target"] + "." + c["metric"]: c["value"] for c in got["checks"] if c["scope"] == "layer"}
stem = next(L for L in exp["layers"] if L["name"] == "stem_conv")
assert layer["stem_conv.macs"] == stem["macs"] and layer["stem_conv.params"] == stem["params"], layer
ops = {c["target"] + "." + c["metric"]: c["value"] for c in got["checks"] if c["scope"] == "op_type"}
conv = [L for L in exp["layers"] if L["op_type"] == "Conv"]
assert ops["Conv.count"] == len(conv) and ops["Conv.macs"] == sum(L["macs"] for L in conv), ops
EOF

# ---- baselines and growth ----
"$PRIORI" analyze $DEMO --format json -o "$tmp/base.json" -q
expect 0 "passed" check $DEMO --baseline "$tmp/base.json" --max-growth macs=0%,params=0,flops=0%,weight_bytes=0%,peak_activation_bytes=0% -q
expect 1 "BREACH  macs: 2,303,296 > 1,781,942.4" check $R/demo_cnn_v2.onnx --baseline "$tmp/base.json" --max-growth macs=5% -q
# growth limit = baseline * (1 + pct/100): v2's MAC growth is (2303296-1697088)/1697088 = 35.72%
expect 0 "" check $R/demo_cnn_v2.onnx --baseline "$tmp/base.json" --max-growth macs=35.73% -q
expect 1 "" check $R/demo_cnn_v2.onnx --baseline "$tmp/base.json" --max-growth macs=35.72% -q
"$PRIORI" check $R/demo_cnn_v2.onnx --baseline "$tmp/base.json" --max-growth macs=5%,params=2% --format json -q >"$tmp/g.json"
"$PYTHON" - "$tmp/g.json" <<'EOF' && ok || bad "growth check values differ from the closed forms"
import json, sys
old = next(c for c in json.load(open("fixtures/expected_counts.json"))["cases"] if c["id"] == "demo_cnn")["totals"]
new = json.load(open("fixtures/review/expected_review.json"))["demo_cnn_v2"]["totals"]
got = {c["metric"]: c for c in json.load(open(sys.argv[1]))["checks"]}
for m, pct in (("macs", 5), ("params", 2)):
    c = got[m]
    assert c["value"] == new[m] and c["baseline"] == old[m], (m, c)
    assert abs(c["limit"] - old[m] * (1 + pct / 100)) < 1e-6, (m, c["limit"])
    assert c["status"] == ("breach" if new[m] > old[m] * (1 + pct / 100) else "ok")
EOF
# a baseline made with an unbound symbol is refused
"$PRIORI" analyze fixtures/symbolic_batch.onnx --format json -o "$tmp/unbound.json" -q
expect 2 "regenerate it with --dim batch=N" check fixtures/symbolic_batch.onnx --dim batch=1 --baseline "$tmp/unbound.json" --max-growth macs=1% -q
expect 2 "symbol 'batch' is unbound: give --dim batch=N" check fixtures/symbolic_batch.onnx --budget $R/budget_ok.json -q
budget tot '{"totals": {"macs": 1e12}}'
expect 0 "" check fixtures/symbolic_batch.onnx --dim batch=1 --budget "$tmp/tot.json" -q
budget notreport '{"schema": "priori.compare/1", "totals": {}}'
expect 2 "$tmp/notreport.json: \$.schema: expected \"priori.report/1\"" check $DEMO --baseline "$tmp/notreport.json" --max-growth macs=1% -q
budget nomacs '{"schema": "priori.report/1", "totals": {"params": 1, "flops": 1, "weight_bytes": 1, "peak_activation_bytes": 1}}'
expect 2 "\$.totals.macs: missing" check $DEMO --baseline "$tmp/nomacs.json" --max-growth macs=1% -q

# ---- estimates need --hw ----
budget energy '{"totals": {"energy_j": 0.5}}'
expect 2 "needs --hw" check $DEMO --budget "$tmp/energy.json" -q
expect 2 "needs --hw" check $DEMO --baseline "$tmp/base.json" --max-growth energy_j=3% -q
expect 2 "needs --hw" check $DEMO --baseline "$tmp/base.json" --max-growth latency_s=3%,macs=1% -q

# ---- estimates with --hw (the fixed test database, as tests/energy.sh) ----
TDB=tests/energy_db
HW=rpi4-tflite-v2.7.1-ruy@v2.0
V2=$R/demo_cnn_v2.onnx
"$PRIORI" analyze $DEMO --db $TDB --hw $HW --format json -o "$tmp/base_hw.json" -q
"$PRIORI" analyze $V2 --db $TDB --hw $HW --format json -o "$tmp/v2_hw.json" -q
# limits placed around the analyzed values: 1% above holds, 1% below breaches
"$PYTHON" - "$tmp/v2_hw.json" "$tmp" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))["energy"]
for name, k in (("within", 1.01), ("over", 0.99)):
    json.dump({"totals": {"latency_s": e["latency_s"] * k, "energy_j": e["energy_j"] * k, "co2e": e["co2e_g"] * k}},
              open(f"{sys.argv[2]}/hw_{name}.json", "w"))
EOF
expect 0 "passed, 3 limits held" check $V2 --db $TDB --hw $HW --budget "$tmp/hw_within.json" -q
expect 1 "FAILED, 3 of 3 limits breached" check $V2 --db $TDB --hw $HW --budget "$tmp/hw_over.json" -q
expect 1 "BREACH  energy_j" check $V2 --db $TDB --hw $HW --budget "$tmp/hw_over.json" -q
expect 2 "needs --hw" check $V2 --budget "$tmp/hw_within.json" -q
# growth against a baseline report made with the same --hw
expect 0 "passed, 3 limits held" check $V2 --db $TDB --hw $HW --baseline "$tmp/base_hw.json" --max-growth energy_j=10%,latency_s=10%,co2e=10% -q
expect 1 "BREACH  energy_j" check $V2 --db $TDB --hw $HW --baseline "$tmp/base_hw.json" --max-growth energy_j=3%,latency_s=5%,co2e=3% -q
"$PRIORI" check $V2 --db $TDB --hw $HW --baseline "$tmp/base_hw.json" --max-growth energy_j=3%,latency_s=5%,co2e=3% --format json -q >"$tmp/gh.json"
"$PYTHON" - "$tmp/gh.json" "$tmp/base_hw.json" "$tmp/v2_hw.json" <<'EOF' && ok || bad "energy growth checks differ from the analyze --hw reports"
import json, sys
got, old, new = (json.load(open(p)) for p in sys.argv[1:])
o, n = old["energy"], new["energy"]
checks = {c["metric"]: c for c in got["checks"]}
for m, key, pct in (("energy_j", "energy_j", 3), ("latency_s", "latency_s", 5), ("co2e", "co2e_g", 3)):
    c = checks[m]
    assert abs(c["value"] - n[key]) <= 1e-12 * n[key] and abs(c["baseline"] - o[key]) <= 1e-12 * o[key], (m, c)
    assert abs(c["limit"] - o[key] * (1 + pct / 100)) <= 1e-12 * o[key], (m, c)
    assert c["status"] == ("breach" if n[key] > o[key] * (1 + pct / 100) else "ok"), (m, c)
assert got["energy"]["profile"] == o["profile"] and got["energy"]["uncertainty_pct"] == o["uncertainty_pct"]
EOF
# a baseline without an energy section, or made on other hardware or carbon: exit 2, what to do
expect 2 "\$.energy: missing; the baseline has no energy estimate" check $V2 --db $TDB --hw $HW --baseline "$tmp/base.json" --max-growth energy_j=3% -q
expect 2 "regenerate it with 'priori analyze MODEL --hw $HW" check $V2 --db $TDB --hw $HW --baseline "$tmp/base.json" --max-growth latency_s=3% -q
expect 0 "passed" check $V2 --db $TDB --hw $HW --baseline "$tmp/base.json" --max-growth macs=40% -q
expect 2 "growth of energy_j means nothing across hardware" check $V2 --db $TDB --hw nvidia-a100-pcie-40gb --baseline "$tmp/base_hw.json" --max-growth energy_j=3% -q
expect 2 "give the same --region/--carbon and --pue" check $V2 --db $TDB --hw $HW --carbon 100 --baseline "$tmp/base_hw.json" --max-growth co2e=3% -q
expect 0 "" check $V2 --db $TDB --hw $HW --carbon 100 --baseline "$tmp/base_hw.json" --max-growth energy_j=10% -q
# the --hw options: a bad profile or value is a usage error
expect 2 "no such hardware profile" check $V2 --db $TDB --hw nope --budget "$tmp/hw_within.json" -q
expect 2 "need --hw ID" check $V2 --pue 1.5 --budget "$tmp/hw_within.json" -q
expect 2 "unknown option --inferences" check $V2 --db $TDB --hw $HW --inferences 5 --budget "$tmp/hw_within.json" -q
expect 2 "need --hw ID" compare $DEMO --carbon 300
expect 2 "need --hw ID" diff $DEMO $V2 --region FRA

# compare and diff with --hw carry the same estimates as analyze --hw
"$PRIORI" compare $DEMO $V2 --db $TDB --hw $HW --format json -q >"$tmp/cmp_hw.json"
"$PRIORI" diff $DEMO $V2 --db $TDB --hw $HW --format json -q >"$tmp/diff_hw.json"
"$PYTHON" - "$tmp/cmp_hw.json" "$tmp/diff_hw.json" "$tmp/base_hw.json" "$tmp/v2_hw.json" <<'EOF' && ok || bad "compare/diff --hw differ from analyze --hw"
import json, sys
cmp, dif, old, new = (json.load(open(p)) for p in sys.argv[1:])
o, n = old["energy"], new["energy"]
close = lambda a, b: abs(a - b) <= 1e-12 * max(abs(a), abs(b)) + 1e-18
m0, m1 = cmp["models"]
for key, m in (("latency_s", "latency_s"), ("energy_j", "energy_j"), ("co2e_g", "co2e")):
    assert close(m0["totals"][m], o[key]) and close(m1["totals"][m], n[key]), key
    assert close(m1["ratio_to_first"][m], n[key] / o[key]), key
    best = 0 if o[key] <= n[key] else 1
    assert m in cmp["models"][best]["best"] and m not in cmp["models"][1 - best]["best"], key
    t = dif["totals"][m]
    assert close(t["before"], o[key]) and close(t["after"], n[key]) and close(t["delta"], n[key] - o[key]), key
    assert close(t["delta_pct"], 100 * (n[key] - o[key]) / o[key]), key
assert close(m1["totals"]["co2e_g_per_million"], n["co2e_g"] * 1e6)
assert cmp["energy"]["profile"] == o["profile"] == dif["energy"]["profile"]
assert cmp["energy"]["uncertainty_pct"] == o["uncertainty_pct"]
# per-layer energy deltas: the layers' energies of each report
ol = {L["name"]: L["energy_j"] for L in old["layers"]}
nl = {L["name"]: L["energy_j"] for L in new["layers"]}
for L in dif["layers"]:
    before = ol[L["old"]["name"]] if L["old"] else 0
    after = nl[L["new"]["name"]] if L["new"] else 0
    assert close(L["delta"]["energy_j"], after - before), L
EOF

# ---- malformed budgets: exit 2, the file, the JSON path, what was expected ----
budget syntax '{"totals": {"macs": 10,}}'
expect 2 "$tmp/syntax.json: line 1: malformed JSON" check $DEMO --budget "$tmp/syntax.json"
printf '{"totals":\n {"macs": 1}} trailing' >"$tmp/trailing.json"
expect 2 "malformed JSON" check $DEMO --budget "$tmp/trailing.json"
budget array '[1, 2]'
expect 2 "\$: expected an object" check $DEMO --budget "$tmp/array.json"
budget neg '{"totals": {"macs": -1}}'
expect 2 "$tmp/neg.json: \$.totals.macs: expected a non-negative finite number, got -1" check $DEMO --budget "$tmp/neg.json"
budget str '{"totals": {"params": "5M"}}'
expect 2 "\$.totals.params: expected a non-negative number, got a string" check $DEMO --budget "$tmp/str.json"
budget huge '{"totals": {"params": 1e999}}'
expect 2 "\$.totals.params: expected a non-negative finite number" check $DEMO --budget "$tmp/huge.json"
budget unknown '{"totals": {"gflops": 1}}'
expect 2 "\$.totals.gflops: unknown metric; expected one of params, macs" check $DEMO --budget "$tmp/unknown.json"
budget field '{"total": {"macs": 1}}'
expect 2 "\$.total: unknown field" check $DEMO --budget "$tmp/field.json"
budget dup '{"totals": {"macs": 1, "macs": 2}}'
expect 2 "\$.totals.macs: given twice" check $DEMO --budget "$tmp/dup.json"
budget layertype '{"layers": {"stem_conv": 5}}'
expect 2 "\$.layers.stem_conv: expected an object of metric limits, got a number" check $DEMO --budget "$tmp/layertype.json"
budget layermetric '{"layers": {"stem conv": {"gmacs": 5}}}'
expect 2 "\$.layers[\"stem conv\"].gmacs: unknown metric" check $DEMO --budget "$tmp/layermetric.json"
budget nolayer '{"layers": {"conv_gone": {"macs": 5}}}'
expect 2 "\$.layers.conv_gone.macs: the model $DEMO has no layer named 'conv_gone'" check $DEMO --budget "$tmp/nolayer.json"
budget optype '{"op_types": {"Conv": {"count": true}}}'
expect 2 "\$.op_types.Conv.count: expected a non-negative number, got a boolean" check $DEMO --budget "$tmp/optype.json"
budget warn '{"warn_fraction": 1.5, "totals": {"macs": 1}}'
expect 2 "\$.warn_fraction: expected a number in (0, 1]" check $DEMO --budget "$tmp/warn.json"
budget schema '{"schema": "priori.budget/2", "totals": {"macs": 1}}'
expect 2 "\$.schema: expected \"priori.budget/1\"" check $DEMO --budget "$tmp/schema.json"
budget empty '{}'
expect 2 "no limits" check $DEMO --budget "$tmp/empty.json"
: >"$tmp/zero.json"
expect 2 "malformed JSON" check $DEMO --budget "$tmp/zero.json"
printf '{"totals": {"macs": 1}}\0' >"$tmp/nul.json"
expect 2 "NUL byte" check $DEMO --budget "$tmp/nul.json"
deep=$(printf '%0.s[' $(seq 1 3000))
budget deep "$deep"
expect 2 "malformed JSON" check $DEMO --budget "$tmp/deep.json"
expect 4 "cannot open" check $DEMO --budget "$tmp/absent.json"

# ---- usage ----
expect 2 "nothing to check" check $DEMO
expect 2 "--baseline needs --max-growth" check $DEMO --baseline "$tmp/base.json"
expect 2 "--max-growth needs --baseline" check $DEMO --max-growth macs=1%
expect 2 "--max-growth: unknown metric 'mac'" check $DEMO --baseline "$tmp/base.json" --max-growth mac=1%
expect 2 "--max-growth: macs=-1%: expected a percentage >= 0" check $DEMO --baseline "$tmp/base.json" --max-growth macs=-1%
expect 2 "--max-growth: macs is given twice" check $DEMO --baseline "$tmp/base.json" --max-growth macs=1,macs=2
expect 2 "expected table, json, csv, md or github" check $DEMO --budget $R/budget_ok.json --format yaml
expect 0 "--max-growth SPEC" help check
expect 0 "--budget FILE" check --help

# ---- diff: renamed layers matched by op type and shape ----
expect 0 "1 changed, 2 added, 1 removed, 4 renamed, 13 unchanged" diff $DEMO $R/demo_cnn_v2.onnx -q
"$PRIORI" diff $DEMO $R/demo_cnn_v2.onnx --format json -q >"$tmp/diff.json"
"$PYTHON" - "$tmp/diff.json" <<'EOF' && ok || bad "diff differs from the construction in fixtures/review/expected_review.json"
import json, sys
rev = json.load(open("fixtures/review/expected_review.json"))
want, new = rev["diff_demo_cnn_to_v2"], rev["demo_cnn_v2"]
old = next(c for c in json.load(open("fixtures/expected_counts.json"))["cases"] if c["id"] == "demo_cnn")
got = json.load(open(sys.argv[1]))
pairs = lambda kind: [[L["old"]["name"], L["new"]["name"]] for L in got["layers"] if L["change"] == kind]
assert pairs("renamed") == want["renamed"], pairs("renamed")
assert pairs("changed") == want["changed"], pairs("changed")
assert [L["new"]["name"] for L in got["layers"] if L["change"] == "added"] == want["added"]
assert [L["old"]["name"] for L in got["layers"] if L["change"] == "removed"] == want["removed"]
assert got["summary"]["same"] == want["unchanged"], got["summary"]
assert all(L["matched_by"] == "op_and_shape" for L in got["layers"] if L["change"] == "renamed")
for m in ("params", "macs", "flops", "weight_bytes", "peak_activation_bytes"):
    t = got["totals"][m]
    assert t["before"] == old["totals"][m] and t["after"] == new["totals"][m], (m, t)
    assert t["delta"] == new["totals"][m] - old["totals"][m]
# per-layer deltas: closed forms of the layers on each side
ol = {L["name"]: L for L in old["layers"]}
nl = {L["name"]: L for L in new["layers"]}
dw = next(L for L in got["layers"] if L["change"] == "changed")
assert dw["delta"]["macs"] == nl["block2_dwconv"]["macs"] - ol["block2_dwconv"]["macs"], dw
add = next(L for L in got["layers"] if L["new"] and L["new"]["name"] == "block3_conv")
assert add["delta"]["macs"] == nl["block3_conv"]["macs"] and add["delta"]["params"] == nl["block3_conv"]["params"]
EOF
expect 0 "0 changed, 0 added, 0 removed, 0 renamed, 19 unchanged" diff $DEMO $DEMO -q
expect 2 "diff needs two models" diff $DEMO
expect 3 "" diff $DEMO fixtures/bad/empty.onnx -q

# ---- compare: ratios and best against the closed forms ----
"$PRIORI" compare $DEMO $R/demo_cnn_v2.onnx --format json -q >"$tmp/cmp.json"
"$PYTHON" - "$tmp/cmp.json" <<'EOF' && ok || bad "compare differs from the closed forms"
import json, sys
old = next(c for c in json.load(open("fixtures/expected_counts.json"))["cases"] if c["id"] == "demo_cnn")["totals"]
new = json.load(open("fixtures/review/expected_review.json"))["demo_cnn_v2"]["totals"]
got = json.load(open(sys.argv[1]))["models"]
for m in ("params", "macs", "flops", "weight_bytes", "peak_activation_bytes"):
    assert got[0]["totals"][m] == old[m] and got[1]["totals"][m] == new[m], m
    assert abs(got[1]["ratio_to_first"][m] - new[m] / old[m]) < 1e-12, m
    best = min(old[m], new[m])
    assert (m in got[0]["best"]) == (old[m] == best) and (m in got[1]["best"]) == (new[m] == best), m
EOF
# per-model --dim: before the first model for all, after a model for that model only (and it wins)
"$PRIORI" compare --dim batch=2 fixtures/symbolic_batch.onnx fixtures/symbolic_batch.onnx --dim batch=6 --format json -q >"$tmp/dims.json"
"$PYTHON" - "$tmp/dims.json" <<'EOF' && ok || bad "compare per-model --dim"
import json, sys
exp = {c["id"]: c for c in json.load(open("fixtures/expected_counts.json"))["cases"]}
got = json.load(open(sys.argv[1]))["models"]
# symbolic_batch's MACs are linear in the batch: batch 8 is a fixture case
m8 = next(c for c in exp.values() if c["model"] == "fixtures/symbolic_batch.onnx" and "--dim" in c["flags"]
          and "batch=8" in c["flags"])["totals"]["macs"]
assert got[0]["totals"]["macs"] * 4 == m8 and got[1]["totals"]["macs"] * 8 == m8 * 6, (got, m8)
assert got[0]["inputs"][0]["shape"].startswith("2x") and got[1]["inputs"][0]["shape"].startswith("6x")
assert abs(got[1]["ratio_to_first"]["macs"] - 3.0) < 1e-12
EOF
# a --dim after the last model binds that model only: the other model, which
# takes the symbol as 1, is named in a warning that says where to put it
"$PRIORI" compare fixtures/symbolic_batch.onnx fixtures/symbolic_batch.onnx --dim batch=6 >/dev/null 2>"$tmp/err"
grep -q "'batch' is 6 for fixtures/symbolic_batch.onnx (a --dim after a model applies to that model only) but unbound, taken as 1, for fixtures/symbolic_batch.onnx: the rows compare different shapes; give --dim batch=N before the first model" "$tmp/err" \
    && ok || bad "compare: no warning for a --dim binding one model only: $(cat "$tmp/err")"
"$PRIORI" compare --dim batch=2 fixtures/symbolic_batch.onnx fixtures/symbolic_batch.onnx --dim batch=6 >/dev/null 2>"$tmp/err"
grep -q "compare different shapes" "$tmp/err" && bad "compare: the shape warning with every model bound" || ok
expect 2 "compare needs model files" compare
expect 2 "--input nosuch" compare $DEMO --input nosuch=1x3
expect 3 "" compare $DEMO fixtures/bad/empty.onnx -q

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
