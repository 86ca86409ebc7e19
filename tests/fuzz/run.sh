#!/bin/sh
# run.sh SECONDS -- `make fuzz-ci`: runs every harness of build/fuzz for
# SECONDS each, one after the other, on its corpus under build/fuzz/corpus
# (plus the committed regression inputs), and fails on any finding: a
# crash, a sanitizer report, a leak, a timeout (10 s) or more than 2 GB.
# A finding is left in build/fuzz/artifacts/HARNESS/; reproduce it with
# `build/fuzz/tests/fuzz/fuzz_HARNESS FILE`, fix it, and add the file to
# tests/fuzz/regressions/ (see tests/fuzz/README.md).
set -u
secs=${1:-45}
bin=build/fuzz/tests/fuzz
corpus=build/fuzz/corpus
reg=tests/fuzz/regressions
status=0
mkdir -p "$corpus/mutate" build/fuzz/logs
for h in model mutate db budget codecarbon dbadd calibrate cli; do
    case $h in
    model | mutate) dict="-dict=tests/fuzz/onnx.dict" regdir=$reg/model ;;
    cli) dict="-dict=tests/fuzz/cli.dict" regdir=$reg/cli ;;
    *) dict="" regdir=$reg/$h ;;
    esac
    extra=""
    [ "$h" = mutate ] && extra="$corpus/model"
    [ "$h" = cli ] && extra="-close_fd_mask=2"   # its usage messages; sanitizer reports still come
    mkdir -p "build/fuzz/artifacts/$h" "$regdir"
    log=build/fuzz/logs/ci_$h.log
    # shellcheck disable=SC2086
    "$bin/fuzz_$h" "$corpus/$h" $extra "$regdir" $dict -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="build/fuzz/artifacts/$h/" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    if [ "$rc" -ne 0 ]; then
        echo "FAIL fuzz_$h: exit $rc after ${execs:-?} executions; see $log and build/fuzz/artifacts/$h/"
        grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5
        status=1
    else
        echo "fuzz_$h: ${execs:-?} executions in ${secs} s, coverage ${cov:-?} edges, no finding"
    fi
done
exit $status
