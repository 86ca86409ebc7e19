#!/usr/bin/python3
"""eager_kernels_check.py -- the GPU kernel rules of src/roofline.c against
eager PyTorch itself: for a few torchvision models, the number of kernels
priori counts from a legacy ONNX export (what `priori db add
--measurements` stores) must equal the number of non-view ATen ops eager
PyTorch dispatches for one forward (a TorchDispatchMode on CPU, eval mode,
inference_mode), plus two kernels
per torch._native_multi_head_attention (nn.MultiheadAttention's fast
path, one op that runs three kernels on CUDA: the QKV GEMM, the fused
attention, the output GEMM). A convolution with a bias runs its bias add
in a kernel of its own on CUDA, launched by the convolution op: priori's
kernels of mode 5 (launched inside an op) must be one per eager
convolution with a bias. And the native BatchNorm kernels priori adds
at 16-bit precision (modes 3 and 4: two per BatchNorm in inference, two in
training) must be two each per BatchNorm op eager dispatches: the
exporter folds those BatchNorms into the convolutions, and priori finds
them by the names it gives the folded biases.

The models cover the rules: ResNet-18 (Add and Relu two kernels, BatchNorm
folded into the convolution by the exporter), ShuffleNet v2 (chunk: Slice
views; channel shuffle: the Transpose before a Reshape is the copy),
EfficientNet-B0 (SiLU as x * Sigmoid(x): one kernel; the
squeeze-excitation gate: two), MobileNet v3 small (HardSwish, convolution
biases), SqueezeNet (Concat, biases), a two-layer ViT (the exporter traces
nn.MultiheadAttention's slow path, which eager skips in inference; the
patches' permute read by Concat is a view). Small inputs (64 x 64; the ViT
32 x 32): the counts do not depend on the size. Kernels a db entry marks
training-only or 16-bit-only (modes 2-4) or launched inside an op (5)
are not in the dispatch count. Prints "N passed, N failed" last."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import check, summary  # noqa: E402

warnings.filterwarnings("ignore")
import torch  # noqa: E402
import torchvision  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

PRIORI = os.environ.get("PRIORI", "build/priori")
# ATen ops that return views (no kernel) and eval-mode no-ops
VIEWS = {"view", "_unsafe_view", "reshape", "permute", "transpose", "t", "expand", "squeeze", "unsqueeze", "slice",
         "select", "detach", "alias", "as_strided", "flatten", "split", "chunk", "unbind", "narrow",
         "_reshape_alias", "split_with_sizes", "unflatten", "view_as", "dropout", "dropout_", "lift_fresh"}
CONVS = {"convolution", "conv2d", "conv3d"}


class Count(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.n = 0
        self.bn = 0
        self.bias = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name not in VIEWS:
            self.n += 1
            if name in CONVS and len(args) > 2 and args[2] is not None:
                self.bias += 1   # the bias add, a kernel the op launches on CUDA
            if name == "_native_multi_head_attention":
                self.n += 2   # QKV GEMM, attention, output GEMM on CUDA
            self.bn += "batch_norm" in name
        return func(*args, **(kwargs or {}))


M = torchvision.models


def small_vit():
    return M.vision_transformer.VisionTransformer(image_size=32, patch_size=16, num_layers=2, num_heads=2,
                                                  hidden_dim=16, mlp_dim=32)


MODELS = {"resnet18": M.resnet18, "shufflenet_v2_x0_5": M.shufflenet_v2_x0_5, "efficientnet_b0": M.efficientnet_b0,
          "mobilenet_v3_small": M.mobilenet_v3_small, "squeezenet1_1": M.squeezenet1_1, "vit_small": small_vit}
SIZE = {"vit_small": 32}

tmp = tempfile.mkdtemp(prefix="priori-eager-")
rows, eager, batch_norms, biases = [], {}, {}, {}
torch.manual_seed(0)
for name, ctor in MODELS.items():
    m = ctor().eval()
    side = SIZE.get(name, 64)
    x = torch.randn(1, 3, side, side)
    with torch.inference_mode():
        c = Count()
        with c:
            m(x)
    eager[name] = c.n
    batch_norms[name] = c.bn
    biases[name] = c.bias
    path = os.path.join(tmp, name + ".onnx")
    torch.onnx.export(m, x, path, opset_version=17, input_names=["image"], output_names=["out"])
    rows.append({"model": name, "family": name, "onnx": path, "onnx_source": "torchvision " + torchvision.__version__,
                 "input": "1x3x%dx%d" % (side, side), "mode": "infer", "precision": "fp32", "batch": 1, "latency_s": 1e-3,
                 "j_per_sample": 0.1, "avg_watts": 100, "run": 1, "note": "", "source": "eager_kernels_check.py",
                 "excluded": ""})
meas = {"schema": "priori-measurements", "version": 1, "hw": "eager-check", "hardware": "none", "runtime": "eager",
        "spec": {"peak_ops": {"fp32": 1e14}, "mem_bw": 1e12, "tdp_w": 100, "idle_w": 10, "source": "test"},
        "rows": rows}
mpath = os.path.join(tmp, "measurements.json")
json.dump(meas, open(mpath, "w"))
db = os.path.join(tmp, "db")
shutil.copytree("tests/energy_db", db)
p = subprocess.run([PRIORI, "db", "add", "--measurements", mpath, "--db", db], capture_output=True, text=True)
check(p.returncode == 0, "db add --measurements: " + p.stderr[-300:])
models = json.load(open(os.path.join(db, "records.json")))["models"] if p.returncode == 0 else []


def kernels(m, modes):
    return sum(k[1] for k in m["kernels"] if (k[5] if len(k) > 5 else 0) in modes)


counted = {m.get("graph", m["name"]): m for m in models if "kernels" in m}
for name, n in eager.items():
    m = counted.get(name)
    check(m is not None and kernels(m, (0, 1)) == n, "%s: priori counts %s kernels, eager PyTorch dispatches %d" %
          (name, m and kernels(m, (0, 1)), n))
    bn = batch_norms[name]
    check(m is not None and kernels(m, (3,)) == 2 * bn and kernels(m, (4,)) == 2 * bn,
          "%s: %s / %s native BatchNorm kernels (inference / training), eager dispatches %d BatchNorms" %
          (name, m and kernels(m, (3,)), m and kernels(m, (4,)), bn))
    check(m is not None and kernels(m, (5,)) == biases[name],
          "%s: priori counts %s bias adds inside convolution ops, eager runs %d convolutions with a bias" %
          (name, m and kernels(m, (5,)), biases[name]))
check(sum(batch_norms.values()) > 100, "the models run BatchNorms (%d)" % sum(batch_norms.values()))
check(sum(biases.values()) > 20, "the models run convolutions with a bias (%d)" % sum(biases.values()))
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(summary())
