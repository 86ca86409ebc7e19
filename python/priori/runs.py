"""runs.py -- SweepReport and LLMReport, the results of priori.sweep() and
priori.llm() (priori_sweep and priori_llm of the C API).

Each is, like Report, the JSON document the command writes, parsed with
json.loads: `priori sweep --format json` (schema "priori.sweep/1") and
`priori llm --format json` ("priori.llm/1"), docs/usage.md. Beside it:
  - render(format) gives the command's table, CSV, Markdown or HTML of the
    same run, without running it again;
  - rows() (a sweep) and summary() / calls() (a request) read the library's
    structs (priori_sweep_point_at, priori_llm_summary, priori_llm_step)
    into plain dicts: one dict per point keyed by the swept symbols and the
    metrics, ready for a table or a plot; the numbers are the JSON's.
A value the run did not estimate (no hw=) is None in those dicts.

The result holds the libpriori object, which holds the Model it came from
(the C API's "the model must outlive the result"); copies and pickles keep
the data only.
"""
import ctypes

from . import _lib
from .errors import error_for

RUN_FORMATS = ("table", "json", "csv", "md", "html")
POINT_STATUS = ("ok", "incomplete", "error")


class _Run:
    """One priori_sweep_result or priori_llm_result (owned), keeping its model alive."""

    def __init__(self, owned, kind):
        self.kind = kind  # "sweep" or "llm": the prefix of its functions
        self._owned = owned  # api._Owned: frees with priori_KIND_free, keeps the model

    @property
    def ptr(self):
        return self._owned.ptr

    def call(self, name, *args):
        return getattr(_lib.lib(), "priori_%s_%s" % (self.kind, name))(self.ptr, *args)

    def render(self, format="table"):
        code = _lib.format_code(format, RUN_FORMATS)
        err = _lib.new_error()
        return _lib.take_string(self.call("render", code, ctypes.byref(err)), err, "priori_%s_render" % self.kind)

    def warnings(self, n):
        return [_text(self.call("warning", i)) for i in range(n)]


def _text(b):
    return None if b is None else b.decode("utf-8", "surrogateescape")


def _real(v):
    """A figure of the structs: -1 (not estimated) is None."""
    return None if v == -1 else v


def _check(status, what):
    if status != 0:
        raise error_for(status)(status, "%s failed" % what)


class _Result(dict):
    """The JSON of a run (a dict) and the run it came from."""

    def __init__(self, data, run=None):
        super().__init__(data)
        self._run = run

    def _need(self):
        if self._run is None:
            raise ValueError("this %s holds no run (it was not made by priori)" % type(self).__name__)
        return self._run

    @property
    def warnings(self):
        """What priori had to assume at some point, each once, and the loader's warnings."""
        return self.get("warnings", [])

    @property
    def energy(self):
        """The estimate's description with hw=, else None."""
        return self.get("energy")

    def render(self, format="table"):
        """The report as the CLI writes it with --format FORMAT (table, json, csv, md, html)."""
        return self._need().render(format)

    def __reduce__(self):
        return (type(self), (dict(self),))


class SweepReport(_Result):
    """The JSON of `priori sweep` (a dict): ["axes"], ["points"] (one per point,
    first axis outermost, "at" its values), ["energy"], ["warnings"]."""

    @property
    def axes(self):
        """[{"symbol": "seq", "values": [128, 256, ...]}, ...]: one or two."""
        return self["axes"]

    @property
    def points(self):
        """The JSON's points: {"at": [...], "status", "params", "macs", ...}."""
        return self["points"]

    def summary(self):
        """priori_sweep_summary(): axes, symbols, nvalues (per axis), points, failed, estimated, warnings."""
        info = _lib.CSweepInfo()
        _check(_lib.lib().priori_sweep_summary(self._need().ptr, ctypes.byref(info)), "priori_sweep_summary")
        return {"axes": info.axes, "symbols": [_text(info.symbol[k]) for k in range(info.axes)],
                "nvalues": [info.nvalues[k] for k in range(info.axes)], "points": info.points,
                "failed": info.failed, "estimated": bool(info.estimated), "warnings": info.warnings}

    def rows(self):
        """One dict per point, from priori_sweep_point_at(): the swept symbols'
        values, status ("ok", "incomplete", "error"), error, params, macs,
        flops, weight_bytes, activation_bytes, peak_activation_bytes,
        bytes_read, bytes_written, latency_s, energy_j, co2e_g, regime."""
        run = self._need()
        info = self.summary()
        lib = _lib.lib()
        rows = []
        p = _lib.CSweepPoint()
        for i in range(info["points"]):
            _check(lib.priori_sweep_point_at(run.ptr, i, ctypes.byref(p)), "priori_sweep_point_at")
            row = {sym: p.at[k] for k, sym in enumerate(info["symbols"])}
            row.update(status=POINT_STATUS[p.status], error=_text(p.error))
            for name, _ in _lib.CSweepPoint._fields_[3:-4]:
                row[name] = getattr(p, name)
            row.update(latency_s=_real(p.latency_s), energy_j=_real(p.energy_j), co2e_g=_real(p.co2e_g),
                       regime=_text(p.regime))
            rows.append(row)
        return rows

    def __repr__(self):
        return "<priori.SweepReport %s: %s over %s points>" % (
            self.get("model", {}).get("path"), " x ".join(a["symbol"] for a in self.get("axes", [])),
            len(self.get("points", [])))


def _call(c):
    """A priori_llm_call as a dict."""
    return {"context": c.context, "past": c.past, "new_tokens": c.new_tokens, "macs": c.macs, "flops": c.flops,
            "bytes_read": c.bytes_read, "bytes_written": c.bytes_written, "activation_bytes": c.activation_bytes,
            "kv_bytes": c.kv_bytes, "latency_s": _real(c.latency_s), "energy_j": _real(c.energy_j),
            "regime": _text(c.regime), "analysed": bool(c.analysed)}


class LLMReport(_Result):
    """The JSON of `priori llm` (a dict): ["prefill"], ["decode"] (its "sum",
    "per_step_line" and every one of its "steps"), ["request_total"],
    ["kv_cache"], ["weights"], ["peak_activation_bytes"], ["layout"],
    ["energy"] (time to first token, tokens/s, energy per request and per
    token with hw=), ["warnings"]."""

    @property
    def prefill(self):
        return self["prefill"]

    @property
    def steps(self):
        """Every decode step: {"context", "past", "new_tokens", "macs", ..., "kv_bytes", "analysed"}."""
        return self["decode"]["steps"]

    @property
    def decode(self):
        """The sum of the decode steps."""
        return self["decode"]["sum"]

    @property
    def request(self):
        """The prefill and every decode step together."""
        return self["request_total"]

    @property
    def kv_cache(self):
        """{"bytes_per_token", "tokens_at_end", "bytes_at_end"}."""
        return self["kv_cache"]

    def summary(self):
        """priori_llm_summary() as a dict: prompt, generate, batch, prefill,
        decode, request (dicts of one call or a sum), params, weight_bytes,
        kv_bytes_per_token, kv_bytes_end, the peaks, interpolated,
        analysed_contexts, complete, layout, layout_how, estimated, the
        figures of hw= (None without), warnings."""
        info = _lib.CLlmInfo()
        _check(_lib.lib().priori_llm_summary(self._need().ptr, ctypes.byref(info)), "priori_llm_summary")
        out = {}
        for name, ctype in _lib.CLlmInfo._fields_:
            v = getattr(info, name)
            if ctype is _lib.CLlmCall:
                v = _call(v)
            elif ctype is ctypes.c_char_p:
                v = _text(v)
            elif ctype is ctypes.c_double:
                v = _real(v)
            elif name in ("interpolated", "complete", "estimated"):
                v = bool(v)
            out[name] = v
        return out

    def calls(self):
        """Every decode step from priori_llm_step(), as dicts (as summary()'s calls)."""
        run = self._need()
        lib = _lib.lib()
        c = _lib.CLlmCall()
        out = []
        for i in range(self["request"]["generate"]):
            _check(lib.priori_llm_step(run.ptr, i, ctypes.byref(c)), "priori_llm_step")
            out.append(_call(c))
        return out

    def __repr__(self):
        r = self.get("request", {})
        return "<priori.LLMReport %s: prompt %s, %s generated, batch %s>" % (
            self.get("model", {}).get("path"), r.get("prompt"), r.get("generate"), r.get("batch"))


__all__ = ["SweepReport", "LLMReport"]
