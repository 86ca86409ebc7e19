#!/usr/bin/python3
"""build_db.py -- regenerates db/records.json, db/carbon.json and the keys and
spec values of db/profiles.json from ../shared/data (`make db`).

Usage: /usr/bin/python3 tools/build_db.py --priori build/priori --models build/mlperf
       --data DATA_DIR --out db

Features of every model come from `priori db features` on the ONNX files
that fixtures/make_mlperf_models.py rebuilt (a model whose file is missing
keeps the features already in OUT/records.json, else is skipped, with a
note: `make db` without HEAVY=1 keeps BERT-Large's). Measurement rows: MLPerf Inference power results
(mlperf_inference_power.tsv) whose model was rebuilt; the three copies of
each Krai open-division row (one per scenario folder, same measurement) are
kept once. Coefficients are left for `priori calibrate`; existing ones are
kept until then.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

SCEN = {"SingleStream": "single", "MultiStream": "multi", "Server": "server", "Offline": "offline"}

# Spec values of the Krai boards (accelerator_specs.tsv, whole-board wall
# figures) and cores / memory for Green Algorithms (board descriptions).
BOARD = [
    ("rpi4", dict(tdp_w=6.3, idle_w=2.6, cores=4, mem_gb=4,
                  source="accelerator_specs.tsv: Raspberry Pi 4B load 5.1-6.3 W, idle 2.2-3.0 W (wall); 4x Cortex-A72")),
    ("xavier", dict(tdp_w=30, mem_gb=32, cores=8,
                    source="accelerator_specs.tsv: Jetson AGX Xavier 10-30 W module (unverified); 8 Carmel cores")),
    ("orin", dict(tdp_w=60, mem_gb=64, cores=12, mem_bw=204.8e9,
                  source="accelerator_specs.tsv: Jetson AGX Orin 64GB 15-60 W, 204.8 GB/s (DS-10662-001); 12 A78AE cores")),
]


def family(name):
    for f in ("mobilenet-v1", "mobilenet-v2", "mobilenet-v3", "efficientnet-lite"):
        if name.startswith(f):
            return f
    return name.split("-")[0]


def canon(model):
    """MLPerf model name -> rebuilt model name and precision, or None."""
    m = re.match(r"(mobilenet-v[12]-[0-9.]+-[0-9]+|efficientnet-lite[0-4])-(non-)?quantized$", model)
    if m:
        return m.group(1), ("fp32" if m.group(2) else "int8")
    m = re.match(r"mobilenet-v3-(large|small)(-minimalistic)?_224_(1\.0|0\.75)_(float|uint8)$", model)
    if m:
        return ("mobilenet-v3-%s%s-%s-224" % (m.group(1), m.group(2) or "", m.group(3)),
                "fp32" if m.group(4) == "float" else "int8")
    m = re.match(r"mobilenet-(v[123])-precision_(float|uint8)-(.*)$", model)
    if m:
        rest = m.group(3)
        if m.group(1) == "v3":
            r = re.match(r"(large|small)(-minimalistic)?-224$", rest)
            name = "mobilenet-v3-%s%s-1.0-224" % (r.group(1), r.group(2) or "")
        else:
            name = "mobilenet-%s-%s" % (m.group(1), rest)
        return name, "fp32" if m.group(2) == "float" else "int8"
    m = re.match(r"efficientnet-(fp32|int8)-(lite[0-4])$", model)
    if m:
        return "efficientnet-" + m.group(2), m.group(1)
    if model == "resnet50":
        return "resnet50-v1.5", None
    if model == "bert-99":
        return "bert-large-384", None
    if model == "ssd-mobilenet":
        return "ssd-mobilenet-v1", None
    return None


def precision_of(p):
    """Weight precision: "int8,fp16" (Qualcomm's BERT: int8 matrix products,
    fp16 softmax and normalisation) counts as int8, where the MACs are."""
    w = p.split("/")[0]
    return {"uint8": "int8", "mixed": "fp16", "int8,fp16": "int8"}.get(w, w)


def features(priori, path, name, fam, source):
    out = subprocess.check_output([priori, "db", "features", path, "--name", name, "--family", fam,
                                   "--source", source, "-q"] if False else
                                  [priori, "db", "features", path, "--name", name, "--family", fam,
                                   "--source", source])
    return json.loads(out)


def slug(s):
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", s).strip("-").lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--priori", default="build/priori")
    ap.add_argument("--models", default="build/mlperf")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--out", default="db")
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))

    # models
    listing = subprocess.check_output([sys.executable, "fixtures/make_mlperf_models.py", "--list"], text=True)
    models = {}
    rpath = os.path.join(a.out, "records.json")
    committed = {m["name"]: m for m in json.load(open(rpath))["models"]} if os.path.exists(rpath) else {}
    for line in listing.splitlines():
        name, shape, src = line.split("\t")
        path = os.path.join(a.models, name + ".onnx")
        if not os.path.exists(path):
            # not exported (bert-large-384 without HEAVY=1): keep the features
            # already in the database rather than dropping the model's rows
            if name in committed:
                print("build_db: %s not exported, its features in %s kept" % (name, rpath), file=sys.stderr)
                models[name] = committed[name]
            else:
                print("build_db: %s not exported, skipped" % name, file=sys.stderr)
            continue
        m = features(a.priori, path, name, family(name), "fixtures/make_mlperf_models.py; architecture: " + src)
        m["input"] = shape
        models[name] = m

    # records and profile keys
    profiles, records, seen = {}, [], set()
    with open(os.path.join(a.data, "mlperf_inference_power.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            c = canon(r["model"])
            if not c or c[0] not in models or not r["J_per_sample"]:
                continue
            name, prec = c
            prec = prec or precision_of(r["precision_w/in"])
            scen = SCEN.get(r["scenario"], r["scenario"].lower())
            hw = "%s@%s" % (slug(r["system"]), r["version"])
            pid = "%s/%s/%s" % (hw, prec, scen)
            key = (pid, name)
            if key in seen:
                continue
            seen.add(key)
            if pid not in profiles:
                acc = r["accelerator"] if r["accelerator"] not in ("", "-") else ""
                hardware = "%s%s%s" % (r["n_acc"] + " x " + acc if acc else "", " + " if acc else "", r["host_cpu"])
                spec = {}
                for prefix, s in BOARD:
                    if r["submitter"] in ("Krai", "cTuning") and (prefix in r["system"] or
                                                                    (prefix == "orin" and "orin" in r["system"])):
                        spec = dict(s)
                profiles[pid] = {"id": pid, "hw": hw, "hardware": hardware,
                                 "runtime": r["framework"], "precision": prec, "scenario": scen,
                                 "boundary": "wall", "batch": int(float(r["samples_per_query"] or 1)) if scen != "offline" else 0,
                                 "spec": spec, "method": "none"}
            lat = float(r["mean_lat_ms"]) / 1e3 if r["mean_lat_ms"] and scen in ("single",) else 0
            rec = {"model": name, "profile": pid, "precision": prec, "j_per_sample": float(r["J_per_sample"]),
                   "watts": float(r["avg_W"]), "samples_per_s": float(r["throughput_sps"] or 0),
                   "source": "MLPerf Inference %s %s/%s, %s" % (r["version"], r["division"], r["submitter"], r["path"])}
            if lat:
                rec["latency_s"] = lat
            records.append({k: v for k, v in rec.items() if v != 0})

    # spec-only profiles from accelerator_specs.tsv (device boundary)
    with open(os.path.join(a.data, "accelerator_specs.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            try:
                tdp = float(r["power_w"])
            except ValueError:
                continue
            for prec, col, scale in (("fp32", "fp32_tflops", 1e12), ("fp16", "fp16_tensor_dense_tflops", 1e12),
                                     ("int8", "int8_dense_tops", 1e12)):
                try:
                    peak = float(r[col]) * scale
                except ValueError:
                    continue
                hw = slug(r["device"])
                pid = "%s/%s/single" % (hw, prec)
                spec = {"peak_ops": peak, "tdp_w": tdp, "source": "accelerator_specs.tsv (%s): %s" % (r["status"], r["source"])}
                if r["mem_bw_gb_s"]:
                    spec["mem_bw"] = float(r["mem_bw_gb_s"]) * 1e9
                profiles[pid] = {"id": pid, "hw": hw, "hardware": r["device"], "runtime": "any (spec values only)",
                                 "precision": prec, "scenario": "single", "boundary": "device", "batch": 1,
                                 "spec": spec, "method": "spec-only"}

    # keep fitted coefficients until calibrate rewrites them
    old = {}
    ppath = os.path.join(a.out, "profiles.json")
    if os.path.exists(ppath):
        for p in json.load(open(ppath))["profiles"]:
            old[p["id"]] = p
    out = []
    for pid, p in profiles.items():
        if pid in old and "coef" in old[pid]:
            for k in ("coef", "validation", "method"):
                if k in old[pid]:
                    p[k] = old[pid][k]
        out.append(p)

    carbon = []
    with open(os.path.join(a.data, "carbon_intensity_country.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            carbon.append({"code": r["iso_code"], "name": r["country"], "g_per_kwh": float(r["g_co2e_per_kwh"]),
                           "year": int(r["year"]),
                           "source": "Our World in Data / Ember via mlco2/codecarbon global_energy_mix.json @b05965e"})
    with open(os.path.join(a.data, "cloud_region_carbon.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            carbon.append({"code": "%s:%s" % (r["provider"], r["region"]),
                           "name": "%s %s (%s)" % (r["provider"], r["region"], r["city"]),
                           "g_per_kwh": float(r["g_co2e_per_kwh"]),
                           "source": r["source"] + " via mlco2/codecarbon impact.csv @b05965e"})

    os.makedirs(a.out, exist_ok=True)

    def write(name, obj):
        tmp = os.path.join(a.out, name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=1)
            f.write("\n")
        os.replace(tmp, os.path.join(a.out, name))

    write("records.json", {"schema": "priori-db-records", "version": 1,
                           "models": list(models.values()), "records": records})
    write("profiles.json", {"schema": "priori-db-profiles", "version": 1, "profiles": out})
    write("carbon.json", {"schema": "priori-db-carbon", "version": 1,
                          "world": {"g_per_kwh": 475,
                                    "source": "world average grid intensity (IEA 2019, as used by CodeCarbon and Green Algorithms)"},
                          "regions": carbon})
    print("build_db: %d models, %d records, %d profiles, %d carbon intensities" %
          (len(models), len(records), len(out), len(carbon)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
