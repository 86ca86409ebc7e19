#!/usr/bin/python3
"""real_generation.py -- priori on ONNX Runtime's generation operators
(com.microsoft BeamSearch, GreedySearch, Sampling) over the GPT-2 style
decoders of tests/llm/make_generation.py (written with onnx.helper, and
one exported by torch.onnx.export), against closed forms.

A node with prompt B x P, K beams (1 for GreedySearch and Sampling), N =
B x K and max_length M runs its decoder M - P times (ONNX Runtime's
beam_search_impl_gpt.h): once on the prompt (S = P new tokens, T = P
attended), then once per token at T = P + 1 .. M - 1 (S = 1). So
    MACs = run(N, P, P) + sum over T = P+1 .. M-1 of run(N, 1, T)
with run(N, S, T) = N * S * (L * (4 d^2 + 2 T d) + d V) (make_generation.py);
with a shared KV buffer (past_present_share_buffer) every run attends the
buffer's M rows plus its new tokens, T = M + S. Outputs (ONNX Runtime's
operator schema; onnxruntime-node gives the same shapes for these models):
BeamSearch sequences B x R x M and sequences_scores B x R, GreedySearch
and Sampling sequences B x M. Also: the decoder's rows carry the sum of
the runs; max_length, num_beams and num_return_sequences bound with
--value give the constants' counts; unbound, the prompt's run alone is
counted (lower bounds, warnings naming the flags); init_decoder runs the
first step. BeamSearch over a T5/BART style encoder and decoder
(model_type 1; make_generation.py's t5_*): the encoder once on the B
inputs, then one decoding step per token on N = B x K sequences at self
past 0 .. M - 2 (the old encoder format runs step 0 itself, on B), each
against its closed form (onnxruntime-node runs these models with the same
output shapes; its profiler lists the same subgraph runs); Whisper
(WhisperBeamSearch, BeamSearch model_type 2): the encoder decodes the P0
decoder_input_ids itself, then the decoder runs at past P0 .. M - 2; an
unknown model_type, GreedySearch over an encoder, a decoder fed the whole
sequence and the pair ONNX Runtime refuses are zero cost with the reason;
a max_length not beyond the prompt is an error naming the node; a long
generation (M = 4096) takes a handful of decoder runs (the decode runs'
counts are affine in T: summed exactly from their mean).
Prints one line per failure and "N passed, N failed" last.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "llm"))
from realkit import PRIORI, analyse, check, refused, summary  # noqa: E402
import make_generation as mg  # noqa: E402

B, P = 2, 5


def request_macs(n, p, m, shared=False):
    if shared:
        return mg.run_macs(n, p, m + p) + (m - p - 1) * mg.run_macs(n, 1, m + 1)
    return mg.run_macs(n, p, p) + sum(mg.run_macs(n, 1, t) for t in range(p + 1, m))


def decoder_params():
    return sum(onnx.numpy_helper.to_array(t).size for t in mg.decoder().initializer
               if t.data_type == onnx.TensorProto.FLOAT)


def t5_params(old, decoder=None):
    graphs = [mg.t5_encoder(old), decoder or mg.t5_decoder(old)]
    return sum(onnx.numpy_helper.to_array(t).size for g in graphs for t in g.initializer
               if t.data_type == onnx.TensorProto.FLOAT)


def without(model, attribute):
    """model with its node's attribute removed."""
    attrs = model.graph.node[0].attribute
    attrs.remove(next(a for a in attrs if a.name == attribute))
    return model


def outputs(rep):
    return {o["name"]: o.get("shape") for o in rep["layers"][0]["outputs"]}


def main():
    d = tempfile.mkdtemp(prefix="priori-generation-")
    path = lambda name: os.path.join(d, name + ".onnx")
    try:
        cases = {
            "beam": (mg.generation("BeamSearch", B, P, max_length=12, num_beams=3, returns=2), 3,
                     {"sequences": [B, 2, 12], "sequences_scores": [B, 2]}),
            "greedy": (mg.generation("GreedySearch", B, P, max_length=12), 1, {"sequences": [B, 12]}),
            "sampling": (mg.generation("Sampling", B, P, max_length=12), 1, {"sequences": [B, 12]}),
        }
        for name, (m, k, shapes) in cases.items():
            onnx.save(m, path(name))
            rep = analyse(name, path(name))
            if not rep:
                continue
            want = request_macs(B * k, P, 12)
            check(rep["totals"]["macs"] == want, "%s: MACs %d, closed form %d" % (name, rep["totals"]["macs"], want))
            check(outputs(rep) == shapes, "%s: outputs %s, want %s" % (name, outputs(rep), shapes))
            check(rep["warnings"] == [] and all(L["status"] == "ok" for L in rep["layers"]) and
                  rep["totals"]["complete"], "%s: complete, no warnings: %s" % (name, rep["warnings"]))
            check(rep["totals"]["params"] == decoder_params(), "%s: params %d = the decoder's %d"
                  % (name, rep["totals"]["params"], decoder_params()))
            # the decoder's rows carry every run (a row of unlike runs: their sum,
            # multiplier 1): its first MatMul (QKV) N*S*d*3d per run
            qkv = [L for L in rep["layers"] if L["op_type"] == "MatMul" and L["outputs"][0]["name"] == "l0_qkv"]
            n = B * k
            want_qkv = n * (P + (12 - P - 1)) * mg.D_MODEL * 3 * mg.D_MODEL
            check(len(qkv) == 1 and qkv[0]["macs"] * qkv[0]["multiplier"] == want_qkv,
                  "%s: the QKV row sums the runs: %s, want %d" % (name, qkv and qkv[0]["macs"], want_qkv))

        # a decoder exported by torch.onnx.export (Debian's torch) in ONNX Runtime's contract
        mg.torch_decoder(path("torch_decoder"))
        onnx.save(mg.with_decoder(mg.generation("BeamSearch", B, P, max_length=12, num_beams=3, returns=2),
                                  onnx.load(path("torch_decoder")).graph), path("torch_beam"))
        rep = analyse("torch decoder", path("torch_beam"))
        if rep:
            want = mg.torch_run_macs(B * 3, P, P) + sum(mg.torch_run_macs(B * 3, 1, t) for t in range(P + 1, 12))
            check(rep["totals"]["macs"] == want and rep["warnings"] == [] and rep["totals"]["complete"],
                  "torch decoder: MACs %d, closed form %d (%s)" % (rep["totals"]["macs"], want, rep["warnings"]))
            check(outputs(rep) == {"sequences": [B, 2, 12], "sequences_scores": [B, 2]},
                  "torch decoder: outputs %s" % outputs(rep))

        # the same node with its scalars as graph inputs, bound with --value (odd and even decode counts)
        onnx.save(mg.generation("BeamSearch", B, P), path("beam_inputs"))
        for m_len, k, r in ((11, 4, 4), (12, 3, 2), (6, 2, 1)):
            rep = analyse("beam --value M=%d" % m_len, path("beam_inputs"), "--value", "max_length=%d" % m_len,
                          "--value", "num_beams=%d" % k, "--value", "num_return_sequences=%d" % r)
            if rep:
                want = request_macs(B * k, P, m_len)
                check(rep["totals"]["macs"] == want and rep["warnings"] == [] and rep["totals"]["complete"],
                      "beam, --value max_length=%d num_beams=%d: MACs %d, closed form %d (%s)"
                      % (m_len, k, rep["totals"]["macs"], want, rep["warnings"]))
                check(outputs(rep) == {"sequences": [B, r, m_len], "sequences_scores": [B, r]},
                      "beam --value: outputs %s" % outputs(rep))
        # unbound: the prompt's run alone, one beam; lower bounds, each flag named
        rep = analyse("beam unbound", path("beam_inputs"))
        if rep:
            want = mg.run_macs(B, P, P)
            check(rep["totals"]["macs"] == want, "unbound: the prompt's run alone: %d, want %d"
                  % (rep["totals"]["macs"], want))
            w = " ".join(rep["warnings"])
            check("--value max_length=N" in w and "--dim generate.max_length=N" in w and "--value num_beams=K" in w
                  and "lower bounds" in w, "unbound: warnings name the flags: %s" % rep["warnings"])
            check(not rep["totals"]["complete"] and rep["layers"][0]["status"] == "cost_incomplete",
                  "unbound: the node and the totals are incomplete")

        # init_decoder runs the first step: the same counts here, and both graphs' weights
        onnx.save(mg.generation("BeamSearch", B, P, 12, 3, 2, init_decoder=True), path("init"))
        rep = analyse("init_decoder", path("init"))
        if rep:
            check(rep["totals"]["macs"] == request_macs(B * 3, P, 12) and
                  rep["totals"]["params"] == 2 * decoder_params(),
                  "init_decoder: MACs %d (want %d), params %d (want %d)" % (
                      rep["totals"]["macs"], request_macs(B * 3, P, 12), rep["totals"]["params"], 2 * decoder_params()))
            # the LM head of each graph: the decoder's runs alike (one run's MACs x 6), init_decoder's the prompt's
            head = {L["graph"]: (L["macs"], L["multiplier"]) for L in rep["layers"]
                    if L["op_type"] == "MatMul" and L["outputs"][0]["name"] == "logits"}
            lm = mg.D_MODEL * mg.VOCAB
            check(head == {"init_decoder": (B * 3 * P * lm, 1), "decoder": (B * 3 * lm, 12 - P - 1)},
                  "init_decoder runs the prompt, decoder the 6 tokens: %s" % head)

        # an init_decoder with one more layer (a past it passes through) than the decoder: each graph runs
        # with its own inputs and outputs
        m = mg.generation("BeamSearch", B, P, 12, 3, 2, init_decoder=True)
        g = next(a.g for a in m.graph.node[0].attribute if a.name == "init_decoder")
        g.input.append(onnx.helper.make_tensor_value_info("past_2", onnx.TensorProto.FLOAT,
                                                          [2, "batch", mg.HEADS, "past", mg.HEAD]))
        g.node.append(onnx.helper.make_node("Identity", ["past_2"], ["present_2"]))
        g.output.append(onnx.helper.make_tensor_value_info("present_2", onnx.TensorProto.FLOAT, None))
        onnx.save(m, path("init_wider"))
        rep = analyse("init_decoder with one more layer", path("init_wider"))
        if rep:
            check(rep["totals"]["macs"] == request_macs(B * 3, P, 12), "init_decoder with one more layer: MACs %d, "
                  "closed form %d" % (rep["totals"]["macs"], request_macs(B * 3, P, 12)))

        # a decoder with a count quadratic in T (the mask's outer product, N x T x T MACs): not affine, an
        # estimate from the mean run, warned and marked incomplete
        m = mg.generation("GreedySearch", B, P, max_length=12)
        g = next(a.g for a in m.graph.node[0].attribute if a.name == "decoder")
        g.initializer.extend([onnx.numpy_helper.from_array(np.array([2], np.int64), "axis2"),
                              onnx.numpy_helper.from_array(np.array([1], np.int64), "axis1")])
        g.node.extend([onnx.helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=onnx.TensorProto.FLOAT),
                       onnx.helper.make_node("Unsqueeze", ["mask_f", "axis2"], ["mask_col"]),
                       onnx.helper.make_node("Unsqueeze", ["mask_f", "axis1"], ["mask_row"]),
                       onnx.helper.make_node("MatMul", ["mask_col", "mask_row"], ["mask_outer"])])
        onnx.save(m, path("quadratic"))
        rep = analyse("a count quadratic in T", path("quadratic"))
        if rep:
            check(any("not affine in the past length" in w and "an estimate" in w for w in rep["warnings"]) and
                  not rep["totals"]["complete"], "quadratic in T: warned, incomplete: %s" % rep["warnings"])

        # a shared KV buffer: every past_i holds M rows, past_sequence_length is fed
        onnx.save(mg.generation("BeamSearch", B, P, 12, 3, 2, shared=True), path("shared"))
        rep = analyse("shared buffer", path("shared"))
        if rep:
            want = request_macs(B * 3, P, 12, shared=True)
            check(rep["totals"]["macs"] == want, "shared buffer: MACs %d, closed form %d" % (rep["totals"]["macs"], want))

        # ONNX Runtime's shared-buffer layout: init_decoder (Attention written out, the buffer's M rows) for
        # the prompt, then a decoder of DecoderMaskedSelfAttention that attends past_sequence_length + 1
        m = mg.with_decoder(mg.generation("BeamSearch", B, P, 12, 3, 2, shared=True, init_decoder=True),
                            mg.decoder_dmsa())
        onnx.save(m, path("dmsa"))
        rep = analyse("DecoderMaskedSelfAttention decoder", path("dmsa"))
        if rep:
            want = mg.run_macs(B * 3, P, 12 + P) + sum(mg.run_macs(B * 3, 1, t) for t in range(P + 1, 12))
            check(rep["totals"]["macs"] == want and rep["warnings"] == [] and rep["totals"]["complete"],
                  "DecoderMaskedSelfAttention decoder: MACs %d, closed form %d (%s)"
                  % (rep["totals"]["macs"], want, rep["warnings"]))

        # the same decoder alone through `priori llm` (prompt P, M - P - 1 decode steps: the runs the
        # node makes after the prompt's) requests the MACs the node counts (its init_decoder aside)
        dec = onnx.helper.make_model(mg.decoder_dmsa(), opset_imports=[onnx.helper.make_opsetid("", 17),
                                                                      onnx.helper.make_opsetid("com.microsoft", 1)])
        dec.ir_version = 8
        onnx.save(dec, path("dmsa_decoder"))
        r = subprocess.run([PRIORI, "llm", path("dmsa_decoder"), "--prompt", str(P), "--generate", str(12 - P - 1),
                            "--batch", str(B * 3), "--format", "json"], capture_output=True, text=True)
        want = sum(mg.run_macs(B * 3, 1, t) for t in range(P + 1, 12))
        got = json.loads(r.stdout)["decode"]["sum"]["macs"] if r.returncode == 0 else None
        check(got == want, "priori llm on the decoder alone: decode MACs %s, the node's decode runs %d (%s)"
              % (got, want, r.stderr.strip()[:200]))

        # a long generation: a few decoder runs, exact; the peak grows with the cache
        onnx.save(mg.generation("GreedySearch", B, P, max_length=120), path("long"))
        t0 = time.time()
        rep = analyse("max_length 120", path("long"))
        dt = time.time() - t0
        small = analyse("max_length 12", path("greedy"))
        if rep and small:
            check(rep["totals"]["macs"] == request_macs(B, P, 120), "max_length 120: MACs %d, closed form %d"
                  % (rep["totals"]["macs"], request_macs(B, P, 120)))
            check(rep["totals"]["peak_activation_bytes"] > small["totals"]["peak_activation_bytes"],
                  "the peak grows with max_length (the last run's cache)")
            check(dt < 30, "max_length 120 analysed in %.1f s" % dt)

        # encoder-decoder generation (model_type 1, T5/BART): the encoder once on B sequences, then
        # one decoding step per token on N = B K (the old format's encoder runs step 0 on B)
        S, K, M = 6, 3, 7
        for case, kw, shared in (("T5 new format", {}, False), ("T5 old format", {"old": True}, False),
                                 ("T5 old format, no encoder_hidden_states", {"old": True, "hidden": False}, False),
                                 ("T5 shared buffer", {"decoder": mg.t5_decoder(shared=1)}, True),
                                 ("T5 shared buffer, DecoderMaskedMultiHeadAttention inputs",
                                  {"decoder": mg.t5_decoder(shared=3)}, True),
                                 ("T5 max_length 2", {"max_length": 2}, False)):
            onnx.save(mg.t5_generation(B, S, kw.pop("max_length", M), K, 2, **kw), path("t5"))
            m_len = 2 if case.endswith("max_length 2") else M
            rep = analyse(case, path("t5"))
            if not rep:
                continue
            want = mg.t5_request_macs(B, S, K, m_len, old=kw.get("old", False), shared=shared)
            check(rep["totals"]["macs"] == want and rep["warnings"] == [] and rep["totals"]["complete"],
                  "%s: MACs %d, closed form %d (%s)" % (case, rep["totals"]["macs"], want, rep["warnings"]))
            check(outputs(rep) == {"sequences": [B, 2, m_len], "sequences_scores": [B, 2]},
                  "%s: outputs %s" % (case, outputs(rep)))
            weights = t5_params(kw.get("old", False), kw.get("decoder"))
            check(rep["totals"]["params"] == weights and rep["layers"][0]["params"] == weights,
                  "%s: params %d and the node's %d = encoder + decoder %d"
                  % (case, rep["totals"]["params"], rep["layers"][0]["params"], weights))
        # the old format with max_length 2: the encoder's step is all; the decoder never runs, said so
        onnx.save(mg.t5_generation(B, S, 2, K, 2, old=True), path("t5"))
        rep = analyse("T5 old format, max_length 2", path("t5"))
        if rep:
            want = mg.t5_encoder_macs(B, S) + mg.t5_step_macs(B, 1, S)
            check(rep["totals"]["macs"] == want and any("its decoder never runs" in w for w in rep["warnings"]),
                  "T5 old format, max_length 2: MACs %d, want %d (%s)" % (rep["totals"]["macs"], want, rep["warnings"]))
        # the scalars as graph inputs: bound with --value; unbound, the encoder alone (lower bounds)
        onnx.save(mg.t5_generation(B, S, None, None, None), path("t5_inputs"))
        rep = analyse("T5 --value", path("t5_inputs"), "--value", "max_length=9", "--value", "num_beams=4",
                      "--value", "num_return_sequences=3")
        if rep:
            want = mg.t5_request_macs(B, S, 4, 9)
            check(rep["totals"]["macs"] == want and
                  outputs(rep) == {"sequences": [B, 3, 9], "sequences_scores": [B, 3]},
                  "T5 --value max_length=9 num_beams=4: MACs %d, closed form %d, outputs %s"
                  % (rep["totals"]["macs"], want, outputs(rep)))
        rep = analyse("T5 unbound", path("t5_inputs"))
        if rep:
            check(rep["totals"]["macs"] == mg.t5_encoder_macs(B, S) and not rep["totals"]["complete"] and
                  any("--value max_length=N" in w for w in rep["warnings"]),
                  "T5 unbound: the encoder alone %d, want %d, incomplete, warned (%s)"
                  % (rep["totals"]["macs"], mg.t5_encoder_macs(B, S), rep["warnings"]))
        # Whisper (WhisperBeamSearch, or BeamSearch with model_type 2): the encoder on B feature maps
        # decodes the P0 decoder_input_ids itself; the decoder then runs at past P0 .. M - 2
        for case, kw, p0, shared in (("WhisperBeamSearch", {}, 3, False),
                                     ("BeamSearch model_type 2", {"op": "BeamSearch"}, 3, False),
                                     ("Whisper, no encoder_hidden_states", {"hidden": False}, 3, False),
                                     ("Whisper, no decoder_input_ids", {"init": 0}, 1, False),
                                     ("Whisper, shared buffer", {"decoder": mg.t5_decoder(True, 3, whisper=True)}, 3,
                                      True)):
            onnx.save(mg.whisper_generation(B, **kw), path("whisper"))
            rep = analyse(case, path("whisper"))
            if rep:
                want = mg.whisper_request_macs(B, p0, 3, 8, shared)
                check(rep["totals"]["macs"] == want and rep["warnings"] == [] and rep["totals"]["complete"],
                      "%s: MACs %d, closed form %d (%s)" % (case, rep["totals"]["macs"], want, rep["warnings"]))
                check(outputs(rep) == {"sequences": [B, 2, 8], "sequences_scores": [B, 2]},
                      "%s: outputs %s" % (case, outputs(rep)))
        # the optional outputs: scores (M - sequence start) x B x K x vocab; non_speech_probs B
        # (onnxruntime-node gives T5's; it fails on Whisper's, "Invalid dimension: -2": the schema's)
        for case, model, want in (("T5 scores", mg.t5_generation(B, S, M, K, 2), [M - 1, B, K, mg.VOCAB]),
                                  ("Whisper scores", mg.whisper_generation(B), [8 - 3, B, 3, mg.VOCAB])):
            node = model.graph.node[0]
            node.output.extend(["scores"] + (["", "non_speech_probs"] if node.op_type == "WhisperBeamSearch" else []))
            onnx.save(model, path("scores"))
            rep = analyse(case, path("scores"))
            if rep:
                got = {o["name"]: o.get("shape") for o in rep["layers"][0]["outputs"]}
                check(got.get("scores") == want and got.get("non_speech_probs", [B]) == [B],
                      "%s: outputs %s, scores want %s" % (case, got, want))
        onnx.save(mg.whisper_generation(B, init=8), path("whisper"))
        refused("Whisper, max_length = decoder_input_ids", path("whisper"), "'generate' (WhisperBeamSearch)",
                "max_length 8 is not longer than decoder_input_ids (8 tokens)")

        # what ONNX Runtime does not run, or runs another way: zero cost, the reason, --strict fails
        greedy = without(mg.t5_generation(B, S, M, K, 2, op="GreedySearch"), "early_stopping")
        del greedy.graph.node[0].input[3:5]
        unknown_type = mg.t5_generation(B, S, M, K, 2, model_type=3)
        for case, model, reason in (
                ("decoder with encoder_hidden_states, new-format encoder", mg.t5_generation(B, S, M, K, 2, hidden=True),
                 "its decoder takes encoder_hidden_states, which its encoder"),
                ("decoder taking the whole sequence", mg.t5_generation(B, S, M, K, 2,
                                                                        decoder=mg.t5_decoder(sequence_ids=True)),
                 "use_sequence_as_input_ids"),
                ("GreedySearch over an encoder and decoder", greedy, "over a GPT-2 style decoder only"),
                ("model_type 3", unknown_type, "its model_type is not one ONNX Runtime knows")):
            onnx.save(model, path("t5_other"))
            rep = analyse(case, path("t5_other"))
            if rep:
                check(rep["totals"]["macs"] == 0 and rep["layers"][0]["status"] == "unsupported" and
                      any(reason in w for w in rep["warnings"]),
                      "%s: zero cost, said why: %s" % (case, rep["warnings"]))
            r = subprocess.run([PRIORI, "analyze", "--strict", path("t5_other")], capture_output=True, text=True)
            check(r.returncode != 0, "%s: --strict fails (exit %d)" % (case, r.returncode))
        # a T5 node without its encoder, a max_length of 1: errors naming the node
        onnx.save(without(mg.t5_generation(B, S, M, K, 2), "encoder"), path("t5_bad"))
        refused("T5 without an encoder", path("t5_bad"), "'generate' (BeamSearch)",
                "needs an 'encoder' graph attribute")
        onnx.save(mg.t5_generation(B, S, 1, K, 2), path("t5_bad"))
        refused("T5 max_length 1", path("t5_bad"), "'generate' (BeamSearch)", "max_length 1: it must be greater than 1")

        # a decoder outside ONNX Runtime's contract (a past of rank 4): not counted, said why
        m = mg.generation("GreedySearch", B, P, max_length=12)
        past = m.graph.node[0].attribute[0].g.input[3]
        del past.type.tensor_type.shape.dim[0]
        onnx.save(m, path("rank4"))
        rep = analyse("past of rank 4", path("rank4"))
        if rep:
            check(rep["totals"]["macs"] == 0 and rep["layers"][0]["status"] == "unsupported" and
                  any("past inputs are not 2 x batch x heads x past x head_size" in w for w in rep["warnings"]),
                  "a past of rank 4: unsupported, said why: %s" % rep["warnings"])

        # a max_length not beyond the prompt (below it, or equal: ONNX Runtime refuses both): an error
        for m_len in (3, P):
            onnx.save(mg.generation("GreedySearch", B, P, max_length=m_len), path("short"))
            refused("max_length %d, prompt %d" % (m_len, P), path("short"), "'generate' (GreedySearch)",
                    "max_length %d is not longer than the prompt (%d tokens)" % (m_len, P))
        # a hostile batch (2^40 prompts x 2^30 beams): an overflow error naming the node, never a wrap
        onnx.save(mg.generation("BeamSearch", 1 << 40, P, max_length=12, num_beams=1 << 30, returns=1), path("huge"))
        r = subprocess.run([PRIORI, "analyze", path("huge")], capture_output=True, text=True)
        check(r.returncode == 3 and "'generate' (BeamSearch)" in r.stderr and "overflow" in r.stderr and r.stdout == "",
              "2^40 x 2^30 sequences: exit %d, %s" % (r.returncode, r.stderr.strip()))

        # beams and returned sequences that cannot be: errors naming the node and both values
        onnx.save(mg.generation("BeamSearch", B, P, max_length=12, num_beams=0, returns=1), path("beams0"))
        for case, args, want in (("num_beams 0", [path("beams0")], "num_beams 0 and num_return_sequences 1"),
                                 ("--value num_return_sequences > num_beams",
                                  [path("beam_inputs"), "--value", "max_length=12", "--value", "num_beams=3",
                                   "--value", "num_return_sequences=5"], "num_beams 3 and num_return_sequences 5")):
            r = subprocess.run([PRIORI, "analyze"] + args, capture_output=True, text=True)
            check(r.returncode == 3 and want in r.stderr and "need 1 <= num_return_sequences <= num_beams" in r.stderr
                  and r.stdout == "", "%s: exit %d, %s" % (case, r.returncode, r.stderr.strip()))
    finally:
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        os.rmdir(d)
    return summary()


if __name__ == "__main__":
    raise SystemExit(main())
