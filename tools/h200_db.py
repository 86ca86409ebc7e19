#!/usr/bin/python3
"""h200_db.py -- the H200 measurements of ../shared/data/h200 as a priori
measurements file (the format tools/measure_gpu.py writes), with which rows
calibration uses and why (`make db-h200`).

Usage: /usr/bin/python3 tools/h200_db.py --data DATA/h200 --onnx DIR --specs DATA/accelerator_specs.tsv
       --out build/h200/measurements.json
DIR holds the extracted onnx.tar.gz (legacy/, dynamo/). Features come from
legacy/ (opset 17) where it exists, else from dynamo/ (vit_b_16, vit_b_32,
gpt2 have no legacy export).

Row policy (the README of the data explains the two runs):
  - run 2 is clean; where run 2 measured a configuration (model, mode,
    precision, batch), the run-1 row is kept as a record but excluded
    ("superseded by run 2");
  - run-1 rows at batch < 16 that run 2 did not repeat are excluded
    ("run 1, batch < 16: CPU-launch-bound under concurrent CPU load;
    latency ~25% high");
  - every other run-1 row is used (at batch >= 16 the runs agree within a
    median 1.4% in latency, 5% in energy); the training rows are all run 1
    (batch 32-64) and are used.
"""
import argparse
import csv
import json
import os
import sys


def spec_of(path):
    for r in csv.DictReader(open(path), delimiter="\t"):
        if r["device"].startswith("NVIDIA H200"):
            return r
    sys.exit("h200_db: no H200 row in %s" % path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--specs", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    s = spec_of(a.specs)
    env = json.load(open(os.path.join(a.data, "env_run2.json")))
    fp16 = float(s["fp16_tensor_dense_tflops"]) * 1e12
    rows = list(csv.DictReader(open(os.path.join(a.data, "measurements.csv"))))
    run2 = {(r["model"], r["mode"], r["precision"], r["batch"]) for r in rows if r["run"] == "2"}
    out = []
    onnx_dir = os.path.abspath(a.onnx)
    for r in rows:
        if r["error"]:
            continue
        key = (r["model"], r["mode"], r["precision"], r["batch"])
        excluded = ""
        if r["run"] == "1" and key in run2:
            excluded = "superseded by run 2 (clean)"
        elif r["run"] == "1" and int(r["batch"]) < 16:
            excluded = "run 1, batch < 16: CPU-launch-bound under concurrent CPU load (latency ~25% high)"
        legacy = os.path.join(onnx_dir, "legacy", r["model"] + ".onnx")
        onnx = legacy if os.path.exists(legacy) else os.path.join(onnx_dir, "dynamo", r["model"] + ".onnx")
        src = "shared/data/h200/onnx.tar.gz %s" % os.path.relpath(onnx, onnx_dir)
        out.append({"model": r["model"], "family": r["family"], "onnx": onnx, "onnx_source": src, "input": r["input"],
                    "mode": r["mode"], "precision": r["precision"], "batch": int(r["batch"]),
                    "latency_s": float(r["latency_s"]), "j_per_sample": float(r["j_per_sample"]),
                    "avg_watts": float(r["avg_watts"]), "run": int(r["run"]), "note": r["note"],
                    "source": "shared/data/h200/measurements.csv run %s (NVML energy counter)" % r["run"],
                    "excluded": excluded})
    doc = {"schema": "priori-measurements", "version": 1, "hw": "h200-pytorch2.11-eager",
           "hardware": "NVIDIA H200 SXM 141GB (700 W limit, driver 580.159.04)",
           "runtime": "PyTorch %s eager (cudnn.benchmark off, conv TF32 on, matmul TF32 off)" % env["torch"],
           # fp32 convolutions run on TF32 tensor cores (cudnn.allow_tf32 on): H200 datasheet TF32
           # tensor core 989 TFLOPS with sparsity, 494.5 dense (matmul TF32 is off: GEMMs stay at 67)
           "spec": {"peak_ops": {"fp32": float(s["fp32_tflops"]) * 1e12, "fp16": fp16, "bf16-autocast": fp16},
                    "peak_ops_conv": {"fp32": 494.5e12},
                    "mem_bw": float(s["mem_bw_gb_s"]) * 1e9, "tdp_w": float(s["power_w"]),
                    "idle_w": round(env["idle_w_before"], 1), "mem_gb": 141,
                    "source": "accelerator_specs.tsv (%s): %s; idle: env_run2.json" % (s["status"], s["source"])},
           "rows": out}
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
    used = sum(1 for r in out if not r["excluded"])
    print("h200_db: %d rows, %d used by calibration, %d excluded" % (len(out), used, len(out) - used),
          file=sys.stderr)


if __name__ == "__main__":
    main()
