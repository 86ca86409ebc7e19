"""python_api.py -- the Python package (python/priori) against the freshly
built library ($BUILD/libpriori.so.0) and the CLI ($PRIORI).

The independent values: the closed-form counts of fixtures/expected_counts.json
(written by fixtures/make_fixtures.py, not by priori), the output shapes
onnxruntime gave for the Silero models (fixtures/silero/expected_shapes.json),
the review fixtures' expected diff (fixtures/review/expected_review.json) and
the budget fixture's stated breaches; beside them every result must equal,
value for value or byte for byte, what the CLI writes for the same flags:
  - analyze: every fixture case of expected_counts.json (dims=, inputs=),
    the Silero models with values=, the whole JSON report equal to the CLI's;
    table, CSV, Markdown and HTML renderings equal to the CLI's output;
    priori_analysis_totals() equal to the JSON totals; hw= (energy);
  - Model: loaded once and analysed for several batches (MACs linear in the
    batch), from bytes, reports that outlive their Model, threads;
  - sweep and llm (the models of tests/api/make_models.py): the reports
    equal the CLI's JSON, every format its output, rows()/summary()/calls()
    (the library's structs) the JSON, the numbers the closed forms (a MatMul
    chain in batch and seq; the decoder's MACs and KV cache); their errors;
  - compare, diff (all=), check (budget, baseline as a Report, max_growth,
    the github format), ops, hw_profiles, hw_profile, version;
  - one exception class per status, each on a bad input, with the CLI's message;
  - the library lookup ($PRIORI_LIB, the checkout), the version check, and
    the package installed offline with pip --target and `make install-python`
    into temporary folders and imported from there.
"""
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
os.chdir(ROOT)

from checklib import check, summary  # noqa: E402

PYTHON = os.environ.get("PYTHON", "/usr/bin/python3")
PRIORI = os.environ.get("PRIORI", "build/priori")
BUILD = os.environ.get("BUILD", "build")
LIBRARY = os.path.abspath(os.path.join(BUILD, "libpriori.so.0"))
os.environ["PRIORI_LIB"] = LIBRARY

import priori  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "api"))
import make_models  # noqa: E402  (the models of the sweep and llm tests, and their closed forms)

# a SANITIZE=1 library (tests/check.sh preloads ASan): no address-space limit
# (ASan's shadow memory) and no resident-memory measure (its quarantine)
ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")
DEMO = "fixtures/demo_cnn.onnx"
DEMO2 = "fixtures/review/demo_cnn_v2.onnx"
SYMBOLIC = "fixtures/symbolic_batch.onnx"
DB = "db"
HW = "rpi4coral-fan.on-tflite-v2.4.1-ruy@v1.0/fp32/single"
MODELS = tempfile.mkdtemp(prefix="priori-models-")   # make_models.py's, removed by main()


def cli(*args):
    p = subprocess.run([PRIORI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")


def cli_json(*args):
    rc, out, err = cli(*args)
    try:
        return json.loads(out)
    except ValueError:
        return {"cli_failed": rc, "stderr": err}


def raises(fn, cls):
    """The exception fn() raises when it is a cls, else None (and the failure is checked by the caller)."""
    try:
        fn()
    except cls as e:
        return e
    except Exception as e:  # noqa: BLE001 -- reported as a failure
        print("  raised %s: %s" % (type(e).__name__, e))
        return None
    return None


def flags_to_kwargs(flags):
    """--dim/--input/--value flags of the fixture lists as analyze() keywords."""
    kw = {"inputs": {}, "dims": {}, "values": {}}
    for flag, value in zip(flags[::2], flags[1::2]):
        name, _, v = value.partition("=")
        if flag == "--dim":
            kw["dims"][name] = int(v)
        elif flag == "--input":
            kw["inputs"][name] = tuple(int(d) for d in v.split("x"))
        elif flag == "--value":
            kw["values"][name] = [int(x) for x in v.split(",")]
        else:
            raise ValueError(flag)
    return kw


def test_version_and_lookup():
    check(os.path.realpath(priori.library_path()) == os.path.realpath(LIBRARY),
          "library_path() is $PRIORI_LIB: %s" % priori.library_path())
    header = open("include/priori.h").read()
    number = int(re.search(r"#define PRIORI_VERSION_MAJOR (\d+)", header).group(1)) * 10000 + \
        int(re.search(r"#define PRIORI_VERSION_MINOR (\d+)", header).group(1)) * 100 + \
        int(re.search(r"#define PRIORI_VERSION_PATCH (\d+)", header).group(1))
    lib = priori._lib.lib()
    check(lib.priori_version_number() == number, "priori_version_number() %d = header's %d"
          % (lib.priori_version_number(), number))
    check(priori.version() == "%d.%d.%d" % (number // 10000, number // 100 % 100, number % 100),
          "version() %s matches the header" % priori.version())
    check((priori._lib.EXPECTED_MAJOR, priori._lib.EXPECTED_MINOR) == (number // 10000, number // 100 % 100),
          "the package expects the header's MAJOR.MINOR")
    check(priori.__version__ == priori.version(), "priori.__version__ %s = the library's" % priori.__version__)

    def sub(code, env):
        p = subprocess.run([PYTHON, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           cwd=ROOT)
        return p.returncode, p.stdout.decode()

    base = {k: v for k, v in os.environ.items() if k != "PRIORI_LIB"}
    base["PYTHONPATH"] = os.path.join(ROOT, "python")
    if os.path.realpath(BUILD) == os.path.realpath("build"):
        rc, out = sub("import priori; print(priori.library_path())", base)
        check(rc == 0 and os.path.realpath(out.strip()) == os.path.realpath("build/libpriori.so.0"),
              "from the checkout without $PRIORI_LIB: build/libpriori.so.0 (got %r)" % out)
    rc, out = sub("import priori\ntry:\n    priori.version()\nexcept priori.LibraryError as e:\n"
                  "    print('LibraryError', e.status, e)\n", dict(base, PRIORI_LIB="/nonexistent/libpriori.so.0"))
    check(rc == 0 and out.startswith("LibraryError None") and "$PRIORI_LIB=/nonexistent/libpriori.so.0" in out,
          "a missing $PRIORI_LIB: LibraryError naming it (got %r)" % out)
    rc, out = sub("import priori, priori._lib as L\nL.EXPECTED_MINOR += 1\ntry:\n    priori.version()\n"
                  "except priori.LibraryError as e:\n    print('LibraryError', e)\n", dict(base, PRIORI_LIB=LIBRARY))
    check(rc == 0 and out.startswith("LibraryError") and "needs 0.%d.x" % (number // 100 % 100 + 1) in out,
          "a library of another minor version is refused (got %r)" % out)


def test_fixture_cases():
    cases = json.load(open("fixtures/expected_counts.json"))["cases"]
    ran = 0
    for case in cases:
        if case["exit"] != 0:
            continue
        kw = flags_to_kwargs(case["flags"])
        report = priori.analyze(case["model"], **kw)
        ran += 1
        for key, want in case["totals"].items():
            if key.endswith("_formula"):
                continue
            key = {"nodes": "nodes"}.get(key, key)
            check(report.totals.get(key) == want, "%s: totals.%s %s = closed form %s"
                  % (case["id"], key, report.totals.get(key), want))
        for want in case.get("layers", []):
            got = [layer for layer in report.layers if layer["name"] == want["name"]]
            for key in ("macs", "params", "flops"):
                if key in want and got:
                    check(got[0][key] == want[key], "%s: layer %s %s %s = closed form %s"
                          % (case["id"], want["name"], key, got[0][key], want[key]))
        expected_cli = cli_json("analyze", case["model"], "--format", "json", "-q", *case["flags"])
        check(dict(report) == expected_cli, "%s: the report equals `priori analyze --format json %s`"
              % (case["id"], " ".join(case["flags"])))
        c = report.c_totals()
        for key in ("params", "macs", "flops", "weight_bytes", "activation_bytes", "peak_activation_bytes",
                    "bytes_read", "bytes_written"):
            check(c[key] == report.totals[key], "%s: priori_analysis_totals().%s %s = JSON %s"
                  % (case["id"], key, c[key], report.totals[key]))
        check(c["layers"] == len(report.layers), "%s: totals.layers %d = rows %d"
              % (case["id"], c["layers"], len(report.layers)))
        check(c["warnings"] == len(report.warnings), "%s: totals.warnings %d = %d warnings"
              % (case["id"], c["warnings"], len(report.warnings)))
        analysis = report._analysis
        check([analysis.warning(i) for i in range(c["warnings"])] == report.warnings
              and analysis.warning(c["warnings"]) is None,
              "%s: priori_analysis_warning(i) are the JSON warnings, NULL past the end" % case["id"])
    check(ran >= 10, "ran the fixture cases of expected_counts.json (%d)" % ran)
    # inputs= and dims= give the same counts (symbolic_batch: batch 2 both ways)
    a = priori.analyze(SYMBOLIC, dims={"batch": 2})
    b = priori.analyze(SYMBOLIC, inputs={"x": "2x3x32x32"})
    check(a.totals["macs"] == b.totals["macs"] == 442432, "dims batch=2 = inputs x=2x3x32x32 = 442432 MACs")
    check(a.get("unbound_symbols") == [] and priori.analyze(SYMBOLIC).get("unbound_symbols") == ["batch"],
          "unbound_symbols: [] when bound, ['batch'] when not")


def test_silero_values():
    cases = json.load(open("fixtures/silero/expected_shapes.json"))
    for case in cases:
        path = os.path.join("fixtures/silero", case["model"])
        report = priori.analyze(path, **flags_to_kwargs(case["flags"]))
        got = {o["name"]: o["shape"] for o in report["outputs"]}
        check(got == case["outputs"], "%s %s: output shapes %s = onnxruntime's %s"
              % (case["model"], " ".join(case["flags"]), got, case["outputs"]))
        check(report.totals["complete"] is True, "%s with values=: complete" % case["model"])
        check(dict(report) == cli_json("analyze", path, "--format", "json", "-q", *case["flags"]),
              "%s %s: the report equals the CLI's" % (case["model"], " ".join(case["flags"])))


def test_formats():
    report = priori.analyze(DEMO)
    for fmt in ("table", "csv", "md", "html", "json"):
        rc, out, _ = cli("analyze", DEMO, "--format", fmt, "-q")
        check(rc == 0 and report.render(fmt) == out, "Report.render(%r) = `priori analyze --format %s`" % (fmt, fmt))
        got = priori.analyze(DEMO, format=fmt)
        check(got == (json.loads(out) if fmt == "json" else out), "analyze(format=%r) = the CLI's output" % fmt)
    rc, out, _ = cli("analyze", DEMO, "--format", "table", "-q", "--top", "3")
    check(priori.analyze(DEMO, format="table", top=3) == out, "top=3: the table equals the CLI's --top 3")
    check(len(priori.analyze(DEMO, top=3).top) == 3, "top=3: three rows in report.top")
    heaviest = report.heaviest(3)
    check([layer["name"] for layer in heaviest] == [t["name"] for t in report.top[:3]],
          "heaviest(3) names the top layers: %s" % [layer["name"] for layer in heaviest])
    check(sum(layer["macs"] for layer in report.layers) == report.totals["macs"] == 1697088,
          "the layers' MACs sum to the totals (1,697,088)")
    e = raises(lambda: report.render("github"), priori.ArgumentError)
    check(e is not None and e.status == 1 and "github" in e.message, "render('github'): ArgumentError")


def test_energy():
    report = priori.analyze(DEMO, hw=HW, db=DB)
    want = cli_json("analyze", DEMO, "--format", "json", "-q", "--hw", HW, "--db", DB)
    check(report.energy is not None and report.energy.get("profile") == HW, "hw=: report.energy of the profile")
    check(dict(report) == want, "hw=: the report equals the CLI's --hw report")
    e = report.energy or {}
    check(abs(e.get("wh_per_million", 0) - e.get("energy_j", 1) * 1e6 / 3600) < 1e-9 * max(1, e.get("wh_per_million", 1)),
          "energy: Wh per million = energy_j x 1e6 / 3600")
    for fmt in ("table", "md"):
        rc, out, _ = cli("analyze", DEMO, "--format", fmt, "-q", "--hw", HW, "--db", DB)
        check(report.render(fmt) == out, "hw=: render(%r) = the CLI's" % fmt)
    fp = priori.analyze(DEMO, hw=HW, db=DB, carbon=100, pue=1.5)
    want = cli_json("analyze", DEMO, "--format", "json", "-q", "--hw", HW, "--db", DB, "--carbon", "100",
                    "--pue", "1.5")
    check(dict(fp) == want and fp.energy["g_co2e_per_kwh"] == 100 and fp.energy["pue"] == 1.5,
          "carbon=100, pue=1.5: as the CLI's --carbon --pue")
    # without db=: the library's own lookup ($PRIORI_DB here)
    old = os.environ.get("PRIORI_DB")
    os.environ["PRIORI_DB"] = os.path.abspath(DB)
    try:
        r = priori.analyze(DEMO, hw=HW)
        check(r.energy == report.energy, "hw= with $PRIORI_DB: the same energy")
    except priori.Error as ex:
        check(False, "hw= with $PRIORI_DB: %s" % ex)
    finally:
        if old is None:
            del os.environ["PRIORI_DB"]
        else:
            os.environ["PRIORI_DB"] = old


def test_model_reuse():
    model = priori.Model(SYMBOLIC)
    one = model.analyze(dims={"batch": 1}).totals["macs"]
    check(one == 221216, "Model: batch 1 = 221,216 MACs (closed form)")
    for batch in (2, 8, 32):
        r = model.analyze(dims={"batch": batch})
        check(r.totals["macs"] == batch * one, "Model reused: batch %d = %d x batch 1 MACs" % (batch, batch))
        check(dict(r) == cli_json("analyze", SYMBOLIC, "--format", "json", "-q", "--dim", "batch=%d" % batch),
              "Model reused: batch %d equals the CLI's --dim batch=%d" % (batch, batch))
    # a report outlives its Model (the model is freed after its last analysis)
    r = priori.Model(DEMO).analyze()
    gc.collect()
    rc, out, _ = cli("analyze", DEMO, "-q")
    check(r.render("table") == out, "a Report renders after its Model is gone")
    with priori.Model(DEMO) as m:
        r2 = m.analyze()
    check(raises(lambda: m.analyze(), ValueError) is not None, "a closed Model refuses analyze()")
    check(r2.render("csv") == cli("analyze", DEMO, "-q", "--format", "csv")[1], "a Report renders after close()")
    # from bytes
    data = open(DEMO, "rb").read()
    mb = priori.Model.from_bytes(data, "demo-in-memory")
    rb = mb.analyze()
    check(rb.totals == priori.analyze(DEMO).totals, "Model.from_bytes: the same totals as from the path")
    check(rb["model"]["path"] == "demo-in-memory", "Model.from_bytes: the name in the report (%s)"
          % rb["model"]["path"])
    e = raises(lambda: priori.Model.from_bytes(data[:len(data) // 2], "half"), priori.ModelError)
    check(e is not None and "half" in e.message, "from_bytes of a truncated model: ModelError naming it (%s)"
          % (e and e.message))
    # threads on one model
    results = {}

    def work(batch):
        results[batch] = model.analyze(dims={"batch": batch}).totals["macs"]

    threads = [threading.Thread(target=work, args=(b,)) for b in (1, 2, 3, 4, 5, 6, 7, 8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(results == {b: b * one for b in range(1, 9)}, "8 threads on one Model: batch x MACs each")
    # a Model from a path is pinned to the file it loaded: replaced, it is refused, not re-read
    d = tempfile.mkdtemp(prefix="priori-pin-")
    try:
        path = os.path.join(d, "net.onnx")
        shutil.copyfile(DEMO, path)
        pinned = priori.Model(path)
        demo_macs = pinned.analyze().totals["macs"]
        shutil.copyfile(SYMBOLIC, path + ".new")
        os.replace(path + ".new", path)
        e = raises(lambda: pinned.analyze(), priori.FileError)
        check(e is not None and "replaced or written since it was loaded" in e.message and path in e.message,
              "a Model whose file was replaced: FileError saying to load it again (%s)" % (e and e.message))
        again = priori.Model(path).analyze().totals["macs"]
        check(again == one and demo_macs != one, "loaded again: the new model (%d MACs, %d before)"
              % (again, demo_macs))
    finally:
        shutil.rmtree(d)


def close(a, b):
    """Equal, or floats equal to 12 digits (the JSON prints doubles with 15 to 17)."""
    return a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-12 * abs(b))


def test_sweep_llm():
    """priori.sweep and priori.llm on the models of tests/api/make_models.py:
    the report equals the CLI's JSON, every format its output, rows() /
    summary() / calls() (the C structs) equal the JSON, and the numbers are
    the closed forms (the MatMul chain in batch and seq; the decoder's MACs
    and its KV cache of 2 L Hkv dh 4 bytes per token)."""
    chain, fixed = os.path.join(MODELS, "chain.onnx"), os.path.join(MODELS, "fixed.onnx")
    genai = os.path.join(MODELS, "genai_gqa.onnx")
    s = priori.sweep(chain, dims={"seq": "16..128*2", "batch": [1, 3]})
    flags = ["--dim", "seq=16..128*2", "--dim", "batch=1,3"]
    check(isinstance(s, priori.SweepReport) and dict(s) == cli_json("sweep", chain, "--format", "json", "-q", *flags),
          "sweep: the report equals `priori sweep --format json %s`" % " ".join(flags))
    for fmt in ("table", "csv", "md", "html"):
        check(s.render(fmt) == cli("sweep", chain, "--format", fmt, "-q", *flags)[1],
              "sweep: render(%r) equals the CLI's --format %s" % (fmt, fmt))
    check(priori.sweep(chain, dims={"seq": "16..128*2", "batch": [1, 3]}, format="csv") == s.render("csv"),
          "sweep(format='csv') is render('csv')")
    rows = s.rows()
    check(len(rows) == 8 and [[r["seq"], r["batch"]] for r in rows] == [p["at"] for p in s.points],
          "sweep: 8 rows, the first axis outermost, as the JSON's points")
    bad = [r for r, p in zip(rows, s.points)
           if any(r[k] != p[k] for k in ("status", "params", "macs", "flops", "activation_bytes",
                                         "peak_activation_bytes", "weight_bytes", "error"))
           or any(r[k] != v for k, v in make_models.chain_expect(r["batch"], r["seq"]).items())
           or r["latency_s"] is not None or r["regime"] is not None]
    check(not bad, "sweep: rows() = the JSON's points = the closed forms of chain.onnx (wrong: %s)" % bad[:2])
    check(s.summary() == {"axes": 2, "symbols": ["seq", "batch"], "nvalues": [4, 2], "points": 8, "failed": 0,
                          "estimated": False, "warnings": 0}, "sweep: summary() %s" % s.summary())
    # a range() of values and a binding; a roofline profile (regimes)
    m = priori.Model(chain)
    h = m.sweep(dims={"seq": range(1, 5), "batch": 2}, hw="h200-pytorch2.11-eager", precision="fp16")
    want = cli_json("sweep", chain, "--format", "json", "-q", "--dim", "seq=1,2,3,4", "--dim", "batch=2",
                    "--db", DB, "--hw", "h200-pytorch2.11-eager", "--precision", "fp16")
    check(dict(h) == want, "sweep with hw=: the report equals the CLI's")
    rows = h.rows()
    check(all(close(r[k], p[k]) for r, p in zip(rows, h.points) for k in ("latency_s", "energy_j", "co2e_g", "regime"))
          and all(r["regime"] in ("launch", "compute", "memory") and r["latency_s"] > 0 for r in rows)
          and [r["macs"] for r in rows] == [make_models.chain_expect(2, n)["macs"] for n in (1, 2, 3, 4)],
          "sweep with hw=: latency, energy, CO2e and regime of rows() = the JSON's")
    # a failing point is a row; every point failing is a ModelError with the CLI's message
    f = priori.sweep(fixed, dims={"seq": [1, 8]})
    r0, r1 = f.rows()
    check(r0["status"] == "error" and "cannot reshape" in r0["error"] and r0["macs"] == 0 and r1["status"] == "ok"
          and r1["macs"] == 8 * 16 * 16 and f.summary()["failed"] == 1, "sweep: one failed point (%s)" % r0["error"])
    e = raises(lambda: priori.sweep(fixed, dims={"seq": [1, 2]}), priori.ModelError)
    rc, line = cli_message("sweep", fixed, "--dim", "seq=1,2", "-q")
    check(e is not None and rc == 3 and same_message(e, line) and "every point" in e.message,
          "sweep where every point fails: ModelError, the CLI's message (%r / %r)" % (e and e.message, line))

    # llm: every step analysed, batch 2
    r = priori.llm(genai, prompt=5, generate=3, batch=2)
    args = ["--prompt", "5", "--generate", "3", "--batch", "2"]
    check(isinstance(r, priori.LLMReport) and dict(r) == cli_json("llm", genai, "--format", "json", "-q", *args),
          "llm: the report equals `priori llm --format json %s`" % " ".join(args))
    for fmt in ("table", "csv", "md", "html"):
        check(r.render(fmt) == cli("llm", genai, "--format", fmt, "-q", *args)[1],
              "llm: render(%r) equals the CLI's --format %s" % (fmt, fmt))
    cfg = make_models.decoder_config()
    per_token = make_models.kv_bytes_per_token(cfg)
    B, P, G = 2, 5, 3
    check(r.kv_cache == {"bytes_per_token": per_token, "tokens_at_end": P + G, "bytes_at_end": B * (P + G) * per_token}
          and per_token == 2 * cfg["L"] * cfg["Hkv"] * cfg["dh"] * 4,
          "llm: KV cache %s = 2 L Hkv dh 4 = %d bytes per token" % (r.kv_cache, per_token))
    check(r.prefill["macs"] == make_models.llm_macs(cfg, B, P, 0)
          and [st["macs"] for st in r.steps] == [make_models.llm_macs(cfg, B, 1, P + i) for i in range(G)]
          and [st["kv_bytes"] for st in r.steps] == [B * (P + i + 1) * per_token for i in range(G)],
          "llm: prefill and decode MACs and cache = the closed forms")
    rb = priori.llm(genai, prompt=5, generate=3, batch=2, kv_buffer=16)
    check(dict(rb) == cli_json("llm", genai, "--format", "json", "-q", *args, "--kv-buffer", "16")
          and rb.kv_cache["bytes_at_end"] == B * 16 * per_token and rb.summary()["kv_bytes_end"] == B * 16 * per_token,
          "llm kv_buffer=16: the report equals the CLI's --kv-buffer 16, the cache B * 16 rows")
    calls = r.calls()
    check([{k: c[k] for k in st} for c, st in zip(calls, r.steps)] == r.steps and len(calls) == G,
          "llm: calls() (priori_llm_step) = the JSON's steps")
    info = r.summary()
    check({k: info["prefill"][k] for k in r.prefill} == r.prefill and info["prefill"]["analysed"]
          and {k: info["decode"][k] for k in r.decode} == r.decode
          and {k: info["request"][k] for k in r.request} == r.request
          and (info["kv_bytes_per_token"], info["kv_bytes_end"], info["params"], info["batch"])
          == (per_token, B * (P + G) * per_token, r["weights"]["params"], B)
          and info["layout"] == "genai" == r["layout"]["style"] and info["layout_how"] == r["layout"]["how"]
          and not info["estimated"] and info["tokens_per_s"] is None,
          "llm: summary() (priori_llm_summary) = the JSON")
    # interpolated, with hw=
    r = priori.Model(genai).llm(7, 12, hw="h200-pytorch2.11-eager", precision="fp16")
    want = cli_json("llm", genai, "--format", "json", "-q", "--prompt", "7", "--generate", "12", "--db", DB,
                    "--hw", "h200-pytorch2.11-eager", "--precision", "fp16")
    info = r.summary()
    check(dict(r) == want and r["method"]["decode"] == "interpolated" and info["interpolated"]
          and info["analysed_contexts"] == want["method"]["analysed_contexts"],
          "llm with hw=: the report equals the CLI's (decode interpolated)")
    e = want["energy"]
    check(info["estimated"] and all(close(info[k], e[k]) for k in (
        "time_to_first_token_s", "decode_s", "tokens_per_s", "energy_per_request_j", "energy_per_token_j",
        "co2e_per_request_g")) and info["prefill"]["regime"] == e["prefill_regime"],
          "llm with hw=: time to first token, tokens/s, energy and CO2e of summary() = the JSON's")
    check([c["macs"] for c in r.calls()] == [make_models.llm_macs(cfg, 1, 1, 7 + i) for i in range(12)],
          "llm interpolated: every step's MACs = the closed form")

    # errors: the CLI's messages, the right class
    e = raises(lambda: priori.sweep(chain, dims={"seq": "8..1"}), priori.ArgumentError)
    rc, line = cli_message("sweep", chain, "--dim", "seq=8..1")
    check(e is not None and rc == 2 and same_message(e, line) and "range is empty" in e.message,
          "sweep with a bad range: ArgumentError, the CLI's message (%r / %r)" % (e and e.message, line))
    e = raises(lambda: priori.sweep(chain), priori.ArgumentError)
    rc, line = cli_message("sweep", chain)
    check(e is not None and rc == 2 and same_message(e, line), "sweep without a range: the CLI's message (%r / %r)"
          % (e and e.message, line))
    w = priori.sweep(chain, dims={"nosuch": [1, 2]}).warnings
    rc, _, err = cli("sweep", chain, "--dim", "nosuch=1,2", "--format", "json")
    check(rc == 0 and "no symbolic dimension 'nosuch' (its unbound symbols: 'batch', 'seq')" in w[0]
          and all("priori: warning: " + x in err for x in w),
          "sweep over a symbol the model lacks: the CLI's warning, naming the model's symbols (%s)" % w)
    e = raises(lambda: priori.analyze(chain, dims={"seq": "1..8"}), priori.ArgumentError)
    check(e is not None and "priori_sweep" in e.message, "analyze() with a range: ArgumentError (%s)"
          % (e and e.message))
    e = raises(lambda: priori.sweep(chain, dims={"seq": "1..8"}, top=3), priori.ArgumentError)
    check(e is not None and "top" in e.message, "sweep() with top=: ArgumentError (%s)" % (e and e.message))
    e = raises(lambda: priori.analyze(chain, prompt=3), priori.ArgumentError)
    check(e is not None and "priori_llm" in e.message, "analyze() with prompt=: ArgumentError (%s)"
          % (e and e.message))
    e = raises(lambda: priori.llm(DEMO, prompt=4, generate=2), priori.ModelError)
    rc, line = cli_message("llm", DEMO, "--prompt", "4", "--generate", "2")
    check(e is not None and rc == 3 and same_message(e, line) and "--kv-inputs" in e.message,
          "llm of a model without a KV cache: ModelError, the CLI's message (%r / %r)" % (e and e.message, line))
    e = raises(lambda: priori.llm(genai, prompt=0, generate=2), priori.ArgumentError)
    rc, line = cli_message("llm", genai, "--prompt", "0", "--generate", "2")
    check(e is not None and rc == 2 and same_message(e, line), "llm prompt=0: the CLI's message (%r / %r)"
          % (e and e.message, line))
    e = raises(lambda: priori.llm(genai, prompt=4, generate=2, past_dim="nosuch"), priori.ArgumentError)
    rc, line = cli_message("llm", genai, "--prompt", "4", "--generate", "2", "--past-dim", "nosuch")
    check(e is not None and rc == 2 and same_message(e, line), "llm past_dim= unknown: the CLI's message (%r / %r)"
          % (e and e.message, line))
    e = raises(lambda: priori.sweep(chain, dims={"seq": "1..4"}, format="github"), priori.ArgumentError)
    check(e is not None, "sweep(format='github'): ArgumentError")


def test_reviews():
    both = [DEMO, DEMO2]
    c = priori.compare(both)
    check(c == cli_json("compare", DEMO, DEMO2, "--format", "json", "-q"), "compare(): equals the CLI's JSON")
    v2 = json.load(open("fixtures/review/expected_review.json"))["demo_cnn_v2"]["totals"]
    text = json.dumps(c)
    check(str(v2["macs"]) in text and "1697088" in text, "compare(): both models' MACs (closed forms) in the result")
    for fmt in ("table", "csv", "md"):
        check(priori.compare(both, format=fmt) == cli("compare", DEMO, DEMO2, "--format", fmt, "-q")[1],
              "compare(format=%r) = the CLI's" % fmt)
    cd = priori.compare(both, dims={"batch": 4}, hw=HW, db=DB)
    check(cd == cli_json("compare", DEMO, DEMO2, "--format", "json", "-q", "--dim", "batch=4", "--hw", HW, "--db", DB),
          "compare(dims=, hw=): equals the CLI's")
    d = priori.diff(DEMO, DEMO2)
    check(d == cli_json("diff", DEMO, DEMO2, "--format", "json", "-q"), "diff(): equals the CLI's JSON")
    expected = json.load(open("fixtures/review/expected_review.json"))["diff_demo_cnn_to_v2"]
    text = json.dumps(d)
    check(all(name in text for name in expected["added"] + expected["removed"]),
          "diff(): names the added and removed layers of expected_review.json")
    da = priori.diff(DEMO, DEMO2, all=True)
    check(da == cli_json("diff", DEMO, DEMO2, "--format", "json", "-q", "--all"), "diff(all=True) = the CLI's --all")
    check(len(json.dumps(da)) > len(text), "diff(all=True) lists more (the unchanged layers)")
    for fmt in ("table", "md"):
        check(priori.diff(DEMO, DEMO2, format=fmt) == cli("diff", DEMO, DEMO2, "--format", fmt, "-q")[1],
              "diff(format=%r) = the CLI's" % fmt)


def test_check():
    breach = "fixtures/review/budget_breach.json"
    r = priori.check(DEMO, budget=breach)
    check(r == cli_json("check", DEMO, "--budget", breach, "--format", "json"), "check(budget=): the CLI's JSON")
    # the budget fixture states: MACs, a layer and an op type over their limits
    check(r["passed"] is False and r["breaches"] == 3, "budget_breach: passed False, 3 breaches")
    ok = priori.check(DEMO, budget="fixtures/review/budget_ok.json")
    check(ok["passed"] is True and ok["breaches"] == 0, "budget_ok: passed True")
    from_dict = priori.check(DEMO, budget=json.load(open(breach)))
    check(from_dict["checks"] == r["checks"] and from_dict["passed"] is False,
          "a budget given as a dict gives the same checks")
    baseline = priori.analyze(DEMO)
    g = priori.check(DEMO2, baseline=baseline, max_growth={"macs": 5})
    macs = [c for c in g["checks"] if c["metric"] == "macs"]
    check(g["passed"] is False and macs and macs[0]["value"] == 2303296 and macs[0]["baseline"] == 1697088,
          "baseline Report + max_growth macs=5%: v2's 2,303,296 MACs breach 1,697,088 + 5%")
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base.json")
        cli("analyze", DEMO, "--format", "json", "-q", "-o", base)
        want = cli_json("check", DEMO2, "--baseline", base, "--max-growth", "macs=5%", "--format", "json")
        got = priori.check(DEMO2, baseline=base, max_growth="macs=5%")
        check(got == want, "check(baseline=path, max_growth='macs=5%'): the CLI's JSON")
        gh = priori.check(DEMO2, baseline=base, max_growth="macs=5%", format="github")
        rc, out, _ = cli("check", DEMO2, "--baseline", base, "--max-growth", "macs=5%", "--format", "github")
        check(gh == out and gh.passed is False and rc == 1, "check(format='github') = the CLI's, .passed False")
    t = priori.check(DEMO, budget="fixtures/review/budget_ok.json", format="table")
    check(isinstance(t, priori.CheckText) and t.passed is True, "check(format='table'): text with .passed True")
    e = raises(lambda: priori.check(SYMBOLIC, budget="fixtures/review/budget_ok.json"), priori.Error)
    rc, _, err = cli("check", SYMBOLIC, "--budget", "fixtures/review/budget_ok.json")
    check(e is not None and rc != 0 and "batch" in e.message,
          "check() of a model with an unbound symbol: refused (%s; CLI exit %d)" % (e and e.message, rc))


def test_checkout_db():
    """From another folder, without $PRIORI_DB: the checkout's db/ (build/priori finds it too)."""
    if os.path.realpath(BUILD) != os.path.realpath("build"):
        return
    env = {k: v for k, v in os.environ.items() if k not in ("PRIORI_LIB", "PRIORI_DB")}
    env["PYTHONPATH"] = os.path.join(ROOT, "python")
    code = "import priori, sys; print(priori.analyze(sys.argv[1], hw=sys.argv[2]).energy['energy_j'])"
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([PYTHON, "-c", code, os.path.join(ROOT, DEMO), HW], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, cwd=tmp)
        want = cli_json("analyze", DEMO, "--format", "json", "-q", "--hw", HW, "--db", DB)["energy"]["energy_j"]
        check(p.returncode == 0 and float(p.stdout) == want,
              "hw= from another folder: the checkout's db/ (%s)" % p.stdout.decode()[-200:])


def test_listings():
    o = priori.ops()
    check(o == cli_json("ops", "--format", "json"), "ops(): equals `priori ops --format json`")
    names = {op["op_type"] for op in o.get("operators", [])}
    check({"Conv", "Gemm", "MatMul", "Relu"} <= names, "ops(): Conv, Gemm, MatMul, Relu listed")
    hw = priori.hw_profiles(db=DB)
    check(hw == cli_json("hw", "list", "--format", "json", "--db", DB), "hw_profiles(db=): `priori hw list`")
    ids = [p["id"] for p in hw.get("profiles", [])]
    check(HW in ids and len(ids) > 10, "hw_profiles(): the demo profile among %d" % len(ids))
    one = priori.hw_profile(HW, db=DB)
    check(one == cli_json("hw", "show", HW, "--format", "json", "--db", DB), "hw_profile(ID): `priori hw show`")
    old = os.environ.get("PRIORI_DB")
    os.environ["PRIORI_DB"] = os.path.abspath(DB)
    try:
        check(priori.hw_profiles()["profiles"] == hw["profiles"], "hw_profiles() with $PRIORI_DB: the same list")
    except priori.Error as ex:
        check(False, "hw_profiles() with $PRIORI_DB: %s" % ex)
    finally:
        if old is None:
            del os.environ["PRIORI_DB"]
        else:
            os.environ["PRIORI_DB"] = old


def cli_message(*args):
    rc, _, err = cli(*args)
    return rc, err.splitlines()[0] if err else ""


def same_message(e, cli_line):
    """The API's message is the CLI's first stderr line, less the program prefix."""
    return e is not None and e.message and (cli_line == e.message or cli_line == "priori: " + e.message)


def test_errors():
    # the class of every status agrees with the library's status names
    for status, cls in sorted(priori.errors._BY_STATUS.items()):
        check(priori.status_name(status) == cls.status_name, "status %d: %s is '%s'"
              % (status, cls.__name__, priori.status_name(status)))
    check(priori.errors.error_for(99) is priori.Error, "an unknown status raises Error")
    check(issubclass(priori.ArgumentError, ValueError) and issubclass(priori.OutOfMemoryError, MemoryError),
          "ArgumentError is a ValueError, OutOfMemoryError a MemoryError")

    e = raises(lambda: priori.analyze(DEMO, dims={"batch": "many"}), priori.ArgumentError)
    rc, line = cli_message("analyze", DEMO, "--dim", "batch=many")
    check(e is not None and e.status == 1 and rc == 2, "dims batch=many: ArgumentError, status 1 (CLI exit 2)")
    check(same_message(e, line), "dims batch=many: the CLI's message (%r / %r)" % (e and e.message, line))
    e = raises(lambda: priori.analyze(DEMO, no_such_option=1), priori.ArgumentError)
    check(e is not None and "no-such-option" in e.message, "an unknown option: ArgumentError naming it (%s)"
          % (e and e.message))
    e = raises(lambda: priori.analyze(DEMO, format="pdf"), priori.ArgumentError)
    check(e is not None and "pdf" in e.message, "format='pdf': ArgumentError")
    e = raises(lambda: priori.check(DEMO), priori.ArgumentError)
    rc, line = cli_message("check", DEMO)
    check(e is not None and rc == 2 and same_message(e, line),
          "check() with neither budget nor baseline: ArgumentError, the CLI's message (%r / %r)"
          % (e and e.message, line))
    e = raises(lambda: priori.compare([DEMO]), priori.ArgumentError)
    check(e is not None and e.status == 1, "compare() of one model: ArgumentError (%s)" % (e and e.message))

    missing = "fixtures/no_such_model.onnx"
    e = raises(lambda: priori.analyze(missing), priori.FileError)
    rc, line = cli_message("analyze", missing)
    check(e is not None and e.status == 3 and rc == 4, "a missing file: FileError, status 3 (CLI exit 4)")
    check(same_message(e, line), "a missing file: the CLI's message (%r / %r)" % (e and e.message, line))

    cases = json.load(open("fixtures/expected_counts.json"))["cases"]
    bad = [c for c in cases if c["exit"] == 3]
    for case in bad:
        e = raises(lambda: priori.analyze(case["model"]), priori.ModelError)
        rc, line = cli_message("analyze", case["model"])
        check(e is not None and e.status == 2 and all(s in e.message for s in case["stderr_contains"]),
              "%s: ModelError naming %s (%s)" % (case["id"], case["stderr_contains"], e and e.message))
        check(same_message(e, line), "%s: the CLI's message (%r / %r)" % (case["id"], e and e.message, line))
    check(len(bad) >= 10, "ran the bad fixtures (%d)" % len(bad))

    e = raises(lambda: priori.analyze(DEMO, hw="no-such-profile/fp32/single", db=DB), priori.DatabaseError)
    rc, line = cli_message("analyze", DEMO, "--hw", "no-such-profile/fp32/single", "--db", DB)
    check(e is not None and e.status == 4, "hw= of an unknown profile: DatabaseError, status 4 (CLI exit %d)" % rc)
    check(same_message(e, line), "unknown profile: the CLI's message (%r / %r)" % (e and e.message, line))
    e = raises(lambda: priori.hw_profile("no-such-profile", db=DB), priori.DatabaseError)
    check(e is not None and "no-such-profile" in e.message, "hw_profile() of an unknown id: DatabaseError")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "profiles.json"), "w") as f:
            f.write("{ not json")
        e = raises(lambda: priori.hw_profiles(db=tmp), priori.Error)
        check(e is not None and e.status in (3, 4), "a broken database: DatabaseError or FileError (%s)"
              % (e and repr(e)))

    # out of memory: analyses kept alive under an address-space limit (the
    # current size + 1 or 8 MiB), in a child, also with hw= (the database
    # parsed under the limit); the library must fail with OutOfMemoryError,
    # never crash nor call it another kind of failure (a corrupt model or
    # database: protobuf-c and cJSON answer NULL for both).
    code = r"""
import resource, sys
sys.path.insert(0, %r)
import priori
m = priori.Model(%r)
m.analyze()
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
vm = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (vm + int(sys.argv[1]), hard))
kw = {'hw': %r, 'db': %r} if sys.argv[2] == 'hw' else {}
keep = []
try:
    for i in range(100000):
        keep.append(m.analyze(dims={'batch': 1}, **kw))
    print('no error')
except priori.Error as e:
    print(type(e).__name__, e.status, e)
""" % (os.path.join(ROOT, "python"), DEMO, HW, DB)
    for margin, hw in () if ASAN else ((1 << 20, ""), (8 << 20, ""), (8 << 20, "hw")):
        p = subprocess.run([PYTHON, "-c", code, str(margin), hw], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           cwd=ROOT)
        out = p.stdout.decode("utf-8", "replace").strip()
        check(p.returncode == 0 and out.startswith("OutOfMemoryError 5 "),
              "analyses%s under a memory limit (+%d MiB): OutOfMemoryError, no crash (exit %d: %s)"
              % (" with hw=" if hw else "", margin >> 20, p.returncode, out[-200:]))


def test_no_leak():
    """Every model, options, analysis and returned string is freed: resident
    memory stays flat over 1,000 rounds (a leaked JSON report alone is 20 KiB,
    the operator table 200 KiB)."""
    if ASAN:
        return
    code = r"""
import resource, sys
sys.path.insert(0, %r)
import priori
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize()
def round():
    priori.analyze(%r).render('table')
    priori.analyze(%r, format='csv')
    priori.Model.from_bytes(open(%r, 'rb').read(), 'b').analyze(dims={'batch': 2})
    priori.ops()
    priori.sweep(%r, dims={'seq': [1, 2, 3]}).rows()
    priori.llm(%r, 3, 2).calls()
for i in range(200):
    round()
a = rss()
for i in range(1000):
    round()
print((rss() - a) // 1000)
""" % (os.path.join(ROOT, "python"), DEMO, DEMO, SYMBOLIC, os.path.join(MODELS, "chain.onnx"),
       os.path.join(MODELS, "genai_gqa.onnx"))
    p = subprocess.run([PYTHON, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    out = p.stdout.decode().strip()
    check(p.returncode == 0 and out.lstrip("-").isdigit() and int(out) < 2048,
          "1,000 rounds of analyze/render/from_bytes/ops/sweep/llm: memory growth per round < 2 KiB (%s bytes)" % out)


def test_valgrind():
    """Every kind of call of the package under valgrind memcheck (python's own
    allocator off): no invalid access and no use of an uninitialised value."""
    if ASAN or not shutil.which("valgrind"):
        return
    code = r"""
import sys
sys.path.insert(0, %r)
import priori
r = priori.analyze(%r, dims={'batch': 2}, inputs={'image': (2, 3, 64, 64)}, top=3)
r.render('table'); r.render('html'); r.c_totals()
m = priori.Model.from_bytes(open(%r, 'rb').read(), 'b')
m.analyze(dims={'batch': 4}, hw=%r, db=%r)
priori.analyze('fixtures/silero/silero_vad_v5.onnx', inputs={'input': (1, 512), 'state': (2, 1, 128)},
               values={'sr': [16000]})
priori.compare([%r, %r], format='table')
priori.diff(%r, %r, all=True)
priori.check(%r, budget='fixtures/review/budget_breach.json', format='github')
priori.ops(); priori.hw_profiles(db=%r); priori.hw_profile(%r, db=%r)
for bad in ('fixtures/bad/cycle.onnx', 'nonexistent.onnx'):
    try:
        priori.analyze(bad)
    except priori.Error:
        pass
try:
    priori.analyze(%r, dims={'batch': 'x'})
except priori.ArgumentError:
    pass
s = priori.sweep(%r, dims={'seq': '1..8*2', 'batch': [1, 2]}, hw='h200-pytorch2.11-eager', precision='fp16', db=%r)
s.rows(); s.summary(); s.render('html')
r = priori.llm(%r, 4, 3, batch=2, hw='h200-pytorch2.11-eager', precision='fp16', db=%r)
r.summary(); r.calls(); r.render('table')
for bad in (lambda: priori.llm(%r, 4, 2), lambda: priori.sweep(%r, dims={'seq': [1, 2]}),
            lambda: priori.sweep(%r, dims={'seq': '4..1'})):
    try:
        bad()
    except priori.Error:
        pass
print('done')
""" % (os.path.join(ROOT, "python"), DEMO, SYMBOLIC, HW, DB, DEMO, DEMO2, DEMO, DEMO2, DEMO, DB, HW, DB, DEMO,
       os.path.join(MODELS, "chain.onnx"), DB, os.path.join(MODELS, "genai_gqa.onnx"), DB, DEMO,
       os.path.join(MODELS, "fixed.onnx"), os.path.join(MODELS, "chain.onnx"))
    env = dict(os.environ, PYTHONMALLOC="malloc")
    p = subprocess.run(["valgrind", "-q", "--leak-check=no", "--error-exitcode=9", PYTHON, "-c", code],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and out.strip().endswith("done"),
          "valgrind memcheck over analyze/values=/render/from_bytes/hw=/compare/diff/check/listings/sweep/llm/errors: "
          "no error (exit %d)%s" % (p.returncode, "" if p.returncode == 0 else ":\n" + out[:3000]))


def test_install():
    with tempfile.TemporaryDirectory(prefix="priori-py-") as tmp:
        src = os.path.join(tmp, "src")
        shutil.copytree(os.path.join(ROOT, "python"), src, ignore=shutil.ignore_patterns("__pycache__", "build",
                                                                                          "*.egg-info"))
        target = os.path.join(tmp, "site")
        p = subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps",
                            "--no-index", "--root-user-action=ignore", "--target", target, src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        check(p.returncode == 0 and os.path.isfile(os.path.join(target, "priori", "__init__.py")),
              "pip install --target (offline, no build isolation): %s" % p.stdout.decode()[-300:])
        check(not any(name.endswith((".so", ".pyd")) for _, _, files in os.walk(os.path.join(target, "priori"))
                      for name in files), "the installed package is pure Python")
        code = ("import priori, sys; r = priori.analyze(sys.argv[1]); "
                "print(priori.__file__); print(priori.library_path()); print(r.totals['macs'])")
        env = dict(os.environ, PYTHONPATH=target, PRIORI_LIB=LIBRARY)
        p = subprocess.run([PYTHON, "-c", code, os.path.join(ROOT, DEMO)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, cwd=tmp)
        lines = p.stdout.decode().split("\n")
        check(p.returncode == 0 and lines[0].startswith(target) and lines[2] == "1697088",
              "imported from the pip --target folder with $PRIORI_LIB: 1,697,088 MACs (%s)" % lines)
        # make install-python into a DESTDIR, PREFIX /usr/local
        dest = os.path.join(tmp, "dest")
        p = subprocess.run(["make", "--no-print-directory", "-s", "install-python", "DESTDIR=" + dest,
                            "PREFIX=/usr/local", "PYTHON=" + PYTHON], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=ROOT)
        v = "%d.%d" % sys.version_info[:2]
        site = os.path.join(dest, "usr/local/lib/python%s/dist-packages" % v)
        check(p.returncode == 0 and os.path.isfile(os.path.join(site, "priori", "api.py")),
              "make install-python DESTDIR=... PREFIX=/usr/local: %s" % p.stdout.decode()[-300:])
        check(not os.path.exists(os.path.join(ROOT, "python", "build"))
              and not os.path.exists(os.path.join(ROOT, "python", "priori.egg-info")),
              "make install-python leaves python/ clean")
        # the library under PREFIX/lib next to the package's PREFIX/lib/pythonX.Y: found without $PRIORI_LIB
        libdir = os.path.join(dest, "usr/local/lib")
        shutil.copy(LIBRARY, os.path.join(libdir, "libpriori.so.0"))
        env = {k: val for k, val in os.environ.items() if k != "PRIORI_LIB"}
        env["PYTHONPATH"] = site
        p = subprocess.run([PYTHON, "-c", code, os.path.join(ROOT, DEMO)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env, cwd=tmp)
        lines = p.stdout.decode().split("\n")
        check(p.returncode == 0 and lines[1] == os.path.join(libdir, "libpriori.so.0") and lines[2] == "1697088",
              "installed under PREFIX: the library of PREFIX/lib found without $PRIORI_LIB (%s)" % lines)
        p = subprocess.run(["make", "--no-print-directory", "-s", "uninstall-python", "DESTDIR=" + dest,
                            "PREFIX=/usr/local", "PYTHON=" + PYTHON], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=ROOT)
        check(p.returncode == 0 and os.listdir(site) == [], "make uninstall-python removes the package")


def main():
    make_models.chain(os.path.join(MODELS, "chain.onnx"))
    make_models.fixed(os.path.join(MODELS, "fixed.onnx"))
    make_models.decoder(MODELS)
    try:
        return run_tests()
    finally:
        shutil.rmtree(MODELS, ignore_errors=True)


def run_tests():
    for test in (test_version_and_lookup, test_fixture_cases, test_silero_values, test_formats, test_energy,
                 test_model_reuse, test_sweep_llm, test_reviews, test_check, test_checkout_db, test_listings, test_errors,
                 test_no_leak, test_valgrind, test_install):
        try:
            test()
        except Exception as e:  # noqa: BLE001 -- one failing part must not hide the others
            check(False, "%s raised %s: %s" % (test.__name__, type(e).__name__, e))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
