#!/usr/bin/python3
"""real_rnn_quant.py -- priori's counts on recurrent and quantized models.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_rnn_quant.py
           [--models DIR] [-v] [NAME ...]

Models (cached under build/models/, re-made only when missing):

  lstm_classifier  Embedding(1000, 32) -> 2-layer bidirectional LSTM
                   (hidden 48, batch_first) -> last step -> Linear(96, 7);
                   tokens 4x12, torch.onnx.export opset 14
  gru_classifier   Linear(20, 32) input projection -> 2-layer bidirectional
                   GRU (hidden 40, batch_first) -> last step -> Linear(80, 3);
                   features 2x15x20, opset 14
  lstm_dq          lstm_classifier with each LSTM rewritten as onnxruntime's
                   quantize_dynamic rewrites it (its LSTMQuant): W and R
                   transposed to [dirs, in, 4H] / [dirs, H, 4H], int8 with one
                   scale and zero point per direction, in a com.microsoft
                   DynamicQuantizeLSTM (onnxruntime-node runs it: logits 4x7)
  qdq_mix          built with onnx.helper: QuantizeLinear -> QLinearConv ->
                   com.microsoft QLinearAdd (a constant) -> QLinearMul ->
                   Reshape -> QLinearMatMul -> DequantizeLinear ->
                   com.microsoft MatMulNBits (4 bits, K not a multiple of
                   block_size)

Expected values come from the module hyper-parameters (never from priori):
  recurrent layer l (input size I_l: the embedding/projection width, then
  2*hidden for the second layer), seq T, batch B, dirs D, hidden H, gates G
  (LSTM 4, GRU 3):
      MACs_l = T * D * B * H * G * (I_l + H)
      FLOPs_l = 2 * MACs_l + T * D * B * H * E, E from the ONNX equations
               with torch's export (B present; GRU linear_before_reset=1):
               LSTM 4 (cell/output products) + 3*4 (sigmoids) + 1 + 1
                    (tanh) + 8 (Wb + Rb per gate) = 26
               GRU  4 (update) + 2*4 + 1 + 2 (reset product, joining add)
                    + 6 (biases) = 21
  Linear: MACs = batch * in * out; input projection likewise per step.
  params = the modules' parameters (torch's W_ih, W_hh, b_ih, b_hh become
  ONNX W, R, B with the same element counts), plus the zero initial states
  the exporter writes as float Constants of [D, B, H] fed through Expand
  (h0, and c0 for LSTM, per layer): priori counts float Constants consumed
  as data as parameters (a learned tensor broadcast with Expand looks the
  same), so they are predicted here and the prediction is checked against
  the export itself.
  lstm_dq: the LSTM's MACs and params (W, R, B keep their element counts;
  scales and zero points are not parameters), FLOPs the LSTM's plus, per
  direction, quantizing X (T*B*I) and every H[t-1] (T*B*H) at 8 per
  element + 7 per quantization (T + 1), dequantizing both products
  (2*T*B*4H), and once the weight zero points (numel(W) + numel(R)).
  qdq_mix: MACs of QLinearConv (as Conv), QLinearMatMul (as MatMul) and
  MatMulNBits (M*N*K); params = quantized weights + the int32 bias + the
  QLinearAdd constant + N*K logical 4-bit weights + MatMulNBits' bias;
  weight bytes = what the file stores for those (int8 1 byte, int32 4,
  MatMulNBits' B ceil(K/bs) blocks of bs*bits/8 bytes per column, float 4).

Per model: totals.macs and totals.params equal the expected values, every
layer is "ok", no operator is unsupported; the recurrent layers' FLOPs and
qdq_mix's per-layer MACs and weight bytes are checked too.
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Classifier(nn.Module):
    """Embedding or Linear input, a batch-first bidirectional RNN, the last
    time step's features through a Linear head."""

    def __init__(self, cell, vocab, features, width, hidden, layers, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, width) if vocab else None
        self.proj = nn.Linear(features, width) if features else None
        self.rnn = cell(width, hidden, num_layers=layers, bidirectional=True,
                        batch_first=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        x = self.embed(x) if self.embed is not None else self.proj(x)
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :])


RNN_MODELS = {
    # name: (cell, vocab, features, width, hidden, layers, classes, input)
    "lstm_classifier": (nn.LSTM, 1000, 0, 32, 48, 2, 7,
                        lambda: torch.randint(0, 1000, (4, 12))),
    "gru_classifier": (nn.GRU, 0, 20, 32, 40, 2, 3,
                       lambda: torch.randn(2, 15, 20)),
}


def rnn_expected(spec, example):
    cell, vocab, features, width, hidden, layers, classes, _ = spec
    batch, seq = example.shape[0], example.shape[1]
    gates, states, e = (4, 2, 26) if cell is nn.LSTM else (3, 1, 21)
    dirs = 2
    units = seq * dirs * batch * hidden
    macs, rnn_layers = 0, []
    if features:
        macs += batch * seq * features * width
    for layer in range(layers):
        insize = width if layer == 0 else dirs * hidden
        m = units * gates * (insize + hidden)
        rnn_layers.append({"macs": m, "flops": 2 * m + units * e})
        macs += m
    macs += batch * 2 * hidden * classes
    state_consts = layers * states * dirs * batch * hidden
    return macs, rnn_layers, state_consts


def zero_state_constants(path):
    """Elements of the all-zero float Constants the export feeds to Expand."""
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    consts = {}
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    consts[n.output[0]] = numpy_helper.to_array(a.t)
    total = 0
    for n in g.node:
        if n.op_type == "Expand" and n.input[0] in consts:
            v = consts[n.input[0]]
            if v.dtype == np.float32 and not v.any():
                total += v.size
    return total


def export_rnn(name, spec, path):
    torch.manual_seed(0)
    model = Classifier(*spec[:7]).eval()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, spec[7](), tmp, opset_version=14,
                          do_constant_folding=True,
                          training=torch.onnx.TrainingMode.EVAL,
                          input_names=["input"], output_names=["logits"])
    os.replace(tmp, path)


def dq_rewrite(src, dst):
    """src's LSTM nodes as DynamicQuantizeLSTM, the way onnxruntime's
    quantize_dynamic writes them (weights transposed, int8 per direction)."""
    import onnx
    from onnx import helper as h, numpy_helper as nh
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    for k, n in enumerate(list(g.node)):
        if n.op_type != "LSTM":
            continue
        ins = list(n.input) + [""] * (8 - len(n.input))
        qnames = []
        for j, tag in ((1, "W"), (2, "R")):
            w = nh.to_array(inits[ins[j]]).transpose(0, 2, 1)
            scale = (np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127).astype(np.float32)
            q = np.clip(np.round(w / scale[:, None, None]), -127, 127).astype(np.int8)
            base = f"{n.name or k}_{tag}"
            g.initializer.extend([nh.from_array(q, base + "_q"),
                                  nh.from_array(scale, base + "_scale"),
                                  nh.from_array(np.zeros(w.shape[0], np.int8), base + "_zp")])
            ins[j] = base + "_q"
            qnames += [base + "_scale", base + "_zp"]
        attrs = {a.name: h.get_attribute_value(a) for a in n.attribute if a.name != "layout"}
        dq = h.make_node("DynamicQuantizeLSTM", ins + qnames, list(n.output), name=n.name,
                         domain="com.microsoft", **attrs)
        g.node.remove(n)
        g.node.insert(k, dq)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    m.opset_import.append(h.make_opsetid("com.microsoft", 1))
    onnx.save(m, dst + ".tmp")
    os.replace(dst + ".tmp", dst)


def check_lstm_dq(ck, priori, models):
    name, spec = "lstm_dq", RNN_MODELS["lstm_classifier"]
    src, path = os.path.join(models, "lstm_classifier.onnx"), os.path.join(models, name + ".onnx")
    if not os.path.exists(src):
        export_rnn("lstm_classifier", spec, src)
    if not os.path.exists(path):
        dq_rewrite(src, path)
    example = spec[7]()
    macs, rnn_layers, state_consts = rnn_expected(spec, example)
    torch.manual_seed(0)
    params = sum(p.numel() for p in Classifier(*spec[:7]).parameters()) + state_consts
    batch, seq, width, hidden, dirs = example.shape[0], example.shape[1], spec[3], spec[4], 2
    for layer, L in enumerate(rnn_layers):
        insize = width if layer == 0 else dirs * hidden
        quant = dirs * (8 * seq * batch * (insize + hidden) + 7 * (seq + 1)
                        + 2 * seq * batch * 4 * hidden)
        L["flops"] += quant + dirs * 4 * hidden * (insize + hidden)
    r = run_priori(ck, priori, name, path)
    if r is None:
        return
    tot = r.get("totals", {})
    ck.check(tot.get("macs") == macs, f"{name}: totals.macs expected {macs:,}, got {tot.get('macs')!r}")
    ck.check(tot.get("params") == params,
             f"{name}: totals.params expected {params:,}, got {tot.get('params')!r}")
    got = [{"macs": L.get("macs"), "flops": L.get("flops")}
           for L in r.get("layers", []) if L.get("op_type") == "DynamicQuantizeLSTM"]
    ck.check(got == rnn_layers,
             f"{name}: DynamicQuantizeLSTM layers' MACs and FLOPs expected {rnn_layers}, got {got}")


# ---- qdq_mix: hyper-parameters and the graph ----
Q = dict(n=1, cin=3, hw=16, cout=8, k=3,      # QLinearConv, pads 1
         rows=8, mm_k=256, mm_n=40,           # QLinearMatMul 8x256 @ 256x40
         nb_n=16, nb_bits=4, nb_block=16)     # MatMulNBits K = mm_n = 40


def qdq_expected():
    q = Q
    conv_out = q["n"] * q["cout"] * q["hw"] * q["hw"]
    conv_macs = conv_out * q["cin"] * q["k"] * q["k"]
    mm_macs = q["rows"] * q["mm_n"] * q["mm_k"]
    nb_k = q["mm_n"]
    nb_macs = q["rows"] * q["nb_n"] * nb_k
    blocks = -(-nb_k // q["nb_block"])
    blob = q["nb_block"] * q["nb_bits"] // 8
    w_conv = q["cout"] * q["cin"] * q["k"] * q["k"]
    w_mm = q["mm_k"] * q["mm_n"]
    params = (w_conv + q["cout"]          # int8 weights + int32 bias
              + q["cout"]                 # QLinearAdd's uint8 constant
              + w_mm                      # QLinearMatMul's int8 weights
              + q["nb_n"] * nb_k          # MatMulNBits: N*K logical weights
              + q["nb_n"])                # its float bias
    wbytes = (w_conv * 1 + q["cout"] * 4 + q["cout"] * 1 + w_mm * 1
              + q["nb_n"] * blocks * blob + q["nb_n"] * 4)
    return {"macs": conv_macs + mm_macs + nb_macs, "params": params,
            "weight_bytes": wbytes,
            "layers": {"QLinearConv": conv_macs, "QLinearMatMul": mm_macs,
                       "MatMulNBits": nb_macs},
            "nbits_b_bytes": q["nb_n"] * blocks * blob}


def build_qdq(path):
    import onnx
    from onnx import TensorProto as T, helper as h, numpy_helper as nh
    q = Q
    rng = np.random.default_rng(0)
    inits = []

    def init(name, arr):
        inits.append(nh.from_array(np.asarray(arr), name))
        return name

    def scalar(name, v, dt):
        return init(name, np.array(v, dtype=dt))

    s, z = scalar("s", 0.05, np.float32), scalar("z", 128, np.uint8)
    nb_k = q["mm_n"]
    blocks = -(-nb_k // q["nb_block"])
    blob = q["nb_block"] * q["nb_bits"] // 8
    init("w_conv", rng.integers(-127, 127, (q["cout"], q["cin"], q["k"], q["k"]), dtype=np.int8))
    init("w_scale", np.full(q["cout"], 0.01, np.float32))
    init("w_zp", np.zeros(q["cout"], np.int8))
    init("b_conv", rng.integers(-100, 100, q["cout"], dtype=np.int32))
    init("c_add", rng.integers(0, 255, (1, q["cout"], 1, 1), dtype=np.uint8))
    init("shape", np.array([q["rows"], q["mm_k"]], np.int64))
    init("w_mm", rng.integers(-127, 127, (q["mm_k"], q["mm_n"]), dtype=np.int8))
    init("mm_zp", np.array(0, np.int8))
    init("nb_b", rng.integers(0, 255, (q["nb_n"], blocks, blob), dtype=np.uint8))
    init("nb_scales", np.full(q["nb_n"] * blocks, 0.02, np.float32))
    init("nb_bias", np.zeros(q["nb_n"], np.float32))
    nodes = [
        h.make_node("QuantizeLinear", ["x", s, z], ["xq"]),
        h.make_node("QLinearConv", ["xq", s, z, "w_conv", "w_scale", "w_zp", s, z,
                                    "b_conv"], ["conv"], pads=[1, 1, 1, 1]),
        h.make_node("QLinearAdd", ["conv", s, z, "c_add", s, z, s, z], ["add"],
                    domain="com.microsoft"),
        h.make_node("QLinearMul", ["add", s, z, "add", s, z, s, z], ["mul"],
                    domain="com.microsoft"),
        h.make_node("Reshape", ["mul", "shape"], ["flat"]),
        h.make_node("QLinearMatMul", ["flat", s, z, "w_mm", s, "mm_zp", s, z], ["mm"]),
        h.make_node("DequantizeLinear", ["mm", s, z], ["deq"]),
        h.make_node("MatMulNBits", ["deq", "nb_b", "nb_scales", "", "", "nb_bias"], ["y"],
                    domain="com.microsoft", K=nb_k, N=q["nb_n"], bits=q["nb_bits"],
                    block_size=q["nb_block"]),
    ]
    graph = h.make_graph(
        nodes, "qdq_mix",
        [h.make_tensor_value_info("x", T.FLOAT, [q["n"], q["cin"], q["hw"], q["hw"]])],
        [h.make_tensor_value_info("y", T.FLOAT, [q["rows"], q["nb_n"]])], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 13),
                                               h.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path + ".tmp")
    os.replace(path + ".tmp", path)


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


def run_priori(ck, priori, name, path):
    try:
        p = subprocess.run([priori, "analyze", path, "--format", "json"],
                           capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        ck.check(False, f"{name}: priori finished within 120 s")
        return None
    err = p.stderr.decode("utf-8", "replace").strip()
    if not ck.check(p.returncode == 0,
                    f"{name}: priori exit 0 (got {p.returncode}: {err[-300:]!r})"):
        return None
    try:
        r = json.loads(p.stdout)
    except ValueError as e:
        ck.check(False, f"{name}: priori's stdout is JSON ({e})")
        return None
    bad = [(L.get("name"), L.get("op_type"), L.get("status"))
           for L in r.get("layers", []) if L.get("status") != "ok"]
    ck.check(not bad, f"{name}: every layer has status ok ({len(bad)} not: {bad[:5]})")
    ck.check(not r.get("unsupported"),
             f"{name}: no unsupported operator (got {r.get('unsupported')})")
    return r


def check_rnn(ck, priori, name, spec, path):
    if not os.path.exists(path):
        print(f"exporting {name} to {os.path.relpath(path, ROOT)} ...", flush=True)
        export_rnn(name, spec, path)
    torch.manual_seed(0)
    model = Classifier(*spec[:7])
    macs, rnn_layers, state_consts = rnn_expected(spec, spec[7]())
    params = sum(p.numel() for p in model.parameters()) + state_consts
    got_consts = zero_state_constants(path)
    ck.check(got_consts == state_consts,
             f"{name}: the export's zero initial states hold {state_consts} "
             f"elements as predicted (found {got_consts})")
    r = run_priori(ck, priori, name, path)
    if r is None:
        return
    tot = r.get("totals", {})
    ck.check(tot.get("macs") == macs,
             f"{name}: totals.macs expected {macs:,}, got {tot.get('macs')!r}")
    ck.check(tot.get("params") == params,
             f"{name}: totals.params expected {params:,} (modules "
             f"{params - state_consts:,} + zero states {state_consts}), "
             f"got {tot.get('params')!r}")
    op = "LSTM" if spec[0] is nn.LSTM else "GRU"
    got = [{"macs": L.get("macs"), "flops": L.get("flops")}
           for L in r.get("layers", []) if L.get("op_type") == op]
    ck.check(got == rnn_layers,
             f"{name}: {op} layers' MACs and FLOPs expected {rnn_layers}, got {got}")
    if ck.verbose:
        print(f"     {name}: macs {macs:,} params {params:,}")


def check_qdq(ck, priori, path):
    name = "qdq_mix"
    if not os.path.exists(path):
        build_qdq(path)
    exp = qdq_expected()
    r = run_priori(ck, priori, name, path)
    if r is None:
        return
    tot = r.get("totals", {})
    for key in ("macs", "params", "weight_bytes"):
        ck.check(tot.get(key) == exp[key],
                 f"{name}: totals.{key} expected {exp[key]:,}, got {tot.get(key)!r}")
    layers = {L.get("op_type"): L for L in r.get("layers", [])}
    for op, m in exp["layers"].items():
        got = layers.get(op, {}).get("macs")
        ck.check(got == m, f"{name}: {op} MACs expected {m:,}, got {got!r}")
    nb = layers.get("MatMulNBits", {})
    want = Q["nb_n"] * Q["mm_n"] + Q["nb_n"]
    ck.check(nb.get("params") == want,
             f"{name}: MatMulNBits params expected N*K + N = {want}, got {nb.get('params')!r}")
    outs = {o["name"]: o for L in r.get("layers", []) for o in L.get("outputs", [])}
    types = {k: outs.get(k, {}).get("dtype") for k in ("xq", "conv", "mm", "deq", "y")}
    ck.check(types == {"xq": "uint8", "conv": "uint8", "mm": "uint8", "deq": "float32",
                       "y": "float32"}, f"{name}: output element types, got {types}")


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
    for name, spec in RNN_MODELS.items():
        if not args.names or name in args.names:
            check_rnn(ck, priori, name, spec, os.path.join(args.models, name + ".onnx"))
    if not args.names or "lstm_dq" in args.names:
        check_lstm_dq(ck, priori, args.models)
    if not args.names or "qdq_mix" in args.names:
        check_qdq(ck, priori, os.path.join(args.models, "qdq_mix.onnx"))
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
