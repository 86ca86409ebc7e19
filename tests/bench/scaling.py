#!/usr/bin/python3
"""scaling.py -- are priori's loads linear in their input? (`make bench`)

    /usr/bin/python3 tests/bench/scaling.py [--priori build/priori] [--dir build/bench/scaling]

Each case is run at a full size and at a tenth of it, in the same run, and
the ratio of the two wall times (best of 3 each) is printed: linear work
gives a ratio of about 10 (less while the start-up cost still counts), work
that grows with the square of the input about 100. PASS: ratio <= 20.
Nothing here is a timed test: the ratio compares priori with itself.

  db check     100,000 profiles (and as many models and records) / 10,000
  calibrate    10,000 models measured on one profile, and 10,000 models on
               100 profiles of 100 models each (--dry-run) / 1,000
  budget       a budget of 100,000 limits on a 20,000-layer model
               (priori check) / 10,000 limits on 2,000 layers
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def features(i):
    m = 1e6 * (1 + i % 97)
    return {"macs_dense": m, "macs_depthwise": m / 10, "flops_other": m / 5, "macs": 1.1 * m,
            "flops": 2.4 * m, "bytes_read": 3 * m, "bytes_written": m, "params": m / 100,
            "layers": 10 + i % 50, "mac_layers": 5 + i % 20}


def write_db(path, nprofiles, nmodels, models_per_profile):
    """nprofiles profiles; nmodels models, each measured once on profile (i // models_per_profile)."""
    os.makedirs(path, exist_ok=True)
    profiles = [{"id": "hw%d/fp32/single" % p, "hw": "hw%d" % p, "hardware": "x", "runtime": "y",
                 "precision": "fp32", "scenario": "single", "boundary": "wall", "method": "none"}
                for p in range(nprofiles)]
    models = [dict(name="m%d" % i, family="f%d" % (i % 4), input="", source="bench",
                   features=features(i)) for i in range(nmodels)]
    records = [{"model": "m%d" % i, "profile": "hw%d/fp32/single" % min(i // models_per_profile, nprofiles - 1),
                "j_per_sample": 0.001 * (1 + i % 89) * (1 + (i % 97)), "latency_s": 0.0001 * (1 + i % 97),
                "source": "bench"} for i in range(nmodels)]
    with open(os.path.join(path, "profiles.json"), "w") as f:
        json.dump({"schema": "priori-db-profiles", "version": 1, "profiles": profiles}, f)
    with open(os.path.join(path, "records.json"), "w") as f:
        json.dump({"schema": "priori-db-records", "version": 1, "models": models, "records": records}, f)
    shutil.copy(os.path.join(ROOT, "tests/energy_db/carbon.json"), path)


def write_chain(path, layers):
    nodes = [helper.make_node("Relu", ["v%d" % i], ["v%d" % (i + 1)], name="n%d" % i) for i in range(layers)]
    g = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("v0", TensorProto.FLOAT, [1, 8])],
                          [helper.make_tensor_value_info("v%d" % layers, TensorProto.FLOAT, [1, 8])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)


def write_budget(path, layers, limits):
    """limits: 4 per layer (params, macs, flops, activation_bytes), the rest on op types the model lacks."""
    lay = {}
    n = 0
    for i in range(layers):
        if n + 4 > limits:
            break
        lay["n%d" % i] = {"params": 1e9, "macs": 1e9, "flops": 1e9, "activation_bytes": 1e9}
        n += 4
    ops = {}
    k = 0
    while n < limits:
        ops["Op%d" % k] = {"macs": 1e9}
        n += 1
        k += 1
    with open(path, "w") as f:
        json.dump({"schema": "priori.budget/1", "layers": lay, "op_types": ops}, f)


def best(cmd, runs=3):
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            sys.exit("scaling.py: %s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.decode()[:300]))
    return min(t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--priori", default="build/priori")
    ap.add_argument("--dir", default="build/bench/scaling")
    a = ap.parse_args()
    d = a.dir
    os.makedirs(d, exist_ok=True)
    cases = []
    for tag, div in (("full", 1), ("tenth", 10)):
        write_db("%s/check_%s" % (d, tag), 100000 // div, 100000 // div, 1)
        write_db("%s/cal1_%s" % (d, tag), 1, 10000 // div, 10000 // div)
        write_db("%s/cal100_%s" % (d, tag), 100 // div, 10000 // div, 100)
        write_chain("%s/chain_%s.onnx" % (d, tag), 20000 // div)
        write_budget("%s/budget_%s.json" % (d, tag), 20000 // div, 100000 // div)
    cases.append(("db check, 100,000 profiles", ["db", "check", "--db", "%s/check_{}" % d]))
    cases.append(("calibrate, 10,000 models on 1 profile", ["calibrate", "--dry-run", "--db", "%s/cal1_{}" % d]))
    cases.append(("calibrate, 10,000 models on 100 profiles", ["calibrate", "--dry-run", "--db", "%s/cal100_{}" % d]))
    cases.append(("budget, 100,000 limits x 20,000 layers",
                  ["check", "%s/chain_{}.onnx" % d, "--budget", "%s/budget_{}.json" % d, "-q"]))
    print("%-42s %10s %10s %7s  %s" % ("linear loads (full size / a tenth)", "full s", "tenth s", "ratio", "target <= 20"))
    for name, args in cases:
        full = best([a.priori] + [x.format("full") for x in args])
        tenth = best([a.priori] + [x.format("tenth") for x in args])
        ratio = full / tenth if tenth > 0 else float("inf")
        print("%-42s %10.3f %10.3f %7.1f  %s" % (name, full, tenth, ratio, "PASS" if ratio <= 20 else "FAIL"))


if __name__ == "__main__":
    main()
