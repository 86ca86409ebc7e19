#!/bin/sh
# safety.sh -- data safety (issue 12): what -o does with every kind of
# target, outputs that are inputs, signals and full disks while writing,
# inputs that are not regular files, the database under concurrent writers
# and crashes at every step of an update, the loader's rules applied before
# a write, the CodeCarbon reader, spreadsheet formulas and terminal control
# characters in names, a closed standard output, a memory limit at every
# step of a load. Devices are made with mknod in a private folder (root
# only; never under /dev). Crashes and full disks come from the
# failure-injection points of build/tests/priori-hooks (src/testhook.h).
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${BUILD:=build}" "${PYTHON:=/usr/bin/python3}"
HOOKS=${HOOKS:-$BUILD/tests/priori-hooks}
. "$(dirname "$0")/testlib.sh"
check() { # check NAME COND...: COND (a command) must succeed
    name=$1
    shift
    if "$@"; then ok; else bad "$name"; fi
}
M=fixtures/demo_cnn.onnx
is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

# ---------------------------------------------------------------- outputs
o=$tmp/out
mkdir "$o"
"$PRIORI" analyze $M >"$tmp/expected.txt"

# a character device: written through, stays a device (/dev/null and /dev/full look-alikes)
if $is_root && mknod "$o/null" c 1 3 && mknod "$o/full" c 1 7; then
    "$PRIORI" analyze $M -o "$o/null" 2>"$tmp/err"
    check "-o char device (null): exit 0 and still a device" test $? -eq 0 -a -c "$o/null"
    "$PRIORI" analyze $M -o "$o/full" 2>"$tmp/err"
    st=$?
    check "-o char device (full): exit 4 'No space left', still a device" \
        sh -c "[ $st -eq 4 ] && grep -q 'No space left' '$tmp/err' && [ -c '$o/full' ]"
    ln -s null "$o/to_null"
    "$PRIORI" analyze $M -o "$o/to_null" 2>/dev/null
    check "-o symlink to a device: the link and the device stay" sh -c "[ -L '$o/to_null' ] && [ -c '$o/null' ]"
    "$PRIORI" analyze "$o/null" >/dev/null 2>"$tmp/err"
    st=$?
    check "a device as the model: exit 4 naming it" sh -c "[ $st -eq 4 ] && grep -q 'is a character device' '$tmp/err'"
else
    echo "note: not root, the character-device cases are skipped"
fi

# a FIFO: written through to its reader; without a reader refused at once, never replaced
mkfifo "$o/fifo"
exec 3<>"$o/fifo"   # the reader, open before priori starts (the report fits the pipe's buffer)
"$PRIORI" analyze $M -o "$o/fifo"
st=$?
head -c "$(wc -c <"$tmp/expected.txt")" <&3 >"$tmp/from_fifo"
exec 3<&-
check "-o FIFO with a reader: exit 0, the reader got the report, still a FIFO" \
    sh -c "[ $st -eq 0 ] && cmp -s '$tmp/from_fifo' '$tmp/expected.txt' && [ -p '$o/fifo' ]"
timeout 10 "$PRIORI" analyze $M -o "$o/fifo" 2>"$tmp/err"
st=$?
check "-o FIFO without a reader: exit 4 at once 'no reader', still a FIFO" \
    sh -c "[ $st -eq 4 ] && grep -q 'no reader' '$tmp/err' && [ -p '$o/fifo' ]"

# a socket: refused, left alone
"$PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$o/sock"
"$PRIORI" analyze $M -o "$o/sock" 2>"$tmp/err"
st=$?
check "-o socket: exit 2 'is a socket', still a socket" sh -c "[ $st -eq 2 ] && grep -q 'is a socket' '$tmp/err' && [ -S '$o/sock' ]"

# /dev/stdout: through the process's own descriptor (into a file and into a pipe)
"$PRIORI" analyze $M -o /dev/stdout >"$tmp/so.txt"
check "-o /dev/stdout into a file" cmp -s "$tmp/so.txt" "$tmp/expected.txt"
"$PRIORI" analyze $M -o /dev/stdout | cat >"$tmp/so2.txt"
check "-o /dev/stdout into a pipe" cmp -s "$tmp/so2.txt" "$tmp/expected.txt"

# symlinks: followed to the target (dangling too); the link stays a link
printf 'old\n' >"$o/target.txt"
ln -s target.txt "$o/link.txt"
"$PRIORI" analyze $M -o "$o/link.txt"
check "-o symlink: the target is written, the link stays" \
    sh -c "[ -L '$o/link.txt' ] && cmp -s '$o/target.txt' '$tmp/expected.txt'"
ln -s made.txt "$o/dangling"
"$PRIORI" analyze $M -o "$o/dangling"
check "-o dangling symlink: its target is created" sh -c "[ -L '$o/dangling' ] && cmp -s '$o/made.txt' '$tmp/expected.txt'"

# a regular file keeps its mode (and, as root, its owner and group)
printf 'old\n' >"$o/mode.txt"
chmod 640 "$o/mode.txt"
$is_root && chown 65534:65534 "$o/mode.txt"
"$PRIORI" analyze $M -o "$o/mode.txt"
check "-o keeps the mode" test "$(stat -c %a "$o/mode.txt")" = 640
$is_root && check "-o keeps owner and group" test "$(stat -c %u:%g "$o/mode.txt")" = 65534:65534
check "-o replaced the content" cmp -s "$o/mode.txt" "$tmp/expected.txt"

# names of NAME_MAX bytes stay valid (the temporary name is short)
long=$(printf '%0255d' 0)
"$PRIORI" analyze $M -o "$o/$long"
check "-o a 255-byte name" cmp -s "$o/$long" "$tmp/expected.txt"

# an output that is an input: exit 2 before anything is read or written
cp $M "$o/self.onnx"
"$PRIORI" analyze "$o/self.onnx" -o "$o/self.onnx" 2>"$tmp/err"
st=$?
check "analyze m.onnx -o m.onnx: exit 2, model intact" \
    sh -c "[ $st -eq 2 ] && grep -q 'same file as the input' '$tmp/err' && cmp -s '$o/self.onnx' $M"
ln -s self.onnx "$o/self_link"
"$PRIORI" analyze "$o/self.onnx" -o "$o/self_link" 2>/dev/null
st=$?
check "-o through a symlink to the model: exit 2, model intact" sh -c "[ $st -eq 2 ] && cmp -s '$o/self.onnx' $M"
ln "$o/self.onnx" "$o/hard.onnx"
"$PRIORI" analyze "$o/self.onnx" -o "$o/hard.onnx" 2>/dev/null
check "-o a hard link of the model: exit 2" test $? -eq 2
"$PRIORI" analyze $M --format json -o "$o/base.json"
cp "$o/base.json" "$tmp/base.json"
"$PRIORI" check $M --baseline "$o/base.json" --max-growth macs=1 -o "$o/base.json" 2>/dev/null
st=$?
check "check --baseline b.json -o b.json: exit 2, baseline intact" sh -c "[ $st -eq 2 ] && cmp -s '$o/base.json' '$tmp/base.json'"
printf '{"totals": {"macs": 1e12}}\n' >"$o/budget.json"
"$PRIORI" check $M --budget "$o/budget.json" -o "$o/budget.json" 2>/dev/null
check "check --budget b.json -o b.json: exit 2" test $? -eq 2
"$PRIORI" compare $M "$o/self.onnx" -o "$o/self.onnx" 2>/dev/null
check "compare ... -o one of the models: exit 2" test $? -eq 2
"$PRIORI" diff $M "$o/self.onnx" -o "$o/self.onnx" 2>/dev/null
check "diff ... -o the new model: exit 2" test $? -eq 2
mkdir "$tmp/db0" && cp tests/energy_db/*.json "$tmp/db0/"
HW=$("$PRIORI" hw list --db tests/energy_db 2>/dev/null | awk 'NR == 2 { print $1 }')
cp "$tmp/db0/profiles.json" "$tmp/p.json"
"$PRIORI" analyze $M --hw "$HW" --db "$tmp/db0" -o "$tmp/db0/profiles.json" 2>/dev/null
st=$?
check "analyze --hw -o DB/profiles.json: exit 2, database intact" sh -c "[ $st -eq 2 ] && cmp -s '$tmp/db0/profiles.json' '$tmp/p.json'"

# signals and a full disk while writing: no temporary file, the old content stays
for sig in TERM INT; do
    printf 'old\n' >"$o/sig.txt"
    PRIORI_TEST_PAUSE_AT=1 "$HOOKS" analyze $M -o "$o/sig.txt" &
    pid=$!
    waited=0   # until the temporary file exists (priori pauses just after making it)
    while ! ls -A "$o" | grep -q '^\.priori-' && [ $waited -lt 100 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    check "SIG$sig test: the temporary file was made" test $waited -lt 100
    kill -$sig $pid
    wait $pid 2>/dev/null
    st=$?
    left=$(ls -A "$o" | grep -c '^\.priori-')
    check "SIG$sig while writing: killed by it ($st), no temporary file ($left), old content" \
        sh -c "[ $st -gt 128 ] && [ $left -eq 0 ] && [ \"\$(cat '$o/sig.txt')\" = old ]"
done
for n in 1 2; do
    printf 'old\n' >"$o/full.txt"
    PRIORI_TEST_FAIL_AT=$n "$HOOKS" analyze $M -o "$o/full.txt" 2>"$tmp/err"
    st=$?
    left=$(ls -A "$o" | grep -c '^\.priori-')
    check "full disk at step $n of -o: exit 4, no temporary file, old content" \
        sh -c "[ $st -eq 4 ] && [ $left -eq 0 ] && [ \"\$(cat '$o/full.txt')\" = old ]"
done

# standard output closed by its reader: no SIGPIPE death, no message, the status priori would have had
closed() { # closed ARGS...: runs priori with stdout a pipe whose reader is gone; prints "status stderr-bytes"
    "$PYTHON" - "$PRIORI" "$@" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
print(p.returncode, len(p.stderr))
PY
}
check "priori ops | (closed): exit 0, quiet" test "$(closed ops)" = "0 0"
check "priori analyze | (closed): exit 0, quiet" test "$(closed analyze $M)" = "0 0"
check "priori check (breached) | (closed): exit 1, quiet" \
    test "$(closed check fixtures/review/demo_cnn_v2.onnx --budget fixtures/review/budget_breach.json -q)" = "1 0"

# ---------------------------------------------------------------- inputs that are not regular files
mkfifo "$tmp/fifo.onnx" "$tmp/fifo.json" "$tmp/fifo.csv"
for args in "analyze $tmp/fifo.onnx" "check $M --budget $tmp/fifo.json" "check $M --baseline $tmp/fifo.json --max-growth macs=1" \
    "db add $M --db $tmp/db0 --hw x --codecarbon $tmp/fifo.csv --inferences 10"; do
    # shellcheck disable=SC2086
    timeout 10 "$PRIORI" $args >/dev/null 2>"$tmp/err"
    st=$?
    check "a FIFO as input ($args): refused at once (exit $st), named" \
        sh -c "[ $st -ne 124 ] && [ $st -ne 0 ] && grep -q 'is a FIFO, not a regular file' '$tmp/err'"
done
mkdir "$tmp/dbf" && cp tests/energy_db/*.json "$tmp/dbf/" && rm "$tmp/dbf/records.json" && mkfifo "$tmp/dbf/records.json"
timeout 10 "$PRIORI" db check --db "$tmp/dbf" 2>"$tmp/err"
st=$?
check "a FIFO inside --db: exit 2 at once, named" sh -c "[ $st -eq 2 ] && grep -q 'records.json: is a FIFO' '$tmp/err'"

# ---------------------------------------------------------------- out of memory at every step of a load
# An address-space limit (ulimit -v) raised STEP KiB at a time from where
# the program itself starts to where the analysis fits: every allocation of
# the load, the walk and (--hw) the database's parse fails somewhere along
# the way. Each run must give the unlimited run's report or exit 5 "out of
# memory" (never "not a valid ONNX protobuf" nor "not valid JSON": protobuf-c
# and cJSON answer NULL for a bad input and for a failed allocation alike),
# no signal, no partial -o. Not under ASan, whose shadow memory needs
# terabytes of address space.
mem_sweep() { # mem_sweep STEP MODEL ARGS...
    step=$1 m=$2
    shift 2
    "$PRIORI" analyze "$m" "$@" --format json -o "$tmp/mem_full.json" 2>/dev/null
    kb=2048
    until (ulimit -v $kb && "$PRIORI" --version) >/dev/null 2>&1; do kb=$((kb + 256)); done
    runs=0 oom=0 wrong=""
    while [ $runs -lt 400 ]; do
        rm -f "$tmp/mem.json"
        (ulimit -v $kb && exec "$PRIORI" analyze "$m" "$@" --format json -o "$tmp/mem.json") >/dev/null 2>"$tmp/err"
        st=$? runs=$((runs + 1)) kb=$((kb + step))
        if [ $st -eq 0 ]; then
            cmp -s "$tmp/mem.json" "$tmp/mem_full.json" || wrong="exit 0 at $kb KiB with another report"
            break
        fi
        oom=$((oom + 1))
        if [ $st -ne 5 ] || ! grep -q 'out of memory' "$tmp/err" || [ -e "$tmp/mem.json" ]; then
            wrong="exit $st at $kb KiB: $(grep -v '^priori: warning' "$tmp/err" | head -c 200)"
            break
        fi
    done
    check "$m $* under a memory limit raised $step KiB at a time: 'out of memory' (exit 5) $oom times, then the full report ($wrong)" \
        test -z "$wrong" -a $oom -ge 20 -a $runs -lt 400
}
if readelf -d "$PRIORI" 2>/dev/null | grep -q libasan; then :; else
    for m in $M fixtures/dynamo/resnet18.dynamo.onnx fixtures/silero/silero_vad_v5.onnx \
        fixtures/paddle/ch_PP-OCRv4_rec_infer.onnx; do
        mem_sweep 32 "$m"
    done
    mem_sweep 64 $M --hw rpi4coral-fan.on-tflite-v2.4.1-ruy@v1.0/fp32/single --db db
fi

# ---------------------------------------------------------------- the database: the loader's rules first
db=$tmp/db
fresh_db() { rm -rf "$db" && mkdir "$db" && cp tests/energy_db/*.json "$db/"; }
snap() { cat "$db/profiles.json" "$db/records.json" "$db/carbon.json" | cksum; }
fresh_db
before=$(snap)
refused() { # refused NAME ARGS...: db add exit 2, database untouched
    name=$1
    shift
    "$PRIORI" db add $M --db "$db" "$@" >/dev/null 2>"$tmp/err"
    st=$?
    check "db add $name: exit 2 ($st), 'nothing was written', database untouched" \
        sh -c "[ $st -eq 2 ] && grep -q 'nothing was written' '$tmp/err' && [ \"\$(cat '$db/profiles.json' '$db/records.json' '$db/carbon.json' | cksum)\" = '$before' ]"
}
refused "--j-per-sample 1e-13" --hw x --j-per-sample 1e-13
refused "--hw ''" --hw "" --j-per-sample 1
refused "--hw of 4 KB" --hw "$(printf '%04100d' 0)" --j-per-sample 1
refused "--latency-ms 1e12" --hw x --j-per-sample 1 --latency-ms 1e12
printf 'duration,energy_consumed\n1e-5,0.001\n' >"$tmp/fast.csv"
refused "CodeCarbon run of 1e-5 s over 1e9 inferences" --hw x --codecarbon "$tmp/fast.csv" --inferences 1000000000
check "no lock-file-only leftovers: no staged file" test -z "$(ls -A "$db" | grep -v '^\.priori\.lock$' | grep '^\.')"

# ---------------------------------------------------------------- concurrency: 200 adds, 10 at a time, calibrate and readers meanwhile
fresh_db
n0=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$db/records.json")
( while [ ! -e "$tmp/stop" ]; do "$PRIORI" db check --db "$db" >/dev/null 2>>"$tmp/reader_err" || echo x >>"$tmp/reader_fail"; done ) &
readers=$!
( for i in 1 2 3 4 5 6; do "$PRIORI" calibrate --db "$db" >/dev/null 2>>"$tmp/cal_err" || echo x >>"$tmp/cal_fail"; done ) &
cal=$!
seq 0 199 | xargs -P 10 -I{} sh -c '"$0" db add "$1" --db "$2" --hw "hw$(({} % 7))" --name "m{}" --j-per-sample 0.{}1 >/dev/null 2>>"$3/add_err" || echo {} >>"$3/add_fail"' \
    "$PRIORI" $M "$db" "$tmp"
wait $cal
touch "$tmp/stop"
wait $readers
check "200 concurrent adds: every one exited 0" test ! -s "$tmp/add_fail"
check "calibrate during the adds: every run exited 0" test ! -s "$tmp/cal_fail"
check "readers during the adds: every db check passed" test ! -s "$tmp/reader_fail"
"$PRIORI" db check --db "$db" >/dev/null 2>"$tmp/err"
check "after the adds the database loads" test $? -eq 0
"$PYTHON" - "$db" "$n0" <<'PY' && ok || bad "200 concurrent adds: records lost or a record without its profile"
import json, sys
d, n0 = sys.argv[1], int(sys.argv[2])
recs = json.load(open(d + "/records.json"))["records"]
ids = {p["id"] for p in json.load(open(d + "/profiles.json"))["profiles"]}
mine = {r["model"] for r in recs if r["model"].startswith("m") and r["model"][1:].isdigit()}
assert len(recs) == n0 + 200, (len(recs), n0)
assert mine == {"m%d" % i for i in range(200)}, len(mine)
assert all(r["profile"] in ids for r in recs), "record without its profile"
assert all("hw%d/fp32/single" % k in ids for k in range(7))
PY

# ---------------------------------------------------------------- crashes and full disks at every step of an update
fresh_db
rm -f "$tmp/count"
PRIORI_TEST_COUNT=$tmp/count "$HOOKS" db add $M --db "$db" --hw newhw --j-per-sample 1 >/dev/null
steps=$(cat "$tmp/count")
check "the update has injection points ($steps)" test "${steps:-0}" -ge 8
completed=0 rolled=0
for mode in KILL FAIL; do
    k=1
    while [ "$k" -le "$steps" ]; do
        fresh_db
        env "PRIORI_TEST_${mode}_AT=$k" "$HOOKS" db add $M --db "$db" --hw newhw --j-per-sample 1 >/dev/null 2>"$tmp/err"
        st=$?
        "$PRIORI" db check --db "$db" >"$tmp/check_out" 2>"$tmp/check_err"
        cst=$?
        grep -q 'completed' "$tmp/check_err" && completed=$((completed + 1))
        grep -q 'rolled back' "$tmp/check_err" && rolled=$((rolled + 1))
        "$PYTHON" - "$db" <<'PY'
import json, sys
d = sys.argv[1]
recs = json.load(open(d + "/records.json"))["records"]
ids = {p["id"] for p in json.load(open(d + "/profiles.json"))["profiles"]}
new = [r for r in recs if r["profile"] == "newhw/fp32/single"]
assert len(recs) in (6, 7) and len(new) == len(recs) - 6, len(recs)       # old (6 records) or new (7)
assert all(r["profile"] in ids for r in recs)
PY
        ok_state=$?
        left=$(ls -A "$db" | grep -v '^\.priori\.lock$' | grep -c '^\.')
        want=137
        [ "$mode" = FAIL ] && want=4
        if [ "$st" -eq "$want" ] && [ "$cst" -eq 0 ] && [ "$ok_state" -eq 0 ] && [ "$left" -eq 0 ]; then
            ok
        else
            bad "$mode at step $k of $steps: writer exit $st (expected $want), next db check exit $cst, old-or-new $ok_state, leftovers $left: $(head -c 200 "$tmp/err")"
        fi
        k=$((k + 1))
    done
done
check "crashes after the commit point were completed by the next command ($completed)" test "$completed" -ge 2
check "crashes before it were rolled back by the next command ($rolled)" test "$rolled" -ge 2

# ---------------------------------------------------------------- CodeCarbon emissions.csv
fresh_db
cc() { # cc NAME CODE WORDS: db add with $tmp/e.csv (100 inferences)
    "$PRIORI" db add $M --db "$db" --hw cc --name "cc$pass" --codecarbon "$tmp/e.csv" --inferences 100 >"$tmp/cc_out" 2>"$tmp/err"
    st=$?
    check "codecarbon $1: exit $st, expected $2" sh -c "[ $st -eq $2 ] && grep -qF -- '$3' '$tmp/cc_out' '$tmp/err'"
}
# quoted commas, quotes and a line break, CRLF, a BOM: 0.002 kWh = 7200 J over 100 inferences = 72 J each
printf '\357\273\277project_name,note,duration,energy_consumed\r\n"p, 1","say ""hi""\nthere",10,0.001\r\n"p, 2","",20,0.002\r\n' >"$tmp/e.csv"
cc "RFC 4180 (quotes, commas, newline, CRLF, BOM)" 0 "72 J/inference"
printf 'duration,energy_consumed\n10,0.001\n"%070000d",0.002\n' 0 >"$tmp/e.csv"
cc "a field over 64 KiB" 2 "longer than 64 KiB"
printf 'duration,energy_consumed\n10,"0.001\n' >"$tmp/e.csv"
cc "an unclosed quote" 2 "not closed"
for v in -0.001 nan inf 0 2e9; do
    printf 'duration,energy_consumed\n10,%s\n' "$v" >"$tmp/e.csv"
    cc "energy_consumed $v" 2 "energy_consumed is not a number in (0, 1e+09] kWh"
done
printf 'duration,energy_consumed\n1e-300,0.001\n' >"$tmp/e.csv"
cc "duration 1e-300" 2 "duration is not a number"
printf 'duration,energy_consumed\n10,0.001,7\n' >"$tmp/e.csv"
cc "a row longer than the header" 2 "3 fields, but the header has 2"

# ---------------------------------------------------------------- names: spreadsheet formulas, terminal controls
"$PYTHON" - "$tmp/names.onnx" <<'PY'
import sys
import onnx
from onnx import TensorProto, helper
names = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "txt.\u202eexe", "c1\u0085x"]
nodes = [helper.make_node("Relu", ["v%d" % i], ["v%d" % (i + 1)], name=n) for i, n in enumerate(names)]
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("v0", TensorProto.FLOAT, [1, 4])],
                      [helper.make_tensor_value_info("v%d" % len(names), TensorProto.FLOAT, [1, 4])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PY
"$PRIORI" analyze "$tmp/names.onnx" --format csv -q >"$tmp/n.csv"
"$PYTHON" - "$tmp/n.csv" <<'PY' && ok || bad "CSV: formula cells are not prefixed with '"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
names = [r["name"] for r in rows]
assert names[:4] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)"], names
PY
"$PRIORI" analyze "$tmp/names.onnx" --top 10 >"$tmp/n.txt" 2>&1
"$PRIORI" analyze "$tmp/names.onnx" --format md -q >"$tmp/n.md"
# the terminal table shows <U+202E>; Markdown the same, its < > written as &lt; &gt;
for f in n.txt:'<' n.md:'&lt;'; do
    lt=${f#*:} gt='>'
    [ "$lt" = '&lt;' ] && gt='&gt;'
    f=${f%%:*}
    check "$f: U+202E and U+0085 shown as <U+202E>, <U+0085>" \
        sh -c "grep -qF 'txt.${lt}U+202E${gt}exe' '$tmp/$f' && grep -qF 'c1${lt}U+0085${gt}x' '$tmp/$f' && ! grep -q \"\$(printf '\342\200\256')\" '$tmp/$f'"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
