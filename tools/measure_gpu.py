#!/usr/bin/env python3
"""measure_gpu.py -- measure the energy and latency of PyTorch models on an
NVIDIA GPU with NVML's energy counter, write graph-only ONNX exports of the
same models and a measurements file that `priori db add --measurements`
turns into records (then `priori calibrate` fits a roofline profile).

Usage (on the machine with the GPU, nothing else running on it):
  python3 tools/measure_gpu.py --hw mygpu-pytorch2.4-eager --out meas \\
      --models resnet18,mobilenet_v2,vit_b_16 --batches 1,32,256 --precisions fp32,fp16 \\
      [--train --train-batch 64] [--peak-tflops fp32=67,fp16=989 --bw-gbs 4800 --tdp-w 700]
  priori db add --measurements meas/measurements.json --db DB && priori calibrate --db DB

Method (per model, precision, batch), as the H200 data in ../shared/data/h200:
  - eval mode, weights random (library constructors), inputs on the GPU,
    torch.inference_mode(); fp16 = model.half() and half inputs; train =
    one SGD-with-momentum step per iteration, forward and loss under
    torch.autocast(bfloat16), backward, step;
  - warm-up: at least --warmup seconds and 3 iterations;
  - the window starts on a change of the energy counter
    (nvmlDeviceGetTotalEnergyConsumption, mJ, whole board), runs at least
    --window seconds, and ends on the next change: iterations keep running
    until the closing tick, so no idle time is counted; the device is
    synchronised before each counter read;
  - energy = counter difference, latency = window / iterations,
    J/sample = energy / (iterations x batch);
  - idle power is read before measuring (counter over --idle seconds with
    nothing running) and written to env.json with the counter period.
Nothing else should run on the GPU (the script warns when NVML lists other
processes) and the CPU should be quiet: eager PyTorch at small batch is
bound by the CPU that launches kernels.

--fake replaces the GPU and NVML by a simulated device and counter (a
clock advanced by a latency model, a counter that ticks every 0.1 s): it
runs anywhere, with the same window logic, and is what `make check`
tests (tests/measure_fake.sh).
"""
import argparse
import ctypes
import json
import os
import platform
import re
import sys
import time


# ------------------------------------------------------------------ meters

class NvmlMeter:
    """Energy counter (mJ) and process list of one GPU through NVML (ctypes)."""

    def __init__(self, index):
        self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        self._check(self.lib.nvmlInit_v2(), "nvmlInit")
        self.dev = ctypes.c_void_p()
        self._check(self.lib.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(self.dev)), "handle")

    def _check(self, rc, what):
        if rc != 0:
            raise RuntimeError("NVML %s failed (error %d)" % (what, rc))

    def energy_mj(self):
        v = ctypes.c_ulonglong()
        self._check(self.lib.nvmlDeviceGetTotalEnergyConsumption(self.dev, ctypes.byref(v)), "energy counter")
        return float(v.value)

    def name(self):
        buf = ctypes.create_string_buffer(96)
        self._check(self.lib.nvmlDeviceGetName(self.dev, buf, 96), "name")
        return buf.value.decode()

    def other_processes(self):
        n = ctypes.c_uint(0)
        self.lib.nvmlDeviceGetComputeRunningProcesses_v3(self.dev, ctypes.byref(n), None)
        return n.value


class FakeClock:
    """Simulated time; sleeping is idle time of the simulated device."""

    def __init__(self):
        self.t, self.meter = 1000.0, None

    def now(self):
        return self.t

    def sleep(self, s):
        if self.meter:
            self.meter.advance(s, self.meter.idle_w)
        else:
            self.t += s


class FakeMeter:
    """A counter of the simulated device: integrates its power, changes
    only every `period` seconds (as NVML's does, about 0.1 s)."""

    def __init__(self, clock, period=0.1, idle_w=60.0):
        self.clock, self.period, self.idle_w = clock, period, idle_w
        self.energy_j = 0.0
        self.shown, self.shown_tick = 0.0, int(clock.now() / period)
        clock.meter = self

    def advance(self, dt, power_w):
        self.energy_j += dt * power_w
        self.clock.t += dt

    def energy_mj(self):
        tick = int(self.clock.now() / self.period)
        if tick != self.shown_tick:
            self.shown_tick, self.shown = tick, self.energy_j * 1000
        return self.shown

    def name(self):
        return "simulated GPU"

    def other_processes(self):
        return 0


# ----------------------------------------------------------------- runners

class FakeRunner:
    """One call takes t = 20 us x kernels + work / 50 TFLOP/s (batch-scaled)
    at idle + 300 W x utilisation: enough to exercise the method."""

    def __init__(self, meter, work, kernels, batch, precision):
        self.meter, self.batch = meter, batch
        speed = 2.0 if precision != "fp32" else 1.0
        device = work * batch / (50e12 * speed)
        self.t = max(20e-6 * kernels, device) + 30e-6
        self.p = meter.idle_w + 300.0 * device / self.t

    def run(self, n):
        for _ in range(n):
            self.meter.advance(self.t, self.p)

    def sync(self):
        pass


class TorchRunner:
    def __init__(self, torch, model, x, train, precision):
        self.torch, self.model, self.x, self.train = torch, model, x, train
        if train:
            self.opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
            self.y = torch.randint(0, 10, (x.shape[0],), device=x.device)

    def run(self, n):
        torch = self.torch
        if self.train:
            for _ in range(n):
                self.opt.zero_grad()
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    out = self.model(self.x)
                    loss = torch.nn.functional.cross_entropy(out.float(), self.y % out.shape[-1])
                loss.backward()
                self.opt.step()
        else:
            with torch.inference_mode():
                for _ in range(n):
                    self.model(self.x)

    def sync(self):
        self.torch.cuda.synchronize()


# ------------------------------------------------------------------ method

def wait_tick(meter, runner, clock, busy):
    """Runs (busy) or waits until the counter changes; returns its value."""
    e0 = meter.energy_mj()
    while True:
        if busy:
            runner.run(1)
            runner.sync()
        else:
            clock.sleep(0.002)
        e = meter.energy_mj()
        if e != e0:
            return e


def measure(meter, runner, clock, warmup, window):
    """Warm-up, then a window from one counter tick to the first tick after
    `window` seconds. Returns (seconds, iterations, joules)."""
    t0, n = clock.now(), 0
    while n < 3 or clock.now() - t0 < warmup:
        runner.run(1)
        n += 1
    runner.sync()
    per = max((clock.now() - t0) / n, 1e-7)
    chunk = max(1, int(0.02 / per))          # sync about every 20 ms
    # start: run until the counter ticks, then count from there
    e_start = wait_tick(meter, runner, clock, busy=True)
    t_start, iters = clock.now(), 0
    while True:
        runner.run(chunk)
        iters += chunk
        runner.sync()
        if clock.now() - t_start >= window:
            break
    e_mid = meter.energy_mj()
    while True:                              # keep working until the closing tick
        runner.run(1)
        iters += 1
        runner.sync()
        e_end = meter.energy_mj()
        if e_end != e_mid:
            break
    return clock.now() - t_start, iters, (e_end - e_start) / 1000.0


def idle_power(meter, clock, seconds):
    e0 = wait_tick(meter, None, clock, busy=False)
    t0 = clock.now()
    while clock.now() - t0 < seconds:
        clock.sleep(0.01)
    e1 = wait_tick(meter, None, clock, busy=False)
    return (e1 - e0) / 1000.0 / (clock.now() - t0)


def counter_period(meter, clock):
    wait_tick(meter, None, clock, busy=False)
    t0 = clock.now()
    wait_tick(meter, None, clock, busy=False)
    return clock.now() - t0


# --------------------------------------------------------------- exporting

def export_graph_only(torch, model, x, path, how):
    """ONNX export with the batch axis named `batch`; initializers over 4 KB
    are moved to an external-data file that is then deleted (priori never
    needs the weights). how: "legacy" (TorchScript exporter, opset 17, as
    the H200 data's legacy/ folder), "dynamo" (torch.export based, opset
    18) or "auto" (legacy where this PyTorch still has it, else dynamo).
    Returns None, or why the export failed (the measurement goes on)."""
    import inspect
    import onnx
    has_dynamo = "dynamo" in inspect.signature(torch.onnx.export).parameters
    kw = {"input_names": ["input"], "output_names": ["output"]}
    try:
        if how == "dynamo":
            batch = torch.export.Dim("batch", min=1)
            torch.onnx.export(model, (x,), path, dynamo=True, opset_version=18, dynamic_shapes=({0: batch},), **kw)
        else:
            extra = {"dynamo": False} if has_dynamo else {}
            torch.onnx.export(model, (x,), path, opset_version=17, **extra, **kw,
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        m = onnx.load(path)
        data = os.path.basename(path) + ".data"
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data,
                        size_threshold=4096)
    except Exception as e:  # an exporter failure must not lose the measurements
        for f in (path, path + ".data"):
            if os.path.exists(f):
                os.remove(f)
        return "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")
    try:
        os.remove(os.path.join(os.path.dirname(path), data))
    except FileNotFoundError:
        pass
    return None


def count_kernels(events, cuda_type):
    """Per-call counts from torch.profiler events: GPU kernels (and copies)
    the device ran, and top-level aten operators the CPU dispatched."""
    kernels = sum(1 for e in events if e.device_type == cuda_type)
    aten = sum(1 for e in events if e.device_type != cuda_type and e.name.startswith("aten::")
               and (e.cpu_parent is None or not e.cpu_parent.name.startswith("aten::")))
    return kernels, aten


def profile_calls(torch, runner, calls=3):
    """Kernels and aten operators per call, counted with torch.profiler over
    `calls` calls after the measurement (outside its window). None if the
    profiler is unavailable."""
    try:
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            runner.run(calls)
            runner.sync()
        k, a = count_kernels(prof.events(), torch.autograd.DeviceType.CUDA)
        return k / calls, a / calls
    except Exception as e:
        print("measure_gpu: warning: profiler: %s" % e, file=sys.stderr)
        return None


def tiny_model(torch, name):
    """Small built-in models (tiny:mlpN, tiny:cnnN) for trying the pipeline."""
    nn = torch.nn
    kind, width = name[5:8], int(name[8:] or "1")
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 64 * width), nn.ReLU(),
                             nn.Linear(64 * width, 10)), (3, 32, 32)
    layers, c = [], 3
    for i in range(width):
        layers += [nn.Conv2d(c, 16 * (i + 1), 3, padding=1), nn.ReLU()]
        c = 16 * (i + 1)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 10)), (3, 32, 32)


class SegmentationOut:
    """Wraps a torchvision segmentation model to return its 'out' tensor."""

    def __new__(cls, torch, inner):
        class Wrap(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = inner

            def forward(self, x):
                return self.inner(x)["out"]
        return Wrap()


def build_model(torch, name):
    """torchvision classification (224 px, 299 for Inception), video
    (16 x 112 x 112 clips) and segmentation (520 px) models by name, with
    random weights; googlenet and inception without auxiliary heads."""
    if name.startswith("tiny:"):
        return tiny_model(torch, name)
    import torchvision
    tv = torchvision.models
    old = not hasattr(tv, "get_weight")
    kw = {} if old else {"weights": None}
    if name in ("googlenet", "inception_v3"):
        kw.update(aux_logits=False, init_weights=True)
    if hasattr(tv.video, name):
        return getattr(tv.video, name)(**kw), (3, 16, 112, 112)
    if hasattr(tv.segmentation, name):
        seg = getattr(tv.segmentation, name)(**kw, **({} if old else {"weights_backbone": None}))
        return SegmentationOut(torch, seg), (3, 520, 520)
    if not hasattr(tv, name):
        raise SystemExit("measure_gpu: unknown model %s (torchvision classification, video or segmentation "
                         "names, or tiny:mlpN / tiny:cnnN)" % name)
    size = 299 if name.startswith("inception") else 224
    return getattr(tv, name)(**kw), (3, size, size)


def work_of(model):
    """Rough work (2 x params x positions) for the fake device only."""
    return 2.0 * sum(p.numel() for p in model.parameters()) * 256


# -------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hw", required=True, help="profile name: hardware + runtime, no '/'")
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", required=True, help="torchvision names or tiny:mlpN / tiny:cnnN, comma-separated")
    ap.add_argument("--batches", default="1,32,256")
    ap.add_argument("--precisions", default="fp32,fp16")
    ap.add_argument("--train", action="store_true", help="also one training step per iteration (bf16 autocast)")
    ap.add_argument("--train-batch", type=int, default=64)
    ap.add_argument("--window", type=float, default=1.5)
    ap.add_argument("--warmup", type=float, default=0.25)
    ap.add_argument("--idle", type=float, default=2.0)
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--peak-tflops", default="", help="spec peaks, e.g. fp32=67,fp16=989")
    ap.add_argument("--bw-gbs", type=float, default=0)
    ap.add_argument("--tdp-w", type=float, default=0)
    ap.add_argument("--export", choices=("auto", "legacy", "dynamo", "none"), default="auto",
                    help="ONNX exporter (auto: the TorchScript one where PyTorch has it); none: rows name no export")
    ap.add_argument("--no-profile", action="store_true", help="skip counting kernels per call (torch.profiler)")
    ap.add_argument("--run", type=int, default=1, help="run number recorded in every row")
    ap.add_argument("--fake", action="store_true", help="simulated GPU and counter (tests)")
    a = ap.parse_args()
    if "/" in a.hw:
        sys.exit("measure_gpu: --hw %s: a name without '/'" % a.hw)
    import torch
    os.makedirs(os.path.join(a.out, "onnx"), exist_ok=True)
    if a.fake:
        clock = FakeClock()
        meter = FakeMeter(clock)
        dev = "cpu"
    else:
        if not torch.cuda.is_available():
            sys.exit("measure_gpu: no CUDA device; --fake runs the method on a simulated one")
        clock = type("C", (), {"now": staticmethod(time.perf_counter), "sleep": staticmethod(time.sleep)})()
        meter = NvmlMeter(a.device)
        dev = "cuda:%d" % a.device
        if meter.other_processes() > 1:
            print("measure_gpu: warning: other processes use the GPU; the numbers will include them",
                  file=sys.stderr)
    env = {"gpu": meter.name(), "torch": torch.__version__, "python": platform.python_version(),
           "fake": a.fake, "counter_period_s": counter_period(meter, clock),
           "idle_w_before": idle_power(meter, clock, a.idle)}
    if not a.fake:
        env["cudnn_benchmark"] = torch.backends.cudnn.benchmark
        env["cudnn_allow_tf32"] = torch.backends.cudnn.allow_tf32
        env["matmul_allow_tf32"] = torch.backends.cuda.matmul.allow_tf32
    rows, failed = [], []
    configs = [(p, int(b), "infer") for p in a.precisions.split(",") for b in a.batches.split(",")]
    if a.train:
        configs.append(("bf16-autocast", a.train_batch, "train"))
    for name in a.models.split(","):
        model, shape = build_model(torch, name)
        model.eval()
        safe = name.replace(":", "_")
        onnx_path = os.path.join(a.out, "onnx", safe + ".onnx")
        why = "--export none" if a.export == "none" else \
            export_graph_only(torch, model, torch.randn(1, *shape), onnx_path, a.export)
        if why and a.export != "none":
            print("measure_gpu: warning: %s: ONNX export failed (%s); its rows name no export: export it "
                  "yourself and set their \"onnx\" before `priori db add`" % (name, why), file=sys.stderr)
        kernels = sum(1 for m in model.modules() if not list(m.children()))
        for prec, batch, mode in configs:
            try:
                if a.fake:
                    runner = FakeRunner(meter, work_of(model), kernels * (3 if mode == "train" else 1), batch,
                                        prec)
                else:
                    m = model.to(dev)
                    m = m.train() if mode == "train" else m.eval()
                    x = torch.randn(batch, *shape, device=dev)
                    if prec == "fp16":
                        m, x = m.half(), x.half()
                    runner = TorchRunner(torch, m, x, mode == "train", prec)
                seconds, iters, joules = measure(meter, runner, clock, a.warmup, a.window)
                counts = None if a.fake or a.no_profile else profile_calls(torch, runner)
            except Exception as e:  # out of memory at a large batch, say: record it, go on
                failed.append({"model": safe, "mode": mode, "precision": prec, "batch": batch,
                               "error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")})
                print("measure_gpu: %s %s b%d %s failed: %s" % (name, prec, batch, mode, failed[-1]["error"]),
                      file=sys.stderr)
                runner = m = x = None
                if not a.fake:
                    torch.cuda.empty_cache()
                    model = model.float()
                continue
            family = re.match(r"[a-z]*", name.split(":")[-1]).group(0) or safe
            row = {"model": safe, "family": family,
                   "input": "x".join(str(d) for d in (batch,) + shape), "mode": mode, "precision": prec,
                   "batch": batch, "iters": iters, "seconds": seconds, "latency_s": seconds / iters,
                   "j_per_sample": joules / (iters * batch), "avg_watts": joules / seconds, "run": a.run,
                   "source": "tools/measure_gpu.py%s on %s" % (" --fake" if a.fake else "", env["gpu"]),
                   "note": "window %.2f s aligned to energy-counter ticks" % seconds}
            if not why:
                row["onnx"] = "onnx/" + safe + ".onnx"
            if counts:
                row["kernels"], row["aten_ops"] = counts
            rows.append(row)
            print("%-24s %-14s b%-4d %9.3f ms %10.4f J/sample %6.0f W%s" % (
                name, prec, batch, 1e3 * seconds / iters, joules / (iters * batch), joules / seconds,
                " %6.0f kernels" % counts[0] if counts else ""), file=sys.stderr)
            if not a.fake and prec == "fp16":
                model = model.float()
        runner = m = x = model = None
        write_results(a, torch, env, rows, failed)
    write_results(a, torch, env, rows, failed)
    print("measure_gpu: %d rows in %s/measurements.json; next: priori db add --measurements %s/measurements.json"
          % (len(rows), a.out, a.out), file=sys.stderr)


def write_results(a, torch, env, rows, failed):
    """Writes env.json and measurements.json (each replaced whole: a run
    stopped half-way leaves the models measured so far, never a torn file)."""
    peaks = {}
    for kv in filter(None, a.peak_tflops.split(",")):
        k, v = kv.split("=")
        peaks[k] = float(v) * 1e12
    if "fp16" in peaks:
        peaks.setdefault("bf16-autocast", peaks["fp16"])
    doc = {"schema": "priori-measurements", "version": 1, "hw": a.hw, "hardware": env["gpu"],
           "runtime": "PyTorch %s eager" % torch.__version__,
           "spec": {"peak_ops": peaks, "mem_bw": a.bw_gbs * 1e9, "tdp_w": a.tdp_w,
                    "idle_w": round(env["idle_w_before"], 1), "source": "measure_gpu.py options"},
           "rows": rows, "failed": failed}
    for name, obj in (("env.json", env), ("measurements.json", doc)):
        path = os.path.join(a.out, name)
        with open(path + ".tmp", "w") as f:
            json.dump(obj, f, indent=1)
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
