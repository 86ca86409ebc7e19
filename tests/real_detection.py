#!/usr/bin/python3
"""real_detection.py -- a detection model with control flow and data-dependent
extents: torchvision fasterrcnn_mobilenet_v3_large_320_fpn (random weights,
eval, one 3x320x320 image, opset 11; exported to build/models, cached).

The export holds If nodes (batched NMS's empty-input test, MultiScaleRoIAlign's
level split), NonMaxSuppression inside them, NonZero, TopK with k computed
from shapes, RoiAlign, ScatterElements and a large shape-arithmetic preamble.
Expected values, computed here independently of priori:

  conv MACs     forward hooks on a real CPU forward of the torch model:
                sum over executed Conv2d of output.numel() * (in/groups) * prod(k).
                These are the backbone, FPN and RPN head: they do not depend
                on the data, so priori must match them exactly.
  box head MACs N * (fc6.in * fc6.out + fc7.in * fc7.out + cls.in * cls.out
                + bbox.in * bbox.out), N the number of proposals reaching the
                box head. Unbound, N is the RPN's post-NMS limit
                (rpn._post_nms_top_n['testing']), the upper bound priori takes;
                with the RPN's NonMaxSuppression symbol bound by --dim to k
                below that limit, N = k.
Checks also that priori reports no unsupported operator, every layer ok, and
lists the data-dependent symbols it took as upper bounds.
Prints one line per failure, "N passed, N failed" last; exits 1 on failure.
"""

import json
import os
import subprocess
import sys

import torch
import torch.nn as nn
import torchvision
import warnings

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")
    return ok


def prod(xs):
    r = 1
    for x in xs:
        r *= int(x)
    return r


def priori(path, *args):
    exe = os.environ.get("PRIORI", "build/priori")
    if not os.path.isabs(exe):
        exe = os.path.join(ROOT, exe)
    p = subprocess.run([exe, "analyze", path, "--format", "json", "-q", *args],
                       capture_output=True, timeout=300)
    if not check(p.returncode == 0, f"priori {' '.join(args)}: exit 0 (got {p.returncode}: "
                 f"{p.stderr.decode(errors='replace')[-300:]!r})"):
        return None
    return json.loads(p.stdout)


def macs_of(report, op):
    return sum(L["macs"] for L in report["layers"] if L["op_type"] == op and L["counted"])


def main():
    torch.manual_seed(0)
    model = torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn(
        weights=None, weights_backbone=None).eval()
    image = torch.rand(3, 320, 320)
    path = os.path.join(ROOT, "build", "models", "fasterrcnn_mobilenet_v3_large_320_fpn.onnx")
    if not os.path.exists(path):
        print(f"exporting to {os.path.relpath(path, ROOT)} ...", flush=True)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with torch.no_grad():
            torch.onnx.export(model, ([image],), path + ".tmp", opset_version=11,
                              do_constant_folding=True, input_names=["images"],
                              output_names=["boxes", "labels", "scores"])
        os.replace(path + ".tmp", path)

    conv_macs = 0

    def hook(m, inputs, output):
        nonlocal conv_macs
        conv_macs += output.numel() * (m.in_channels // m.groups) * prod(m.kernel_size)
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model([image])
    for h in handles:
        h.remove()
    head, pred = model.roi_heads.box_head, model.roi_heads.box_predictor
    per_box = sum(l.in_features * l.out_features
                  for l in (head.fc6, head.fc7, pred.cls_score, pred.bbox_pred))
    limit = model.rpn._post_nms_top_n["testing"]

    r = priori(path)
    if r is None:
        return
    check(not r["unsupported"], f"no unsupported operator (got {r['unsupported']})")
    bad = [(L["name"], L["status"]) for L in r["layers"] if L["status"] != "ok"]
    check(not bad, f"every layer ok ({len(bad)} not: {bad[:5]})")
    check(any(L["op_type"] == "If" for L in r["layers"]), "the export has If nodes")
    check(any(L["op_type"] == "NonMaxSuppression" and L["depth"] > 0 for L in r["layers"]),
          "NonMaxSuppression is analysed inside an If branch")
    check(macs_of(r, "Conv") == conv_macs,
          f"Conv MACs {macs_of(r, 'Conv'):,}, hooks on the torch forward {conv_macs:,}")
    check(macs_of(r, "Gemm") == limit * per_box,
          f"box head MACs unbound: {macs_of(r, 'Gemm'):,}, expected {limit} x {per_box:,}")
    nms = [s for s in r["unbound_symbols"] if s.startswith("NonMaxSuppression")]
    check(len(nms) >= 1 and any(s.endswith(".n") for s in nms),
          f"NonMaxSuppression's count is a listed symbol (got {r['unbound_symbols']})")
    if nms:
        rpn_nms = nms[0]   # the first in execution order: the RPN's batched NMS
        k = limit // 3
        rb = priori(path, "--dim", f"{rpn_nms}={k}")
        if rb is not None:
            check(macs_of(rb, "Gemm") == k * per_box,
                  f"box head MACs with --dim {rpn_nms}={k}: {macs_of(rb, 'Gemm'):,}, "
                  f"expected {k} x {per_box:,}")
            check(rpn_nms not in rb["unbound_symbols"], "the bound symbol is no longer listed")
            check(macs_of(rb, "Conv") == conv_macs, "binding the symbol leaves the conv MACs alone")


if __name__ == "__main__":
    main()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
