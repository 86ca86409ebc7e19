#!/bin/sh
# origin.sh -- `make bench`'s baseline for the walk target of issue 14: the
# reanalyze driver (tests/bench/reanalyze.c, as it is now) built against
# libpriori.a of main before issue 14 (commit ORIGIN), so that walk.py
# measures that build and this one in the same run on the same machine,
# instead of trusting a figure recorded on another machine.
#
#   sh tests/bench/origin.sh OUT      prints OUT/reanalyze's path, or fails
#
# The tree comes from this clone's git history (`git archive`); the build
# is cached in OUT (stamped with the commit). Exit 1 with a message when
# there is no history (a source tarball) or the build fails: walk.py then
# falls back to the figure recorded in walk.py, and says so.
set -eu
ORIGIN=0ef76a8            # main before issue 14 (docs/development.md, "The walk and re-analysis")
out=${1:?usage: origin.sh OUT}
root=$(cd "$(dirname "$0")/../.." && pwd)
drv="$out/reanalyze"
if [ -x "$drv" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$ORIGIN" ]; then
    echo "$drv"
    exit 0
fi
if ! git -C "$root" cat-file -e "$ORIGIN^{commit}" 2>/dev/null; then
    echo "origin.sh: commit $ORIGIN is not in this clone's history" >&2
    exit 1
fi
rm -rf "$out"
mkdir -p "$out/src"
git -C "$root" archive "$ORIGIN" | tar -x -C "$out/src"
if ! make -C "$out/src" --no-print-directory -s SANITIZE= build/libpriori.a >"$out/build.log" 2>&1; then
    echo "origin.sh: building $ORIGIN failed (see $out/build.log)" >&2
    exit 1
fi
s="$out/src"
# shellcheck disable=SC2046
${CC:-cc} -O2 -g -std=c11 -D_XOPEN_SOURCE=700 -I"$s/include" -I"$s/src" -I"$s/ops" -I"$s/proto" \
    "$root/tests/bench/reanalyze.c" "$s/build/libpriori.a" $(pkg-config --libs libprotobuf-c libcjson) -lm -o "$drv"
echo "$ORIGIN" >"$out/stamp"
echo "$drv"
