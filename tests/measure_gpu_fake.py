#!/usr/bin/python3
"""measure_gpu_fake.py -- tools/measure_gpu.py without a GPU: the method
(idle power, counter period, warm-up, windows aligned to counter ticks) on
the simulated device and counter, checked against the simulation's known
power and call time; then the whole pipeline: --fake run with tiny models
(exported to ONNX by torch on the CPU), `priori db add --measurements`,
`priori calibrate` fitting the new profiles, `analyze --hw` on one export.
Prints "N passed, N failed" last."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import check, summary  # noqa: E402
import tempfile

PRIORI = os.environ.get("PRIORI", "build/priori")


spec = importlib.util.spec_from_file_location("measure_gpu", "tools/measure_gpu.py")
mg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mg)

# --- the method on the simulated device ---------------------------------
clock = mg.FakeClock()
meter = mg.FakeMeter(clock, period=0.1, idle_w=60.0)
check(abs(mg.counter_period(meter, clock) - 0.1) < 0.005, "counter period is the tick period (0.1 s)")
check(abs(mg.idle_power(meter, clock, 1.0) - 60.0) < 0.5, "idle power is the simulated 60 W")


class Runner:
    """Calls of 0.7 ms at 250 W."""
    def __init__(self):
        self.calls = 0

    def run(self, n):
        self.calls += n
        meter.advance(n * 7e-4, 250.0)

    def sync(self):
        pass


r = Runner()
t0 = clock.now()
seconds, iters, joules = mg.measure(meter, r, clock, 0.25, 1.5)
check(seconds >= 1.5, "the window lasts at least --window seconds")
check(abs(seconds / iters - 7e-4) / 7e-4 < 1e-6, "latency = window / iterations = the call time")
# energy from tick to tick: 250 W x window, within one call's energy of the
# counter's quantisation (the counter shows the energy of the tick's read)
check(abs(joules - 250.0 * seconds) <= 250.0 * 7e-4 * 2, "energy = 250 W x window (no idle time counted)")
check(r.calls >= iters + 3, "warm-up ran before the window")

# --- kernel counting from profiler events ---------------------------------
class Ev:
    def __init__(self, name, dev, parent=None):
        self.name, self.device_type, self.cpu_parent = name, dev, parent


top = Ev("aten::conv2d", "cpu")
evs = [top, Ev("aten::convolution", "cpu", top), Ev("cudaLaunchKernel", "cpu", top), Ev("implicit_gemm", "cuda"),
       Ev("aten::relu_", "cpu"), Ev("vectorized_elementwise", "cuda"), Ev("Memset", "cuda"), Ev("aten::add", "cpu")]
check(mg.count_kernels(evs, "cuda") == (3, 3),
      "count_kernels: 3 device events, 3 top-level aten ops (nested aten and runtime calls not counted)")

# --- the pipeline with exports (torch on the CPU) ------------------------
tmp = tempfile.mkdtemp()
try:
    out = os.path.join(tmp, "meas")
    models = "tiny:mlp1,tiny:mlp4,tiny:mlp8,tiny:cnn1,tiny:cnn2,tiny:cnn3"
    p = subprocess.run([sys.executable, "tools/measure_gpu.py", "--fake", "--hw", "fakegpu", "--out", out,
                        "--models", models, "--batches", "1,8", "--precisions", "fp32", "--train",
                        "--train-batch", "8", "--window", "0.3", "--idle", "0.3", "--bw-gbs", "1000",
                        "--peak-tflops", "fp32=100"], capture_output=True, text=True)
    check(p.returncode == 0, "measure_gpu.py --fake exits 0: " + p.stderr[-300:])
    doc = json.load(open(os.path.join(out, "measurements.json")))
    check(doc["schema"] == "priori-measurements" and len(doc["rows"]) == 18, "18 rows (6 models x 3 configs)")
    check(all(os.path.exists(os.path.join(out, r["onnx"])) for r in doc["rows"]), "every row's export exists")
    check(not any(f.endswith(".data") for f in os.listdir(os.path.join(out, "onnx"))),
          "exports are graph-only (weights file removed)")
    p = subprocess.run([sys.executable, "tools/measure_gpu.py", "--fake", "--hw", "fakegpu", "--out",
                        os.path.join(tmp, "noexp"), "--models", "tiny:mlp1", "--batches", "1", "--precisions",
                        "fp32", "--window", "0.2", "--idle", "0.2", "--export", "none"], capture_output=True, text=True)
    rows = json.load(open(os.path.join(tmp, "noexp", "measurements.json")))["rows"] if p.returncode == 0 else []
    check(len(rows) == 1 and "onnx" not in rows[0], "--export none: the row names no export")
    db = os.path.join(tmp, "db")
    shutil.copytree("tests/energy_db", db)
    p = subprocess.run([PRIORI, "db", "add", "--measurements", os.path.join(out, "measurements.json"), "--db", db],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "added: 18 records" in p.stdout, "db add --measurements: " + p.stdout + p.stderr)
    p = subprocess.run([PRIORI, "db", "add", "--measurements", os.path.join(out, "measurements.json"), "--db", db],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "added: 0 records" in p.stdout, "importing the same file again adds nothing")
    p = subprocess.run([PRIORI, "calibrate", "--db", db, "--profile", "fakegpu"], capture_output=True, text=True)
    check(p.returncode == 0 and "fakegpu/fp32/infer" in p.stdout and "roofline" in p.stdout,
          "calibrate fits the new profile: " + p.stdout[-400:] + p.stderr)
    prof = {q["id"]: q for q in json.load(open(os.path.join(db, "profiles.json")))["profiles"]}
    fp = prof.get("fakegpu/fp32/infer", {})
    check(fp.get("method") == "fitted" and "roofline" in fp, "the profile is fitted with a roofline")
    r = fp.get("roofline", {})
    check(all(v <= 50e12 * (1 + 1e-9) for k, v in r.get("rate", {}).items() if k != "eltwise"),
          "fitted MAC rates stay under the spec peak (100 TFLOP/s = 50 TMAC/s)")
    check(all(v <= 1000e9 * (1 + 1e-9) for v in r.get("bw", {"-": 2e12}).values()),
          "fitted bandwidths stay under the spec (1000 GB/s)")
    onnx = os.path.join(out, "onnx", "tiny_cnn2.onnx")
    p = subprocess.run([PRIORI, "analyze", onnx, "--hw", "fakegpu", "--batch", "8", "--db", db, "-q"],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "per sample" in p.stdout and "regime" in p.stdout,
          "analyze --hw on a fitted GPU profile: " + p.stderr[-300:])
    p = subprocess.run([PRIORI, "analyze", onnx, "--hw", "fakegpu", "--batch", "8", "--db", db, "-q", "--train",
                        "--epochs", "2", "--dataset-size", "1000"], capture_output=True, text=True)
    check(p.returncode == 0 and "training run         2000 samples" in p.stdout,
          "analyze --train --epochs --dataset-size: " + p.stdout[-300:] + p.stderr[-300:])
finally:
    shutil.rmtree(tmp)

sys.exit(summary())
