#!/usr/bin/python3
"""sweep.py -- `priori sweep` against closed forms and against `priori
analyze` (make check). Models are written here with onnx.helper:

  attention  x [batch, seq, d] (d = 64): Q, K, V = x Wq, x Wk, x Wv;
             S = Q K^T; P = Softmax(S); O = P V; Y = O Wo. Per batch row:
               MACs  = 4 s d^2 + 2 s^2 d          (projections, two products)
               FLOPs = 2 MACs + 5 s^2             (Softmax: 5 per element)
               activation bytes = 4 (6 s d + 2 s^2)   (Q K V K^T O Y, S P)
               peak = 4 max(4 s d, 3 s d + s^2, s d + 2 s^2)
                 (alive while v runs: x Q K V; while S = Q K^T runs: Q K^T V S;
                  while Softmax runs: V S P)
               params = 4 d^2, weight bytes = 16 d^2
  convnet    x [N, 3, 32, 32]: Conv 3->8 k3 p1, Relu, Conv 8->16 k3 s2 p1,
             Flatten, Gemm 4096->10; linear in N:
               MACs  = N (8*1024*27 + 16*256*72 + 4096*10) = 557056 N
               FLOPs = 2 MACs + N (8192 + 8192 + 4096 + 10) (bias adds, Relu)
               activation bytes = 4 N (8192 + 8192 + 4096 + 4096 + 10)
               peak = 4 N (8192 + 8192)   (while Relu runs: conv1's output and its own)
               params = 224 + 1168 + 40970
  fixedseq   a Reshape to [1, 128, 64]: the analysis fails at any other seq.

Then every point equals `priori analyze --dim ...` at that point (with and
without --hw), the formats parse (CSV, JSON with the fields of
docs/usage.md, Markdown), and the errors say what to write.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import check, summary  # noqa: E402

PRIORI = os.environ.get("PRIORI", "build/priori")
TDB = "tests/energy_db"
D = 64


def init(name, shape):
    return numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name)


def save(model, path):
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def attention(path):
    nodes = [h.make_node("MatMul", ["x", "Wq"], ["Q"], name="q"),
             h.make_node("MatMul", ["x", "Wk"], ["K"], name="k"),
             h.make_node("MatMul", ["x", "Wv"], ["V"], name="v"),
             h.make_node("Transpose", ["K"], ["Kt"], name="kt", perm=[0, 2, 1]),
             h.make_node("MatMul", ["Q", "Kt"], ["S"], name="s"),
             h.make_node("Softmax", ["S"], ["P"], name="p", axis=-1),
             h.make_node("MatMul", ["P", "V"], ["O"], name="o"),
             h.make_node("MatMul", ["O", "Wo"], ["Y"], name="y")]
    g = h.make_graph(nodes, "attention", [h.make_tensor_value_info("x", T.FLOAT, ["batch", "seq", D])],
                     [h.make_tensor_value_info("Y", T.FLOAT, ["batch", "seq", D])],
                     [init(w, [D, D]) for w in ("Wq", "Wk", "Wv", "Wo")])
    return save(h.make_model(g, opset_imports=[h.make_opsetid("", 13)]), path)


def attention_expect(b, s, d=D):
    macs = b * (4 * s * d * d + 2 * s * s * d)
    return {"macs": macs, "flops": 2 * macs + b * 5 * s * s, "params": 4 * d * d, "weight_bytes": 16 * d * d,
            "activation_bytes": 4 * b * (6 * s * d + 2 * s * s),
            "peak_activation_bytes": 4 * b * max(4 * s * d, 3 * s * d + s * s, s * d + 2 * s * s)}


def convnet(path):
    nodes = [h.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             h.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             h.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[2, 2]),
             h.make_node("Flatten", ["c2"], ["f"], name="flat"),
             h.make_node("Gemm", ["f", "wf", "bf"], ["y"], name="fc", transB=1)]
    inits = [init("w1", [8, 3, 3, 3]), init("b1", [8]), init("w2", [16, 8, 3, 3]), init("b2", [16]),
             init("wf", [10, 4096]), init("bf", [10])]
    g = h.make_graph(nodes, "convnet", [h.make_tensor_value_info("x", T.FLOAT, ["N", 3, 32, 32])],
                     [h.make_tensor_value_info("y", T.FLOAT, ["N", 10])], inits)
    return save(h.make_model(g, opset_imports=[h.make_opsetid("", 13)]), path)


def convnet_expect(n):
    macs = 557056 * n
    return {"macs": macs, "flops": 2 * macs + n * (8192 + 8192 + 4096 + 10), "params": 224 + 1168 + 40970,
            "weight_bytes": 4 * (224 + 1168 + 40970), "activation_bytes": 4 * n * (8192 + 8192 + 4096 + 4096 + 10),
            "peak_activation_bytes": 4 * n * (8192 + 8192)}


def fixedseq(path):
    shape = numpy_helper.from_array(np.array([1, 128, D], dtype=np.int64), "shape")
    nodes = [h.make_node("MatMul", ["x", "W"], ["m"], name="mm"),
             h.make_node("Reshape", ["m", "shape"], ["y"], name="reshape")]
    g = h.make_graph(nodes, "fixedseq", [h.make_tensor_value_info("x", T.FLOAT, [1, "seq", D])],
                     [h.make_tensor_value_info("y", T.FLOAT, [1, 128, D])], [init("W", [D, D]), shape])
    return save(h.make_model(g, opset_imports=[h.make_opsetid("", 13)]), path)


def run(*args):
    r = subprocess.run([PRIORI, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def sweep_json(*args):
    rc, out, err = run("sweep", "-q", "--format", "json", *args)
    check(rc == 0, "sweep %s: exit %d %s" % (" ".join(args), rc, err.strip()[:300]))
    return json.loads(out) if rc == 0 else None


METRICS = ("params", "macs", "flops", "activation_bytes", "peak_activation_bytes", "weight_bytes")


def closed_forms(tmp):
    att = attention(os.path.join(tmp, "attention.onnx"))
    r = sweep_json(att, "--dim", "seq=128..8192*2", "--dim", "batch=1")
    if r:
        seqs = [p["at"][0] for p in r["points"]]
        check(seqs == [128, 256, 512, 1024, 2048, 4096, 8192], "attention: seq=128..8192*2 doubles: %s" % seqs)
        for p in r["points"]:
            exp = attention_expect(1, p["at"][0])
            got = {k: p[k] for k in exp}
            check(got == exp and p["status"] == "ok", "attention seq=%d: %s, closed form %s" % (p["at"][0], got, exp))
    # two symbols: the cross product, batch outermost
    r = sweep_json(att, "--dim", "batch=1,4", "--dim", "seq=1..1024*4")
    if r:
        at = [tuple(p["at"]) for p in r["points"]]
        want = [(b, s) for b in (1, 4) for s in (1, 4, 16, 64, 256, 1024)]
        check(at == want, "attention batch x seq: rows in order %s" % at)
        check([a["symbol"] for a in r["axes"]] == ["batch", "seq"], "axes named in order")
        for p in r["points"]:
            exp = attention_expect(*p["at"])
            check({k: p[k] for k in exp} == exp, "attention at %s: closed form" % (p["at"],))
    cnn = convnet(os.path.join(tmp, "convnet.onnx"))
    r = sweep_json(cnn, "--dim", "N=1..64+8")
    if r:
        ns = [p["at"][0] for p in r["points"]]
        check(ns == [1, 9, 17, 25, 33, 41, 49, 57], "convnet: N=1..64+8 steps by 8: %s" % ns)
        for p in r["points"]:
            exp = convnet_expect(p["at"][0])
            got = {k: p[k] for k in exp}
            check(got == exp, "convnet N=%d: %s, closed form %s" % (p["at"][0], got, exp))
    return att, cnn


def analyze_totals(model, *args):
    rc, out, err = run("analyze", "-q", "--format", "json", model, *args)
    check(rc == 0, "analyze %s %s: exit %d %s" % (model, args, rc, err[:200]))
    return json.loads(out) if rc == 0 else None


def equal_to_analyze(att, cnn):
    """Every point = analyze at that point; with --hw the estimate too."""
    cases = [(cnn, ["--dim", "N=1,3,50"], []),
             (att, ["--dim", "seq=16..4096*4", "--dim", "batch=2,3"], []),
             (cnn, ["--dim", "N=1..1000*10"], ["--db", TDB, "--hw", "nvidia-a100-pcie-40gb"]),
             (cnn, ["--dim", "N=1,8,64"], ["--hw", "h200-pytorch2.11-eager", "--precision", "fp16"]),
             (att, ["--dim", "seq=64,512"], ["--db", TDB, "--hw", "rpi4-tflite-v2.7.1-ruy@v2.0", "--carbon", "100"])]
    for model, ranges, hw in cases:
        r = sweep_json(model, *ranges, *hw)
        if not r:
            continue
        syms = [a["symbol"] for a in r["axes"]]
        for p in r["points"]:
            dims = []
            for s, v in zip(syms, p["at"]):
                dims += ["--dim", "%s=%d" % (s, v)]
            a = analyze_totals(model, *dims, *hw)
            if not a:
                continue
            t = a["totals"]
            same = all(p[k] == t[k] for k in METRICS)
            if hw:
                e = a["energy"]
                same = same and p["latency_s"] == e["latency_s"] and p["energy_j"] == e["energy_j"] and \
                    p["co2e_g"] == e["co2e_g"]
            check(same, "%s at %s %s: sweep %s, analyze %s" % (os.path.basename(model), p["at"], hw[-1:] or "",
                                                             {k: p.get(k) for k in METRICS + ("energy_j",)},
                                                             {**t, **(a.get("energy") or {})}))
        if hw:
            check(r["energy"] and r["energy"]["profile"] and r["energy"]["per"] in ("call", "inference"),
                  "energy section: %s" % r["energy"])
            if "h200" in hw[1]:
                check(r["energy"]["per"] == "call" and all(p["regime"] in ("launch", "compute", "memory")
                                                           for p in r["points"]),
                      "h200 regimes: %s" % [p["regime"] for p in r["points"]])
            else:
                check(all(p["regime"] is None for p in r["points"]), "no regime without a roofline")


def formats(att):
    args = [att, "--dim", "seq=64..1024*2", "--dim", "batch=1,2"]
    r = sweep_json(*args)
    if not r:
        return
    # JSON: the fields of docs/usage.md
    check(r["schema"] == "priori.sweep/1" and r["version"] == 1 and isinstance(r["priori_version"], str),
          "JSON header")
    check(set(r) == {"schema", "version", "priori_version", "model", "axes", "energy", "points", "warnings"},
          "JSON top-level fields: %s" % sorted(r))
    check(r["model"]["path"] == att and r["energy"] is None, "JSON model and energy")
    check(len(r["points"]) == 10 and all(set(p) == {"at", "status", "error", *METRICS} for p in r["points"]),
          "JSON points: %s" % sorted(r["points"][0]))
    check(all(isinstance(p[k], int) for p in r["points"] for k in METRICS), "JSON counts are exact integers")
    # CSV: parses, one row per point, the same numbers
    rc, out, _ = run("sweep", "-q", "--format", "csv", *args)
    rows = list(csv.DictReader(io.StringIO(out)))
    check(rc == 0 and len(rows) == 10, "CSV: %d rows" % len(rows))
    check(list(rows[0].keys()) == ["seq", "batch", "status", *METRICS, "error"], "CSV columns: %s" % list(rows[0]))
    check(all(int(row["seq"]) == p["at"][0] and int(row["batch"]) == p["at"][1] and
              all(int(row[k]) == p[k] for k in METRICS) and row["status"] == "ok" and row["error"] == ""
              for row, p in zip(rows, r["points"])), "CSV values = JSON values")
    # Markdown: a table with a header, the alignment row and one row per point
    rc, out, _ = run("sweep", "-q", "--format", "md", *args)
    lines = [ln for ln in out.splitlines() if ln.startswith("|")]
    check(rc == 0 and len(lines) == 12 and lines[0].startswith("| seq | batch | params | MACs |") and
          set(lines[1]) <= set("|-:"), "Markdown table: %s" % lines[:2])
    check(all(ln.count("|") == lines[0].count("|") for ln in lines), "Markdown rows have every column")
    check(lines[2].startswith("| 64 | 1 | 16.4 K |"), "Markdown first row: %s" % lines[2])
    # table: one line per point after the header
    rc, out, _ = run("sweep", *args)
    body = [ln for ln in out.splitlines() if ln.strip()[:1].isdigit()]
    check(rc == 0 and len(body) == 10 and "peak live memory" in out and out.startswith("priori sweep: "),
          "table: %d rows" % len(body))
    # CSV with --hw: the estimate columns and the regime
    rc, out, _ = run("sweep", "-q", "--format", "csv", att, "--dim", "seq=64,128", "--hw", "h200-pytorch2.11-eager")
    rows = list(csv.DictReader(io.StringIO(out)))
    check(rc == 0 and list(rows[0])[-5:] == ["latency_s", "energy_j", "co2e_g", "regime", "error"] and
          all(float(x["energy_j"]) > 0 for x in rows), "CSV --hw columns: %s" % list(rows[0] if rows else []))


def errors(tmp, att):
    bad = [(["--dim", "seq=8..1*2"], "--dim seq=8..1*2: the range is empty (8 > 1); expected SYMBOL=N"),
           (["--dim", "seq=1..8*1"], "the factor K of A..B*K must be 2 or more"),
           (["--dim", "seq=1..100000"], "100000 values, more than 10000 points"),
           (["--dim", "seq=1..99999999999999999999"], "the end B of A..B is not an integer"),
           (["--dim", "seq=1,,2"], "an empty value in the list"),
           (["--dim", "seq=1..200", "--dim", "batch=1..100"], "20000 points (200 x 100), more than 10000"),
           (["--dim", "seq=1,2", "--dim", "batch=1,2", "--dim", "x=1,2"], "sweep needs one or two ranges, got 3"),
           ([], "sweep needs one or two ranges, got 0"),
           (["--dim", "seq=1,2", "--dim", "seq=3,4"], "--dim seq is swept twice"),
           (["--dim", "seq=1,2", "--dim", "seq=3"], "--dim seq is both swept and bound to 3"),
           (["--dim", "seq=1,2", "--input", "nope=1x2"], "--input nope: the model has no graph input"),
           (["--dim", "seq=1,2", "--inferences", "5"], "unknown option --inferences"),
           (["--dim", "seq=1,2", "--precision", "fp16"], "--hw")]
    for args, says in bad:
        rc, out, err = run("sweep", att, *args)
        check(rc == 2 and says in err and out == "", "sweep %s: exit %d, %r; want exit 2 and %r" %
              (args, rc, err.strip(), says))
    # a symbol the model does not have: a warning naming its symbols, the same counts everywhere
    rc, out, err = run("sweep", "--format", "json", att, "--dim", "sequence=1,2", "--dim", "seq=8")
    r = json.loads(out) if rc == 0 else {}
    check(rc == 0 and "the model has no symbolic dimension 'sequence'" in err and "its unbound symbols: 'batch'" in err
          and any("'sequence'" in w for w in r.get("warnings", [])) and r["points"][0]["macs"] == r["points"][1]["macs"],
          "unknown symbol: exit %d %r" % (rc, err))
    # a point that fails is a row with status error; the others are counted
    fx = fixedseq(os.path.join(tmp, "fixedseq.onnx"))
    rc, out, err = run("sweep", "--format", "json", fx, "--dim", "seq=64,128,256")
    r = json.loads(out) if rc == 0 else {"points": []}
    st = [(p["status"], p["macs"], bool(p["error"])) for p in r["points"]]
    check(rc == 0 and st == [("error", None, True), ("ok", 128 * D * D, False), ("error", None, True)],
          "failed points are rows: exit %d %s" % (rc, st))
    check("at seq=64 the analysis fails: node 1 'reshape' (Reshape)" in err, "failed point warned: %r" % err)
    rc, out, err = run("sweep", "--format", "csv", fx, "--dim", "seq=64,128")
    check(rc == 0 and out.splitlines()[1].startswith("64,error,,,,,,,") and "Reshape" in out.splitlines()[1],
          "CSV failed row: %r" % out.splitlines()[1:2])
    rc, out, err = run("sweep", fx, "--dim", "seq=64,256")
    check(rc == 3 and out == "" and "the analysis fails at every point of the sweep" in err,
          "every point fails: exit %d %r" % (rc, err))
    # analyze refers a range to sweep
    rc, out, err = run("analyze", att, "--dim", "seq=1..8")
    check(rc == 2 and "(a range of values is for 'priori sweep')" in err, "analyze --dim seq=1..8: %r" % err)
    # help
    rc, out, _ = run("help", "sweep")
    check(rc == 0 and "--dim SYMBOL=RANGE" in out and "--hw ID" in out and "--input NAME=DIMS" in out, "help sweep")


def memory(tmp):
    """Analysing the loaded model again does not grow memory: peak RSS of
    400 points within 20% (+ 2 MiB) of 2 points' on 2,000 Shape/Reshape
    blocks (each folds a constant: before each analysis owned its memory,
    every point added about 60 bytes per node)."""
    nodes, x = [], "x"
    for i in range(2000):
        nodes += [h.make_node("Relu", [x], ["r%d" % i]), h.make_node("Shape", ["r%d" % i], ["s%d" % i]),
                  h.make_node("Reshape", ["r%d" % i, "s%d" % i], ["o%d" % i])]
        x = "o%d" % i
    g = h.make_graph(nodes, "chain", [h.make_tensor_value_info("x", T.FLOAT, ["n", 8])],
                     [h.make_tensor_value_info(x, T.FLOAT, ["n", 8])])
    path = save(h.make_model(g, opset_imports=[h.make_opsetid("", 13)]), os.path.join(tmp, "chain.onnx"))
    rss = {}
    for rng in ("n=1,2", "n=1..400"):
        env = dict(os.environ)   # an ASan build keeps freed memory in quarantine: none here
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0").lstrip(":")
        r = subprocess.run(["/usr/bin/time", "-f", "%M", PRIORI, "sweep", "-q", "--format", "csv", path, "--dim", rng],
                           capture_output=True, text=True, env=env)
        rss[rng] = int(r.stderr.strip().splitlines()[-1]) if r.returncode == 0 else -1
    check(0 < rss["n=1..400"] <= 1.2 * rss["n=1,2"] + 2048, "peak RSS of 400 points %d KiB, of 2 points %d KiB" %
          (rss["n=1..400"], rss["n=1,2"]))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        att, cnn = closed_forms(tmp)
        equal_to_analyze(att, cnn)
        formats(att)
        errors(tmp, att)
        memory(tmp)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
