"""priori -- static model-complexity analysis of ONNX models, from Python.

A pure-Python package (ctypes) over libpriori, the library of the `priori`
command: the same counts, the same reports, the same messages.

    import priori
    report = priori.analyze("net.onnx", dims={"batch": 8})
    report.totals["macs"], report.heaviest(5), report.render("table")

    model = priori.Model("net.onnx")              # load once, analyse many times
    [model.analyze(dims={"batch": b}).totals["macs"] for b in (1, 8, 32)]

    curve = priori.sweep("gpt.onnx", dims={"seq": "128..8192*2"})   # `priori sweep`
    [(row["seq"], row["macs"]) for row in curve.rows()], curve.render("html")
    gen = priori.llm("gpt.onnx", prompt=512, generate=128)           # `priori llm`
    gen.prefill["macs"], gen.kv_cache["bytes_per_token"], gen.steps[-1]

    priori.compare(["a.onnx", "b.onnx"])          # the JSON of `priori compare`
    priori.diff("old.onnx", "new.onnx")
    priori.check("net.onnx", budget="budget.json")["passed"]
    priori.ops(), priori.hw_profiles(), priori.hw_profile(ID), priori.version()

Errors raise a subclass of priori.Error (ArgumentError, ModelError,
FileError, DatabaseError, OutOfMemoryError, InternalError; LibraryError
when libpriori cannot be loaded) with libpriori's message. The library is
found through $PRIORI_LIB, the checkout's build/libpriori.so.0, or the
system's libpriori.so.0 (priori/_lib.py). docs/python.md walks through it.
"""
from .api import (CheckText, Model, analyze, check, compare, diff, hw_profile, hw_profiles, llm, ops,
                  status_name, sweep, version)
from ._lib import library_path
from .errors import (ArgumentError, DatabaseError, Error, FileError, InternalError, LibraryError,
                     ModelError, OutOfMemoryError)
from .report import Report
from .runs import LLMReport, SweepReport

__version__ = "0.3.0"

__all__ = [
    "analyze", "Model", "Report", "sweep", "SweepReport", "llm", "LLMReport", "compare", "diff", "check", "CheckText", "ops", "hw_profiles",
    "hw_profile", "version", "status_name", "library_path",
    "Error", "ArgumentError", "ModelError", "FileError", "DatabaseError", "OutOfMemoryError",
    "InternalError", "LibraryError",
]
