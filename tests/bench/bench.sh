#!/bin/sh
# bench.sh -- `make bench`: make the benchmark set once (cached under
# build/bench/: torchvision resnet50, vgg16, vit_b_16, a 2.2 GB transformer
# stack with external data, graphs of 100,000 and 1,000,000 nodes and a
# 50,000-node one with a symbolic batch), then time priori over it against
# `cat` and print a table with PASS/FAIL per target; then the walk's cost
# per node and the re-analysis of a loaded model (tests/bench/walk.py).
# A benchmark reports; it does not fail the build (exit status 0 unless it
# could not run). Needs /usr/bin/python3 with onnx, torch and torchvision,
# and strace.
#   PRIORI  the binary (an optimized build)   PYTHON  Debian's python3
#   OUT     where the models go               RUNS    timed runs per model
#   DRIVER  tests/bench/reanalyze, built with PRIORI
#   BASE, BASE_DRIVER  optional: the same two built from an earlier commit,
#           measured in the same run for a before/after comparison
set -eu
: "${PRIORI:=build/priori}" "${PYTHON:=/usr/bin/python3}" "${OUT:=build/bench}" "${RUNS:=7}"
: "${DRIVER:=build/tests/bench/reanalyze}" "${BASE:=}" "${BASE_DRIVER:=}"
"$PYTHON" tests/bench/make_models.py "$OUT"
"$PYTHON" tests/bench/measure.py --priori "$PRIORI" --dir "$OUT" --runs "$RUNS"
# sweep: 64 points on a 50,000-node graph, against one analyze and the process start (same run)
"$PYTHON" tests/bench/sweep_bench.py --priori "$PRIORI" --dir "$OUT"
# linear loads: database, calibration, budgets at full size against a tenth (ratios, same run)
"$PYTHON" tests/bench/scaling.py --priori "$PRIORI" --dir "$OUT/scaling"
# the walk per node, 1M nodes, RSS, resnet50 against the process start, 64 re-analyses (issue 14)
# (the walk's baseline, main before issue 14, built from git history into $OUT/origin and measured too)
ORIGIN_DRIVER=$(sh tests/bench/origin.sh "$OUT/origin") || ORIGIN_DRIVER=
"$PYTHON" tests/bench/walk.py --priori "$PRIORI" --driver "$DRIVER" --dir "$OUT" \
    ${BASE:+--base "$BASE"} ${BASE_DRIVER:+--base-driver "$BASE_DRIVER"} ${ORIGIN_DRIVER:+--origin-driver "$ORIGIN_DRIVER"}
