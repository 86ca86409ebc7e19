#!/bin/sh
# api.sh -- the installed library (issue 13): `make install DESTDIR=$tmp
# PREFIX=/usr`, then a C program (tests/api/api_test.c) built with
# `pkg-config --cflags --libs priori` against that tree and run with it:
#  - what the API returns equals, byte for byte, what `priori` writes for
#    the same options: analyze in every format (a plain model, a symbolic
#    batch bound with "dim", an energy estimate with "hw"), compare, diff,
#    check (breached, within, growth; GitHub annotations), ops, hw list, hw
#    show; the totals equal the CLI's JSON report;
#  - priori_sweep and priori_llm (models of tests/api/make_models.py): every
#    format equals `priori sweep` / `priori llm`, byte for byte; the points,
#    calls and figures read from the structs equal the CLI's JSON and the
#    closed forms (tests/api/check_structs.py: the MatMul chain's counts in
#    batch and seq, the decoder's MACs and its KV cache of 2 L Hkv dh 4 bytes
#    per token);
#  - the checks inside the program: error statuses and messages (bad
#    ranges, options of another command, a model without a KV cache, every
#    point failing), load_buffer, two threads analysing and two sweeping one
#    model with different dims; all of it under valgrind memcheck when
#    installed (no error, no leak) and helgrind (no data race);
#  - the shared object exports only priori_* (nm -D), exactly the functions
#    of priori.h, has its soname and symlinks; the static library links
#    too; the header is the only one installed; the man page lists every
#    option of src/options.def;
#  - the database is found next to the program from any folder;
#  - `make uninstall` leaves no file behind.
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${BUILD:=build}" "${PYTHON:=/usr/bin/python3}" "${CC:=cc}"
. "$(dirname "$0")/testlib.sh"
TDB=tests/energy_db
HW=rpi4-tflite-v2.7.1-ruy@v2.0
GPUHW=h200-pytorch2.11-eager   # a roofline profile of db/ (fp16): regimes
root=$tmp/root
top=$(pwd)

# ---- install ----
if make --no-print-directory install SANITIZE= FUZZ= DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then ok; else
    bad "make install DESTDIR=$root PREFIX=/usr:"
    tail -n 20 "$tmp/install.log"
    echo "$pass passed, $fail failed"
    exit 1
fi
lib=$root/usr/lib
bin=$root/usr/bin/priori
# the version of include/priori.h: libpriori.so.MAJOR.MINOR.PATCH
v=$(sed -n 's/^#define PRIORI_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/priori.h | paste -sd.)
so=libpriori.so.$v
[ "$(ls "$root/usr/include")" = "priori.h" ] && ok || bad "installed headers: $(ls "$root/usr/include")"
[ "$(readlink "$lib/libpriori.so")" = libpriori.so.0 ] && [ "$(readlink "$lib/libpriori.so.0")" = "$so" ] &&
    [ -f "$lib/$so" ] && [ -f "$lib/libpriori.a" ] && ok || bad "library files and symlinks ($so)"
readelf -d "$lib/$so" | grep -q 'SONAME.*\[libpriori.so.0\]' && ok || bad "soname is not libpriori.so.0"
[ -f "$root/usr/share/man/man1/priori.1" ] && [ -f "$root/usr/share/priori/db/profiles.json" ] &&
    [ -f "$lib/pkgconfig/priori.pc" ] && ok || bad "man page, database or priori.pc not installed"

# only the public API is exported: every defined dynamic symbol (but the
# version node) is priori_*, and they are exactly the functions of priori.h
nm -D --defined-only "$lib/$so" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort >"$tmp/exported"
grep -v '^priori_' "$tmp/exported" >"$tmp/foreign"
[ -s "$tmp/exported" ] && [ ! -s "$tmp/foreign" ] && ok || bad "symbols other than priori_*: $(head -n 5 "$tmp/foreign")"
sed -n 's/.*[ *]\(priori_[a-z_]*\)(.*/\1/p' include/priori.h | sort -u >"$tmp/declared"
cmp -s "$tmp/exported" "$tmp/declared" && ok ||
    bad "exported != declared in priori.h: $(diff "$tmp/declared" "$tmp/exported" | head -n 5)"
# the functions of 0.3 (sweep, llm) carry the version node PRIORI_0.3, the others PRIORI_0
nm -D --defined-only "$lib/$so" | awk '$2 != "A" {print $3}' >"$tmp/versioned"
wrong=$(grep -v -e '^priori_\(sweep\|llm\)[a-z_]*@@PRIORI_0\.3$' -e '^priori_[a-z_]*@@PRIORI_0$' "$tmp/versioned"
        grep '^priori_\(sweep\|llm\)[a-z_]*@@PRIORI_0$' "$tmp/versioned")
n03=$(grep -c '@@PRIORI_0\.3$' "$tmp/versioned")
[ -z "$wrong" ] && [ "$n03" -eq 14 ] && ok || bad "version nodes: $n03 functions in PRIORI_0.3; wrong: $wrong"

# ---- the C program, built with pkg-config against the installed tree ----
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs priori) && ok || bad "pkg-config --cflags --libs priori"
case "$flags" in *"-I$root/usr/include"*"-L$lib"*"-lpriori"*) ok ;; *) bad "pkg-config flags: $flags" ;; esac
[ "$(pkg-config --modversion priori)" = "$v" ] && ok || bad "priori.pc's version $(pkg-config --modversion priori), header's $v"
# shellcheck disable=SC2086
if $CC -std=c11 -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror tests/api/api_test.c $flags -lpthread -o "$tmp/api_test" 2>"$tmp/cc.log"; then ok; else
    bad "compiling tests/api/api_test.c: $(head -n 5 "$tmp/cc.log")"
fi
LD_LIBRARY_PATH=$lib ldd "$tmp/api_test" | grep -q "libpriori.so.0 => $lib/libpriori.so.0" && ok ||
    bad "api_test does not load the installed libpriori.so.0"
M=$tmp/models
"$PYTHON" tests/api/make_models.py "$M" >"$tmp/models.log" 2>&1 && ok || bad "make_models.py: $(tail -n 3 "$tmp/models.log")"
mkdir -p "$tmp/out"
LD_LIBRARY_PATH=$lib "$tmp/api_test" "$tmp/out" $TDB $HW "$M" db $GPUHW >"$tmp/api.log" 2>&1
status=$?
grep '^FAIL' "$tmp/api.log"
summary=$(tail -n 1 "$tmp/api.log")
p=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -n "$p" ]; then
    pass=$((pass + p))
    fail=$((fail + f))
    [ "$status" -eq 0 ] || [ "$f" -ne 0 ] || bad "api_test exit $status"
else
    bad "api_test gave no summary (exit $status): $(tail -n 5 "$tmp/api.log")"
fi

# memcheck of the whole program (every call, errors, both threads): no
# error, no definite or indirect leak
if command -v valgrind >/dev/null 2>&1; then
    mkdir -p "$tmp/outv"
    if LD_LIBRARY_PATH=$lib valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 "$tmp/api_test" "$tmp/outv" $TDB $HW "$M" db $GPUHW >"$tmp/vg.log" 2>&1; then ok; else
        bad "valgrind of api_test: $(grep -v '^[0-9]* passed' "$tmp/vg.log" | head -n 10)"
    fi
    # helgrind: no data race between the two threads analysing one model
    if LD_LIBRARY_PATH=$lib valgrind -q --tool=helgrind --error-exitcode=99 "$tmp/api_test" "$tmp/outv" $TDB $HW \
        "$M" db $GPUHW >"$tmp/hg.log" 2>&1; then ok; else
        bad "helgrind of api_test: $(grep -v '^[0-9]* passed' "$tmp/hg.log" | head -n 10)"
    fi
fi

# the sanitizer build (make SANITIZE=1 check): the same program linked
# with its libpriori.a under ASan + UBSan (LeakSanitizer fails a leak)
case "$BUILD" in
*san*)
    # shellcheck disable=SC2046
    if $CC -std=c11 -D_XOPEN_SOURCE=700 -fsanitize=address,undefined -fno-sanitize-recover=all tests/api/api_test.c \
        -Iinclude "$BUILD/libpriori.a" $(pkg-config --libs libprotobuf-c libcjson) -lm -lpthread -o "$tmp/api_san" \
        2>"$tmp/cc.log" && mkdir -p "$tmp/outs" && "$tmp/api_san" "$tmp/outs" $TDB $HW "$M" db $GPUHW >"$tmp/san.log" 2>&1 &&
        diff -r "$tmp/out" "$tmp/outs" >/dev/null; then ok; else
        bad "api_test under ASan+UBSan: $(cat "$tmp/cc.log" "$tmp/san.log" | grep -v '^[0-9]* passed' | head -n 10)"
    fi
    ;;
esac

# same FILE CLI-ARGS...: the API's FILE equals the CLI's standard output
same() {
    name=$1
    shift
    "$bin" "$@" >"$tmp/cli.out" 2>/dev/null
    if cmp -s "$tmp/out/$name" "$tmp/cli.out"; then ok; else
        bad "$name differs from 'priori $*':"
        diff "$tmp/cli.out" "$tmp/out/$name" | head -n 10
    fi
}
R=fixtures/review
for f in txt json csv md html; do
    [ $f = txt ] && F=table || F=$f
    same demo.$f analyze fixtures/demo_cnn.onnx --format $F -q
    same demo_hw.$f analyze fixtures/demo_cnn.onnx --db $TDB --hw $HW --region FRA --format $F -q
    [ $f = html ] && continue
    same sym8.$f analyze fixtures/symbolic_batch.onnx --dim batch=8 --format $F -q
    same compare.$f compare fixtures/demo_cnn.onnx $R/demo_cnn_v2.onnx fixtures/symbolic_batch.onnx --dim batch=4 --format $F -q
    same diff.$f diff fixtures/demo_cnn.onnx $R/demo_cnn_v2.onnx --format $F -q
    same check_breach.$f check fixtures/demo_cnn.onnx --budget $R/budget_breach.json --format $F -q
done
same check_breach.github check fixtures/demo_cnn.onnx --budget $R/budget_breach.json --format github -q
same check_ok.txt check fixtures/demo_cnn.onnx --budget $R/budget_ok.json -q
same check_growth.json check $R/demo_cnn_v2.onnx --baseline tests/golden/demo_cnn.json \
    --max-growth macs=5%,params=200%,flops=50% --format json -q
for f in txt json csv md html; do
    [ $f = txt ] && F=table || F=$f
    same sweep.$f sweep "$M/chain.onnx" --dim seq=16..128*2 --dim batch=1,3 --format $F -q
    same sweep_hw.$f sweep "$M/chain.onnx" --dim seq=1..4 --dim batch=2 --db db --hw $GPUHW --precision fp16 --format $F -q
    same sweep_fixed.$f sweep "$M/fixed.onnx" --dim seq=1,8 --format $F -q
    same llm.$f llm "$M/genai_gqa.onnx" --prompt 5 --generate 3 --batch 2 --format $F -q
    same llm_hw.$f llm "$M/genai_gqa.onnx" --prompt 7 --generate 12 --db db --hw $GPUHW --precision fp16 --format $F -q
done
same ops.json ops --format json
same hw_list.json hw list --db $TDB --format json
same hw_show.json hw show $HW --db $TDB --format json

# the totals equal the CLI's JSON report (read by python's json)
totals() {   # totals FILE.totals CLI-ARGS...
    file=$1
    shift
    "$bin" analyze "$@" --format json -q >"$tmp/t.json" 2>/dev/null
    if out=$("$PYTHON" - "$tmp/t.json" "$tmp/out/$file" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
got = dict(l.split("=") for l in open(sys.argv[2]).read().split())
want = {k: d["totals"][k] for k in ("params", "macs", "flops", "weight_bytes", "activation_bytes",
                                      "peak_activation_bytes", "bytes_read", "bytes_written")}
want.update(layers=len(d["layers"]), unsupported=len(d["unsupported"]), warnings=len(d["warnings"]))
bad = ["%s: api %s, cli %s" % (k, got.get(k), v) for k, v in want.items() if int(got.get(k, -1)) != v]
sys.exit("; ".join(bad) or None)
EOF
    ); then ok; else bad "totals of $file: $out"; fi
}
totals demo.totals fixtures/demo_cnn.onnx
totals sym8.totals fixtures/symbolic_batch.onnx --dim batch=8
totals demo_hw.totals fixtures/demo_cnn.onnx --db $TDB --hw $HW --region FRA

# the structs of priori_sweep (NAME.points) and priori_llm (NAME.summary) hold
# the CLI's numbers (its JSON) and the closed forms (tests/api/check_structs.py)
structs() {   # structs NAME KIND [chain] -- CLI-ARGS...
    name=$1 kind=$2
    shift 2
    chain=
    [ "$1" = chain ] && chain=chain && shift
    "$bin" "$kind" "$@" --format json -q >"$tmp/s.json" 2>/dev/null
    # shellcheck disable=SC2086
    if out=$("$PYTHON" tests/api/check_structs.py "$kind" "$tmp/s.json" "$tmp/out/$name" $chain 2>&1); then ok; else
        bad "structs of $name: $out"
    fi
}
structs sweep.points sweep chain "$M/chain.onnx" --dim seq=16..128*2 --dim batch=1,3
structs sweep_hw.points sweep chain "$M/chain.onnx" --dim seq=1..4 --dim batch=2 --db db --hw $GPUHW --precision fp16
structs sweep_fixed.points sweep "$M/fixed.onnx" --dim seq=1,8
structs llm.summary llm "$M/genai_gqa.onnx" --prompt 5 --generate 3 --batch 2
structs llm_hw.summary llm "$M/genai_gqa.onnx" --prompt 7 --generate 12 --db db --hw $GPUHW --precision fp16

# the static library links too (pkg-config --static) and gives the same files
# shellcheck disable=SC2046
if $CC -std=c11 -D_XOPEN_SOURCE=700 tests/api/api_test.c -I"$root/usr/include" "$lib/libpriori.a" \
    $(pkg-config --static --libs priori | sed 's/-lpriori//') -lpthread -o "$tmp/api_static" 2>"$tmp/cc.log" &&
    mkdir -p "$tmp/out2" && "$tmp/api_static" "$tmp/out2" $TDB $HW "$M" db $GPUHW >"$tmp/static.log" 2>&1 &&
    diff -r "$tmp/out" "$tmp/out2" >/dev/null; then ok; else
    bad "static link against libpriori.a: $(cat "$tmp/cc.log" "$tmp/static.log" | head -n 3)"
fi
nm "$tmp/api_static" 2>/dev/null | grep -q ' U priori_' && bad "the static program still needs libpriori.so" || ok

# ---- the man page lists every option of the option table ----
out=$("$PYTHON" tools/man_options.py --check 2>&1) && ok || bad "man page: $out"

# ---- the database next to the program ----
# (hw list names its database folder: compared apart from the rest)
"$PRIORI" hw list --db db --format json | grep -v '"db":' >"$tmp/hw_repo.json"
# build/priori (built by the install above, also for a sanitizer check)
(cd /tmp && env -u PRIORI_DB "$top/build/priori" hw list --format json) >"$tmp/hw_tmp.json" 2>"$tmp/err" &&
    grep -q "\"db\":.*\"$top/build/\.\./db\"" "$tmp/hw_tmp.json" &&
    grep -v '"db":' "$tmp/hw_tmp.json" | cmp -s - "$tmp/hw_repo.json" && ok ||
    bad "build/priori run from /tmp does not find the checkout's db/: $(head -n 2 "$tmp/err")"
mkdir -p "$tmp/a/bin" "$tmp/a/db" "$tmp/b/db"
cp "$PRIORI" "$tmp/a/bin/priori" && cp "$PRIORI" "$tmp/b/priori" && cp $TDB/*.json "$tmp/a/db/" &&
    cp $TDB/*.json "$tmp/b/db/"
"$PRIORI" hw list --db $TDB --format json | grep -v '"db":' >"$tmp/hw_tdb.json"
(cd / && env -u PRIORI_DB "$tmp/a/bin/priori" hw list --format json) >"$tmp/hw_a.json" 2>/dev/null &&
    grep -q "\"db\":.*\"$tmp/a/bin/../db\"" "$tmp/hw_a.json" && grep -v '"db":' "$tmp/hw_a.json" | cmp -s - "$tmp/hw_tdb.json" &&
    ok || bad "a program in BIN/ does not find BIN/../db"
(cd / && env -u PRIORI_DB "$tmp/b/priori" hw list --format json) >"$tmp/hw_b.json" 2>/dev/null &&
    grep -q "\"db\":.*\"$tmp/b/db\"" "$tmp/hw_b.json" && ok || bad "a program does not find the db/ beside it"
(cd / && PRIORI_DB="$top/db" "$tmp/b/priori" hw list --format json) >"$tmp/hw_env.json" 2>/dev/null &&
    grep -v '"db":' "$tmp/hw_env.json" | cmp -s - "$tmp/hw_repo.json" &&
    ok || bad "PRIORI_DB does not win over the db/ beside the program"

# ---- uninstall removes every file it installed ----
if make --no-print-directory uninstall SANITIZE= FUZZ= DESTDIR="$root" PREFIX=/usr >"$tmp/uninstall.log" 2>&1; then ok; else
    bad "make uninstall: $(tail -n 3 "$tmp/uninstall.log")"
fi
left=$(find "$root" ! -type d | head -n 5)
[ -z "$left" ] && ok || bad "make uninstall left files: $left"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
