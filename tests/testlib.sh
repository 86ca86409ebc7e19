# testlib.sh -- what every shell test part starts with, sourced first:
# the pass/fail counters, ok/bad to count a check, and a private $tmp
# folder removed on exit. Each part prints "$pass passed, $fail failed" last.
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
