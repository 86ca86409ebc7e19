#!/usr/bin/python3
"""real_decoders.py -- decoders with a KV cache (tests/llm/make_decoders.py:
GPT-2-style and Llama-style exported by torch, a GroupQueryAttention graph
in the onnxruntime-genai layout) analysed at prefill and decode points by
binding batch, sequence_length and past_sequence_length with --dim, each
checked against closed forms worked out from the configuration:
  MACs = B*S*[L*(2*d^2 + 2*d*Hkv*dh + m*d*d_ff + 2*T*H*dh) + d*V], T = P + S
  each present.{i}.key/value = B x Hkv x T x dh, so the cache holds
  2*L*B*T*Hkv*dh elements
  parameters counted layer by layer below.
The output shapes at these points were also checked with onnxruntime when
the fixtures were written (prefill B2 S7 P0, decode B2 S1 P7)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "llm"))
from checklib import check, summary  # noqa: E402
import make_decoders  # noqa: E402

PRIORI = os.environ.get("PRIORI", "build/priori")


def closed_macs(c, B, S, P):
    T = P + S
    L, d, H, Hkv, dh, F, m, V = (c[k] for k in ("L", "d", "H", "Hkv", "dh", "d_ff", "mlp_mats", "V"))
    return B * S * (L * (2 * d * d + 2 * d * Hkv * dh + m * d * F + 2 * T * H * dh) + d * V)


def closed_params(name, c):
    L, d, Hkv, dh, F, V = (c[k] for k in ("L", "d", "Hkv", "dh", "d_ff", "V"))
    dkv = Hkv * dh
    if name == "gpt_kv":   # biases everywhere, LayerNorm scale + shift, learned positions
        layer = (d * d + d) * 2 + (d * dkv + dkv) * 2 + 2 * 2 * d + (d * F + F) + (F * d + d)
        return V * d + c["max_pos"] * d + L * layer + 2 * d + d * V
    if name == "llama_kv":  # no biases, RMSNorm scale, three MLP matrices
        layer = 2 * d * d + 2 * d * dkv + 2 * d + 3 * d * F
        return V * d + L * layer + d + d * V
    layer = d + d * (d + 2 * dkv) + d * d + d + 3 * d * F   # genai: packed QKV
    return V * d + L * layer + d + d * V


def float_scalars(path):
    """Float initializers and Constant values of one element: the exporter's
    folded constants (1/sqrt(dh), epsilons, exponents), params by priori's
    convention (DESIGN: initializers and Constant tensors consumed as weights)."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    tensors = list(g.initializer) + [a.t for n in g.node if n.op_type == "Constant" for a in n.attribute if a.name == "value"]
    return sum(1 for t in tensors if t.data_type in (1, 10, 11, 16) and numpy_helper.to_array(t).size == 1)


def analyse(path, B, S, P, genai):
    dims = ["--dim", "batch=%d" % B, "--dim", "sequence_length=%d" % S, "--dim", "past_sequence_length=%d" % P]
    if genai:   # the attention mask's length is its own symbol in this layout
        dims += ["--dim", "total_sequence_length=%d" % (P + S)]
    p = subprocess.run([PRIORI, "analyze", path, "--format", "json"] + dims, capture_output=True, text=True)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 else p.stderr)


tmp = tempfile.mkdtemp()
try:
    devnull = open(os.devnull, "w")
    old = sys.stdout
    sys.stdout = devnull                 # the exporter's progress lines
    for name in ("gpt_kv", "llama_kv"):
        make_decoders.export_torch(tmp, name)
    make_decoders.genai(tmp)
    sys.stdout = old
    for name in ("gpt_kv", "llama_kv", "genai_gqa"):   # the fused ones: tests/real_llm.py
        c = make_decoders.CONFIGS[name]
        path = os.path.join(tmp, name + ".onnx")
        scalars = float_scalars(path)
        for B, S, P in [(2, 7, 0), (2, 1, 7), (1, 128, 0), (1, 1, 1000), (4, 1, 4095)]:
            where = "%s B=%d S=%d P=%d" % (name, B, S, P)
            rc, r = analyse(path, B, S, P, name == "genai_gqa")
            check(rc == 0, "%s analyses: %s" % (where, r if rc else ""))
            if rc:
                continue
            check(r["totals"]["complete"] and not r.get("warnings"), "%s: complete, no warnings" % where)
            got, want = r["totals"]["macs"], closed_macs(c, B, S, P)
            check(got == want, "%s: MACs %d, closed form %d" % (where, got, want))
            cache = [o for o in r["outputs"] if o["name"].startswith("present.")]
            shape = [B, c["Hkv"], P + S, c["dh"]]
            check(len(cache) == 2 * c["L"] and all(o["shape"] == shape for o in cache),
                  "%s: %d present tensors of %s" % (where, 2 * c["L"], shape))
            elems = sum(o["shape"][0] * o["shape"][1] * o["shape"][2] * o["shape"][3] for o in cache)
            check(elems == 2 * c["L"] * B * (P + S) * c["Hkv"] * c["dh"], "%s: cache holds 2*L*B*T*Hkv*dh" % where)
            want = closed_params(name, c) + scalars
            check(r["totals"]["params"] == want, "%s: params %d, closed form %d + %d folded scalars" % (
                  where, r["totals"]["params"], closed_params(name, c), scalars))
finally:
    shutil.rmtree(tmp)

sys.exit(summary())
