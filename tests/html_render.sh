#!/bin/sh
# html_render.sh -- the HTML report rendered for real in headless Chromium
# (Debian's `chromium`, installed by tests/deps.sh test): a screenshot that
# must be non-trivial (size, many distinct colours, not mostly blank), the
# DOM that must hold the charts (SVG with bars, the share bars, the memory
# curve and its peak marker) and the key numbers -- total MACs and peak
# memory, compared with the closed forms of fixtures/expected_counts.json;
# the file must be self-contained (no script, no external resource); hostile
# names must arrive as text, never as markup; a 100,000-layer model must
# give an aggregated, bounded report; with --hw the report must hold the
# energy totals (the numbers of analyze --hw's JSON), the roofline (one point
# per layer with work, the roof and shaded regions for a spec profile, "no
# roof" for a fitted one without peak and bandwidth) and the energy bars.
# Prints "N passed, N failed" last.
set -u
: "${PRIORI:=build/priori}" "${PYTHON:=/usr/bin/python3}" "${BUILD:=build}"
. "$(dirname "$0")/testlib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "FAIL chromium is not installed (sh tests/deps.sh test installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

# render NAME: $tmp/NAME.html -> $tmp/NAME.png (1280x2000) and $tmp/NAME.dom
render() {
    HOME=$tmp timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --screenshot="$tmp/$1.png" --window-size=1280,2000 "file://$tmp/$1.html" >/dev/null 2>&1
    HOME=$tmp timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom \
        "file://$tmp/$1.html" >"$tmp/$1.dom" 2>/dev/null
    [ -s "$tmp/$1.png" ] && [ -s "$tmp/$1.dom" ] && ok || bad "chromium did not render $1.html"
}

"$PRIORI" analyze fixtures/demo_cnn.onnx --format html -o "$tmp/demo.html" -q && ok || bad "analyze --format html"
render demo
# the picture: a PNG decoded with zlib (filters undone), colours counted
"$PYTHON" - "$tmp/demo.png" <<'EOF' && ok || bad "demo.png looks blank or broken"
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
assert (w, h) == (1280, 2000) and depth == 8 and ctype in (2, 6), ihdr
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, white = bytearray(stride), set(), 0
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
    for x in range(0, w, 2):
        px = bytes(line[x * bpp:x * bpp + 3])
        colours.add(px)
        white += px in (b"\xff\xff\xff", b"\xf3\xf5\xf8")
ink = 1 - white / (h * w / 2)   # anything but the page and card backgrounds
assert len(colours) > 200, len(colours)
assert ink > 0.05, ink
print(f"demo.png: {len(colours)} colours, {ink:.0%} ink")
EOF
# the DOM: charts and the key numbers, checked against the closed forms
"$PYTHON" - "$tmp/demo.dom" <<'EOF' && ok || bad "the rendered DOM lacks charts or numbers"
import json, sys
from html.parser import HTMLParser
exp = next(c for c in json.load(open("fixtures/expected_counts.json"))["cases"] if c["id"] == "demo_cnn")["totals"]
dom = open(sys.argv[1], encoding="utf-8").read()
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = {}; self.ids = set(); self.classes = {}
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        for c in (a.get("class") or "").split():
            self.classes[c] = self.classes.get(c, 0) + 1
p = P(); p.feed(dom)
assert p.tags.get("svg", 0) >= 3, p.tags
assert p.tags.get("rect", 0) >= 19 + 15, p.tags.get("rect")
assert {"layers-chart", "op-share", "memory", "table"} <= p.ids, p.ids
assert p.classes.get("area") == 1 and p.classes.get("peakline") == 1, p.classes
assert p.tags.get("script", 0) == 0
assert str(exp["macs"]) in dom and "1.70 M" in dom, "total MACs"
assert f'{exp["peak_activation_bytes"]} bytes' in dom and "peak 128 KiB" in dom, "peak memory"
assert str(exp["params"]) in dom and str(exp["flops"]) in dom
assert "2 tensors alive at the peak" in dom and "stem_conv_out" in dom and "stem_bn_out" in dom
EOF
# self-contained: nothing fetched, nothing executed
if grep -qiE '<script|<link|<img|<iframe|src=|href=|url\(|@import|https?:' "$tmp/demo.html"; then
    bad "demo.html refers to something outside itself: $(grep -oiE '<script|<link|<img|<iframe|src=|href=|url\(|@import|https?:' "$tmp/demo.html" | head -3)"
else
    ok
fi

# hostile names arrive as text
"$PRIORI" analyze fixtures/review/hostile_names.onnx --format html -o "$tmp/hostile.html" -q && ok || bad "hostile html"
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
    raw.decode("utf-8")                      # valid UTF-8 throughout
    assert b"\x1b" not in raw and b"\xff" not in raw
    p = P(); p.feed(raw.decode("utf-8"))
    assert not p.bad, p.bad
    text = "".join(p.text)
    assert "<script>alert(1)</script>" in text and 'x" onmouseover="alert(1)' in text
    assert "</svg><img src=x>" in text and "bad\ufffd\ufffd?[31mzz" in text
EOF

# with --hw: the energy totals box, the roofline and per-layer energy, on
# the fixed test database; numbers compared with analyze --hw's JSON
TDB=tests/energy_db
for hw in rpi4-tflite-v2.7.1-ruy@v2.0 nvidia-a100-pcie-40gb; do
    name=hw_${hw%%-*}
    "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $hw --format html -o "$tmp/$name.html" -q && ok || bad "analyze --hw $hw --format html"
    "$PRIORI" analyze fixtures/demo_cnn.onnx --db $TDB --hw $hw --format json -o "$tmp/$name.json" -q
    render $name
    "$PYTHON" - "$tmp/$name.dom" "$tmp/$name.json" <<'EOF' && ok || bad "the --hw report ($name) lacks its roofline, energy bars or numbers"
import json, math, sys
from html.parser import HTMLParser
dom = open(sys.argv[1], encoding="utf-8").read()
rep = json.load(open(sys.argv[2]))
e = rep["energy"]
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = set(); self.classes = {}; self.circles = 0; self.svg_in = {}; self.sec = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
            if tag == "section": self.sec = a["id"]
        for c in (a.get("class") or "").split():
            self.classes[c] = self.classes.get(c, 0) + 1
        if tag == "svg" and self.sec: self.svg_in[self.sec] = self.svg_in.get(self.sec, 0) + 1
p = P(); p.feed(dom)
assert {"energy-totals", "roofline", "layer-energy", "kpi-latency", "kpi-energy", "kpi-co2e"} <= p.ids, p.ids
assert p.svg_in.get("roofline") == 1 and p.svg_in.get("layer-energy") == 1, p.svg_in
# one point per layer with FLOPs, bytes and time; one bar per layer with energy
placed = [L for L in rep["layers"] if L["flops"] and L["bytes_read"] + L["bytes_written"] and L["time_s"] > 0]
assert p.classes.get("pt") == len(placed), (p.classes.get("pt"), len(placed))
assert p.classes.get("ebar") == sum(1 for L in rep["layers"] if L["energy_j"] > 0), p.classes.get("ebar")
assert p.classes.get("ptlabel") == min(5, len(placed)) and p.classes.get("frame") == 1
spec = e["method"] == "spec-only"
if spec:   # the roof and both regions, and the spec-only warning
    assert p.classes.get("roof") == 1 and p.classes.get("memb") == 1 and p.classes.get("compb") == 1, p.classes
    assert "spec-only" in p.ids and "ridge 12.5 FLOPs/byte" in dom   # 19.5e12 ops/s / 1.555e12 B/s
else:      # a fitted profile without peak and bandwidth draws no roof and says so
    assert "roof" not in p.classes and "memb" not in p.classes and "No roof" in dom, p.classes
    assert "spec-only" not in p.ids
# the key numbers: exact values in the totals box, the heaviest layer by energy labeled
assert f'{e["latency_s"]:.4g} s' in dom and f'{e["energy_j"]:.4g} J' in dom, "latency / energy"
assert e["profile"] in dom
heavy = max(rep["layers"], key=lambda L: L["energy_j"])
assert f'#{heavy["index"]} {heavy["name"]} ' in dom, heavy["name"]
pm = "&#177;" if "&#177;" in dom else "\u00b1"
assert f'{pm}{e["uncertainty_pct"]:.0f}%' in dom, "uncertainty"
EOF
done
"$PYTHON" - "$tmp/hw_rpi4.png" <<'EOF' && ok || bad "hw_rpi4.png looks blank"
import sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 60000, len(data)
EOF
if grep -qiE '<script|<link|<img|<iframe|src=|href=|url\([^#]|@import|https?:' "$tmp/hw_nvidia.html"; then
    bad "the --hw report refers to something outside itself"
else
    ok
fi

# hostile names stay text in the roofline labels and energy bars too
"$PRIORI" analyze fixtures/review/hostile_names.onnx --db $TDB --hw nvidia-a100-pcie-40gb --format html -o "$tmp/hostile_hw.html" -q
"$PYTHON" - "$tmp/hostile_hw.html" <<'EOF' && ok || bad "a hostile name became markup in the --hw report"
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
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
assert not p.bad and 'id="roofline"' in open(sys.argv[1], encoding="utf-8").read(), p.bad
assert "<script>alert(1)</script>" in "".join(p.text)
EOF

# 100,000 layers: bars aggregated, table bounded, all of it quick
big=$BUILD/models/chain100k.onnx
if [ ! -s "$big" ]; then
    mkdir -p "$BUILD/models"
    "$PYTHON" - "$big" <<'EOF'
import sys
from onnx import TensorProto, helper, save
n = 100000
nodes = [helper.make_node("Relu" if i % 2 else "Sigmoid", [f"t{i}"], [f"t{i + 1}"], name=f"layer{i}")
         for i in range(n)]
g = helper.make_graph(nodes, "chain100k", [helper.make_tensor_value_info("t0", TensorProto.FLOAT, [1, 64])],
                      [helper.make_tensor_value_info(f"t{n}", TensorProto.FLOAT, [1, 64])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
EOF
fi
start=$(date +%s)
"$PRIORI" analyze "$big" --format html -o "$tmp/big.html" -q && ok || bad "100k-layer html"
end=$(date +%s)
size=$(wc -c <"$tmp/big.html")
[ $((end - start)) -le 20 ] && [ "$size" -lt 12000000 ] && ok || bad "100k layers: $((end - start)) s, $size bytes"
grep -q "each bar sums 50 consecutive layers (2000 bars)" "$tmp/big.html" && ok || bad "100k: no aggregation note"
grep -q "The first 10000 of 100000 layers are listed" "$tmp/big.html" && ok || bad "100k: table not bounded"
[ "$(grep -c '<tr' "$tmp/big.html")" -le 10300 ] && ok || bad "100k: too many table rows"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
