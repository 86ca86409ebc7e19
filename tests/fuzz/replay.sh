#!/bin/sh
# replay.sh -- `make check` part: every committed fuzz finding
# (tests/fuzz/regressions/HARNESS/*) is replayed through its harness, built
# without libFuzzer (build/tests/fuzz/replay_HARNESS; under ASan+UBSan with
# SANITIZE=1), one process per input so a crash names its input. The
# hostile fixtures are replayed too, so the replayers are known to run.
# Prints "N passed, N failed" last.
set -u
: "${BUILD:=build}"
pass=0
fail=0
one() {
    h=$1 f=$2
    if "$BUILD/tests/fuzz/replay_$h" "$f" >/dev/null 2>"$BUILD/tests/fuzz/replay.err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL replay_$h $f: $(tail -n 5 "$BUILD/tests/fuzz/replay.err")"
    fi
}
for h in model db budget codecarbon dbadd calibrate cli; do
    for f in tests/fuzz/regressions/$h/*; do
        [ -f "$f" ] && one "$h" "$f"
    done
done
for f in fixtures/bad/*.onnx fixtures/demo_cnn.onnx; do
    one model "$f"
done
one db tests/energy_db/profiles.json
one budget fixtures/review/budget_ok.json
for f in tests/fuzz/seeds/codecarbon/*; do one codecarbon "$f"; done
one dbadd tests/fuzz/seeds/dbadd/tiny_j
one calibrate tests/energy_db/records.json
for f in tests/fuzz/seeds/cli/*; do one cli "$f"; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
