"""graphonly.py -- graph-only copies of ONNX models for test fixtures (used by
tools/silero_fixtures.py and tools/paddle_fixtures.py; not a tool itself).

strip_tensor(t, location) keeps a tensor of at most BIG elements as it is;
a larger one keeps its name, type and dims, and its data moves to the
external file `location`, which is not written (priori counts without
weights; a missing external file is one warning).
"""
from onnx import TensorProto

BIG = 64


def numel(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def strip_tensor(t, location):
    if numel(t.dims) <= BIG:
        return
    for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"):
        t.ClearField(field)
    t.data_location = TensorProto.EXTERNAL
    del t.external_data[:]
    e = t.external_data.add()
    e.key, e.value = "location", location


def strip_graph(g, location):
    """Every initializer and tensor attribute of g and of its subgraphs."""
    for t in g.initializer:
        strip_tensor(t, location)
    for n in g.node:
        for a in n.attribute:
            if a.HasField("t"):
                strip_tensor(a.t, location)
            if a.HasField("g"):
                strip_graph(a.g, location)
            for sub in a.graphs:
                strip_graph(sub, location)
