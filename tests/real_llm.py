#!/usr/bin/python3
"""real_llm.py -- `priori llm` on the decoders of tests/llm/make_decoders.py
(GPT-2 and Llama style exported by torch in the Hugging Face Optimum
layout, GroupQueryAttention in the onnxruntime-genai layout,
com.microsoft MultiHeadAttention and Attention graphs,
DecoderMaskedMultiHeadAttention over a shared KV buffer, Optimum's merged
decoder with its use_cache_branch If, and a GPT whose cache has no
recognisable names), every number against closed forms of
the configuration:
  a call with S new tokens after P cached ones, T = P + S, batch B:
    MACs = B*S*[L*(2*d^2 + 2*d*Hkv*dh + m*d*d_ff + 2*T*H*dh) + d*V]
  prefill: S = P_prompt, P = 0;  decode step i = 1..G: S = 1, T = C = P_prompt + i
  request = prefill + sum of the G decode steps
  KV cache at context C = 2*L*C*Hkv*dh*4 bytes per sequence (float32), x B
  weights read per step = 4 bytes x params (all weights float32)
and against `priori analyze --dim` of the same point in a fresh process
(the llm command re-analyses one loaded model); --every-step against the
interpolation (every count, time and energy equal); the --hw figures
against their definitions; every format (table, JSON, CSV, Markdown,
HTML rendered by headless Chromium); recognition of each layout and the
errors that name the flags."""
import csv
import io
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
HW = ["--hw", "h200-pytorch2.11-eager", "--precision", "fp16"]


def run(*args):
    p = subprocess.run([PRIORI] + [str(a) for a in args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def llm_json(path, *args):
    rc, out, err = run("llm", path, "--format", "json", *args)
    return rc, (json.loads(out) if rc == 0 else err)


def closed_macs(c, B, S, P):
    """MACs of S new tokens after P cached ones (tests/llm/make_decoders.py)."""
    T = P + S
    L, d, H, Hkv, dh, F, m, V = (c[k] for k in ("L", "d", "H", "Hkv", "dh", "d_ff", "mlp_mats", "V"))
    return B * S * (L * (2 * d * d + 2 * d * Hkv * dh + m * d * F + 2 * T * H * dh) + d * V)


def float_scalars(path):
    """Float initializers and Constant values of one element (the exporter's
    folded constants): params by priori's convention, as real_decoders.py."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    tensors = list(g.initializer) + [a.t for n in g.node if n.op_type == "Constant" for a in n.attribute if a.name == "value"]
    return sum(1 for t in tensors if t.data_type in (1, 10, 11, 16) and numpy_helper.to_array(t).size == 1)


def params_of(name, c):
    L, d, F, V = c["L"], c["d"], c["d_ff"], c["V"]
    if name == "mha_kv":   # two LayerNorms (scale, bias), Q K V O, up and down, embedding, head
        return V * d + L * (4 * d + 4 * d * d + 2 * d * F) + d * V
    if name == "merged_kv":  # no norms: Q K V O, up and down
        return V * d + L * (4 * d * d + 2 * d * F) + d * V
    if name == "attn_kv":  # packed QKV weights and bias, O
        return V * d + L * (4 * d + d * 3 * d + 3 * d + d * d + 2 * d * F) + d * V
    L, d, Hkv, dh, F, V = (c[k] for k in ("L", "d", "Hkv", "dh", "d_ff", "V"))
    dkv = Hkv * dh
    if name == "onnx_attn_kv":  # two LayerNorms, Q and O (d x d), K and V (d x dkv), up and down
        return V * d + L * (4 * d + 2 * d * d + 2 * d * dkv + 2 * d * F) + d * V
    if name == "gpt_kv":   # biases everywhere, LayerNorm scale + shift, learned positions
        layer = (d * d + d) * 2 + (d * dkv + dkv) * 2 + 2 * 2 * d + (d * F + F) + (F * d + d)
        return V * d + c["max_pos"] * d + L * layer + 2 * d + d * V
    if name == "llama_kv":  # no biases, RMSNorm scale, three MLP matrices
        return V * d + L * (2 * d * d + 2 * d * dkv + 2 * d + 3 * d * F) + d + d * V
    return V * d + L * (d + d * (d + 2 * dkv) + d * d + d + 3 * d * F) + d + d * V   # genai: packed QKV


LAYOUT = {   # style, batch, past, new tokens, total symbols
    "gpt_kv": ("optimum", "batch", "past_sequence_length", "sequence_length", []),
    "llama_kv": ("optimum", "batch", "past_sequence_length", "sequence_length", []),
    "genai_gqa": ("genai", "batch", "past_sequence_length", "sequence_length", ["total_sequence_length"]),
    "mha_kv": ("fused", "b", "plen", "slen", []),
    "attn_kv": ("fused", "batch", "past_len", "seq_len", []),
    "onnx_attn_kv": ("optimum", "batch", "past_sequence_length", "sequence_length", []),
    "merged_kv": ("optimum", "batch_size", "past_sequence_length", "sequence_length", []),
}


def check_request(where, r, c, B, P, G, params):
    L, Hkv, dh = c["L"], c["Hkv"], c["dh"]
    per_token = 2 * L * Hkv * dh * 4
    # the merged decoder: its If is decided by use_cache_branch, false at prefill (then_branch not taken) and
    # true when decoding (else_branch not taken); priori notes each branch it skips
    skipped = ["node 10 'If_10' (If): the condition is known: %s_branch is not taken, not analysed, not counted" % k
               for k in ("then", "else")] if r["layout"]["cache_flag_input"] else []
    check(r["complete"] and r["warnings"] == skipped, "%s: complete, warnings %s" % (where, r["warnings"]))
    check(r["request"] == {"batch": B, "prompt": P, "generate": G}, "%s: request echoed" % where)
    pre = r["prefill"]
    want = closed_macs(c, B, P, 0)
    check(pre["macs"] == want and (pre["context"], pre["past"], pre["new_tokens"]) == (P, 0, P),
          "%s: prefill MACs %d, closed form %d" % (where, pre["macs"], want))
    check(pre["kv_bytes"] == B * P * per_token, "%s: prefill cache %d = B*P*2*L*Hkv*dh*4" % (where, pre["kv_bytes"]))
    steps = r["decode"]["steps"]
    check(len(steps) == G, "%s: %d decode steps" % (where, len(steps)))
    bad = [s["context"] for i, s in enumerate(steps)
           if (s["context"], s["past"], s["new_tokens"]) != (P + i + 1, P + i, 1)
           or s["macs"] != closed_macs(c, B, 1, P + i) or s["kv_bytes"] != B * (P + i + 1) * per_token]
    check(not bad, "%s: every decode step's MACs and cache at context C = closed form (wrong at %s)" % (where, bad[:5]))
    total = sum(closed_macs(c, B, 1, P + i) for i in range(G))
    check(r["decode"]["sum"]["macs"] == total, "%s: decode sum %d, closed form %d" % (
        where, r["decode"]["sum"]["macs"], total))
    check(r["request_total"]["macs"] == want + total, "%s: request MACs = prefill + decode" % where)
    for k in ("flops", "bytes_read", "bytes_written", "activation_bytes"):
        check(r["decode"]["sum"][k] == sum(s[k] for s in steps) and
              r["request_total"][k] == pre[k] + r["decode"]["sum"][k], "%s: %s summed" % (where, k))
    # the line: MACs(C) = B*[L*(2d^2+2d*Hkv*dh+m*d*F)+d*V] + 2*B*L*H*dh*C
    line = r["decode"]["per_step_line"]["macs"]
    slope = 2 * B * c["L"] * c["H"] * c["dh"]
    check(line["per_context_token"] == slope and line["intercept"] == closed_macs(c, B, 1, -1),
          "%s: decode MACs line %s, closed form %d + %d*C" % (where, line, closed_macs(c, B, 1, -1), slope))
    kv = r["kv_cache"]
    check(kv["bytes_per_token"] == per_token and kv["bytes_at_end"] == B * (P + G) * per_token and
          kv["tokens_at_end"] == P + G, "%s: KV cache %s, closed form %d per token" % (where, kv, per_token))
    check(r["weights"]["params"] == params and r["weights"]["bytes_per_step"] == 4 * params,
          "%s: weights %s, closed form %d params x 4 bytes" % (where, r["weights"], params))
    interp = G > 5
    check(r["method"]["decode"] == ("interpolated" if interp else "every_step") and
          sum(s["analysed"] for s in steps) == (5 if interp else G), "%s: method %s" % (where, r["method"]))


def same_as_analyze(where, path, r, genai, syms):
    """prefill and last decode step against analyze --dim in a fresh process."""
    b, p, s, total = syms
    B, P, G = r["request"]["batch"], r["request"]["prompt"], r["request"]["generate"]
    for name, point, past, new in (("prefill", r["prefill"], 0, P), ("last step", r["decode"]["steps"][-1], P + G - 1, 1)):
        dims = ["--dim", "%s=%d" % (b, B), "--dim", "%s=%d" % (p, past), "--dim", "%s=%d" % (s, new)]
        for t in total:
            dims += ["--dim", "%s=%d" % (t, past + new)]
        if r["layout"]["cache_flag_input"]:
            dims += ["--value", "use_cache_branch=%d" % (past > 0)]
        rc, out, err = run("analyze", path, "--format", "json", *dims)
        if rc:
            check(False, "%s: analyze %s: %s" % (where, name, err))
            continue
        t = json.loads(out)["totals"]
        check(all(t[k] == point[k] for k in ("macs", "flops", "bytes_read", "bytes_written", "activation_bytes")),
              "%s: %s equals analyze --dim at the same point" % (where, name))
        if name == "prefill":
            check(t["peak_activation_bytes"] == r["peak_activation_bytes"]["prefill"], "%s: prefill peak" % where)
        else:
            check(t["peak_activation_bytes"] == r["peak_activation_bytes"]["decode_at_end"], "%s: decode peak" % where)


tmp = tempfile.mkdtemp()
try:
    devnull = open(os.devnull, "w")
    old = sys.stdout
    sys.stdout = devnull                 # the exporter's progress lines
    for name in ("gpt_kv", "llama_kv"):
        make_decoders.export_torch(tmp, name)
    make_decoders.genai(tmp)
    make_decoders.fused(tmp, "mha_kv")
    make_decoders.fused(tmp, "attn_kv")
    make_decoders.fused(tmp, "onnx_attn_kv")
    make_decoders.renamed(tmp)
    make_decoders.merged(tmp)
    make_decoders.fused(tmp, "dmmha_kv")
    sys.stdout = old

    # ---- each layout: recognition and closed forms ----
    for name, c in make_decoders.CONFIGS.items():
        if name == "dmmha_kv":   # a shared buffer: its own checks below
            continue
        path = os.path.join(tmp, name + ".onnx")
        style, b, p, s, total = LAYOUT[name]
        params = params_of(name, c) + float_scalars(path)
        for B, P, G in [(1, 16, 40), (2, 7, 3), (3, 33, 9)]:
            where = "%s B=%d P=%d G=%d" % (name, B, P, G)
            rc, r = llm_json(path, "--prompt", P, "--generate", G, "--batch", B)
            check(rc == 0, "%s: llm runs: %s" % (where, r if rc else ""))
            if rc:
                continue
            lay = r["layout"]
            check(r["schema"] == "priori.llm/1" and r["version"] == 1, "%s: schema" % where)
            check((lay["style"], lay["batch_symbol"], lay["past_symbol"], lay["new_tokens_symbol"],
                   lay["total_symbols"]) == (style, b, p, s, total),
                  "%s: layout recognised as %s" % (where, (style, b, p, s, total)))
            n = c["L"] * (1 if name == "attn_kv" else 2)
            check(len(lay["past_inputs"]) == n and len(lay["present_outputs"]) == n and lay["how"],
                  "%s: %d past inputs and present outputs" % (where, n))
            check(lay["cache_flag_input"] == ("use_cache_branch" if name == "merged_kv" else None),
                  "%s: use_cache_branch %s" % (where, lay["cache_flag_input"]))
            check_request(where, r, c, B, P, G, params)
            if (B, P, G) == (3, 33, 9):
                same_as_analyze(where, path, r, name == "genai_gqa", (b, p, s, total))

    # ---- --every-step = interpolation, --hw figures ----
    for name in ("gpt_kv", "genai_gqa", "mha_kv"):
        path = os.path.join(tmp, name + ".onnx")
        args = ["--prompt", 24, "--generate", 50, "--batch", 2] + HW
        rc1, a = llm_json(path, *args)
        rc2, z = llm_json(path, *args, "--every-step")
        rc3, k = llm_json(path, *args, "--points", 2)
        if rc1 or rc2 or rc3:
            check(False, "%s --hw: %s %s %s" % (name, a if rc1 else "", z if rc2 else "", k if rc3 else ""))
            continue
        strip = lambda st: [{x: v for x, v in s.items() if x != "analysed"} for s in st]  # noqa: E731
        check(strip(a["decode"]["steps"]) == strip(z["decode"]["steps"]) == strip(k["decode"]["steps"]),
              "%s: interpolated steps (5 and 2 points) = every step analysed, time and energy included" % name)
        check(z["method"] == {"decode": "every_step", "analysed_contexts": 50} and
              k["method"] == {"decode": "interpolated", "analysed_contexts": 2}, "%s: methods" % name)
        e, st = a["energy"], a["decode"]["steps"]
        dec_s = sum(x["latency_s"] for x in st)
        dec_j = sum(x["energy_j"] for x in st)
        close = lambda u, v: abs(u - v) <= 1e-9 * max(abs(u), abs(v), 1e-30)  # noqa: E731
        check(close(e["time_to_first_token_s"], a["prefill"]["latency_s"]) and close(e["decode_s"], dec_s),
              "%s: TTFT = prefill latency, decode time = sum of the steps" % name)
        check(close(e["tokens_per_s"], 2 * 50 / dec_s), "%s: tokens/s = B*G / decode time" % name)
        check(close(e["energy_per_request_j"], a["prefill"]["energy_j"] + dec_j) and
              close(e["energy_per_token_j"], e["energy_per_request_j"] / 100), "%s: energy per request and token" % name)
        check(e["prefill_regime"] in ("launch", "compute", "memory") and
              e["decode_regime"] in ("launch", "compute", "memory") and 0 < e["decode_regime_share"] <= 1,
              "%s: regimes %s %s" % (name, e["prefill_regime"], e["decode_regime"]))
        style, b, p, s, total = LAYOUT[name]
        dims = ["--dim", "%s=2" % b, "--dim", "%s=0" % p, "--dim", "%s=24" % s]
        for t in total:
            dims += ["--dim", "%s=24" % t]
        rc, out, err = run("analyze", path, "--format", "json", *dims, *HW)
        ae = json.loads(out)["energy"] if rc == 0 else {}
        check(rc == 0 and close(ae["latency_s"], a["prefill"]["latency_s"]) and
              close(ae["energy_j"], a["prefill"]["energy_j"]), "%s: prefill time and energy = analyze --hw" % name)

    # ---- ONNX Runtime's shared KV buffer (DecoderMaskedMultiHeadAttention) ----
    # The buffer holds P + G rows from the start (the past symbol max_len is
    # bound to it) and past_len gives the past length p as data: the MACs
    # follow T = p + S as in every other layout, the cache bytes do not grow.
    dm = os.path.join(tmp, "dmmha_kv.onnx")
    c = make_decoders.CONFIGS["dmmha_kv"]
    per_token = 2 * c["L"] * c["H"] * c["dh"] * 4
    params = 15872   # V*d + L*(4d + 4d^2 + 2*d*d_ff) + d*V, written out: 640 + 2*(128 + 4096 + 3072) + 640
    check(params == c["V"] * c["d"] * 2 + c["L"] * (4 * c["d"] + 4 * c["d"] ** 2 + 2 * c["d"] * c["d_ff"]),
          "dmmha_kv: parameter count written out")
    for B, P, G in [(1, 16, 40), (2, 5, 4)]:
        where = "dmmha_kv B=%d P=%d G=%d" % (B, P, G)
        rc, r = llm_json(dm, "--prompt", P, "--generate", G, "--batch", B)
        check(rc == 0, "%s: llm runs: %s" % (where, r if rc else ""))
        if rc:
            continue
        lay = r["layout"]
        check((lay["style"], lay["past_symbol"], lay["new_tokens_symbol"], lay["past_length_input"]) ==
              ("fused", "max_len", "seq", "past_len") and "shared KV buffer" in lay["how"],
              "%s: recognised as a shared buffer read by DecoderMaskedMultiHeadAttention: %s" % (where, lay))
        check(r["complete"] and not r["warnings"], "%s: complete, no warnings %s" % (where, r["warnings"]))
        pre, steps = r["prefill"], r["decode"]["steps"]
        full = B * (P + G) * per_token
        check(pre["macs"] == closed_macs(c, B, P, 0) and pre["kv_bytes"] == full,
              "%s: prefill MACs %d (closed form %d), cache %d = the whole buffer %d" % (
                  where, pre["macs"], closed_macs(c, B, P, 0), pre["kv_bytes"], full))
        bad = [s["context"] for i, s in enumerate(steps)
               if s["macs"] != closed_macs(c, B, 1, P + i) or s["kv_bytes"] != full]
        check(not bad, "%s: every step's MACs at T = p + 1 and the buffer's bytes (wrong at %s)" % (where, bad[:5]))
        kv = r["kv_cache"]
        check(kv["bytes_per_token"] == per_token and kv["bytes_at_end"] == full,
              "%s: KV cache %s, closed form %d per token" % (where, kv, per_token))
        check(r["weights"]["params"] == params, "%s: params %s" % (where, r["weights"]))
    # the same point through analyze: the buffer bound with --dim, the past length with --value
    rc, r = llm_json(dm, "--prompt", 5, "--generate", 4, "--batch", 2)
    rc2, out, err = run("analyze", dm, "--format", "json", "--dim", "batch=2", "--dim", "seq=1", "--dim", "max_len=9",
                        "--value", "past_len=7")
    check(rc == 0 and rc2 == 0 and json.loads(out)["totals"]["macs"] == r["decode"]["steps"][2]["macs"] ==
          closed_macs(c, 2, 1, 7), "dmmha_kv: decode step at context 8 = analyze --value past_len=7")
    # the buffer is updated in place: each DecoderMaskedMultiHeadAttention
    # reads the 7 valid rows of its past and writes the new row, whatever
    # the buffer's rows (9 or 100): read 3 * B*S*d*4 (query, key, value) +
    # 4 (past_len) + 2 * B*H*7*dh*4, written B*S*d*4 + 2 * B*H*1*dh*4
    c = make_decoders.CONFIGS["dmmha_kv"]
    want = (3 * 2 * c["d"] * 4 + 4 + 2 * 2 * c["H"] * 7 * c["dh"] * 4, 2 * c["d"] * 4 + 2 * 2 * c["H"] * c["dh"] * 4)
    for rows in (9, 100):
        rc2, out, err = run("analyze", dm, "--format", "json", "--dim", "batch=2", "--dim", "seq=1",
                            "--dim", "max_len=%d" % rows, "--value", "past_len=7")
        got = [(l["bytes_read"], l["bytes_written"]) for l in json.loads(out)["layers"]
               if l["op_type"] == "DecoderMaskedMultiHeadAttention"] if rc2 == 0 else err
        check(got == [want] * c["L"], "dmmha_kv, buffer of %d rows, past 7: each attention's bytes read and written "
              "%s, closed form %s" % (rows, got, want))
    rc, out, err = run("llm", dm, "--prompt", 5, "--generate", 4, "--value", "past_len=3")
    check(rc == 2 and "--value past_len" in err and "sets the past length" in err,
          "dmmha_kv: --value of the past length refused (llm sets it): %d %s" % (rc, err.strip()))

    # the buffer's rows fixed in the graph (64): the same MACs, the cache is
    # the whole buffer, 2 * L * 64 * H * dh * 4 bytes per sequence, from the
    # prefill on; a request longer than the buffer is refused (exit 2)
    fx = make_decoders.fixed_buffer(tmp)
    for B, P, G in [(1, 16, 40), (2, 5, 4)]:
        where = "dmmha_fixed B=%d P=%d G=%d" % (B, P, G)
        rc, r = llm_json(fx, "--prompt", P, "--generate", G, "--batch", B)
        check(rc == 0, "%s: llm runs: %s" % (where, r if rc else ""))
        if rc:
            continue
        lay = r["layout"]
        check((lay["past_symbol"], lay["past_length_input"], lay["buffer_rows"]) == (None, "past_len", 64) and
              "64 rows fixed in the graph" in lay["how"], "%s: a shared buffer of 64 fixed rows: %s" % (where, lay))
        full = B * 64 * per_token
        pre, steps = r["prefill"], r["decode"]["steps"]
        check(pre["macs"] == closed_macs(c, B, P, 0) and pre["kv_bytes"] == full,
              "%s: prefill MACs %d (closed form %d), cache %d = the whole buffer %d" % (
                  where, pre["macs"], closed_macs(c, B, P, 0), pre["kv_bytes"], full))
        bad = [s["context"] for i, s in enumerate(steps)
               if s["macs"] != closed_macs(c, B, 1, P + i) or s["kv_bytes"] != full]
        check(not bad, "%s: every step's MACs at T = p + 1 and the buffer's bytes (wrong at %s)" % (where, bad[:5]))
        kv = r["kv_cache"]
        check(kv["bytes_per_token"] == per_token and kv["bytes_at_end"] == full,
              "%s: KV cache %s, closed form %d per token, %d for the buffer" % (where, kv, per_token, full))
    rc, out, err = run("llm", fx, "--prompt", 60, "--generate", 5)
    check(rc == 2 and "65 tokens, more than the 64 rows" in err,
          "dmmha_fixed: a request longer than the buffer refused: %d %s" % (rc, err.strip()))

    # ---- --kv-buffer R: the runtime's shared buffer (onnxruntime-genai's
    # max_length with past_present_share_buffer), which a GroupQueryAttention
    # graph does not show. Every count of every call is the one without the
    # option (GQA reads the valid rows, seqlens_k); the cache is the whole
    # buffer from the prefill on: B * R * 2 * L * Hkv * dh * 4 bytes, per
    # token of one sequence 2 * L * Hkv * dh * 4 ----
    gq = os.path.join(tmp, "genai_gqa.onnx")
    c = make_decoders.CONFIGS["genai_gqa"]
    per_token = 2 * c["L"] * c["Hkv"] * c["dh"] * 4
    for B, P, G, R in [(1, 16, 40, 64), (2, 5, 4, 9), (2, 5, 4, 4096)]:
        where = "genai_gqa --kv-buffer %d B=%d P=%d G=%d" % (R, B, P, G)
        rc, r = llm_json(gq, "--prompt", P, "--generate", G, "--batch", B, "--kv-buffer", R)
        rc0, r0 = llm_json(gq, "--prompt", P, "--generate", G, "--batch", B)
        check(rc == 0 and rc0 == 0, "%s: llm runs: %s" % (where, r if rc else r0 if rc0 else ""))
        if rc or rc0:
            continue
        lay = r["layout"]
        check((lay["buffer_rows"], lay["buffer_from"], lay["past_symbol"]) == (R, "--kv-buffer", "past_sequence_length")
              and "shared KV buffer of %d rows (--kv-buffer)" % R in lay["how"] and r0["layout"]["buffer_from"] is None,
              "%s: layout says the buffer and where it came from: %s" % (where, lay))
        full = B * R * per_token
        pre, steps = r["prefill"], r["decode"]["steps"]
        check(pre["macs"] == closed_macs(c, B, P, 0) and pre["kv_bytes"] == full,
              "%s: prefill MACs %d (closed form %d), cache %d = the whole buffer %d" % (
                  where, pre["macs"], closed_macs(c, B, P, 0), pre["kv_bytes"], full))
        bad = [s["context"] for i, s in enumerate(steps)
               if s["macs"] != closed_macs(c, B, 1, P + i) or s["kv_bytes"] != full]
        check(not bad, "%s: every step's MACs at T = p + 1 and the buffer's bytes (wrong at %s)" % (where, bad[:5]))
        # the buffer is updated in place: of the present's p + 1 rows only
        # the new one is written and new, B * p * per_token bytes fewer
        # written and new activation than the graph's new present; every
        # other count is the one without --kv-buffer
        calls, calls0 = [pre] + steps, [r0["prefill"]] + r0["decode"]["steps"]
        pasts = [0] + [P + i for i in range(G)]
        moved = ("kv_bytes", "bytes_written", "activation_bytes")
        same = all({k: v for k, v in a.items() if k not in moved} == {k: v for k, v in b.items() if k not in moved}
                   for a, b in zip(calls + [r["decode"]["sum"], r["request_total"]],
                                   calls0 + [r0["decode"]["sum"], r0["request_total"]]))
        check(same, "%s: every count but the bytes written and activations equals the request without "
              "--kv-buffer" % where)
        bad = [p for a, b, p in zip(calls, calls0, pasts) for k in moved[1:] if a[k] != b[k] - B * p * per_token]
        check(not bad and r["decode"]["sum"]["bytes_written"] ==
              r0["decode"]["sum"]["bytes_written"] - B * per_token * sum(pasts[1:]),
              "%s: bytes written and activations = the graph's - B * p * 2 * L * Hkv * dh * 4 (only the new rows; "
              "wrong at past %s)" % (where, bad[:5]))
        kv = r["kv_cache"]
        check(kv["bytes_per_token"] == per_token and kv["bytes_at_end"] == full,
              "%s: KV cache %s, closed form %d per token, %d for the buffer" % (where, kv, per_token, full))
    rc, out, err = run("llm", gq, "--prompt", 60, "--generate", 5, "--kv-buffer", 64)
    check(rc == 2 and "65 tokens, more than the 64 rows of the shared KV buffer given by --kv-buffer" in err,
          "genai_gqa: a request longer than --kv-buffer refused: %d %s" % (rc, err.strip()))
    rc, out, err = run("llm", gq, "--prompt", 6, "--generate", 5, "--kv-buffer", 0)
    check(rc == 2 and "--kv-buffer" in err, "--kv-buffer 0: a usage error: %d %s" % (rc, err.strip()))
    # a shared buffer the graph already has: the past symbol is bound to R
    for B, P, G, R in [(2, 5, 4, 100)]:
        where = "dmmha_kv --kv-buffer %d" % R
        c = make_decoders.CONFIGS["dmmha_kv"]
        per_token = 2 * c["L"] * c["H"] * c["dh"] * 4
        rc, r = llm_json(dm, "--prompt", P, "--generate", G, "--batch", B, "--kv-buffer", R)
        check(rc == 0 and r["layout"]["buffer_rows"] == R and r["kv_cache"]["bytes_at_end"] == B * R * per_token and
              all(s["kv_bytes"] == B * R * per_token and s["macs"] == closed_macs(c, B, 1, P + i)
                  for i, s in enumerate(r["decode"]["steps"])),
              "%s: MACs at T = p + 1, the cache B*R*2*L*H*dh*4: %s" % (where, r if rc else r["kv_cache"]))
        rc0, r0 = llm_json(dm, "--prompt", P, "--generate", G, "--batch", B)
        strip = lambda calls: [{k: v for k, v in x.items() if k != "kv_bytes"} for x in calls]
        check(rc == 0 and rc0 == 0 and strip([r["prefill"]] + r["decode"]["steps"]) ==
              strip([r0["prefill"]] + r0["decode"]["steps"]),
              "%s: every count but the cache equals the buffer of P + G rows (the traffic is the rows used)" % where)
    rc, out, err = run("llm", fx, "--prompt", 6, "--generate", 5, "--kv-buffer", 32)
    check(rc == 2 and "fixes the shared buffer at 64 rows" in err,
          "dmmha_fixed --kv-buffer 32: the graph's 64 rows win, refused: %d %s" % (rc, err.strip()))
    rc, r = llm_json(fx, "--prompt", 6, "--generate", 5, "--kv-buffer", 64)
    check(rc == 0 and r["layout"]["buffer_rows"] == 64, "dmmha_fixed --kv-buffer 64: the graph's rows, accepted")
    # without present outputs the cache is sized from the past inputs: a
    # shared buffer is still the whole buffer at every call (the past inputs
    # of a past-length layout hold the buffer's rows; GQA's the past's)
    import onnx
    for name, cfg, heads, extra, rows in [("dmmha_kv", "dmmha_kv", "H", [], 11), ("dmmha_kv", "dmmha_kv", "H", [100], 100),
                                          ("genai_gqa", "genai_gqa", "Hkv", [64], 64), ("genai_gqa", "genai_gqa", "Hkv", [], None)]:
        c = make_decoders.CONFIGS[cfg]
        m = onnx.load(os.path.join(tmp, name + ".onnx"))
        keep = [o for o in m.graph.output if "present" not in o.name]
        del m.graph.output[:]
        m.graph.output.extend(keep)
        path = os.path.join(tmp, name + "_nopresent.onnx")
        onnx.save(m, path)
        B, P, G = 2, 6, 5
        rc, r = llm_json(path, "--prompt", P, "--generate", G, "--batch", B,
                         *(["--kv-buffer", extra[0]] if extra else []))
        per_token = 2 * c["L"] * c[heads] * c["dh"] * 4
        want = [B * rows * per_token] * (G + 1) if rows else [B * (P + i) * per_token for i in range(G + 1)]
        got = [r["prefill"]["kv_bytes"]] + [s["kv_bytes"] for s in r["decode"]["steps"]] if rc == 0 else r
        check(rc == 0 and not r["layout"]["present_outputs"] and got == want and
              r["kv_cache"]["bytes_per_token"] == per_token,
              "%s without present outputs %s: cache %s, closed form %s" % (name, extra, got, want))
    # a graph that writes a new present each step cannot share a buffer
    for name, past in [("gpt_kv", "past_key_values.0.key"), ("mha_kv", "cache_k_0"), ("attn_kv", "past_0")]:
        rc, out, err = run("llm", os.path.join(tmp, name + ".onnx"), "--prompt", 6, "--generate", 5, "--kv-buffer", 32)
        check(rc == 2 and "'%s' is not read by com.microsoft GroupQueryAttention" % past in err and
              "past_present_share_buffer=1" in err, "%s --kv-buffer: refused, naming the past input: %d %s" % (
                  name, rc, err.strip()))

    # ---- a cache with no recognisable names: the options ----
    gpt = os.path.join(tmp, "gpt_kv.onnx")
    ren = os.path.join(tmp, "gpt_renamed.onnx")
    rc, out, err = run("llm", ren, "--prompt", 8, "--generate", 12)
    check(rc == 3 and "no KV-cache inputs found" in err and "--kv-inputs" in err and "past_key_values" in err,
          "no cache found: exit 3 naming what was looked for and --kv-inputs: %d %s" % (rc, err))
    rc, out, err = run("llm", ren, "--prompt", 8, "--generate", 12, "--kv-inputs", "cache_*")
    check(rc == 3 and "--past-dim" in err and "'kvh'" in err and "'n_cached'" in err,
          "two length candidates: exit 3 naming them and --past-dim: %d %s" % (rc, err))
    rc0, base = llm_json(gpt, "--prompt", 8, "--generate", 12)
    for extra in ([], ["--kv-outputs", "out_*"], ["--seq-dim", "n_new"]):
        rc, r = llm_json(ren, "--prompt", 8, "--generate", 12, "--kv-inputs", "cache_*", "--past-dim", "n_cached",
                         "--dim", "kvh=4", *extra)
        ok = rc == 0 and rc0 == 0
        check(ok and r["layout"]["style"] == "named" and r["layout"]["past_symbol"] == "n_cached" and
              r["layout"]["new_tokens_symbol"] == "n_new" and
              len(r["layout"]["present_outputs"]) == (4 if extra[:1] == ["--kv-outputs"] else 0),
              "renamed %s: layout from the options" % extra)
        check(ok and r["decode"]["steps"] == base["decode"]["steps"] and r["kv_cache"] == base["kv_cache"] and
              r["prefill"] == base["prefill"],
              "renamed %s: same counts and cache as the recognised gpt_kv (sized from %s)" % (
                  extra, "the present outputs" if extra[:1] == ["--kv-outputs"] else "the past inputs"))
    for args, code, text in [
            (["--kv-inputs", "nothing_*"], 2, "matches none"),
            (["--kv-inputs", "cache_*", "--past-dim", "n_new"], 2, "not a dimension of every past input"),
            (["--kv-inputs", "cache_*", "--past-dim", "n_cached", "--seq-dim", "zzz"], 2, "--seq-dim zzz"),
            (["--kv-inputs", "cache_*", "--past-dim", "n_cached", "--kv-outputs", "none*"], 2, "--kv-outputs")]:
        rc, out, err = run("llm", ren, "--prompt", 8, "--generate", 12, *args)
        check(rc == code and text in err, "renamed %s: exit %d with '%s': %d %s" % (args, code, text, rc, err))
    for args, code, text in [
            (["--prompt", 8], 2, "--generate"),
            (["--prompt", 8, "--generate", 4, "--dim", "past_sequence_length=3"], 2, "priori llm sets"),
            (["--prompt", 8, "--generate", 4, "--points", 1], 2, "--points"),
            (["--prompt", 0, "--generate", 4], 2, "positive integer"),
            (["--prompt", 8, "--generate", 4, "--precision", "fp16"], 2, "--hw")]:
        rc, out, err = run("llm", gpt, *args)
        check(rc == code and text in err, "gpt_kv %s: exit %d with '%s': %d %s" % (args, code, text, rc, err))
    rc, out, err = run("llm", "fixtures/demo_cnn.onnx", "--prompt", 4, "--generate", 4)
    check(rc == 3 and "--kv-inputs" in err, "a CNN: no cache, exit 3: %s" % err)

    # ---- formats ----
    args = ["--prompt", 16, "--generate", 40, "--batch", 2]
    rc, r = llm_json(gpt, *args, *HW)
    c = make_decoders.CONFIGS["gpt_kv"]
    rc_t, table, _ = run("llm", gpt, *args, *HW)
    check(rc_t == 0 and "prefill" in table and "request" in table and "time to first token" in table and
          "decode step at context C:  MACs = %d + %d*C" % (closed_macs(c, 2, 1, -1), 2 * 2 * 2 * 64) in table and
          "KV cache (optimum)" in table, "table: the calls, the line and the hardware figures")
    rc_c, text, _ = run("llm", gpt, "--format", "csv", *args, *HW)
    rows = list(csv.DictReader(io.StringIO(text))) if rc_c == 0 else []
    check(len(rows) == 40 + 3 and [x["call"] for x in (rows[0], rows[1], rows[-2], rows[-1])] ==
          ["prefill", "decode", "decode_sum", "request"], "csv: prefill, 40 steps, sums")
    check(rows and all(int(x["macs"]) == s["macs"] and int(x["kv_bytes"]) == s["kv_bytes"] and
                       float(x["energy_j"]) == float("%.9g" % s["energy_j"])
                       for x, s in zip(rows[1:-2], r["decode"]["steps"])) and
          int(rows[-1]["macs"]) == r["request_total"]["macs"], "csv: every step as the JSON")
    rc_m, md, _ = run("llm", gpt, "--format", "md", *args, *HW)
    check(rc_m == 0 and "| call | context |" in md and "| prefill | 16 | 0 | 16 |" in md and "**request**" in md,
          "markdown: the table of calls")
    html = os.path.join(tmp, "llm.html")
    rc_h, _, err = run("llm", gpt, "--format", "html", "-o", html, *args, *HW)
    page = open(html).read() if rc_h == 0 else ""
    check(rc_h == 0 and "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "") and
          "<svg" in page, "html: written, self-contained")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        check(False, "chromium is not installed (sh tests/deps.sh test installs it)")
    elif rc_h == 0:
        env = dict(os.environ, HOME=tmp)
        png = os.path.join(tmp, "llm.png")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--screenshot=" + png, "--window-size=1280,1400", "file://" + html],
                       capture_output=True, env=env, timeout=120)
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + html],
                             capture_output=True, text=True, env=env, timeout=120).stdout
        check(os.path.exists(png) and os.path.getsize(png) > 20000, "html: Chromium renders a non-trivial picture")
        from html.parser import HTMLParser

        class Dom(HTMLParser):
            def __init__(self):
                super().__init__()
                self.ids, self.stack, self.text, self.points, self.circles = {}, [], {}, {}, 0

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if "id" in a:
                    self.ids[a["id"]] = tag
                if tag == "polyline":
                    self.points[len(self.points)] = len(a.get("points", "").split())
                if tag == "circle":
                    self.circles += 1
                self.stack.append(a.get("id"))

            def handle_endtag(self, tag):
                if self.stack:
                    self.stack.pop()

            def handle_data(self, data):
                for i in self.stack:
                    if i:
                        self.text[i] = self.text.get(i, "") + data
        d = Dom()
        d.feed(dom)
        check(all(d.ids.get(i) == "svg" for i in ("chart-macs", "chart-kv", "chart-latency")) and
              d.points and all(n == 40 for n in d.points.values()) and d.circles == 3 * 5,
              "html DOM: three charts of the 40 decode steps, the 5 analysed contexts marked: %s %s %d" % (
                  d.ids, d.points, d.circles))
        check(str(r["request_total"]["macs"]) in d.text.get("kpi-request-macs", "") and
              str(r["kv_cache"]["bytes_per_token"]) in d.text.get("kpi-kv-token", "") and
              "kpi-ttft" in d.ids, "html DOM: exact request MACs and KV bytes per token, time to first token")

    # ---- memcheck: a run with --hw, and an error path ----
    if shutil.which("valgrind") and "san" not in PRIORI:
        for args in ([os.path.join(tmp, "genai_gqa.onnx"), "--prompt", 9, "--generate", 17, "--format", "html"] + HW,
                     [ren, "--prompt", 8, "--generate", 12, "--kv-inputs", "cache_*"]):
            p = subprocess.run(["valgrind", "-q", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
                                "--error-exitcode=99", PRIORI, "llm"] + [str(a) for a in args],
                               capture_output=True, text=True)
            check(p.returncode in (0, 3), "valgrind: no error, no leak: llm %s (exit %d) %s" % (
                args[1:], p.returncode, p.stderr[-600:]))
finally:
    shutil.rmtree(tmp)

sys.exit(summary())
