#!/bin/sh
# sweep_html.sh -- `priori sweep --format html` rendered in headless
# Chromium (as tests/html_render.sh does for analyze): the screenshot is not
# blank; the DOM holds one SVG line chart per metric, one point per sweep
# point and one line per value of the second symbol, log axes where the
# values span two decades or more and linear ones where they do not, the
# exact counts of the closed forms of tests/sweep.py; the file refers to
# nothing outside itself; a hostile symbol and hostile model names arrive
# as text. Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${PYTHON:=/usr/bin/python3}"
. "$(dirname "$0")/testlib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "FAIL chromium is not installed (sh tests/deps.sh test installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

render() {
    HOME=$tmp timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --screenshot="$tmp/$1.png" --window-size=1280,2400 "file://$tmp/$1.html" >/dev/null 2>&1
    HOME=$tmp timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom \
        "file://$tmp/$1.html" >"$tmp/$1.dom" 2>/dev/null
    [ -s "$tmp/$1.png" ] && [ -s "$tmp/$1.dom" ] && ok || bad "chromium did not render $1.html"
}

# the models of tests/sweep.py, and one with hostile names
"$PYTHON" - "$tmp" <<'EOF' || bad "could not write the models"
import os, sys
sys.path.insert(0, "tests")
import sweep
from onnx import TensorProto as T, helper as h
tmp = sys.argv[1]
sweep.attention(os.path.join(tmp, "attention.onnx"))
sweep.convnet(os.path.join(tmp, "convnet.onnx"))
sym = "<img src=x onerror=alert(1)>"
nodes = [h.make_node("Relu", ["x"], ["r"], name="</svg><script>alert(1)</script>"),
         h.make_node("Evil\x1b[31m", ["r"], ["y"], name="x\" onmouseover=\"alert(1)", domain="bad<b>")]
g = h.make_graph(nodes, "hostile", [h.make_tensor_value_info("x", T.FLOAT, [sym, 8])],
                 [h.make_tensor_value_info("y", T.FLOAT, [sym, 8])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13), h.make_opsetid("bad<b>", 1)])
m.ir_version = 8
open(os.path.join(tmp, "hostile.onnx"), "wb").write(m.SerializeToString())
EOF

# seq over 16..8192 (2.7 decades) and batch 1, 8: log x; MACs over 5 decades: log y
"$PRIORI" sweep "$tmp/attention.onnx" --dim seq=16..8192*2 --dim batch=1,8 --format html -o "$tmp/att.html" -q \
    && ok || bad "sweep --format html"
render att
"$PYTHON" - "$tmp/att.png" <<'EOF' && ok || bad "att.png looks blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 40000, len(data)
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", data[pos + 8:pos + 21])
    elif kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
w, h, depth, ctype = ihdr[:4]
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colours = bytearray(stride), set()
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, w, 4):
        colours.add(bytes(line[x * bpp:x * bpp + 3]))
assert len(colours) > 100, len(colours)
EOF
"$PYTHON" - "$tmp/att.dom" <<'EOF' && ok || bad "the sweep DOM lacks its charts, log axes or numbers"
import sys
sys.path.insert(0, "tests")
from html.parser import HTMLParser
from sweep import attention_expect
dom = open(sys.argv[1], encoding="utf-8").read()
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.svgs = []; self.tags = {}; self.circles = 0; self.series = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "svg" and "sweep" in (a.get("class") or ""):
            self.svgs.append(a)
        if tag == "circle" and a.get("class") == "pt":
            self.circles += 1
        if tag == "path" and a.get("class") == "series":
            self.series += 1
p = P(); p.feed(dom)
metrics = [s["data-metric"] for s in p.svgs]
assert metrics == ["params", "macs", "flops", "activation_bytes", "peak_activation_bytes", "weight_bytes"], metrics
assert all(s["data-xscale"] == "log" for s in p.svgs), [s["data-xscale"] for s in p.svgs]
scale = {s["data-metric"]: s["data-yscale"] for s in p.svgs}
assert scale["macs"] == scale["flops"] == scale["peak_activation_bytes"] == "log", scale
assert scale["params"] == scale["weight_bytes"] == "linear", scale   # constant: no decades
assert p.circles == 6 * 20 and p.series == 6 * 2, (p.circles, p.series)
assert p.tags.get("script", 0) == 0
assert "seq (log scale)" in dom and "batch=8" in dom
for s in (16, 8192):
    for b in (1, 8):
        e = attention_expect(b, s)
        assert 'title="%d"' % e["macs"] in dom, ("MACs", s, b)      # the table's exact value
        assert "(%d)" % e["peak_activation_bytes"] in dom, ("peak", s, b)   # a point's tooltip
EOF
if grep -qiE '<script|<link|<img|<iframe|src=|href=|url\(|@import|https?:' "$tmp/att.html"; then
    bad "att.html refers to something outside itself"
else
    ok
fi

# N over 1..8 (less than a decade): linear axes; with --hw the estimate's charts too
"$PRIORI" sweep "$tmp/convnet.onnx" --dim N=1..8 --hw h200-pytorch2.11-eager --format html -o "$tmp/cnn.html" -q \
    && ok || bad "sweep --hw --format html"
"$PRIORI" sweep "$tmp/convnet.onnx" --dim N=1..8 --hw h200-pytorch2.11-eager --format json -o "$tmp/cnn.json" -q
render cnn
"$PYTHON" - "$tmp/cnn.dom" "$tmp/cnn.json" <<'EOF' && ok || bad "the --hw sweep DOM lacks its charts or linear axes"
import json, sys
from html.parser import HTMLParser
dom = open(sys.argv[1], encoding="utf-8").read()
rep = json.load(open(sys.argv[2]))
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.svgs = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "sweep" in (a.get("class") or ""):
            self.svgs.append(a)
p = P(); p.feed(dom)
assert [s["data-metric"] for s in p.svgs][-3:] == ["latency_s", "energy_j", "co2e_g"], p.svgs
assert all(s["data-xscale"] == "linear" and s["data-yscale"] == "linear" for s in p.svgs), p.svgs
assert "h200-pytorch2.11-eager/fp32/infer" in dom and "per call of the whole batch" in dom
for pt in rep["points"]:
    assert 'title="%.9g"' % pt["energy_j"] in dom, pt["energy_j"]   # the table's exact value
EOF

# more than 10 values of the second symbol: 10 lines, and the legend says so;
# a point that fails: a marked row, a gap, the note above the charts
"$PYTHON" - "$tmp" <<'EOF' || bad "could not write the fixed-seq model"
import os, sys
sys.path.insert(0, "tests")
import sweep
sweep.fixedseq(os.path.join(sys.argv[1], "fixedseq.onnx"))
EOF
"$PRIORI" sweep "$tmp/attention.onnx" --dim seq=1,2 --dim batch=1..12 --format html -o "$tmp/many.html" -q &&
    "$PRIORI" sweep "$tmp/fixedseq.onnx" --dim seq=64,128,256 --format html -o "$tmp/fail.html" -q \
    && ok || bad "sweep --format html (12 series, failed points)"
"$PYTHON" - "$tmp/many.html" "$tmp/fail.html" <<'EOF' && ok || bad "series cap or failed points in the HTML"
import sys
many, fail = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
assert many.count('class="series"') == 6 * 10 and "(10 of its 12 values; the table has every point)" in many
assert many.count('<circle class="pt"') == 6 * 10 * 2 and many.count("<tr><td") == 24
assert "The analysis fails at 2 of the 3 points" in fail and fail.count('<tr class="failed">') == 2
assert fail.count('<circle class="pt"') == 6 and "cannot reshape 1x64x64 into 1x128x64" in fail
EOF

# hostile: a symbol with markup, an operator and node names with markup and escapes
"$PRIORI" sweep "$tmp/hostile.onnx" --dim '<img src=x onerror=alert(1)>=1,2,1000' --format html -o "$tmp/hostile.html" -q \
    && ok || bad "sweep of the hostile model"
render hostile
"$PYTHON" - "$tmp/hostile.dom" "$tmp/hostile.html" <<'EOF' && ok || bad "a hostile name became markup"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.bad = []; self.text = []
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object") or any(k.startswith("on") for k, _ in attrs):
            self.bad.append((tag, attrs))
    def handle_data(self, d):
        self.text.append(d)
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    raw.decode("utf-8")
    assert b"\x1b" not in raw
    p = P(); p.feed(raw.decode("utf-8"))
    assert not p.bad, p.bad
    text = "".join(p.text)
    assert "<img src=x onerror=alert(1)>=1000" in text, "the symbol as text"
    assert "Evil" in text and "bad<b>" in text, "the unsupported operator in the warnings"
EOF
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
