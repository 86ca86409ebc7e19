#!/bin/sh
# check.sh -- the whole test suite (`make check`). Runs every part, shows
# each part's own summary, and prints the sum as "N passed, N failed" on the
# last line. Exit status 1 when anything failed or a part could not run.
#   PRIORI  the binary under test      BUILD   its build folder
#   PYTHON  Debian's python3 (onnx, torch, torchvision)
set -u
: "${PRIORI:=build/priori}" "${BUILD:=build}" "${PYTHON:=/usr/bin/python3}"
export PRIORI BUILD PYTHON
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

part() {
    name=$1
    shift
    printf '== %s\n' "$name"
    "$@" >"$log" 2>&1
    status=$?
    summary=$(tail -n 1 "$log")
    pass=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
    fail=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
    if [ -z "$pass" ]; then
        echo "   did not report a summary (exit $status); its output:"
        tail -n 20 "$log" | sed 's/^/   /'
        pass=0
        fail=1
    elif [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
    fi
    grep -E '^(FAIL|FIXED|STALE)|failed:|CHECK' "$log" | head -n 40 | sed 's/^/   /'
    grep -E '^conformance:' "$log" | sed 's/^/   /'
    printf '   %s\n' "$summary"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
}

part "unit tests" "$BUILD/tests/run"
part "architecture: layers without import loops (tools/deps.py)" "$PYTHON" tools/deps.py --build "$BUILD"
part "command line and bad inputs" sh tests/cli.sh
part "catalogue of hostile inputs" sh tests/bad_inputs.sh
part "fuzz regressions replayed" sh tests/fuzz/replay.sh
part "docs/counting.md operator list = priori ops" sh tests/readme_ops.sh
part "golden reports" sh tests/golden.sh
part "energy: database, --hw, db add, calibrate" sh tests/energy.sh
part "energy on GPUs: measure_gpu.py (fake meter), import, calibrate" "$PYTHON" tests/measure_gpu_fake.py
part "energy on GPUs: the committed H200 profiles and their validation" "$PYTHON" tests/energy_gpu_check.py
part "energy on GPUs: kernel counts = eager PyTorch's dispatched ops (torchvision)" "$PYTHON" tests/eager_kernels_check.py
part "gates: check, compare, diff" sh tests/gate.sh
part "listings in JSON, names kept apart, the option table" sh tests/listings.sh
part "C API: the installed libpriori, pkg-config, same bytes as the CLI" sh tests/api.sh
# The Python parts load $BUILD/libpriori.so.0 into python3: a SANITIZE=1
# library needs the ASan runtime loaded first (python's own leaks not reported).
pyenv=""
if readelf -d "$BUILD/libpriori.so.0" 2>/dev/null | grep -q 'libasan'; then
    pyenv="LD_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0"
fi
part "Python package over libpriori (python/priori)" env $pyenv "$PYTHON" tests/python_api.py
part "docs/python.md examples print what the page shows" env $pyenv "$PYTHON" tools/python_doc.py
part "data safety: outputs, database transactions, inputs" sh tests/safety.sh
part "HTML report in headless Chromium" sh tests/html_render.sh
part "sweep: closed forms, = analyze at every point, formats, errors" "$PYTHON" tests/sweep.py
part "sweep: HTML charts in headless Chromium" sh tests/sweep_html.sh
if command -v valgrind >/dev/null 2>&1; then
    part "valgrind memcheck" sh tests/valgrind.sh
fi
part "ONNX backend conformance" "$BUILD/tests/run-conformance" /usr/share/libonnx-testdata/data tests/conformance/known_gaps.txt
part "fixtures: closed-form counts" "$PYTHON" tests/fixtures_check.py
for script in tests/real_*.py; do
    part "real architectures: $(basename "$script" .py)" "$PYTHON" "$script"
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
