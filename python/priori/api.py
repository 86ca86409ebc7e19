"""api.py -- the functions of the priori package over the C API.

Options: every keyword argument is one `priori analyze` flag, set with
priori_options_set() by the flag's name without the dashes ('_' -> '-'):
  inputs={"x": (1, 3, 224, 224)}   -> "input"  "x=1x3x224x224"   (or "1x3x224x224")
  dims={"batch": 8}                -> "dim"    "batch=8"
  values={"sr": [16000]}           -> "value"  "sr=16000"        (a scalar or a list)
  hw="ID", precision="fp16", top=5, dataset_size=1000 -> "dataset-size" "1000"
  strict=True                      -> "strict" ""   (False or None: not set)
A bad name or value raises ArgumentError with the CLI's message.

Ownership: each C object is held by a small Python object whose __del__
frees it (priori_model_free, priori_options_free, priori_analysis_free). An
analysis holds a reference to the model it refers to, so a model is freed
only after the last analysis (Report) of it: the C API's "the model must
outlive the analysis". Owned strings are copied and freed at once
(_lib.take_string).

Database: without db= and $PRIORI_DB, a package running from the checkout
with its build/ library uses the checkout's db/ (_lib.default_db()).

Formats: format="json" (the default) returns parsed JSON (a Report for an
analysis, a dict otherwise); any other format returns the text the CLI writes.
"""
import ctypes
import json
import os
import tempfile

from . import _lib
from .errors import error_for
from .report import Report
from .runs import RUN_FORMATS, LLMReport, SweepReport, _Run

ANALYZE_FORMATS = ("table", "json", "csv", "md", "html")
REVIEW_FORMATS = ("table", "json", "csv", "md")
CHECK_FORMATS = ("table", "json", "csv", "md", "github")


class _Owned:
    """A pointer owned by Python, released by free_name on collection."""
    __slots__ = ("ptr", "free_name", "keep")

    def __init__(self, ptr, free_name, keep=None):
        self.ptr = ptr
        self.free_name = free_name
        self.keep = keep  # what must outlive ptr

    def __del__(self):
        ptr, self.ptr = self.ptr, None
        if ptr:
            try:
                getattr(_lib.lib(), self.free_name)(ptr)
            except Exception:  # interpreter shutdown: the process frees it
                pass


# ---- options ----

def _text(value):
    if isinstance(value, bool):
        raise TypeError("a boolean is not a dimension or value: %r" % (value,))
    return str(value)


def _dims_text(shape):
    if isinstance(shape, (str, bytes)):
        return shape.decode() if isinstance(shape, bytes) else shape
    return "x".join(_text(d) for d in shape)


def _values_text(values):
    if isinstance(values, (str, bytes, int, float)) and not isinstance(values, bool):
        return values.decode() if isinstance(values, bytes) else str(values)
    return ",".join(_text(v) for v in values)


def _items(mapping, what):
    if mapping is None:
        return []
    if hasattr(mapping, "items"):
        return list(mapping.items())
    raise TypeError("%s must be a mapping of name to value, not %s" % (what, type(mapping).__name__))


def _dim_text(n):
    """A --dim value: N, a range text ("128..8192*2", "1..64+8") or a list
    or range() of values (a sweep's list, "1,8,64")."""
    if isinstance(n, (list, tuple, range)):
        return ",".join(_text(v) for v in n)
    return _text(n)


def option_pairs(inputs=None, dims=None, values=None, **options):
    """The (name, value) pairs given to priori_options_set, in order."""
    pairs = []
    for name, shape in _items(inputs, "inputs"):
        pairs.append(("input", "%s=%s" % (name, _dims_text(shape))))
    for name, n in _items(dims, "dims"):
        pairs.append(("dim", "%s=%s" % (name, _dim_text(n))))
    for name, v in _items(values, "values"):
        pairs.append(("value", "%s=%s" % (name, _values_text(v))))
    for key, value in options.items():
        if value is None or value is False:
            continue
        name = key.replace("_", "-")
        pairs.append((name, "" if value is True else str(value)))
    return pairs


def _options(inputs=None, dims=None, values=None, **options):
    """A priori_options (owned) with the given settings."""
    pairs = option_pairs(inputs=inputs, dims=dims, values=values, **options)
    lib = _lib.lib()
    if options.get("db") is None and options.get("hw") and _lib.default_db():
        pairs.insert(0, ("db", _lib.default_db()))
    ptr = lib.priori_options_new()
    if not ptr:
        raise error_for(5)(5, "priori: out of memory (priori_options_new)")
    owned = _Owned(ptr, "priori_options_free")
    err = _lib.new_error()
    for name, value in pairs:
        if lib.priori_options_set(ptr, name.encode(), os.fsencode(value), ctypes.byref(err)) != 0:
            _lib.raise_error(err, "priori_options_set(%s)" % name)
    return owned


# ---- models and analyses ----

class _Analysis:
    """One priori_analysis (owned), keeping its model alive."""

    def __init__(self, ptr, model_handle):
        self._owned = _Owned(ptr, "priori_analysis_free", keep=model_handle)

    def render(self, format="table"):
        code = _lib.format_code(format, ANALYZE_FORMATS)
        err = _lib.new_error()
        return _lib.take_string(_lib.lib().priori_render(self._owned.ptr, code, ctypes.byref(err)),
                                err, "priori_render")

    def totals(self):
        t = _lib.CTotals()
        status = _lib.lib().priori_analysis_totals(self._owned.ptr, ctypes.byref(t))
        if status != 0:
            raise error_for(status)(status, "priori_analysis_totals failed")
        return {name: getattr(t, name) for name, _ in _lib.CTotals._fields_}

    def warning(self, i):
        text = _lib.lib().priori_analysis_warning(self._owned.ptr, i)
        return None if text is None else text.decode("utf-8", "surrogateescape")


class Model:
    """An ONNX model loaded once (priori_model_load) and analysed many times.

        model = priori.Model("net.onnx")
        for batch in (1, 8, 32):
            print(batch, model.analyze(dims={"batch": batch}).totals["macs"])

    Several threads may analyse one Model at the same time. libpriori keeps
    the path (or a copy of the bytes) and each analysis reads the graph again
    from it (src/api_model.c). The file is pinned at load: once it is
    replaced, written, touched or deleted, the next analysis raises
    priori.FileError saying to load it again, so that every result
    of one Model is of the same model; from_bytes does not depend on a file.
    """

    def __init__(self, path, _handle=None, _name=None):
        if _handle is None:
            err = _lib.new_error()
            ptr = _lib.lib().priori_model_load(_lib.fspath(path), ctypes.byref(err))
            if not ptr:
                _lib.raise_error(err, "priori_model_load")
            _handle = _Owned(ptr, "priori_model_free")
        self._handle = _handle
        self.path = path
        self.name = _name if _name is not None else (os.fsdecode(path) if path is not None else None)

    @classmethod
    def from_bytes(cls, data, name=None):
        """A model from the bytes of an .onnx file; name is used in messages and reports."""
        data = bytes(data)
        err = _lib.new_error()
        ptr = _lib.lib().priori_model_load_buffer(data, len(data), _lib.fspath(name), ctypes.byref(err))
        if not ptr:
            _lib.raise_error(err, "priori_model_load_buffer")
        return cls(None, _handle=_Owned(ptr, "priori_model_free"), _name=name if name is not None else "<buffer>")

    def analyze(self, inputs=None, dims=None, values=None, hw=None, precision=None, format="json",
                **options):
        """Analyses the model: a Report (format="json") or the text of another format."""
        if self._handle is None:
            raise ValueError("the model is closed")
        _lib.format_code(format, ANALYZE_FORMATS)
        opts = _options(inputs=inputs, dims=dims, values=values, hw=hw, precision=precision, **options)
        err = _lib.new_error()
        ptr = _lib.lib().priori_analyze(self._handle.ptr, opts.ptr, ctypes.byref(err))
        if not ptr:
            _lib.raise_error(err, "priori_analyze")
        analysis = _Analysis(ptr, self._handle)
        if format != "json":
            return analysis.render(format)
        return Report(json.loads(analysis.render("json")), analysis)

    def sweep(self, dims=None, inputs=None, values=None, hw=None, precision=None, format="json", **options):
        """`priori sweep`: the totals at every point of one or two ranges of dims.

            model.sweep(dims={"seq": "128..8192*2", "batch": [1, 8]})   # two ranges: every pair
            model.sweep(dims={"seq": range(64, 513, 64), "batch": 4})    # a list, and a binding

        A range is the CLI's text (A..B*K, A..B+S, A..B) or a list, tuple or
        range() of values; a single number binds the symbol at every point.
        Returns a SweepReport (format="json") or the text of another format."""
        _lib.format_code(format, RUN_FORMATS)
        opts = _options(inputs=inputs, dims=dims, values=values, hw=hw, precision=precision, **options)
        return self._run("sweep", opts, format, SweepReport)

    def llm(self, prompt, generate, batch=None, inputs=None, dims=None, values=None, hw=None, precision=None,
            format="json", **options):
        """`priori llm`: a generation request of `prompt` tokens read at once and
        `generate` tokens generated one at a time, on a decoder with a KV cache.

            r = model.llm(prompt=512, generate=128, batch=4, hw="h200-pytorch2.11-eager", precision="fp16")
            r.prefill["macs"], r.kv_cache["bytes_per_token"], r.energy["tokens_per_s"]

        Other options: points=K, every_step=True, kv_inputs="GLOB", kv_outputs,
        past_dim, seq_dim, total_dim, kv_buffer=ROWS (the CLI's --kv-inputs ...). Returns an
        LLMReport (format="json") or the text of another format."""
        _lib.format_code(format, RUN_FORMATS)
        opts = _options(inputs=inputs, dims=dims, values=values, hw=hw, precision=precision, prompt=prompt,
                        generate=generate, batch=batch, **options)
        return self._run("llm", opts, format, LLMReport)

    def _run(self, kind, opts, format, cls):
        if self._handle is None:
            raise ValueError("the model is closed")
        err = _lib.new_error()
        ptr = getattr(_lib.lib(), "priori_" + kind)(self._handle.ptr, opts.ptr, ctypes.byref(err))
        if not ptr:
            _lib.raise_error(err, "priori_" + kind)
        run = _Run(_Owned(ptr, "priori_%s_free" % kind, keep=self._handle), kind)
        if format != "json":
            return run.render(format)
        return cls(json.loads(run.render("json")), run)

    def close(self):
        """Drops the model; its memory is freed once no Report of it is left."""
        self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<priori.Model %r%s>" % (self.name, "" if self._handle is not None else " (closed)")


def analyze(path, inputs=None, dims=None, values=None, hw=None, precision=None, format="json", **options):
    """`priori analyze PATH`: a Report (the JSON report as a dict), or text for another format.

        r = priori.analyze("net.onnx", dims={"batch": 8}, hw="ID")
        r.totals["macs"], r.energy["energy_j"], r.render("md")
    """
    return Model(path).analyze(inputs=inputs, dims=dims, values=values, hw=hw, precision=precision,
                               format=format, **options)


def sweep(path, dims=None, inputs=None, values=None, hw=None, precision=None, format="json", **options):
    """`priori sweep PATH --dim SYM=RANGE`: a SweepReport (or text); see Model.sweep.

        s = priori.sweep("gpt.onnx", dims={"seq": "128..8192*2"})
        [(row["seq"], row["macs"]) for row in s.rows()]
    """
    return Model(path).sweep(dims=dims, inputs=inputs, values=values, hw=hw, precision=precision, format=format,
                             **options)


def llm(path, prompt, generate, batch=None, inputs=None, dims=None, values=None, hw=None, precision=None,
        format="json", **options):
    """`priori llm PATH --prompt P --generate G`: an LLMReport (or text); see Model.llm."""
    return Model(path).llm(prompt, generate, batch=batch, inputs=inputs, dims=dims, values=values, hw=hw,
                           precision=precision, format=format, **options)


# ---- compare, diff, check ----

def _parsed(text, format):
    return json.loads(text) if format == "json" else text


def compare(paths, format="json", **options):
    """`priori compare PATH...`: two or more models side by side (dict, or text)."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError("compare() takes a list of paths")
    code = _lib.format_code(format, REVIEW_FORMATS)
    encoded = [_lib.fspath(p) for p in paths]
    array = (ctypes.c_char_p * max(len(encoded), 1))(*encoded)
    opts = _options(**options)
    err = _lib.new_error()
    text = _lib.take_string(_lib.lib().priori_compare(array, len(encoded), opts.ptr, code, ctypes.byref(err)),
                            err, "priori_compare")
    return _parsed(text, format)


def diff(old, new, all=False, format="json", **options):
    """`priori diff OLD NEW`: layer-by-layer changes; all=True lists unchanged layers too."""
    code = _lib.format_code(format, REVIEW_FORMATS)
    opts = _options(**options)
    err = _lib.new_error()
    text = _lib.take_string(_lib.lib().priori_diff(_lib.fspath(old), _lib.fspath(new), opts.ptr,
                                                   1 if all else 0, code, ctypes.byref(err)),
                            err, "priori_diff")
    return _parsed(text, format)


class CheckText(str):
    """The text of a check in a non-JSON format, with .passed."""
    passed = None


def _as_file(value, tmpdir, name):
    """A path for a budget or baseline given as a path or as a dict (written as JSON)."""
    if value is None or isinstance(value, (str, bytes, os.PathLike)):
        return _lib.fspath(value)
    path = os.path.join(tmpdir, name)
    with open(path, "w") as f:
        json.dump(dict(value), f)
    return os.fsencode(path)


def check(path, budget=None, baseline=None, max_growth=None, format="json", **options):
    """`priori check PATH`: the model against a budget and/or a baseline report.

    budget and baseline are paths, or dicts (a budget; a Report) written to a
    temporary file. max_growth is the CLI's spec ("macs=5%,params=2%") or a
    dict {"macs": 5, ...} (percent). Returns the JSON result (a dict whose
    "passed" says whether every limit holds), or CheckText with .passed. A
    breach is a result, not an exception.
    """
    code = _lib.format_code(format, CHECK_FORMATS)
    if isinstance(max_growth, dict):
        max_growth = ",".join("%s=%s%%" % (k, v) for k, v in max_growth.items())
    opts = _options(**options)
    with tempfile.TemporaryDirectory(prefix="priori-check-") as tmpdir:
        budget_path = _as_file(budget, tmpdir, "budget.json")
        baseline_path = _as_file(baseline, tmpdir, "baseline.json")
        passed = ctypes.c_int(-1)
        err = _lib.new_error()
        ptr = _lib.lib().priori_check(_lib.fspath(path), budget_path, baseline_path,
                                      None if max_growth is None else max_growth.encode(),
                                      opts.ptr, code, ctypes.byref(passed), ctypes.byref(err))
        text = _lib.take_string(ptr, err, "priori_check")
    if format == "json":
        result = json.loads(text)
        result.setdefault("passed", passed.value == 1)
        return result
    out = CheckText(text)
    out.passed = passed.value == 1
    return out


# ---- listings ----

def ops():
    """`priori ops --format json`: the operator table ({"schema", "version", "operators"})."""
    err = _lib.new_error()
    return json.loads(_lib.take_string(_lib.lib().priori_ops_json(ctypes.byref(err)), err, "priori_ops_json"))


def hw_profiles(db=None):
    """`priori hw list --format json`: the hardware profiles of a database (default: the default one)."""
    db = _lib.default_db() if db is None else db
    err = _lib.new_error()
    return json.loads(_lib.take_string(_lib.lib().priori_hw_profiles_json(_lib.fspath(db), ctypes.byref(err)),
                                       err, "priori_hw_profiles_json"))


def hw_profile(id, db=None):
    """`priori hw show ID --format json`: one profile in detail."""
    db = _lib.default_db() if db is None else db
    err = _lib.new_error()
    return json.loads(_lib.take_string(
        _lib.lib().priori_hw_profile_json(_lib.fspath(db), id.encode(), ctypes.byref(err)),
        err, "priori_hw_profile_json"))


def version():
    """The library's version, e.g. "0.3.0" (priori_version())."""
    return _lib.lib().priori_version().decode()


def status_name(status):
    """priori_status_name(): "ok", "arg", "model", "io", "db", "nomem", "internal"."""
    return _lib.lib().priori_status_name(status).decode()


__all__ = ["Model", "Report", "SweepReport", "LLMReport", "analyze", "sweep", "llm", "compare", "diff", "check", "ops",
           "hw_profiles", "hw_profile", "version", "status_name", "CheckText"]
