"""checklib.py -- the check() counter the Python test scripts share: each
check passes or prints "FAIL what"; summary() prints "N passed, N failed"
(the line tests/check.sh reads) and returns the exit status."""
counts = {"passed": 0, "failed": 0}


def check(cond, what):
    if cond:
        counts["passed"] += 1
    else:
        counts["failed"] += 1
        print("FAIL " + what)


def summary():
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    return 1 if counts["failed"] else 0
