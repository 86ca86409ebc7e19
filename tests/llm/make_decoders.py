#!/usr/bin/python3
"""make_decoders.py -- small decoder-only language models with an explicit
KV cache, for the tests of `priori llm` and `priori sweep` (issue 14).

    /usr/bin/python3 tests/llm/make_decoders.py OUTDIR

Writes, with random weights:
  gpt_kv.onnx      a GPT-2-style decoder (learned positions, pre-LayerNorm,
                   GELU MLP with two matrices, multi-head attention) written
                   in torch and exported with torch.onnx.export (opset 17)
                   in the Hugging Face Optimum layout: inputs input_ids
                   [batch, sequence_length] and past_key_values.{i}.key /
                   .value [batch, heads, past_sequence_length, head_dim];
                   outputs logits and present.{i}.key / .value.
  llama_kv.onnx    a Llama-style decoder (RMSNorm, SwiGLU MLP with three
                   matrices, grouped-query attention: fewer key/value heads
                   than query heads), same layout, also from torch.
  genai_gqa.onnx   the onnxruntime-genai layout written with onnx.helper:
                   input_ids, attention_mask [batch, total_sequence_length],
                   past_key_values.{i}.key/.value [batch, kv_heads,
                   past_sequence_length, head_size]; each layer one packed
                   QKV MatMul and com.microsoft GroupQueryAttention,
                   SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization,
                   SwiGLU MLP.
  mha_kv.onnx      com.microsoft MultiHeadAttention with past_key/past_value
                   inputs named cache_k_{i}/cache_v_{i} [b, H, plen, dh] and
                   outputs kv_k_{i}/kv_v_{i}: recognised by the operator's
                   slots, not by names; token input "tokens" [b, slen].
  attn_kv.onnx     com.microsoft Attention (packed QKV weights inside the op)
                   with packed past_{i} [2, batch, H, past_len, dh] and
                   present_{i} outputs.
  onnx_attn_kv.onnx ONNX's Attention (opset 23) with grouped query heads
                   (4 query, 2 key/value), past_key_values.{i}.key/.value
                   [batch, 2, past_sequence_length, dh] and present.{i}.*
                   outputs, is_causal.
  gpt_renamed.onnx gpt_kv.onnx with the cache renamed cache_k.{i}/cache_v.{i}
                   (outputs out_k.{i}/out_v.{i}), the lengths n_cached and
                   n_new, and the cache's head dim a symbol kvh: nothing to
                   recognise, every name given by the options.
  dmmha_kv.onnx    (as mha_kv) com.microsoft DecoderMaskedMultiHeadAttention with
                   ONNX Runtime's shared KV buffer (past_present_share_buffer):
                   past_key_{i}/past_value_{i} [batch, H, max_len, dh] and
                   present outputs of the same shape, the past length an
                   int32 input past_len [1]; token input ids [batch, seq].
  dmmha_fixed.onnx dmmha_kv.onnx with the buffer's rows fixed in the graph
                   (max_len = 64 everywhere, as an export with static
                   shapes writes it).
  merged_kv.onnx   the shape of Optimum's merged decoder: a bool input
                   use_cache_branch [1] chooses, in an If, between appending
                   the new keys/values to the past (true) or not (false).
and decoders.json: each model's configuration (layers L, model width d,
heads H, key/value heads Hkv, head size dh, MLP width d_ff, matrices in the
MLP, vocabulary V), from which the tests work out the closed forms. For S
new tokens at context T = P + S (P cached), batch B, the matrix products
cost, in MACs:
    B * S * [ L * (d*d + 2*d*(Hkv*dh) + d*d       Q, K, V, O projections
                   + m * d * d_ff                  MLP (m = 2 or 3 matrices)
                   + 2 * T * H * dh)               Q.K^T and A.V over T positions
              + d * V ]                            LM head
and the cache holds 2 * L * B * T * Hkv * dh elements (keys and values).
"""
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

CONFIGS = {
    "gpt_kv": {"L": 2, "d": 64, "H": 4, "Hkv": 4, "dh": 16, "d_ff": 256, "mlp_mats": 2, "V": 100, "max_pos": 4096},
    "llama_kv": {"L": 3, "d": 96, "H": 6, "Hkv": 2, "dh": 16, "d_ff": 256, "mlp_mats": 3, "V": 120},
    "genai_gqa": {"L": 2, "d": 64, "H": 8, "Hkv": 2, "dh": 8, "d_ff": 192, "mlp_mats": 3, "V": 80},
    "mha_kv": {"L": 2, "d": 32, "H": 4, "Hkv": 4, "dh": 8, "d_ff": 64, "mlp_mats": 2, "V": 50},
    "merged_kv": {"L": 1, "d": 32, "H": 2, "Hkv": 2, "dh": 16, "d_ff": 64, "mlp_mats": 2, "V": 30},
    "attn_kv": {"L": 3, "d": 48, "H": 6, "Hkv": 6, "dh": 8, "d_ff": 96, "mlp_mats": 2, "V": 40},
    "onnx_attn_kv": {"L": 2, "d": 32, "H": 4, "Hkv": 2, "dh": 8, "d_ff": 64, "mlp_mats": 2, "V": 50},
    "dmmha_kv": {"L": 2, "d": 32, "H": 2, "Hkv": 2, "dh": 16, "d_ff": 48, "mlp_mats": 2, "V": 20},
}


class Block(torch.nn.Module):
    """One decoder layer; gpt: LayerNorm + GELU MLP, llama: RMSNorm + SwiGLU."""

    def __init__(self, c, llama):
        super().__init__()
        self.c, self.llama = c, llama
        d, dkv = c["d"], c["Hkv"] * c["dh"]
        self.q = torch.nn.Linear(d, d, bias=not llama)
        self.k = torch.nn.Linear(d, dkv, bias=not llama)
        self.v = torch.nn.Linear(d, dkv, bias=not llama)
        self.o = torch.nn.Linear(d, d, bias=not llama)
        self.n1 = torch.nn.LayerNorm(d) if not llama else RMSNorm(d)
        self.n2 = torch.nn.LayerNorm(d) if not llama else RMSNorm(d)
        self.up = torch.nn.Linear(d, c["d_ff"], bias=not llama)
        self.down = torch.nn.Linear(c["d_ff"], d, bias=not llama)
        if llama:
            self.gate = torch.nn.Linear(d, c["d_ff"], bias=False)

    def forward(self, x, pk, pv):
        c = self.c
        b, s = x.shape[0], x.shape[1]
        h = self.n1(x)
        q = self.q(h).view(b, s, c["H"], c["dh"]).transpose(1, 2)
        k = self.k(h).view(b, s, c["Hkv"], c["dh"]).transpose(1, 2)
        v = self.v(h).view(b, s, c["Hkv"], c["dh"]).transpose(1, 2)
        k = torch.cat([pk, k], dim=2)
        v = torch.cat([pv, v], dim=2)
        rep = c["H"] // c["Hkv"]
        t = k.shape[2]
        kk = k.unsqueeze(2).expand(b, c["Hkv"], rep, t, c["dh"]).reshape(b, c["H"], t, c["dh"]) if rep > 1 else k
        vv = v.unsqueeze(2).expand(b, c["Hkv"], rep, t, c["dh"]).reshape(b, c["H"], t, c["dh"]) if rep > 1 else v
        att = q @ kk.transpose(2, 3) / math.sqrt(c["dh"])
        mask = torch.ones(s, t, dtype=torch.bool, device=x.device).triu(t - s + 1)
        att = att.masked_fill(mask, float("-inf")).softmax(-1)
        y = (att @ vv).transpose(1, 2).reshape(b, s, c["d"])
        x = x + self.o(y)
        h = self.n2(x)
        if self.llama:
            h = torch.nn.functional.silu(self.gate(h)) * self.up(h)
        else:
            h = torch.nn.functional.gelu(self.up(h))
        return x + self.down(h), k, v


class RMSNorm(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * self.w


class Decoder(torch.nn.Module):
    def __init__(self, c, llama):
        super().__init__()
        self.c, self.llama = c, llama
        self.emb = torch.nn.Embedding(c["V"], c["d"])
        if not llama:
            self.pos = torch.nn.Embedding(c["max_pos"], c["d"])
        self.blocks = torch.nn.ModuleList([Block(c, llama) for _ in range(c["L"])])
        self.norm = torch.nn.LayerNorm(c["d"]) if not llama else RMSNorm(c["d"])
        self.head = torch.nn.Linear(c["d"], c["V"], bias=False)

    def forward(self, ids, *past):
        x = self.emb(ids)
        if not self.llama:
            p = past[0].shape[2]
            x = x + self.pos(torch.arange(p, p + ids.shape[1], device=ids.device))
        present = []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, past[2 * i], past[2 * i + 1])
            present += [k, v]
        return (self.head(self.norm(x)), *present)


def export_torch(outdir, name):
    c = CONFIGS[name]
    torch.manual_seed(0)
    model = Decoder(c, name.startswith("llama")).eval()
    b, s, p = 2, 5, 3
    ids = torch.randint(0, c["V"], (b, s))
    past = [torch.randn(b, c["Hkv"], p, c["dh"]) for _ in range(2 * c["L"])]
    pnames = ["past_key_values.%d.%s" % (i, kv) for i in range(c["L"]) for kv in ("key", "value")]
    onames = ["present.%d.%s" % (i, kv) for i in range(c["L"]) for kv in ("key", "value")]
    axes = {"input_ids": {0: "batch", 1: "sequence_length"}, "logits": {0: "batch", 1: "sequence_length"}}
    for n in pnames:
        axes[n] = {0: "batch", 2: "past_sequence_length"}
    for n in onames:
        axes[n] = {0: "batch", 2: "total_sequence_length"}
    path = os.path.join(outdir, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, (ids, *past), path, input_names=["input_ids"] + pnames,
                          output_names=["logits"] + onames, dynamic_axes=axes, opset_version=17)
    onnx.checker.check_model(onnx.load(path))
    return path


def genai(outdir):
    """GroupQueryAttention decoder in the onnxruntime-genai layout."""
    c = CONFIGS["genai_gqa"]
    rng = np.random.default_rng(0)
    L, d, H, Hkv, dh, F, V = c["L"], c["d"], c["H"], c["Hkv"], c["dh"], c["d_ff"], c["V"]
    inits, nodes = [], []

    def w(name, *shape):
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), "W_" + name))
        return "W_" + name

    def node(op, ins, outs, domain="", **attrs):
        nodes.append(helper.make_node(op, ins, outs, name="%s_%d" % (op, len(nodes)), domain=domain, **attrs))
        return outs[0]

    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence_length"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "total_sequence_length"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "sequence_length", V])]
    # seqlens_k = sum(attention_mask) - 1 (int32); total_sequence_length = mask's dim 1 (int32 scalar)
    inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "one"))
    inits.append(numpy_helper.from_array(np.array(1, dtype=np.int64), "axis1"))
    node("ReduceSum", ["attention_mask", "one"], ["mask_sum"], keepdims=0)
    node("Sub", ["mask_sum", "one"], ["seqlens64"])
    node("Cast", ["seqlens64"], ["seqlens_k"], to=TensorProto.INT32)
    node("Shape", ["attention_mask"], ["mask_shape"])
    node("Gather", ["mask_shape", "axis1"], ["total64"], axis=0)
    node("Cast", ["total64"], ["total_seq"], to=TensorProto.INT32)
    x = node("Gather", [w("embed", V, d), "input_ids"], ["x0"], axis=0)
    skip = None
    for i in range(L):
        if skip is None:
            h = node("SimplifiedLayerNormalization", [x, w("ln%d" % i, d)], ["h%d" % i], axis=-1, epsilon=1e-6)
        else:
            h = node("SkipSimplifiedLayerNormalization", [x, skip, w("ln%d" % i, d)],
                     ["h%d" % i, "", "", "x%d" % i], domain="com.microsoft", epsilon=1e-6)
            x = "x%d" % i
        qkv = node("MatMul", [h, w("qkv%d" % i, d, (H + 2 * Hkv) * dh)], ["qkv%d" % i])
        pk, pv = "past_key_values.%d.key" % i, "past_key_values.%d.value" % i
        ok, ov = "present.%d.key" % i, "present.%d.value" % i
        for n in (pk, pv):
            inputs.append(helper.make_tensor_value_info(n, TensorProto.FLOAT,
                                                        ["batch", Hkv, "past_sequence_length", dh]))
        for n in (ok, ov):
            outputs.append(helper.make_tensor_value_info(n, TensorProto.FLOAT,
                                                         ["batch", Hkv, "total_sequence_length", dh]))
        att = node("GroupQueryAttention", [qkv, "", "", pk, pv, "seqlens_k", "total_seq"], ["att%d" % i, ok, ov],
                   domain="com.microsoft", num_heads=H, kv_num_heads=Hkv)
        a = node("MatMul", [att, w("o%d" % i, H * dh, d)], ["a%d" % i])
        h2 = node("SkipSimplifiedLayerNormalization", [x, a, w("ln2_%d" % i, d)],
                  ["h2_%d" % i, "", "", "r%d" % i], domain="com.microsoft", epsilon=1e-6)
        x = "r%d" % i
        g = node("MatMul", [h2, w("gate%d" % i, d, F)], ["g%d" % i])
        sg = node("Sigmoid", [g], ["sg%d" % i])
        silu = node("Mul", [g, sg], ["silu%d" % i])
        u = node("MatMul", [h2, w("up%d" % i, d, F)], ["u%d" % i])
        gu = node("Mul", [silu, u], ["gu%d" % i])
        skip = node("MatMul", [gu, w("down%d" % i, F, d)], ["m%d" % i])
    hf = node("SkipSimplifiedLayerNormalization", [x, skip, w("lnf", d)], ["hf"], domain="com.microsoft",
              epsilon=1e-6)
    node("MatMul", [hf, w("lm_head", d, V)], ["logits"])
    graph = helper.make_graph(nodes, "genai_gqa", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    path = os.path.join(outdir, "genai_gqa.onnx")
    onnx.save(model, path)
    return path


def fixed_buffer(outdir, rows=64):
    """dmmha_kv with its shared buffer's rows a number: every declared
    max_len extent becomes rows."""
    m = onnx.load(fused(outdir, "dmmha_kv"))
    for vi in list(m.graph.input) + list(m.graph.output):
        for dim in vi.type.tensor_type.shape.dim:
            if dim.dim_param == "max_len":
                dim.ClearField("dim_param")
                dim.dim_value = rows
    path = os.path.join(outdir, "dmmha_fixed.onnx")
    onnx.save(m, path)
    return path


def fused(outdir, name):
    """A decoder whose attention is one node per layer: com.microsoft
    MultiHeadAttention (separate Q/K/V projections, past_key/past_value
    slots 6 and 7), DecoderMaskedMultiHeadAttention over a shared KV buffer
    (the past inputs are the buffer, max_len rows, and the present outputs
    alias it; past_len says how many rows hold the past: slots 5, 6 and 7)
    or Attention (packed QKV weights, packed past slot 4); or ONNX's
    Attention of opset 23 (onnx_attn_kv: rank-3 Q/K/V, grouped query heads,
    past_key/past_value slots 4 and 5, is_causal).
    LayerNorm before attention and MLP, a two-matrix MLP with Relu."""
    c = CONFIGS[name]
    rng = np.random.default_rng(1)
    L, d, H, dh, F, V = c["L"], c["d"], c["H"], c["dh"], c["d_ff"], c["V"]
    mha, dmmha, std = name == "mha_kv", name == "dmmha_kv", name == "onnx_attn_kv"
    Hkv, dkv = c["Hkv"], c["Hkv"] * dh
    b, p, s, t = {"mha_kv": ("b", "plen", "slen", "tlen"), "dmmha_kv": ("batch", "max_len", "seq", "max_len"),
                  "onnx_attn_kv": ("batch", "past_sequence_length", "sequence_length", "total_sequence_length")}.get(
        name, ("batch", "past_len", "seq_len", "total_len"))
    inits, nodes = [], []

    def w(wname, *shape):
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), "W_" + wname))
        return "W_" + wname

    def node(op, ins, outs, domain="", **attrs):
        nodes.append(helper.make_node(op, ins, outs, name="%s_%d" % (op, len(nodes)), domain=domain, **attrs))
        return outs[0]

    tokens = "ids" if dmmha else "tokens"
    inputs = [helper.make_tensor_value_info(tokens, TensorProto.INT64, [b, s])]
    if dmmha:
        inputs.append(helper.make_tensor_value_info("past_len", TensorProto.INT32, [1]))
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [b, s, V])]
    x = node("Gather", [w("embed", V, d), tokens], ["x0"], axis=0)
    for i in range(L):
        h = node("LayerNormalization", [x, w("ln%d" % i, d), w("lnb%d" % i, d)], ["h%d" % i], axis=-1)
        if mha or dmmha or std:
            pk, pv, ok, ov = (("past_key_%d", "past_value_%d", "present_key_%d", "present_value_%d") if dmmha else
                              ("past_key_values.%d.key", "past_key_values.%d.value", "present.%d.key",
                               "present.%d.value") if std else ("cache_k_%d", "cache_v_%d", "kv_k_%d", "kv_v_%d"))
            pk, pv, ok, ov = pk % i, pv % i, ok % i, ov % i
            for n in (pk, pv):
                inputs.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [b, Hkv, p, dh]))
            for n in (ok, ov):
                outputs.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [b, Hkv, t, dh]))
            q = node("MatMul", [h, w("q%d" % i, d, d)], ["q%d" % i])
            k = node("MatMul", [h, w("k%d" % i, d, dkv)], ["k%d" % i])
            v = node("MatMul", [h, w("v%d" % i, d, dkv)], ["v%d" % i])
            if std:
                att = node("Attention", [q, k, v, "", pk, pv], ["att%d" % i, ok, ov], q_num_heads=H,
                           kv_num_heads=Hkv, is_causal=1)
            elif dmmha:
                att = node("DecoderMaskedMultiHeadAttention", [q, k, v, "", "", pk, pv, "past_len"],
                           ["att%d" % i, ok, ov], domain="com.microsoft", num_heads=H, past_present_share_buffer=1)
            else:
                att = node("MultiHeadAttention", [q, k, v, "", "", "", pk, pv], ["att%d" % i, ok, ov],
                           domain="com.microsoft", num_heads=H)
        else:
            pk, ok = "past_%d" % i, "present_%d" % i
            inputs.append(helper.make_tensor_value_info(pk, TensorProto.FLOAT, [2, b, H, p, dh]))
            outputs.append(helper.make_tensor_value_info(ok, TensorProto.FLOAT, [2, b, H, t, dh]))
            att = node("Attention", [h, w("qkv%d" % i, d, 3 * d), w("qkvb%d" % i, 3 * d), "", pk], ["att%d" % i, ok],
                       domain="com.microsoft", num_heads=H, unidirectional=1)
        o = node("MatMul", [att, w("o%d" % i, d, d)], ["o%d" % i])
        x = node("Add", [x, o], ["r%d" % i])
        h2 = node("LayerNormalization", [x, w("ln2_%d" % i, d), w("ln2b_%d" % i, d)], ["h2_%d" % i], axis=-1)
        u = node("Relu", [node("MatMul", [h2, w("up%d" % i, d, F)], ["u%d" % i])], ["ur%d" % i])
        x = node("Add", [x, node("MatMul", [u, w("down%d" % i, F, d)], ["m%d" % i])], ["x%d" % (i + 1)])
    node("MatMul", [x, w("lm_head", d, V)], ["logits"])
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 23 if std else 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 11 if std else 8
    path = os.path.join(outdir, name + ".onnx")
    onnx.save(model, path)
    return path


def merged(outdir):
    """One layer; the cache is joined inside If(use_cache_branch): then
    Concat(past, new) on the length axis, else the new keys/values alone."""
    c = CONFIGS["merged_kv"]
    rng = np.random.default_rng(2)
    d, H, dh, F, V = c["d"], c["H"], c["dh"], c["d_ff"], c["V"]
    inits, nodes = [], []

    def w(wname, *shape):
        inits.append(numpy_helper.from_array((rng.standard_normal(shape) * 0.05).astype(np.float32), "W_" + wname))
        return "W_" + wname

    def node(op, ins, outs, **attrs):
        nodes.append(helper.make_node(op, ins, outs, name="%s_%d" % (op, len(nodes)), **attrs))
        return outs[0]

    shape = "heads_shape"
    inits.append(numpy_helper.from_array(np.array([0, 0, H, dh], dtype=np.int64), shape))
    b, p, s, t = "batch_size", "past_sequence_length", "sequence_length", "past_sequence_length + sequence_length"
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [b, s]),
              helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT, [b, H, p, dh]),
              helper.make_tensor_value_info("past_key_values.0.value", TensorProto.FLOAT, [b, H, p, dh]),
              helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [b, s, V]),
               helper.make_tensor_value_info("present.0.key", TensorProto.FLOAT, [b, H, t, dh]),
               helper.make_tensor_value_info("present.0.value", TensorProto.FLOAT, [b, H, t, dh])]
    x = node("Gather", [w("embed", V, d), "input_ids"], ["x"], axis=0)
    heads = {}
    for n in ("q", "k", "v"):
        y = node("MatMul", [x, w(n, d, d)], [n + "_flat"])
        y = node("Reshape", [y, shape], [n + "_4d"])
        heads[n] = node("Transpose", [y], [n + "_h"], perm=[0, 2, 1, 3])

    def branch(name, join):
        outs = []
        bnodes = []
        for kv, past in (("k", "past_key_values.0.key"), ("v", "past_key_values.0.value")):
            o = "%s_%s_all" % (name, kv)
            if join:
                bnodes.append(helper.make_node("Concat", [past, heads[kv]], [o], axis=2, name=o))
            else:
                bnodes.append(helper.make_node("Identity", [heads[kv]], [o], name=o))
            outs.append(helper.make_tensor_value_info(o, TensorProto.FLOAT, None))
        return helper.make_graph(bnodes, name, [], outs)

    node("If", ["use_cache_branch"], ["present.0.key", "present.0.value"],
         then_branch=branch("with_past", True), else_branch=branch("without_past", False))
    kt = node("Transpose", ["present.0.key"], ["kt"], perm=[0, 1, 3, 2])
    sc = node("MatMul", [heads["q"], kt], ["scores"])
    pr = node("Softmax", [sc], ["probs"], axis=-1)
    a = node("MatMul", [pr, "present.0.value"], ["att_h"])
    a = node("Transpose", [a], ["att_t"], perm=[0, 2, 1, 3])
    inits.append(numpy_helper.from_array(np.array([0, 0, d], dtype=np.int64), "flat_shape"))
    a = node("Reshape", [a, "flat_shape"], ["att"])
    x = node("Add", [x, node("MatMul", [a, w("o", d, d)], ["o"])], ["r"])
    u = node("Relu", [node("MatMul", [x, w("up", d, F)], ["u"])], ["ur"])
    x = node("Add", [x, node("MatMul", [u, w("down", F, d)], ["m"])], ["x2"])
    node("MatMul", [x, w("lm_head", d, V)], ["logits"])
    graph = helper.make_graph(nodes, "merged_kv", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = os.path.join(outdir, "merged_kv.onnx")
    onnx.save(model, path)
    return path


def renamed(outdir):
    """gpt_kv.onnx with nothing recognisable: cache_k.{i}/cache_v.{i} in,
    out_k.{i}/out_v.{i} out, lengths n_cached / n_new / n_all, and the
    cache's head dim the symbol kvh (two symbols besides the batch)."""
    m = onnx.load(os.path.join(outdir, "gpt_kv.onnx"))
    g = m.graph
    new = {}
    for i in range(CONFIGS["gpt_kv"]["L"]):
        for kv, short in (("key", "k"), ("value", "v")):
            new["past_key_values.%d.%s" % (i, kv)] = "cache_%s.%d" % (short, i)
            new["present.%d.%s" % (i, kv)] = "out_%s.%d" % (short, i)
    syms = {"past_sequence_length": "n_cached", "sequence_length": "n_new", "total_sequence_length": "n_all"}
    for vi in list(g.input) + list(g.output):
        for k, dim in enumerate(vi.type.tensor_type.shape.dim):
            if dim.dim_param in syms:
                dim.dim_param = syms[dim.dim_param]
            if vi.name in new and k == 1:
                dim.dim_param = "kvh"
        if vi.name in new:
            vi.name = new[vi.name]
    for n in g.node:
        for k, name in enumerate(n.input):
            if name in new:
                n.input[k] = new[name]
        for k, name in enumerate(n.output):
            if name in new:
                n.output[k] = new[name]
    path = os.path.join(outdir, "gpt_renamed.onnx")
    onnx.save(m, path)
    return path


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_decoders.py OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in ("gpt_kv", "llama_kv"):
        print("wrote", export_torch(outdir, name))
    print("wrote", genai(outdir))
    print("wrote", fused(outdir, "mha_kv"))
    print("wrote", fused(outdir, "attn_kv"))
    print("wrote", fused(outdir, "onnx_attn_kv"))
    print("wrote", renamed(outdir))
    print("wrote", fused(outdir, "dmmha_kv"))
    print("wrote", fixed_buffer(outdir))
    print("wrote", merged(outdir))
    with open(os.path.join(outdir, "decoders.json"), "w") as f:
        json.dump(CONFIGS, f, indent=1)


if __name__ == "__main__":
    main()
