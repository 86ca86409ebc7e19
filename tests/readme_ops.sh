#!/bin/sh
# readme_ops.sh -- the operator list of docs/counting.md must be exactly
# `priori ops --format md` (generated from ops/ops.def, never edited by
# hand). UPDATE=1 sh tests/readme_ops.sh rewrites the section in place.
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}"
doc=docs/counting.md
begin='<!-- BEGIN priori ops --format md -->'
end='<!-- END priori ops -->'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PRIORI" ops --format md >"$tmp/ops.md" || { echo "priori ops failed"; echo "0 passed, 1 failed"; exit 1; }
if [ "${UPDATE:-0}" = 1 ]; then
    awk -v b="$begin" -v e="$end" -v f="$tmp/ops.md" '
        $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
        $0 == e { skip = 0 }
        !skip' "$doc" >"$tmp/doc.md" && cp "$tmp/doc.md" "$doc"
fi
awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on; $0 == b { on = 1 }' "$doc" >"$tmp/readme.md"
if cmp -s "$tmp/ops.md" "$tmp/readme.md"; then
    echo "1 passed, 0 failed"
else
    diff "$tmp/readme.md" "$tmp/ops.md" | head -n 20
    echo "FAIL the operator list of $doc differs from 'priori ops --format md' (UPDATE=1 sh tests/readme_ops.sh)"
    echo "0 passed, 1 failed"
    exit 1
fi
