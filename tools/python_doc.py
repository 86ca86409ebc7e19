"""python_doc.py -- runs the examples of docs/python.md and checks or
rewrites their outputs.

Every ```python block of the page runs, in order, in one namespace (a
notebook), from the repository root, with the package of python/ and the
library of $PRIORI_LIB (default build/libpriori.so.0). What a block prints
must be the ```text block that follows it (only blank lines between); a
block without one must print nothing.

  /usr/bin/python3 tools/python_doc.py            # check: prints "N passed, N failed"
  /usr/bin/python3 tools/python_doc.py --update   # rewrite the outputs in place
"""
import contextlib
import io
import os
import re
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "python.md")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def blocks(text):
    """(kind, start, end, body) of every fenced block."""
    return [(m.group(1), m.start(), m.end(), m.group(2)) for m in FENCE.finditer(text)]


def run(text):
    """[(index of the python block, its output, index of its text block or None)]."""
    found = blocks(text)
    namespace = {"__name__": "__doc__"}
    results = []
    for i, (kind, _, end, body) in enumerate(found):
        if kind != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(body, "docs/python.md block %d" % i, "exec"), namespace)
            except Exception:  # noqa: BLE001 -- shown as the block's output, and fails the check
                traceback.print_exc(file=out)
        following = None
        if i + 1 < len(found) and found[i + 1][0] == "text" and text[end:found[i + 1][1]].strip() == "":
            following = i + 1
        results.append((i, out.getvalue(), following))
    return found, results


def main(argv):
    os.chdir(ROOT)
    sys.path.insert(0, os.path.join(ROOT, "python"))
    build = os.environ.get("BUILD", "build")
    os.environ.setdefault("PRIORI_LIB", os.path.abspath(os.path.join(build, "libpriori.so.0")))
    text = open(PAGE).read()
    found, results = run(text)
    if "--update" in argv:
        pieces, pos = [], 0
        for i, out, following in results:
            if following is None:
                if out:
                    print("block %d prints but has no ```text block after it:\n%s" % (i, out))
                continue
            _, start, end, _ = found[following]
            pieces.append(text[pos:start])
            pieces.append("```text\n" + out + "```\n")
            pos = end
        pieces.append(text[pos:])
        open(PAGE, "w").write("".join(pieces))
        print("updated %d outputs of %s" % (sum(1 for r in results if r[2] is not None), PAGE))
        return 0
    passed = failed = 0
    for i, out, following in results:
        want = found[following][3] if following is not None else ""
        if out == want:
            passed += 1
        else:
            failed += 1
            print("FAIL docs/python.md example %d: it prints\n%s\nbut the page shows\n%s\n(when the change is "
                  "intended: /usr/bin/python3 tools/python_doc.py --update)" % (i, out, want))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
