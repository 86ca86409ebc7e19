#!/usr/bin/python3
"""h200_limits.py -- what in the H200 data limits the roofline fit, read
from db/records.json (records and the kernels `priori db add` counted for
each model at each batch). Quoted in docs/energy.md.

  1. Batch 1 (the rows the inference fits use): time per eager op =
     latency / eager ops (kernels, less those an op launches inside it).
     Eager PyTorch at batch 1 waits on the host, which issues each op, so
     one cost per op would predict these rows; how far that cost varies
     from model to model is the error any per-op host time leaves.
  2. The same model at fp16 and fp32, batch 1: the host's Python and
     dispatch work does not depend on the precision, yet the time per
     op does, by model.
  3. Run 1 (under concurrent CPU load) against run 2 (clean) at batch >= 16
     on the configurations both measured, split by run 1's average board
     power: a low power means the GPU waited on the host, which the CPU
     load slowed.

Usage: /usr/bin/python3 tools/h200_limits.py [DB_DIR]   (default db)
"""
import json
import statistics as st
import sys

HW = "h200-pytorch2.11-eager/"
db = sys.argv[1] if len(sys.argv) > 1 else "db"
d = json.load(open(db + "/records.json"))
# eager ops of an inference call: kernels of modes 0 and 1 (not training-only, not those an op launches
# inside: the native BatchNorm's extra kernels at 16-bit, a convolution's bias add)
kernels = {m["name"]: sum(k[1] for k in m.get("kernels", []) if (k[5] if len(k) > 5 else 0) in (0, 1))
           for m in d["models"]}
graph = {m["name"]: m.get("graph", m["name"]) for m in d["models"]}
recs = [r for r in d["records"] if r["profile"].startswith(HW) and r["profile"].endswith("/infer")]


def pct(x):
    return "%.0f%%" % (100 * x)


print("1. batch 1, rows the fits use: latency / eager ops (us per eager op)")
per_kernel = {}
for prec in ("fp32", "fp16"):
    rows = [r for r in recs if r["precision"] == prec and r["batch"] == 1 and not r.get("excluded")]
    us = {graph[r["model"]]: 1e6 * r["latency_s"] / kernels[r["model"]] for r in rows}
    per_kernel[prec] = us
    med = st.median(us.values())
    dev = st.median(abs(v / med - 1) for v in us.values())
    print("  %s: %d models, median %.1f us, %.1f-%.1f us; one cost per op misses by a median %s" %
          (prec, len(us), med, min(us.values()), max(us.values()), pct(dev)))
    print("    " + ", ".join("%s %.1f" % (m, v) for m, v in sorted(us.items(), key=lambda kv: kv[1])))

print("2. batch 1, fp16 / fp32 time per op of the same model (both measured in run 2)")
both = sorted(set(per_kernel["fp32"]) & set(per_kernel["fp16"]))
ratio = {m: per_kernel["fp16"][m] / per_kernel["fp32"][m] for m in both}
print("  %d models: %.2f-%.2f, median |ratio - 1| %s" % (len(ratio), min(ratio.values()), max(ratio.values()),
                                                         pct(st.median(abs(v - 1) for v in ratio.values()))))
print("    " + ", ".join("%s %.2f" % (m, v) for m, v in sorted(ratio.items(), key=lambda kv: kv[1])))

print("3. batch >= 16, run 1 / run 2 latency on the configurations both measured, by run 1's power")
run2 = {(r["model"], r["profile"]): r for r in recs if r["run"] == 2}
pairs = [(r["watts"], r["latency_s"] / run2[(r["model"], r["profile"])]["latency_s"])
         for r in recs if r["run"] == 1 and r["batch"] >= 16 and (r["model"], r["profile"]) in run2]
for name, sel in (("run 1 < 400 W", lambda w: w < 400), ("run 1 >= 400 W", lambda w: w >= 400)):
    v = [t for w, t in pairs if sel(w)]
    print("  %-15s %2d configurations: median |T1/T2 - 1| %s, max T1/T2 %.2f" %
          (name, len(v), pct(st.median(abs(t - 1) for t in v)), max(v)))
used1 = [r for r in recs if r["run"] == 1 and r["batch"] >= 16 and not r.get("excluded")]
print("  run-1-only rows at batch >= 16 the fits use: %d, %d of them under 400 W" %
      (len(used1), sum(1 for r in used1 if r["watts"] < 400)))
