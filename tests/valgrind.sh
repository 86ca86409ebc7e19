#!/bin/sh
# valgrind.sh -- valgrind memcheck over every committed fixture (good and
# hostile), a fixed sample of 30 libonnx-testdata models, an --hw estimate,
# a compare, a diff and a check: 0 errors and 0 definite or indirect leaks
# each (--error-exitcode=99 tells a memcheck finding from priori's own exit
# codes). Two runs at a time. Skipped for the sanitizer build (valgrind
# cannot run ASan binaries). Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${BUILD:=build}"
if [ "${1:-}" = --one ]; then
    shift
    log=$(mktemp)
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --log-file="$log" "$PRIORI" "$@" >/dev/null 2>&1
    rc=$?
    if [ "$rc" -eq 99 ] || [ "$rc" -gt 5 ]; then
        echo "FAIL priori $* (exit $rc): $(head -c 600 "$log")"
    else
        echo "ok"
    fi
    rm -f "$log"
    exit 0
fi
case $BUILD in
*san*)
    echo "valgrind: skipped for the sanitizer build $BUILD"
    echo "0 passed, 0 failed"
    exit 0
    ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jobs=$tmp/jobs
for f in fixtures/*.onnx fixtures/review/*.onnx fixtures/bad/*.onnx; do
    echo "analyze $f --format json -q" >>"$jobs"
done
td=/usr/share/libonnx-testdata/data
if [ -d "$td" ]; then
    find "$td" -name model.onnx | sort | awk 'NR % 35 == 7' | head -n 30 | while read -r f; do
        echo "analyze $f --format json -q" >>"$jobs"
    done
fi
D=fixtures/demo_cnn.onnx
R=fixtures/review
cat >>"$jobs" <<JOBS
analyze $D --hw $(sh -c "'$PRIORI' hw list --db db 2>/dev/null | awk 'NR == 2 { print \$1 }'") --db db --format html -o $tmp/hw.html
analyze $D --format md -o $tmp/r.md
compare $D $R/demo_cnn_v2.onnx fixtures/shape_chain.onnx
diff $D $R/demo_cnn_v2.onnx --format json
check $D --budget $R/budget_breach.json --format github -q
check $D --budget $tmp/missing.json -q
JOBS
n=$(wc -l <"$jobs")
xargs -P 2 -L 1 sh tests/valgrind.sh --one <"$jobs" >"$tmp/results"
pass=$(grep -c '^ok$' "$tmp/results")
fail=$(grep -c '^FAIL' "$tmp/results")
grep '^FAIL' "$tmp/results"
echo "valgrind: $n runs"
[ $((pass + fail)) -eq "$n" ] || { fail=$((fail + 1)); echo "FAIL only $((pass + fail)) of $n runs reported"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
