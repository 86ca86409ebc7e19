"""report.py -- Report, the result of an analysis: the JSON report as a dict.

A Report is exactly the document `priori analyze --format json` writes
(schema "priori.report/1", docs/usage.md), parsed with json.loads, so
report["totals"]["macs"] is the same integer the CLI prints. The
conveniences only read it: .totals, .layers, .by_op_type, .top, .warnings,
.energy (None without hw=), heaviest(n, key). A Report made by analyze()
also keeps the libpriori analysis it came from, so render(format) returns
the CLI's table, CSV, Markdown or HTML of the same analysis without
analysing again; c_totals() reads priori_analysis_totals() of it.
"""
import json


class Report(dict):
    """The JSON report of one analysis (a dict), with a few read-only helpers."""

    def __init__(self, data, analysis=None):
        super().__init__(data)
        self._analysis = analysis

    @property
    def totals(self):
        """report["totals"]: params, macs, flops, weight_bytes, activation_bytes, ..."""
        return self["totals"]

    @property
    def layers(self):
        """report["layers"]: one dict per row of the report, in execution order."""
        return self["layers"]

    @property
    def by_op_type(self):
        """report["by_op_type"]: counts and shares per operator type."""
        return self["by_op_type"]

    @property
    def top(self):
        """report["top"]: the heaviest layers by MACs (as many as the top= option)."""
        return self["top"]

    @property
    def warnings(self):
        """report["warnings"]: what priori had to assume, and the option that fixes it."""
        return self.get("warnings", [])

    @property
    def energy(self):
        """report["energy"] (latency_s, energy_j, co2e_g, ...) with hw=, else None."""
        return self.get("energy")

    def heaviest(self, n=10, key="macs"):
        """The n layers with the largest key (macs, flops, params, activation_bytes, ...)."""
        rows = [layer for layer in self.layers if isinstance(layer.get(key), (int, float))]
        rows.sort(key=lambda layer: layer[key], reverse=True)
        return rows[:n]

    def render(self, format="table"):
        """The report as the CLI writes it with --format FORMAT (table, json, csv, md, html)."""
        if self._analysis is None:
            raise ValueError("this Report holds no analysis (it was not made by priori.analyze)")
        return self._analysis.render(format)

    def c_totals(self):
        """priori_analysis_totals() of the analysis, as a dict (for cross-checks)."""
        if self._analysis is None:
            raise ValueError("this Report holds no analysis (it was not made by priori.analyze)")
        return self._analysis.totals()

    def to_json(self, indent=None):
        """The report as JSON text (json.dumps; render("json") gives the library's own bytes)."""
        return json.dumps(self, indent=indent)

    def __reduce__(self):
        # Copies and pickles keep the data, not the C analysis.
        return (Report, (dict(self),))

    def __repr__(self):
        totals = self.get("totals", {})
        return "<priori.Report %s: %s params, %s MACs, %s layers>" % (
            self.get("model", {}).get("path"), totals.get("params"), totals.get("macs"),
            len(self.get("layers", [])))
