#!/bin/sh
# seeds.sh OUT -- builds the seed corpora of the fuzz harnesses under OUT:
#   OUT/model   fixtures/**/*.onnx (roof/: the GPU kernel rules), tests/fuzz/seeds/model/ (external data
#               naming the files of pipeline.c's folder) and every third model
#               of libonnx-testdata (about 360, sorted by path, so the sample
#               is the same each time)
#   OUT/db      the database triple (profiles NUL records NUL carbon) of
#               tests/energy_db/, each of its files alone (the others then
#               come from there, see fuzz_db.c), db/carbon.json (db/'s
#               other files are larger than the 64 KB inputs fuzzed) and
#               tests/fuzz/seeds/db/ (H200 roofline profiles of db/, with and without depthwise values,
#               each with an empty records file so that they load)
#   OUT/budget  budgets of fixtures/review/ and docs/ci-gates.md, reports of
#               tests/golden/ (baselines), --max-growth strings
#   OUT/codecarbon, OUT/dbadd, OUT/cli  tests/fuzz/seeds/ (emissions.csv files;
#               db add option values; sweep and llm arguments)   OUT/calibrate  records.json of tests/energy_db and db,
#               and tests/fuzz/seeds/calibrate/ (GPU kernels of 12 H200 rows, modes
#               included, on a tests/energy_db profile: the roofline fit)
# The corpora only grow while fuzzing; rerunning this adds the seeds again.
set -eu
out=${1:?usage: seeds.sh OUT}
td=/usr/share/libonnx-testdata/data
mkdir -p "$out/model" "$out/db" "$out/budget" "$out/codecarbon" "$out/dbadd" "$out/calibrate" "$out/cli"
for f in fixtures/*.onnx fixtures/bad/*.onnx fixtures/review/*.onnx fixtures/roof/*.onnx; do
    cp "$f" "$out/model/fx_$(printf '%s' "$f" | tr '/' '_')"
done
cp tests/fuzz/seeds/model/* "$out/model/"
if [ -d "$td" ]; then
    find "$td" -name model.onnx | sort | awk 'NR % 3 == 1' | while read -r f; do
        d=$(dirname "$f")
        cp "$f" "$out/model/td_$(basename "$(dirname "$d")")_$(basename "$d").onnx"
    done
fi
d=tests/energy_db
{ cat "$d/profiles.json"; printf '\0'; cat "$d/records.json"; printf '\0'; cat "$d/carbon.json"; } >"$out/db/triple"
cp "$d/profiles.json" "$out/db/profiles"
{ printf '\0'; cat "$d/records.json"; } >"$out/db/records"
{ printf '\0\0'; cat "$d/carbon.json"; } >"$out/db/carbon"
{ printf '\0\0'; cat db/carbon.json; } >"$out/db/carbon_db"
cp tests/fuzz/seeds/db/* "$out/db/"
for f in fixtures/review/*.json tests/golden/*.json; do
    cp "$f" "$out/budget/$(printf '%s' "$f" | tr '/' '_')"
done
awk '/^### Budget file/ { b = 1 } b && /^```$/ && j { exit } j { print } b && /^```json$/ { j = 1 }' docs/ci-gates.md \
    >"$out/budget/readme_budget.json"
printf 'macs=5%%,params=2%%' >"$out/budget/growth_1"
printf 'flops=0,energy_j=12.5%%,co2e=1' >"$out/budget/growth_2"
cp tests/fuzz/seeds/codecarbon/* "$out/codecarbon/"
cp tests/fuzz/seeds/dbadd/* "$out/dbadd/"
cp tests/fuzz/seeds/cli/* "$out/cli/"
cp tests/energy_db/records.json "$out/calibrate/records"
cp db/records.json "$out/calibrate/records_db"
cp tests/fuzz/seeds/calibrate/* "$out/calibrate/"
echo "seeds: $(ls "$out/model" | wc -l) models, $(ls "$out/db" | wc -l) databases, $(ls "$out/budget" | wc -l) budgets in $out"
