#!/usr/bin/python3
"""real_transformer.py -- priori's MACs, FLOPs and params on transformers.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_transformer.py
           [--models DIR] [-v] [NAME ...]

Models (exported with opset 17, so LayerNormalization is one node, and
cached under build/models/, re-exported only when missing):

  encoder      nn.TransformerEncoder: d_model 256, 4 heads, d_ff 2048,
               2 layers, batch_first, input 1x128x256, fixed shapes
  encoder_dyn  the same module exported with a dynamic sequence axis
               "seq", analysed with --dim seq=128: every total must equal
               the fixed export's, except FLOPs of the int64 shape
               arithmetic the dynamic graph adds, so the FLOPs compared
               are those of float-producing layers
  vit_b_16     torchvision vit_b_16 at 1x3x224x224
  ort_fused    a BERT-like graph written with onnx.helper from every
               com.microsoft fused operator priori supports
               (EmbedLayerNormalization, Attention, SkipLayerNormalization,
               BiasGelu, FastGelu, QuickGelu, Gelu, BiasAdd,
               SkipSimplifiedLayerNormalization, SimplifiedLayerNormalization,
               MultiHeadAttention, FusedMatMul, RotaryEmbedding,
               GroupQueryAttention), random weights

torch 1.13's fused TransformerEncoder/MultiheadAttention fast path has no
ONNX symbolic; it only runs without autograd, so the exports run with
gradients enabled and the exported graph is the slow path's plain math.

Expected values are closed forms of the hyper-parameters, written here
independently of priori (S tokens, d model width, H heads, f FFN width):
  encoder layer   MACs = 4*S*d^2 (Q, K, V, output projections)
                       + 2*S^2*d (Q K^T and attention x V over all heads)
                       + 2*S*d*f (the two FFN linears)
                  FLOPs = 2*MACs + 3*S*d (in-projection bias) + S*d
                       (out-projection bias) + 2*S*f (linear1 bias, ReLU)
                       + S*d (linear2 bias) + S*d (query scaling)
                       + 5*H*S^2 (softmax) + 2*S*d (residual adds)
                       + 2*(7*S*d + 5*S) (two LayerNormalizations)
  vit_b_16        MACs = d*(224/16)^2*3*16^2 (patch conv) + 12 encoder
                       layers with S = 197 tokens + d*1000 (head)
  ort_fused       the sum of each fused node's closed form (fused_model)
Params: sum(p.numel()) of the torch module (for ort_fused: the learned
float tensors written; the rotary cos/sin tables are not learned), plus
the single-element float constants the exporter writes (the 1/sqrt(d_head)
divisor, Gelu's constants): priori counts every float constant an
operator consumes, as its README says.
Every layer must have status "ok" and no operator may be unsupported.
Prints one line per failure, "N passed, N failed" last; exits 1 on failure.
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real_models import ROOT, Checker  # noqa: E402

ENC = dict(d=256, heads=4, ff=2048, layers=2, seq=128)
VIT = dict(d=768, heads=12, ff=3072, layers=12, seq=197, patch=16, image=224,
           classes=1000)
# ort_fused: batch, sequence, hidden, heads, FFN width, vocabulary,
# positions, KV heads of the grouped-query attention
FUSED = dict(b=2, s=16, h=64, heads=4, ff=256, vocab=100, pos=32, kv_heads=2)


def encoder_layer_macs(s, d, f):
    return 4 * s * d * d + 2 * s * s * d + 2 * s * d * f


def encoder_layer_flops(s, d, f, heads):
    return (2 * encoder_layer_macs(s, d, f) + 3 * s * d + s * d + 2 * s * f
            + s * d + s * d + 5 * heads * s * s + 2 * s * d
            + 2 * (7 * s * d + 5 * s))


def encoder_module():
    layer = nn.TransformerEncoderLayer(ENC["d"], ENC["heads"], ENC["ff"],
                                       batch_first=True)
    return nn.TransformerEncoder(layer, ENC["layers"],
                                 enable_nested_tensor=False).eval()


def export(model, x, path, input_name, dynamic=None):
    """torch.onnx.export, opset 17, into path (atomically)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    # gradients stay enabled: the fast path (no ONNX symbolic) is not taken
    torch.onnx.export(model, x, tmp, opset_version=17,
                      do_constant_folding=True, input_names=[input_name],
                      output_names=["output"], dynamic_axes=dynamic)
    os.replace(tmp, path)


def scalar_float_constants(path):
    """Single-element float initializers and Constant outputs."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path, load_external_data=False)
    floats = (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16,
              onnx.TensorProto.DOUBLE)
    n = sum(1 for t in m.graph.initializer
            if t.data_type in floats and int(np.prod(t.dims)) == 1)
    for node in m.graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value" and a.t.data_type in floats and \
                        numpy_helper.to_array(a.t).size == 1:
                    n += 1
    return n


def fused_model(path):
    """Writes the com.microsoft graph; returns (MACs, params) expected."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    p = FUSED
    b, s, h, nh, f = p["b"], p["s"], p["h"], p["heads"], p["ff"]
    hd, kvh = h // nh, p["kv_heads"]
    rng = np.random.default_rng(0)
    inits, learned = [], [0]

    def w(name, *shape, learn=True):
        arr = rng.standard_normal(shape).astype(np.float32)
        inits.append(numpy_helper.from_array(arr, name))
        if learn:
            learned[0] += arr.size
        return name

    def ints(name, values):
        inits.append(numpy_helper.from_array(np.array(values, np.int32), name))
        return name

    ms = "com.microsoft"
    N = helper.make_node
    nodes = [
        N("EmbedLayerNormalization",
          ["input_ids", "segment_ids", w("word", p["vocab"], h),
           w("position", p["pos"], h), w("segment", 2, h), w("gamma0", h),
           w("b0", h), "mask"], ["emb", "mask_index"], domain=ms),
        N("Attention", ["emb", w("wqkv", h, 3 * h), w("bqkv", 3 * h),
                        "mask_index"], ["att"], domain=ms, num_heads=nh),
        N("MatMul", ["att", w("wo", h, h)], ["o"]),
        N("SkipLayerNormalization", ["o", "emb", w("gamma1", h), w("b1", h),
                                     w("bo", h)], ["ln1"], domain=ms),
        N("MatMul", ["ln1", w("w1", h, f)], ["h1"]),
        N("BiasGelu", ["h1", w("bf1", f)], ["g1"], domain=ms),
        N("MatMul", ["g1", w("w2", f, h)], ["h2"]),
        N("SkipLayerNormalization", ["h2", "ln1", w("gamma2", h), w("b2", h),
                                     w("bf2", h)], ["ln2"], domain=ms),
        N("FastGelu", ["ln2", w("bfast", h)], ["fg"], domain=ms),
        N("QuickGelu", ["fg"], ["qg"], domain=ms, alpha=1.702),
        N("Gelu", ["qg"], ["mg"], domain=ms),
        N("BiasAdd", ["mg", w("bias_add", h), "ln2"], ["ba"], domain=ms),
        N("SkipSimplifiedLayerNormalization", ["ba", "ln2", w("gamma3", h)],
          ["ssl"], domain=ms),
        N("SimplifiedLayerNormalization", ["ssl", w("gamma4", h)], ["sl"],
          domain=ms),
        N("MultiHeadAttention", ["sl", "sl", "sl"], ["mha"], domain=ms,
          num_heads=nh),
        N("FusedMatMul", ["mha", w("wf", h, h)], ["fm"], domain=ms,
          transB=1, alpha=0.5),
        N("RotaryEmbedding", ["fm", "position_ids",
                              w("cos", p["pos"], hd // 2, learn=False),
                              w("sin", p["pos"], hd // 2, learn=False)],
          ["rot"], domain=ms, num_heads=nh),
        N("MatMul", ["rot", w("wkv", h, kvh * hd)], ["kv"]),
        N("GroupQueryAttention", ["rot", "kv", "kv", "", "",
                                  ints("seqlens_k", [s - 1] * b),
                                  ints("total_len", s)],
          ["output"], domain=ms, num_heads=nh, kv_num_heads=kvh),
    ]
    ids = [helper.make_tensor_value_info(n, TensorProto.INT32, [b, s])
           for n in ("input_ids", "segment_ids", "mask")]
    pos = helper.make_tensor_value_info("position_ids", TensorProto.INT64,
                                        [b, s])
    out = helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                        [b, s, h])
    graph = helper.make_graph(nodes, "ort_fused", ids + [pos], [out], inits)
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid(ms, 1)])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)
    macs = (b * s * h * 3 * h + 2 * b * s * s * h     # Attention
            + b * s * h * h                           # output projection
            + b * s * h * f + b * s * f * h           # FFN
            + 2 * b * s * s * h                       # MultiHeadAttention
            + b * s * h * h                           # FusedMatMul
            + b * s * h * kvh * hd                    # K/V projection
            + 2 * b * nh * s * s * hd)                # GQA, every query head
    return macs, learned[0]


def analyze(ck, priori, name, path, extra=()):
    cmd = [priori, "analyze", path, "--format", "json", "-q", *extra]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        ck.check(False, f"{name}: priori finished within 300 s")
        return None
    err = p.stderr.decode("utf-8", "replace").strip()
    if not ck.check(p.returncode == 0, f"{name}: priori exit 0 "
                                       f"(got {p.returncode}: {err[-300:]!r})"):
        return None
    try:
        r = json.loads(p.stdout)
    except ValueError as e:
        ck.check(False, f"{name}: priori's stdout is JSON ({e})")
        return None
    bad = [(L.get("name"), L.get("op_type"), L.get("status"))
           for L in r.get("layers", []) if L.get("status") != "ok"]
    ck.check(not bad, f"{name}: every layer has status ok ({len(bad)} not: "
                      f"{bad[:5]})")
    ck.check(not r.get("unsupported"),
             f"{name}: no unsupported operator (got {r.get('unsupported')})")
    return r


def float_flops(r):
    """FLOPs of the layers whose outputs are floating point."""
    return sum(L["flops"] for L in r["layers"]
               if any(o.get("dtype", "").startswith(("float", "bfloat"))
                      for o in L.get("outputs", [])))


def check_totals(ck, name, r, macs, params, flops=None):
    tot = r.get("totals", {})
    ck.check(tot.get("macs") == macs,
             f"{name}: totals.macs expected {macs:,}, got {tot.get('macs')!r}")
    ck.check(tot.get("params") == params,
             f"{name}: totals.params expected {params:,}, got "
             f"{tot.get('params')!r}")
    if flops is not None:
        got = float_flops(r)
        ck.check(got == flops, f"{name}: FLOPs of float layers expected "
                               f"{flops:,}, got {got:,}")


def run_encoder(ck, priori, models, names):
    torch.manual_seed(0)
    enc = encoder_module()
    s, d, f, nh = ENC["seq"], ENC["d"], ENC["ff"], ENC["heads"]
    x = torch.randn(1, s, d)
    macs = ENC["layers"] * encoder_layer_macs(s, d, f)
    flops = ENC["layers"] * encoder_layer_flops(s, d, f, nh)
    torch_params = sum(q.numel() for q in enc.parameters())
    results = {}
    for name, dyn in (("encoder", None),
                      ("encoder_dyn", {"src": {1: "seq"}, "output": {1: "seq"}})):
        if names and name not in names:
            continue
        path = os.path.join(models, name + ".onnx")
        if not os.path.exists(path):
            print(f"exporting {name} to {os.path.relpath(path, ROOT)} ...",
                  flush=True)
            export(enc, x, path, "src", dyn)
        extra = ["--dim", f"seq={s}"] if dyn else []
        r = analyze(ck, priori, name, path, extra)
        if r is None:
            continue
        check_totals(ck, name, r, macs,
                     torch_params + scalar_float_constants(path), flops)
        if dyn:
            ck.check(not r.get("unbound_symbols"),
                     f"{name}: --dim seq binds every symbol "
                     f"(unbound: {r.get('unbound_symbols')})")
        results[name] = r
    if len(results) == 2:
        a, b = results["encoder"]["totals"], results["encoder_dyn"]["totals"]
        for key in ("macs", "params", "weight_bytes", "peak_activation_bytes"):
            ck.check(a.get(key) == b.get(key),
                     f"encoder vs encoder_dyn: {key} equal "
                     f"({a.get(key)!r} vs {b.get(key)!r})")
        ck.check(float_flops(results["encoder"]) ==
                 float_flops(results["encoder_dyn"]),
                 "encoder vs encoder_dyn: FLOPs of float layers equal")


def run_vit(ck, priori, models):
    path = os.path.join(models, "vit_b_16_op17.onnx")
    torch.manual_seed(0)
    model = torchvision.models.vit_b_16().eval()
    v = VIT
    if not os.path.exists(path):
        print(f"exporting vit_b_16 to {os.path.relpath(path, ROOT)} ...",
              flush=True)
        export(model, torch.randn(1, 3, v["image"], v["image"]), path, "input")
    grid = (v["image"] // v["patch"]) ** 2
    macs = (v["d"] * grid * 3 * v["patch"] ** 2
            + v["layers"] * encoder_layer_macs(v["seq"], v["d"], v["ff"])
            + v["d"] * v["classes"])
    params = sum(q.numel() for q in model.parameters())
    r = analyze(ck, priori, "vit_b_16", path)
    if r is not None:
        check_totals(ck, "vit_b_16", r, macs,
                     params + scalar_float_constants(path))
        ln = sum(1 for L in r["layers"]
                 if L["op_type"] == "LayerNormalization")
        ck.check(ln == 2 * v["layers"] + 1,
                 f"vit_b_16: {2 * v['layers'] + 1} LayerNormalization nodes "
                 f"(got {ln})")


def run_fused(ck, priori, models):
    path = os.path.join(models, "ort_fused.onnx")
    macs, params = fused_model(path)
    r = analyze(ck, priori, "ort_fused", path)
    if r is None:
        return
    check_totals(ck, "ort_fused", r, macs, params)
    ops = {L["op_type"] for L in r["layers"]
           if L.get("domain") == "com.microsoft"}
    ck.check(len(ops) == 14, f"ort_fused: 14 com.microsoft operators "
                             f"analysed (got {len(ops)}: {sorted(ops)})")
    out = [o for L in r["layers"] for o in L["outputs"]
           if o["name"] == "output"]
    ck.check(bool(out) and out[0]["shape"] == [FUSED["b"], FUSED["s"],
                                               FUSED["h"]],
             f"ort_fused: output shape (b, s, h) (got {out[:1]})")


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
    want = set(args.names)
    if not want or want & {"encoder", "encoder_dyn"}:
        run_encoder(ck, priori, args.models, want)
    if not want or "vit_b_16" in want:
        run_vit(ck, priori, args.models)
    if not want or "ort_fused" in want:
        run_fused(ck, priori, args.models)
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
