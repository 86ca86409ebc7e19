"""make_generation.py -- ONNX Runtime generation graphs for tests/real_generation.py:
a com.microsoft BeamSearch, GreedySearch or Sampling node over a GPT-2 style
decoder written with onnx.helper in ONNX Runtime's subgraph contract
(contrib_ops/cpu/transformers/subgraph_gpt.cc): inputs input_ids,
position_ids (int32, N x S), attention_mask (int32, N x T), past_0 ..
past_{L-1} (2 x N x H x past x D); outputs logits (N x S x V), present_0
.. (2 x N x H x T x D); T = past + S. Weights are random (onnxruntime runs
the graphs; priori never reads them).

Each layer: QKV = h W_qkv (d x 3d), heads split, the past keys and values
concatenated before the new ones, softmax(Q K^T) V, out projection W_o
(d x d), residual add; then logits = h W_lm (d x V). MACs of one decoder
run with S new tokens and T attended positions, N sequences:
    N * S * (L * (4 d^2 + 2 T d) + d V)          (H * D = d)
"""
import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper

D_MODEL, HEADS, HEAD, VOCAB, LAYERS, POSITIONS = 16, 2, 8, 23, 2, 128


def run_macs(n, s, t, d=D_MODEL, layers=LAYERS, vocab=VOCAB):
    """MACs of one decoder run (the closed form above)."""
    return n * s * (layers * (4 * d * d + 2 * t * d) + d * vocab)


def _w(name, shape, rng):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.1, name)


def _embedding(rng):
    """The part every decoder here shares: token and position embeddings
    (h0), the LM head's weight, and the three inputs and logits output of
    ONNX Runtime's contract. Returns (inits, nodes, inputs, outputs)."""
    d = D_MODEL
    inits = [_w("wte", [VOCAB, d], rng), _w("wpe", [POSITIONS, d], rng), _w("w_lm", [d, VOCAB], rng)]
    nodes = [h.make_node("Gather", ["wte", "input_ids"], ["tok"]),
             h.make_node("Gather", ["wpe", "position_ids"], ["pos"]),
             h.make_node("Add", ["tok", "pos"], ["h0"])]
    inputs = [h.make_tensor_value_info("input_ids", T.INT32, ["batch", "seq"]),
              h.make_tensor_value_info("position_ids", T.INT32, ["batch", "seq"]),
              h.make_tensor_value_info("attention_mask", T.INT32, ["batch", "total"])]
    outputs = [h.make_tensor_value_info("logits", T.FLOAT, ["batch", "seq", VOCAB])]
    return inits, nodes, inputs, outputs


def decoder(shared=False):
    """The decoder subgraph; shared: past_present_share_buffer inputs (past_i
    with the buffer's rows, then past_sequence_length) -- only for priori:
    its attention is then written as for an unshared cache."""
    rng = np.random.default_rng(7)
    d = D_MODEL
    inits, nodes, inputs, outputs = _embedding(rng)
    inits += [numpy_helper.from_array(np.array([0, 0, HEADS, HEAD], np.int64), "heads_shape"),
              numpy_helper.from_array(np.array([0, 0, d], np.int64), "model_shape"),
              numpy_helper.from_array(np.array([d, d, d], np.int64), "qkv_split"),
              numpy_helper.from_array(np.array(0, np.int64), "zero"),
              numpy_helper.from_array(np.array(1, np.int64), "one"),
              numpy_helper.from_array(np.array([0], np.int64), "axis0")]
    x = "h0"
    for l in range(LAYERS):
        p = "l%d_" % l
        inits += [_w(p + "w_qkv", [d, 3 * d], rng), _w(p + "w_o", [d, d], rng)]
        inputs.append(h.make_tensor_value_info("past_%d" % l, T.FLOAT,
                                               [2, "batch", HEADS, "max_len" if shared else "past", HEAD]))
        outputs.append(h.make_tensor_value_info("present_%d" % l, T.FLOAT,
                                                [2, "batch", HEADS, "max_len" if shared else "total", HEAD]))
        nodes += [
            h.make_node("MatMul", [x, p + "w_qkv"], [p + "qkv"]),
            h.make_node("Split", [p + "qkv", "qkv_split"], [p + "q", p + "k", p + "v"], axis=2),
        ]
        for t in "qkv":
            nodes += [h.make_node("Reshape", [p + t, "heads_shape"], [p + t + "4"]),
                      h.make_node("Transpose", [p + t + "4"], [p + t + "h"], perm=[0, 2, 1, 3])]
        nodes += [
            h.make_node("Gather", ["past_%d" % l, "zero"], [p + "pk"], axis=0),
            h.make_node("Gather", ["past_%d" % l, "one"], [p + "pv"], axis=0),
            h.make_node("Concat", [p + "pk", p + "kh"], [p + "K"], axis=2),
            h.make_node("Concat", [p + "pv", p + "vh"], [p + "V"], axis=2),
            h.make_node("Unsqueeze", [p + "K", "axis0"], [p + "K5"]),
            h.make_node("Unsqueeze", [p + "V", "axis0"], [p + "V5"]),
            h.make_node("Concat", [p + "K5", p + "V5"], ["present_%d" % l], axis=0),
            h.make_node("Transpose", [p + "K"], [p + "Kt"], perm=[0, 1, 3, 2]),
            h.make_node("MatMul", [p + "qh", p + "Kt"], [p + "scores"]),
            h.make_node("Softmax", [p + "scores"], [p + "probs"], axis=-1),
            h.make_node("MatMul", [p + "probs", p + "V"], [p + "ctx"]),
            h.make_node("Transpose", [p + "ctx"], [p + "ctx_t"], perm=[0, 2, 1, 3]),
            h.make_node("Reshape", [p + "ctx_t", "model_shape"], [p + "ctx_m"]),
            h.make_node("MatMul", [p + "ctx_m", p + "w_o"], [p + "proj"]),
            h.make_node("Add", [x, p + "proj"], [p + "out"]),
        ]
        x = p + "out"
    nodes.append(h.make_node("MatMul", [x, "w_lm"], ["logits"]))
    if shared:
        inputs.append(h.make_tensor_value_info("past_sequence_length", T.INT32, [1]))
    return h.make_graph(nodes, "decoder", inputs, outputs, inits)


def decoder_dmsa():
    """The decoder with a shared KV buffer as ONNX Runtime's converter
    writes it for decoding (one token a run): each layer's attention one
    com.microsoft DecoderMaskedSelfAttention (packed QKV weights and bias,
    past_i of the buffer's rows, past_sequence_length), then W_o; MACs as
    run_macs() with T = past + S (its input projection is the QKV MatMul)."""
    rng = np.random.default_rng(11)
    d = D_MODEL
    inits, nodes, inputs, outputs = _embedding(rng)
    x = "h0"
    for l in range(LAYERS):
        p = "l%d_" % l
        inits += [_w(p + "w_qkv", [d, 3 * d], rng), _w(p + "b_qkv", [3 * d], rng), _w(p + "w_o", [d, d], rng)]
        inputs.append(h.make_tensor_value_info("past_%d" % l, T.FLOAT, [2, "batch", HEADS, "max_len", HEAD]))
        outputs.append(h.make_tensor_value_info("present_%d" % l, T.FLOAT, [2, "batch", HEADS, "max_len", HEAD]))
        nodes += [
            h.make_node("DecoderMaskedSelfAttention",
                        [x, p + "w_qkv", p + "b_qkv", "", "past_%d" % l, "", "past_sequence_length"],
                        [p + "ctx", "present_%d" % l], domain="com.microsoft", num_heads=HEADS,
                        past_present_share_buffer=1),
            h.make_node("MatMul", [p + "ctx", p + "w_o"], [p + "proj"]),
            h.make_node("Add", [x, p + "proj"], [p + "out"]),
        ]
        x = p + "out"
    nodes.append(h.make_node("MatMul", [x, "w_lm"], ["logits"]))
    inputs.append(h.make_tensor_value_info("past_sequence_length", T.INT32, [1]))
    return h.make_graph(nodes, "decoder", inputs, outputs, inits)


def generation(op, batch=2, prompt=5, max_length=None, num_beams=None, returns=None, shared=False,
               model_type=None, init_decoder=False):
    """A model of one generation node. max_length, num_beams, returns: int
    constants (initializers), or None: graph inputs (bound with --value)."""
    scalars = {"max_length": max_length, "min_length": 1, "num_beams": num_beams,
               "num_return_sequences": returns}
    names = {"BeamSearch": ["input_ids", "max_length", "min_length", "num_beams", "num_return_sequences",
                            "length_penalty", "repetition_penalty"],
             "GreedySearch": ["input_ids", "max_length", "min_length", "repetition_penalty"],
             "Sampling": ["input_ids", "max_length", "min_length", "repetition_penalty"]}[op]
    inputs = [h.make_tensor_value_info("input_ids", T.INT32, [batch, prompt])]
    inits = []
    for n in names[1:]:
        if n in ("length_penalty", "repetition_penalty"):
            inits.append(numpy_helper.from_array(np.array([1.0], np.float32), n))
        elif scalars.get(n) is None:
            inputs.append(h.make_tensor_value_info(n, T.INT32, [1]))
        else:
            inits.append(numpy_helper.from_array(np.array([scalars[n]], np.int32), n))
    attrs = {"decoder": decoder(shared), "eos_token_id": VOCAB - 1, "pad_token_id": 0}
    if model_type is not None:
        attrs["model_type"] = model_type
    if init_decoder:
        attrs["init_decoder"] = decoder(shared)
    if op == "BeamSearch":
        attrs["early_stopping"] = 0
        outs = [h.make_tensor_value_info("sequences", T.INT32, None),
                h.make_tensor_value_info("sequences_scores", T.FLOAT, None)]
    else:
        outs = [h.make_tensor_value_info("sequences", T.INT32, None)]
    node = h.make_node(op, names, [o.name for o in outs], domain="com.microsoft", name="generate", **attrs)
    g = h.make_graph([node], "generation", inputs, outs, inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m


# ---- a GPT-2 decoder in torch, exported by torch.onnx.export in ONNX Runtime's contract ----
TORCH = {"L": 2, "d": 32, "H": 4, "D": 8, "d_ff": 96, "V": 50, "max_pos": 256}


def torch_run_macs(n, s, t, c=TORCH):
    """MACs of one run of torch_decoder(): per layer Q, K, V and the output
    projection (4 d^2), the MLP (2 d d_ff), the attention products (2 T d);
    the LM head d V."""
    d = c["d"]
    return n * s * (c["L"] * (4 * d * d + 2 * d * c["d_ff"] + 2 * t * d) + d * c["V"])


def torch_decoder(path):
    """Exports a GPT-2 style decoder (torch, random weights) whose inputs and
    outputs are ONNX Runtime's GPT-2 subgraph contract, to path."""
    import math
    import torch

    c = TORCH

    class Layer(torch.nn.Module):
        def __init__(self):
            super().__init__()
            d = c["d"]
            self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
            self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
            self.fc, self.out = torch.nn.Linear(d, c["d_ff"]), torch.nn.Linear(c["d_ff"], d)

        def forward(self, x, past, bias):
            b, s = x.shape[0], x.shape[1]
            q, k, v = self.qkv(self.ln1(x)).split(c["d"], dim=2)
            q, k, v = (y.view(b, s, c["H"], c["D"]).transpose(1, 2) for y in (q, k, v))
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
            att = (q @ k.transpose(2, 3) / math.sqrt(c["D"]) + bias).softmax(-1)
            x = x + self.proj((att @ v).transpose(1, 2).reshape(b, s, c["d"]))
            x = x + self.out(torch.nn.functional.gelu(self.fc(self.ln2(x))))
            return x, torch.stack([k, v])

    class Gpt(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = torch.nn.Embedding(c["V"], c["d"]), torch.nn.Embedding(c["max_pos"], c["d"])
            self.layers = torch.nn.ModuleList([Layer() for _ in range(c["L"])])
            self.ln = torch.nn.LayerNorm(c["d"])
            self.head = torch.nn.Linear(c["d"], c["V"], bias=False)

        def forward(self, input_ids, position_ids, attention_mask, *pasts):
            x = self.wte(input_ids.long()) + self.wpe(position_ids.long())
            bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0   # padding mask, N x 1 x 1 x T
            presents = []
            for layer, past in zip(self.layers, pasts):
                x, present = layer(x, past, bias)
                presents.append(present)
            return (self.head(self.ln(x)), *presents)

    torch.manual_seed(0)
    n, s, p = 2, 3, 4
    ids = torch.randint(0, c["V"], (n, s), dtype=torch.int32)
    pos = torch.arange(p, p + s, dtype=torch.int32).repeat(n, 1)
    mask = torch.ones(n, p + s, dtype=torch.int32)
    pasts = [torch.randn(2, n, c["H"], p, c["D"]) for _ in range(c["L"])]
    names = ["past_%d" % i for i in range(c["L"])]
    outs = ["present_%d" % i for i in range(c["L"])]
    axes = {"input_ids": {0: "batch", 1: "seq"}, "position_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "total"}, "logits": {0: "batch", 1: "seq"}}
    axes.update({x: {1: "batch", 3: "past"} for x in names})
    axes.update({x: {1: "batch", 3: "total"} for x in outs})
    with torch.no_grad():
        torch.onnx.export(Gpt().eval(), (ids, pos, mask, *pasts), path, opset_version=17, dynamic_axes=axes,
                          input_names=["input_ids", "position_ids", "attention_mask"] + names,
                          output_names=["logits"] + outs)


def with_decoder(model, graph):
    """model (of generation()) with its node's decoder replaced by graph."""
    for a in model.graph.node[0].attribute:
        if a.name == "decoder":
            a.g.CopyFrom(graph)
            a.g.name = "decoder"
    return model


# ---- a T5/BART style encoder and decoder (model_type 1), ONNX Runtime's T5 contract ----
# (contrib_ops/cpu/transformers/subgraph_t5_encoder.cc, subgraph_t5_decoder.cc). The
# encoder: embedding, one d x d layer, then per decoder layer the cross keys and values
# (two d x d projections): per input token d^2 (1 + 2 L) MACs. The old format also runs
# the first decoding step on decoder_input_ids (B x 1, self past 0). One decoding step
# per sequence, T self keys (past + 1), S encoder tokens: per layer Q, K, V, the self
# output projection, the cross query and output projections (6 d^2), the self products
# (2 T d) and the cross ones (2 S d); then the LM head (d V).


def t5_encoder_macs(b, s, d=D_MODEL, layers=LAYERS):
    return b * s * d * d * (1 + 2 * layers)


def t5_step_macs(n, t, s, d=D_MODEL, layers=LAYERS, vocab=VOCAB):
    return n * (layers * (6 * d * d + 2 * t * d + 2 * s * d) + d * vocab)


def t5_request_macs(b, s, k, m, old=False, shared=False):
    """The encoder once on B sequences, then decoding steps on N = B K at self past
    0 (old format: 1, the encoder ran step 0 on B) .. M - 2; with a shared buffer each
    step attends the buffer's M rows plus its new token."""
    n, first = b * k, 1 if old else 0
    total = t5_encoder_macs(b, s) + (t5_step_macs(b, 1, s) if old else 0)
    return total + sum(t5_step_macs(n, m + 1 if shared else past + 1, s) for past in range(first, m - 1))


# Whisper (model_type 2, ONNX Runtime's subgraph_whisper_encoder.cc and _decoder.cc): the
# encoder takes input features B x MELS x FRAMES (a projection to d per frame: S = FRAMES
# cross keys) and decoder_input_ids B x P0, whose P0 tokens it decodes itself (each
# attending the P0 of them); the decoder, without encoder_attention_mask, runs at self
# past P0 .. M - 2.
MELS, FRAMES = 10, 12


def whisper_request_macs(b, p0, k, m, shared=False, d=D_MODEL, layers=LAYERS):
    encoder = b * FRAMES * d * (MELS + 2 * layers * d) + t5_step_macs(b * p0, p0, FRAMES)
    return encoder + sum(t5_step_macs(b * k, m + 1 if shared else past + 1, FRAMES) for past in range(p0, m - 1))


def _t5_heads(x, out, nodes):
    nodes += [h.make_node("Reshape", [x, "heads_shape"], [out + "4"]),
              h.make_node("Transpose", [out + "4"], [out], perm=[0, 2, 1, 3])]


def _t5_attend(p, q, k, v, nodes):
    """softmax(q k^T) v with the heads merged back: q N x H x 1 x D, k and v N x H x T x D."""
    nodes += [h.make_node("Transpose", [k], [p + "kt"], perm=[0, 1, 3, 2]),
              h.make_node("MatMul", [q, p + "kt"], [p + "sc"]),
              h.make_node("Softmax", [p + "sc"], [p + "pr"], axis=-1),
              h.make_node("MatMul", [p + "pr", v], [p + "cx"]),
              h.make_node("Transpose", [p + "cx"], [p + "cxt"], perm=[0, 2, 1, 3]),
              h.make_node("Reshape", [p + "cxt", "model_shape"], [p + "ctx"])]


def _t5_shapes():
    return [numpy_helper.from_array(np.array([0, 0, HEADS, HEAD], np.int64), "heads_shape"),
            numpy_helper.from_array(np.array([0, 0, D_MODEL], np.int64), "model_shape")]


def _cache(name, length):
    return h.make_tensor_value_info(name, T.FLOAT, ["batch", HEADS, length, HEAD])


def _t5_step(rng, ids, cross, tag, past, inits, nodes, outputs, seq=1):
    """One decoding step on ids: self attention over the past (past: the past inputs'
    names are past_{key,value}_self_l; else none) and the new token, cross attention
    over cross[l] = (keys, values); outputs logits and the self presents."""
    d = D_MODEL
    inits += [_w(tag + "wte", [VOCAB, d], rng), _w(tag + "w_lm", [d, VOCAB], rng)]
    nodes.append(h.make_node("Gather", [tag + "wte", ids], [tag + "x"]))
    x = tag + "x"
    outputs.append(h.make_tensor_value_info("logits", T.FLOAT, ["batch", seq, VOCAB]))
    presents = []
    for l in range(LAYERS):
        p = "%sl%d_" % (tag, l)
        inits += [_w(p + w, [d, d], rng) for w in ("wq", "wk", "wv", "wo", "cq", "co")]
        for t in "qkv":
            nodes.append(h.make_node("MatMul", [x, p + "w" + t], [p + t]))
            _t5_heads(p + t, p + t + "h", nodes)
        for kv in ("key", "value"):
            name, new = "present_%s_self_%d" % (kv, l), p + kv[0] + "h"
            nodes.append(h.make_node("Concat", ["past_%s_self_%d" % (kv, l), new], [name], axis=2) if past
                         else h.make_node("Identity", [new], [name]))
            presents.append(_cache(name, "total"))
        _t5_attend(p + "s", p + "qh", "present_key_self_%d" % l, "present_value_self_%d" % l, nodes)
        nodes += [h.make_node("MatMul", [p + "sctx", p + "wo"], [p + "so"]),
                  h.make_node("Add", [x, p + "so"], [p + "x1"]),
                  h.make_node("MatMul", [p + "x1", p + "cq"], [p + "q2"])]
        _t5_heads(p + "q2", p + "q2h", nodes)
        _t5_attend(p + "c", p + "q2h", cross[l][0], cross[l][1], nodes)
        nodes += [h.make_node("MatMul", [p + "cctx", p + "co"], [p + "coo"]),
                  h.make_node("Add", [p + "x1", p + "coo"], [p + "x2"])]
        x = p + "x2"
    nodes.append(h.make_node("MatMul", [x, tag + "w_lm"], ["logits"]))
    outputs += presents


def t5_encoder(old=False, whisper=False):
    """The encoder subgraph; old: the old format (decoder_input_ids in, logits,
    encoder_hidden_states and the self presents out before the cross ones); whisper:
    Whisper's (input features projected per frame, decoder_input_ids B x P0)."""
    rng = np.random.default_rng(3)
    d = D_MODEL
    if whisper:
        inits = _t5_shapes() + [_w("wf", [MELS, d], rng)]
        nodes = [h.make_node("Transpose", ["encoder_input_ids"], ["ft"], perm=[0, 2, 1]),
                 h.make_node("MatMul", ["ft", "wf"], ["e1"])]
        inputs = [h.make_tensor_value_info("encoder_input_ids", T.FLOAT, ["batch", MELS, FRAMES])]
    else:
        inits = _t5_shapes() + [_w("ewte", [VOCAB, d], rng), _w("we", [d, d], rng)]
        nodes = [h.make_node("Gather", ["ewte", "encoder_input_ids"], ["e0"]),
                 h.make_node("MatMul", ["e0", "we"], ["e1"])]
        inputs = [h.make_tensor_value_info("encoder_input_ids", T.INT32, ["batch", "enc"]),
                  h.make_tensor_value_info("encoder_attention_mask", T.INT32, ["batch", "enc"])]
    cross, outputs = [], []
    for l in range(LAYERS):
        kv = []
        for w in ("key", "value"):
            name = "present_%s_cross_%d" % (w, l)
            inits.append(_w("c%d_%s" % (l, w), [d, d], rng))
            nodes.append(h.make_node("MatMul", ["e1", "c%d_%s" % (l, w)], [name + "_m"]))
            _t5_heads(name + "_m", name, nodes)
            outputs.append(_cache(name, "enc"))
            kv.append(name)
        cross.append(kv)
    if old or whisper:
        inputs.append(h.make_tensor_value_info("decoder_input_ids", T.INT32, ["batch", "init" if whisper else 1]))
        step = []
        _t5_step(rng, "decoder_input_ids", cross, "s_", False, inits, nodes, step, "init" if whisper else 1)
        nodes.append(h.make_node("Identity", ["e1"], ["encoder_hidden_states"]))
        outputs = step[:1] + [h.make_tensor_value_info("encoder_hidden_states", T.FLOAT, ["batch", "enc", d])] + \
            step[1:] + outputs
    return h.make_graph(nodes, "encoder", inputs, outputs, inits)


def t5_decoder(hidden=False, shared=0, sequence_ids=False, whisper=False):
    """The decoder subgraph; hidden: takes encoder_hidden_states (unused here, as when
    the cross keys come from the encoder); shared: past_present_share_buffer inputs
    (1: past_seq_len; 3: also num_beams and cache_indirection), the self pasts then
    declared with the buffer's rows (for priori only: the attention is written as for an
    unshared cache); sequence_ids: input_ids declared N x seq (ONNX Runtime's
    use_sequence_as_input_ids); whisper: without encoder_attention_mask."""
    rng = np.random.default_rng(5)
    inputs = [h.make_tensor_value_info("input_ids", T.INT32, ["batch", "seq" if sequence_ids else 1])]
    if not whisper:
        inputs.append(h.make_tensor_value_info("encoder_attention_mask", T.INT32, ["batch", "enc"]))
    if hidden:
        inputs.append(h.make_tensor_value_info("encoder_hidden_states", T.FLOAT, ["batch", "enc", D_MODEL]))
    for kind, length in (("self", "max_len" if shared else "past"), ("cross", "enc")):
        inputs += [_cache("past_%s_%s_%d" % (kv, kind, l), length) for l in range(LAYERS) for kv in ("key", "value")]
    if shared:
        inputs.append(h.make_tensor_value_info("past_seq_len", T.INT32, [1]))
    if shared == 3:
        inputs += [h.make_tensor_value_info("num_beams", T.INT32, [1]),
                   h.make_tensor_value_info("cache_indirection", T.INT32, ["batch", "beams", "max_len"])]
    inits, nodes, outputs = _t5_shapes(), [], []
    cross = [("past_key_cross_%d" % l, "past_value_cross_%d" % l) for l in range(LAYERS)]
    _t5_step(rng, "input_ids", cross, "d_", True, inits, nodes, outputs)
    return h.make_graph(nodes, "decoder", inputs, outputs, inits)


def t5_generation(batch=2, enc=6, max_length=7, num_beams=3, returns=2, min_length=1, old=False, hidden=None,
                  decoder=None, op="BeamSearch", model_type=1):
    """A BeamSearch node over t5_encoder(old) and decoder (default t5_decoder(hidden),
    hidden defaulting to old); the scalars as in generation()."""
    names = ["input_ids", "max_length", "min_length", "num_beams", "num_return_sequences", "length_penalty",
             "repetition_penalty"]
    scalars = {"max_length": max_length, "min_length": min_length, "num_beams": num_beams,
               "num_return_sequences": returns}
    inputs = [h.make_tensor_value_info("input_ids", T.INT32, [batch, enc])]
    inits = []
    for n in names[1:]:
        if n in ("length_penalty", "repetition_penalty"):
            inits.append(numpy_helper.from_array(np.array([1.0], np.float32), n))
        elif scalars[n] is None:
            inputs.append(h.make_tensor_value_info(n, T.INT32, [1]))
        else:
            inits.append(numpy_helper.from_array(np.array([scalars[n]], np.int32), n))
    outs = [h.make_tensor_value_info("sequences", T.INT32, None),
            h.make_tensor_value_info("sequences_scores", T.FLOAT, None)]
    attrs = {"encoder": t5_encoder(old), "decoder": decoder or t5_decoder(old if hidden is None else hidden),
             "model_type": model_type, "decoder_start_token_id": 0, "eos_token_id": VOCAB - 1, "pad_token_id": 0,
             "early_stopping": 0}
    node = h.make_node(op, names, [o.name for o in outs], domain="com.microsoft", name="generate", **attrs)
    m = h.make_model(h.make_graph([node], "t5", inputs, outs, inits),
                     opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m


def whisper_generation(batch=2, init=3, max_length=8, num_beams=3, returns=2, op="WhisperBeamSearch", hidden=True,
                       decoder=None):
    """A Whisper generation node (WhisperBeamSearch, or BeamSearch with model_type 2) over
    t5_encoder(whisper=True) and decoder (default t5_decoder(hidden, whisper=True)); init:
    the length of decoder_input_ids (input 10), 0: none (ONNX Runtime starts from the
    decoder start token alone); min_length = max_length, so that a run in onnxruntime
    never stops early."""
    names = ["input_ids", "max_length", "min_length", "num_beams", "num_return_sequences", "length_penalty",
             "repetition_penalty"]
    inits = [numpy_helper.from_array(np.array([v], np.int32), n) for n, v in
             (("max_length", max_length), ("min_length", max_length), ("num_beams", num_beams),
              ("num_return_sequences", returns))]
    inits += [numpy_helper.from_array(np.array([1.0], np.float32), n) for n in ("length_penalty", "repetition_penalty")]
    inputs = [h.make_tensor_value_info("input_ids", T.FLOAT, [batch, MELS, FRAMES])]
    if init:
        names += ["", "", "", "decoder_input_ids"]
        inputs.append(h.make_tensor_value_info("decoder_input_ids", T.INT32, [batch, init]))
    outs = [h.make_tensor_value_info("sequences", T.INT32, None),
            h.make_tensor_value_info("sequences_scores", T.FLOAT, None)]
    node = h.make_node(op, names, [o.name for o in outs], domain="com.microsoft", name="generate",
                       encoder=t5_encoder(whisper=True), decoder=decoder or t5_decoder(hidden, whisper=True),
                       model_type=2, decoder_start_token_id=1, eos_token_id=VOCAB - 1, pad_token_id=0)
    m = h.make_model(h.make_graph([node], "whisper", inputs, outs, inits),
                     opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m
