#!/usr/bin/python3
"""real_models.py -- priori's MACs and params on real architectures.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_models.py
           [--models DIR] [-v] [NAME ...]

Exports with torch.onnx.export (random weights, eval(), opset 13, batch 1,
do_constant_folding=True, fixed shapes) and caches under build/models/
(re-exported only when missing):

  resnet50, mobilenet_v2, vgg16      1x3x224x224   torchvision.models
  inception_v3                       1x3x299x299   (init_weights=False)
  r3d_18                             1x3x16x112x112 torchvision.models.video
  deeplabv3_mobilenet_v3_large,      1x3x224x224   torchvision.models.segmentation
  lraspp_mobilenet_v3_large                        (the "out" tensor; no aux head)
  unet3d                             1x1x16x24x18  defined below: Conv3d,
      ConvTranspose3d (stride 2, output_padding where an odd extent needs
      it), BatchNorm3d, ReLU, MaxPool3d, skip concatenations

The expected numbers come from the torch modules, not from the ONNX file
and not from priori: forward hooks on a meta-device copy of each model
(shapes only, no arithmetic) count, per executed module,
  Conv{1,2,3}d           MACs = output.numel() * (in_channels/groups) * prod(kernel_size)
  ConvTranspose{1,2,3}d  MACs = input.numel() * (out_channels/groups) * prod(kernel_size)
  Linear                 MACs = output.numel() * in_features
and the parameters the ONNX export holds:
  conv / linear:   weight.numel() + bias.numel()
  BatchNorm:       folded by the exporter into the Conv that produces its
                   input (eval mode): + out_channels when that conv had no
                   bias (it gains one), + 0 otherwise; a BatchNorm whose
                   input is not a Conv output (here: after ConvTranspose3d)
                   stays a node: + 4*C (scale, B, mean, var).
  modules that never run in eval (inception's AuxLogits) count nothing.
The hooks are first checked against the published conv+gemm MACs
(resnet50 4,089,184,256; mobilenet_v2 300,774,272), and the folding rule
against the number of BatchNormalization nodes left in the export.

Then, per model: priori's totals.macs and totals.params must equal the
expected values exactly (all MACs in these models are Conv/Gemm), every
layer must have status "ok" and no operator may be unsupported.
Prints one line per failure, "N passed, N failed" last; exits 1 on failure.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PUBLISHED_MACS = {"resnet50": 4_089_184_256, "mobilenet_v2": 300_774_272}


class UNet3D(nn.Module):
    """A small 3D U-Net. Input 1x1x16x24x18: the last extent goes
    18 -> 9 -> 4 through the pools, so the first up-sampling
    (ConvTranspose3d k2 s2: 4 -> 8) needs output_padding (0, 0, 1) to get
    back to 9; the second (k3 s2 p1) needs output_padding 1 everywhere."""

    @staticmethod
    def block(cin, cout):
        return nn.Sequential(
            nn.Conv3d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm3d(cout), nn.ReLU(inplace=True),
            nn.Conv3d(cout, cout, 3, padding=1, bias=False),
            nn.BatchNorm3d(cout), nn.ReLU(inplace=True))

    def __init__(self, cin=1, base=8, classes=3):
        super().__init__()
        self.enc1 = self.block(cin, base)
        self.pool1 = nn.MaxPool3d(2)
        self.enc2 = self.block(base, 2 * base)
        self.pool2 = nn.MaxPool3d(2)
        self.bottleneck = self.block(2 * base, 4 * base)
        self.up2 = nn.ConvTranspose3d(4 * base, 2 * base, 2, stride=2,
                                      output_padding=(0, 0, 1))
        self.dec2 = self.block(4 * base, 2 * base)
        self.up1 = nn.ConvTranspose3d(2 * base, base, 3, stride=2, padding=1,
                                      output_padding=1, bias=False)
        self.up1_bn = nn.BatchNorm3d(base)
        self.up1_relu = nn.ReLU(inplace=True)
        self.dec1 = self.block(2 * base, base)
        self.head = nn.Conv3d(base, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool1(e1))
        b = self.bottleneck(self.pool2(e2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], dim=1))
        u1 = self.up1_relu(self.up1_bn(self.up1(d2)))
        d1 = self.dec1(torch.cat([u1, e1], dim=1))
        return self.head(d1)


class SegmentationOut(nn.Module):
    """torchvision's segmentation models return {"out": tensor}: export the tensor."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)["out"]


def segmentation(ctor):
    return lambda: SegmentationOut(ctor(weights=None, weights_backbone=None))


MODELS = [
    ("resnet50", lambda: torchvision.models.resnet50(), (1, 3, 224, 224)),
    ("mobilenet_v2", lambda: torchvision.models.mobilenet_v2(),
     (1, 3, 224, 224)),
    ("vgg16", lambda: torchvision.models.vgg16(), (1, 3, 224, 224)),
    ("inception_v3",
     lambda: torchvision.models.inception_v3(init_weights=False),
     (1, 3, 299, 299)),
    ("r3d_18", lambda: torchvision.models.video.r3d_18(),
     (1, 3, 16, 112, 112)),
    ("unet3d", lambda: UNet3D(), (1, 1, 16, 24, 18)),
    ("deeplabv3_mobilenet_v3_large",
     segmentation(torchvision.models.segmentation.deeplabv3_mobilenet_v3_large),
     (1, 3, 224, 224)),
    ("lraspp_mobilenet_v3_large",
     segmentation(torchvision.models.segmentation.lraspp_mobilenet_v3_large),
     (1, 3, 224, 224)),
]

CONV = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
CONVT = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
BN = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def prod(xs):
    r = 1
    for x in xs:
        r *= int(x)
    return r


def expected_counts(model, shape, device="meta"):
    """MACs and ONNX params from forward hooks on a meta-device copy (or a
    CPU one for models using an operator meta tensors lack)."""
    model = model.to(device).eval()
    macs = 0
    executed = {}            # module -> kind, in first-run order
    conv_out = {}            # id(output tensor) -> conv module
    keep = []                # keeps hooked outputs alive so ids stay unique
    folded_bn = []           # (bn, conv)
    unfolded_bn = []
    unhandled = []

    def hook(m, inputs, output):
        nonlocal macs
        x = inputs[0]
        if isinstance(m, CONV):
            macs += output.numel() * (m.in_channels // m.groups) * \
                prod(m.kernel_size)
            conv_out[id(output)] = m
            keep.append(output)
        elif isinstance(m, CONVT):
            macs += x.numel() * (m.out_channels // m.groups) * \
                prod(m.kernel_size)
        elif isinstance(m, nn.Linear):
            macs += output.numel() * m.in_features
        elif isinstance(m, BN):
            src = conv_out.get(id(x))
            if src is not None:   # conv_out holds Conv (and subclasses) only
                folded_bn.append((m, src))
            else:
                unfolded_bn.append(m)
        elif any(True for _ in m.parameters(recurse=False)):
            unhandled.append(type(m).__name__)
        executed.setdefault(m, True)

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if not list(m.children())]
    with torch.no_grad():
        model(torch.zeros(shape, device=device))
    for h in handles:
        h.remove()

    params = 0
    for m in executed:
        if isinstance(m, CONV + CONVT + (nn.Linear,)):
            params += m.weight.numel()
            if m.bias is not None:
                params += m.bias.numel()
    for bn, conv in folded_bn:
        if conv.bias is None:
            params += conv.out_channels
    for bn in unfolded_bn:
        params += 4 * bn.num_features
    torch_params = sum(p.numel() for p in model.parameters())
    return {"macs": macs, "params": params, "torch_params": torch_params,
            "folded_bn": len(folded_bn), "unfolded_bn": len(unfolded_bn),
            "unhandled": sorted(set(unhandled))}


def export(name, model, shape, path):
    """torch.onnx.export into path (atomically: a partial file never stays)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model.eval(), torch.randn(shape), tmp,
                          opset_version=13, do_constant_folding=True,
                          training=torch.onnx.TrainingMode.EVAL,
                          input_names=["input"], output_names=["output"])
    os.replace(tmp, path)


def onnx_bn_nodes(path):
    import onnx
    m = onnx.load(path, load_external_data=False)
    return sum(1 for n in m.graph.node if n.op_type == "BatchNormalization")


class Checker:
    def __init__(self, verbose):
        self.passed = self.failed = 0
        self.verbose = verbose

    def check(self, ok, what):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}")
        return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="models to check (default all)")
    ap.add_argument("--models", default=os.path.join(ROOT, "build", "models"),
                    help="cache folder for the exports (build/models)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    priori = os.environ.get("PRIORI", "build/priori")
    if not os.path.isabs(priori):
        priori = os.path.join(ROOT, priori)
    ck = Checker(args.verbose)
    torch.manual_seed(0)
    for name, ctor, shape in MODELS:
        if args.names and name not in args.names:
            continue
        path = os.path.join(args.models, name + ".onnx")
        t0 = time.time()
        model = ctor().eval()
        if not os.path.exists(path):
            print(f"exporting {name} to {os.path.relpath(path, ROOT)} ...",
                  flush=True)
            export(name, model, shape, path)
        try:
            exp = expected_counts(model, shape)
        except (NotImplementedError, RuntimeError):
            exp = expected_counts(ctor(), shape, "cpu")
        del model

        # -- checks of the script's own assumptions (not of priori) --
        ck.check(not exp["unhandled"],
                 f"{name}: every executed module with parameters is handled "
                 f"by the hooks (unhandled: {exp['unhandled']})")
        if name in PUBLISHED_MACS:
            ck.check(exp["macs"] == PUBLISHED_MACS[name],
                     f"{name}: hooks give the published conv+gemm MACs "
                     f"{PUBLISHED_MACS[name]:,} (got {exp['macs']:,})")
        bn_nodes = onnx_bn_nodes(path)
        ck.check(bn_nodes == exp["unfolded_bn"],
                 f"{name}: export keeps exactly the BatchNorms not fed by a "
                 f"Conv ({exp['unfolded_bn']} predicted, {exp['folded_bn']} "
                 f"folded; the ONNX has {bn_nodes} BatchNormalization nodes)")

        # -- priori --
        cmd = [priori, "analyze", path, "--format", "json"]
        t1 = time.time()
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=300)
        except subprocess.TimeoutExpired:
            ck.check(False, f"{name}: priori finished within 300 s")
            continue
        t2 = time.time()
        err = p.stderr.decode("utf-8", "replace").strip()
        if not ck.check(p.returncode == 0,
                        f"{name}: priori exit 0 (got {p.returncode}: "
                        f"{err[-300:]!r})"):
            continue
        try:
            r = json.loads(p.stdout)
        except ValueError as e:
            ck.check(False, f"{name}: priori's stdout is JSON ({e})")
            continue
        tot = r.get("totals", {})
        ck.check(tot.get("macs") == exp["macs"],
                 f"{name}: totals.macs expected {exp['macs']:,} (hooks), "
                 f"got {tot.get('macs')!r}")
        ck.check(tot.get("params") == exp["params"],
                 f"{name}: totals.params expected {exp['params']:,} "
                 f"(modules, BN folding applied; torchvision counts "
                 f"{exp['torch_params']:,}), got {tot.get('params')!r}")
        bad = [(L.get("name"), L.get("op_type"), L.get("status"))
               for L in r.get("layers", []) if L.get("status") != "ok"]
        ck.check(not bad, f"{name}: every layer has status ok "
                          f"({len(bad)} not: {bad[:5]})")
        ck.check(not r.get("unsupported"),
                 f"{name}: no unsupported operator "
                 f"(got {r.get('unsupported')})")
        if args.verbose:
            print(f"     {name}: macs {exp['macs']:,} params "
                  f"{exp['params']:,} (model+hooks {t1 - t0:.1f} s, "
                  f"priori {t2 - t1:.1f} s)")
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
