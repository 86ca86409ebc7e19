#!/usr/bin/python3
"""check_structs.py -- what tests/api/api_test.c read from the structs of
priori_sweep and priori_llm, against the CLI's JSON report of the same
run and against the closed forms of tests/api/make_models.py.

    check_structs.py sweep CLI.json API.points [chain]
    check_structs.py llm CLI.json API.summary

API.points: one line per point, "at0 at1 status params macs flops
weight_bytes activation_bytes peak_activation_bytes bytes_read
bytes_written latency_s energy_j co2e_g regime" ("-": not estimated; 0 for
the second axis of a one-axis sweep). With "chain", the points are of
chain.onnx: every count must also be its closed form (batch 2 when the
batch is not swept). API.summary: "prefill|decode|request|step k=v ..."
lines (priori_llm_info's calls and priori_llm_step's), "info k=v ..." and
"energy k=v ..."; the model is make_decoders.py's genai_gqa. Exits 0, or
non-zero with what differs.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "llm"))
import make_models as mm  # noqa: E402

bad = []


def same(what, a, b):
    """a (the API's) equals b (the CLI's, or the closed form's when what says so)."""
    if a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-12 * abs(b)):
        return
    bad.append("%s: api %r, %s %r" % (what, a, "want" if what.startswith("closed form") else "cli", b))


def num(v):
    """A number of the API's text ("-": None)."""
    if v == "-":
        return None
    return float(v) if any(c in v for c in ".en") else int(v)


SWEEP = ["at0", "at1", "status", "params", "macs", "flops", "weight_bytes", "activation_bytes",
         "peak_activation_bytes", "bytes_read", "bytes_written", "latency_s", "energy_j", "co2e_g", "regime"]


def sweep(cli, lines, chain):
    rows = [dict(zip(SWEEP, line.split())) for line in lines if line]
    same("points", len(rows), len(cli["points"]))
    axes = [a["symbol"] for a in cli["axes"]]
    for r, p in zip(rows, cli["points"]):
        at = [int(r["at0"]), int(r["at1"])][:len(p["at"])]
        same("at", at, p["at"])
        same("status at %s" % at, ["ok", "incomplete", "error"][int(r["status"])], p["status"])
        for k in ("params", "macs", "flops", "weight_bytes", "activation_bytes", "peak_activation_bytes",
                  "latency_s", "energy_j", "co2e_g"):
            want = p.get(k)
            same("%s at %s" % (k, at), num(r[k]) if want is not None or p["status"] != "error" else None, want)
        same("regime at %s" % at, None if r["regime"] == "-" else r["regime"], p.get("regime"))
        if chain:
            point = dict(zip(axes, at))
            for k, v in mm.chain_expect(point.get("batch", 2), point["seq"]).items():
                same("closed form %s at %s" % (k, at), int(r[k]), v)


def llm(cli, lines):
    calls = [(line.split()[0], dict(kv.split("=", 1) for kv in line.split()[1:])) for line in lines if line]
    one = {w: c for w, c in calls if w != "step"}
    steps = [c for w, c in calls if w == "step"]
    info, energy = one["info"], one["energy"]
    same("steps", len(steps), len(cli["decode"]["steps"]))
    pairs = [(one["prefill"], cli["prefill"]), (one["decode"], cli["decode"]["sum"]),
             (one["request"], cli["request_total"])] + list(zip(steps, cli["decode"]["steps"]))
    for c, j in pairs:
        for k, v in j.items():
            if k == "regime":
                same("regime at context %s" % c["context"], "" if c[k] == "-" else c[k], v)
            elif k == "analysed":
                same("analysed at context %s" % c["context"], c[k] == "1", v)
            else:
                same("%s at context %s" % (k, c["context"]), num(c[k]), v)
    same("params", int(info["params"]), cli["weights"]["params"])
    same("weight_bytes", int(info["weight_bytes"]), cli["weights"]["bytes_per_step"])
    same("kv_bytes_per_token", int(info["kv_bytes_per_token"]), cli["kv_cache"]["bytes_per_token"])
    same("kv_bytes_end", int(info["kv_bytes_end"]), cli["kv_cache"]["bytes_at_end"])
    same("prefill peak", int(info["prefill_peak"]), cli["peak_activation_bytes"]["prefill"])
    same("decode peak", int(info["decode_peak"]), cli["peak_activation_bytes"]["decode_at_end"])
    same("method", "interpolated" if info["interpolated"] == "1" else "every_step", cli["method"]["decode"])
    same("analysed contexts", int(info["analysed_contexts"]), cli["method"]["analysed_contexts"])
    same("layout", info["layout"], cli["layout"]["style"])
    same("complete", info["complete"] == "1", cli["complete"])
    same("request", [int(info[k]) for k in ("batch", "prompt", "generate")],
         [cli["request"][k] for k in ("batch", "prompt", "generate")])
    same("estimated", info["estimated"] == "1", cli["energy"] is not None)
    e = cli["energy"] or {}
    for k in ("time_to_first_token_s", "decode_s", "tokens_per_s", "energy_per_request_j", "energy_per_token_j",
              "co2e_per_request_g"):
        same(k, num(energy[k]), e.get(k))
    # closed forms of the decoder
    from make_decoders import CONFIGS
    cfg = CONFIGS["genai_gqa"]
    B, P, G = (int(info[k]) for k in ("batch", "prompt", "generate"))
    per_token = mm.kv_bytes_per_token(cfg)
    same("closed form: KV bytes per token 2 L Hkv dh 4", int(info["kv_bytes_per_token"]), per_token)
    same("closed form: KV bytes at the end", int(info["kv_bytes_end"]), B * (P + G) * per_token)
    same("closed form: prefill MACs", int(one["prefill"]["macs"]), mm.llm_macs(cfg, B, P, 0))
    for i, st in enumerate(steps):
        same("closed form: MACs of step %d" % (i + 1), int(st["macs"]), mm.llm_macs(cfg, B, 1, P + i))
        same("closed form: KV bytes of step %d" % (i + 1), int(st["kv_bytes"]), B * (P + i + 1) * per_token)
    same("closed form: decode MACs", int(one["decode"]["macs"]), sum(mm.llm_macs(cfg, B, 1, P + i) for i in range(G)))


def main(argv):
    kind, cli_path, api_path = argv[1:4]
    cli = json.load(open(cli_path))
    lines = open(api_path).read().split("\n")
    if kind == "sweep":
        sweep(cli, lines, len(argv) > 4 and argv[4] == "chain")
    else:
        llm(cli, lines)
    if bad:
        print("; ".join(bad[:8]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
