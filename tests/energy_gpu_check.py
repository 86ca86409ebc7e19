#!/usr/bin/python3
"""energy_gpu_check.py -- the committed database against what it claims:
`priori calibrate --dry-run` refits every profile from db/records.json and
must print the validation figures stored in db/profiles.json (H200 roofline
profiles: held-out energy and latency errors), and the edge boards' summary
must stay at leave-one-out 4.7%, cross-family 9.8%; the H200 rows each fit
uses are the records without an "excluded" reason; the in-fit figures
(every row fitted) and tools/h200_limits.py's are those the docs quote; `analyze --hw` on the
H200 profiles prints an estimate with its uncertainty and the regime of
each layer. Prints "N passed, N failed" last."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import check, summary  # noqa: E402

PRIORI = os.environ.get("PRIORI", "build/priori")


out = subprocess.run([PRIORI, "calibrate", "--db", "db", "--dry-run"], capture_output=True, text=True).stdout
profiles = {p["id"]: p for p in json.load(open("db/profiles.json"))["profiles"]}
check(re.search(r"leave-one-out median\s+4\.7%", out) is not None, "edge boards: leave-one-out median 4.7%")
check(re.search(r"cross-family median\s+9\.8%", out) is not None, "edge boards: cross-family median 9.8%")

blocks = re.findall(r"^(h200-\S+)\s+(\d+)\s+fitted.*?\n(.*?)(?=^\S|\Z)", out, re.S | re.M)
check(len(blocks) == 3, "three H200 profiles fitted (fp32, fp16 inference; bf16-autocast training)")
for pid, models, body in blocks:
    m = re.search(r"priori roofline\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%", body)
    v = profiles.get(pid, {}).get("validation", {})
    check(m is not None and v, pid + ": validation line and committed figures present")
    if not m or not v:
        continue
    got = [float(x) for x in m.groups()]
    want = [v["loo_median_pct"], v["loo_p90_pct"], v["cross_family_median_pct"], v["latency_loo_median_pct"],
            v["latency_loo_p90_pct"], v["latency_cross_family_median_pct"]]
    check(all(abs(g - w) <= 0.051 for g, w in zip(got, want)),
          "%s: refit gives the committed figures %s, got %s" % (pid, want, got))
    check(int(models) == v["models"], pid + ": model count")
    # in-fit (every row fitted, none held out): the figures docs/energy.md quotes, and below the held-out ones
    fit = re.search(r"fitted on every row\s+([\d.]+)%\s+([\d.]+)%\s+-\s+([\d.]+)%\s+([\d.]+)%\s+-", body)
    want_fit = {"h200-pytorch2.11-eager/fp32/infer": [8.6, 27.6, 12.5, 37.0],
                "h200-pytorch2.11-eager/fp16/infer": [9.2, 25.0, 11.9, 32.7],
                "h200-pytorch2.11-eager/bf16-autocast/train": [4.5, 17.7, 3.3, 14.7]}.get(pid)
    got_fit = [float(x) for x in fit.groups()] if fit else None
    check(got_fit is not None and want_fit is not None and
          all(abs(g - w) <= 0.051 for g, w in zip(got_fit, want_fit)),
          "%s: in-fit figures %s, got %s" % (pid, want_fit, got_fit))
    check(got_fit is not None and got_fit[0] <= got[0] and got_fit[2] <= got[3],
          pid + ": in-fit medians at or below the held-out ones")
    check("roofline" in profiles[pid] and profiles[pid]["method"] == "fitted", pid + ": stored as a fitted roofline")

# rows: run 2 preferred, run-1 batch < 16 excluded, every exclusion says why
recs = [r for r in json.load(open("db/records.json"))["records"] if r["profile"].startswith("h200-")]
check(len(recs) == 328, "all 328 H200 rows are records (%d)" % len(recs))
used = [r for r in recs if not r.get("excluded")]
check(len(used) == 184, "184 rows used by the fits (%d)" % len(used))
check(all(r["run"] == 2 or r["batch"] >= 16 or r["profile"].endswith("/train") for r in used),
      "no run-1 row at batch < 16 is used")
run2 = {(r["model"], r["profile"]) for r in recs if r["run"] == 2}
check(all(not (r["run"] == 1 and (r["model"], r["profile"]) in run2) for r in used),
      "a run-1 row that run 2 repeated is not used")
check(all(r.get("note") and r.get("source") for r in recs), "every H200 record has its note and source")

# tools/h200_limits.py: the figures docs/energy.md and docs/limits.md quote
p = subprocess.run(["/usr/bin/python3", "tools/h200_limits.py"], capture_output=True, text=True)
lim = p.stdout
check(p.returncode == 0 and re.search(r"fp32: 23 models, median 19\.3 us, 13\.4-40\.6 us; .* median 11%", lim) and
      re.search(r"fp16: 22 models, median 21\.7 us, 14\.0-34\.3 us; .* median 15%", lim),
      "h200_limits: batch-1 time per kernel by model: " + lim[:400] + p.stderr[-300:])
check(re.search(r"22 models: 0\.68-1\.62, median \|ratio - 1\| 19%", lim) is not None,
      "h200_limits: fp16 / fp32 time per kernel")
check(re.search(r"run 1 < 400 W\s+23 configurations: median \|T1/T2 - 1\| 25%, max T1/T2 1\.91", lim) and
      re.search(r"run 1 >= 400 W\s+39 configurations: median \|T1/T2 - 1\| 1%, max T1/T2 1\.14", lim) and
      "use: 46, 21 of them under 400 W" in lim, "h200_limits: run 1 against run 2 by power")

# an estimate on an exported model (the test fixture with a symbolic batch)
p = subprocess.run([PRIORI, "analyze", "fixtures/symbolic_batch.onnx", "--hw", "h200-pytorch2.11-eager",
                    "--precision", "fp16", "--dim", "N=64", "-q"], capture_output=True, text=True)
check(p.returncode == 0 and "per sample +-" in p.stdout and "regime" in p.stdout,
      "analyze --hw h200 --precision fp16: estimate with uncertainty and regimes: " + p.stderr[-300:])
p = subprocess.run([PRIORI, "analyze", "fixtures/symbolic_batch.onnx", "--hw", "h200-pytorch2.11-eager", "--train",
                    "--dim", "N=64", "--samples", "6400", "-q"], capture_output=True, text=True)
check(p.returncode == 0 and "training run         6400 samples" in p.stdout and "per training step" in p.stdout,
      "analyze --train: per-sample and per-run energy: " + p.stderr[-300:])
p = subprocess.run([PRIORI, "analyze", "fixtures/symbolic_batch.onnx", "--hw", "h200-pytorch2.11-eager",
                    "--samples", "10", "-q"], capture_output=True, text=True)
check(p.returncode == 2 and "--train" in p.stderr, "--samples without --train is a usage error")

p = subprocess.run([PRIORI, "compare", "fixtures/demo_cnn.onnx", "fixtures/symbolic_batch.onnx", "fixtures/conv_3d.onnx",
                    "--hw", "h200-pytorch2.11-eager", "--precision", "fp16", "-q"], capture_output=True, text=True)
ranks = re.findall(r"^\s+\d\. \S+\s+([\d.e+-]+) mJ/sample", p.stdout, re.M)
check(p.returncode == 0 and len(ranks) == 3 and [float(x) for x in ranks] == sorted(float(x) for x in ranks),
      "compare --hw on a GPU profile ranks the models by energy per sample: " + p.stdout[-400:])

# coefficients the measurements do not determine: `hw show` marks them, and an estimate whose kernels
# they price says how much of its device time that is (every fixture kernel is decided by a rate or a
# bandwidth, so with all of them marked it is 100%)
tmp = tempfile.mkdtemp(prefix="priori-unident-")
db2 = os.path.join(tmp, "db")
shutil.copytree("db", db2)
prof = json.load(open(os.path.join(db2, "profiles.json")))
pid = "h200-pytorch2.11-eager/fp16/infer"
for pr in prof["profiles"]:
    if pr["id"] == pid:
        check("rate.eltwise" in pr["roofline"].get("not_identified", []),
              "the fp16 fit does not identify the elementwise rate (memory decides every such kernel)")
        pr["roofline"]["not_identified"] = [g + "." + c for g in ("rate", "bw")
                                            for c in ("conv", "gemm", "grouped", "attention", "eltwise", "depthwise")]
json.dump(prof, open(os.path.join(db2, "profiles.json"), "w"))
p = subprocess.run([PRIORI, "hw", "show", pid, "--db", "db"], capture_output=True, text=True)
check(p.returncode == 0 and re.search(r"eltwise .* FLOP/s\*", p.stdout) and "* not identified" in p.stdout,
      "hw show marks the unidentified coefficients: " + p.stdout[:900])
p = subprocess.run([PRIORI, "analyze", "fixtures/symbolic_batch.onnx", "--hw", pid, "--dim", "N=64", "-q",
                    "--db", db2], capture_output=True, text=True)
check(p.returncode == 0 and re.search(r"extrapolated\s+100% of the device time", p.stdout) is not None,
      "an estimate priced by unidentified coefficients says so: " + p.stdout[-600:] + p.stderr[-300:])
p = subprocess.run([PRIORI, "analyze", "fixtures/symbolic_batch.onnx", "--hw", pid, "--dim", "N=64", "--format", "json",
                    "--db", db2], capture_output=True, text=True)
check(p.returncode == 0 and json.loads(p.stdout)["energy"]["extrapolated_pct"] == 100,
      "--json: energy.extrapolated_pct: " + p.stderr[-300:])
# a coefficient the fit identified at the spec's bound is marked '^' (the bound decides it): the fp32
# profile's conv rate at its TF32 peak (494.5 TOPS / 2 MAC/s) and bandwidth at 4.8 TB/s; the attention
# bandwidth a third below the bound and its rate at the fp32 peak less 1% are not at a bound
pid32 = "h200-pytorch2.11-eager/fp32/infer"
for pr in prof["profiles"]:
    if pr["id"] == pid32:
        ro, sp = pr["roofline"], pr["spec"]
        ro["rate"]["conv"], ro["bw"]["conv"] = sp["peak_ops_conv"] / 2, sp["mem_bw"]
        ro["rate"]["attention"], ro["bw"]["attention"] = 0.99 * sp["peak_ops"] / 2, sp["mem_bw"] / 1.5
        ro["not_identified"] = []
json.dump(prof, open(os.path.join(db2, "profiles.json"), "w"))
p = subprocess.run([PRIORI, "hw", "show", pid32, "--db", db2], capture_output=True, text=True)
lines = {ln.split()[0]: ln for ln in p.stdout.splitlines() if ln.startswith("  ") and len(ln.split()) > 1}
check(p.returncode == 0 and "MAC/s ^" in lines.get("conv", "") and "B/s^" in lines.get("conv", "")
      and "^" not in lines.get("attention", "x^") and "^ at the spec's bound" in p.stdout
      and "* not identified" not in p.stdout,
      "hw show marks the coefficients at the spec's bound: " + p.stdout[:1200] + p.stderr[-300:])
shutil.rmtree(tmp, ignore_errors=True)

sys.exit(summary())
