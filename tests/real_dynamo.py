#!/usr/bin/python3
"""real_dynamo.py -- torch dynamo exports against the legacy exporter's.

Usage: [PRIORI=build/priori] /usr/bin/python3 tests/real_dynamo.py [-v] [DIR]

fixtures/dynamo/ holds three graph-only exports (weights left in missing
external files) of torchvision alexnet, resnet18 and the DCGAN generator,
each written by torch 2.11's dynamo exporter (opset 18) and by its legacy
TorchScript exporter (opset 17): NAME.dynamo.onnx, NAME.legacy.onnx. They
come from the H200 measurement set (../shared/data/h200/onnx.tar.gz); DIR
(a folder with its dynamo/ and legacy/ subfolders) runs every pair of it.

For each pair, at --dim batch=1 and batch=4:
  - both reports are complete (every operator known, every shape inferred);
  - MACs are equal: the two exporters write the same network;
  - the dynamo file's params equal an independent count: the elements of
    the float initializers and Constant tensors that a node reads, summed
    here with onnx, not priori (these networks have no float
    hyper-parameter inputs such as Clip bounds, which priori leaves out).
Params are not compared across: the exporters store different tensors (the
dynamo graphs fold BatchNormalization into Conv weights without a bias,
the legacy ones keep a bias, and in these graph-only files, whose bias
values coincide, route one bias initializer to many Convs through Identity
nodes, each of which priori counts as a weight of its own).
Prints one line per failure and "N passed, N failed" last.
"""
import glob
import os
import sys

import numpy as np
import onnx

from realkit import ROOT, analyse, check, summary

FLOATS = (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE, onnx.TensorProto.BFLOAT16)


def own_params(path):
    m = onnx.load(path, load_external_data=False)
    used = {x for n in m.graph.node if n.op_type != "Constant" for x in n.input}
    tensors = [i for i in m.graph.initializer if i.name in used]
    tensors += [a.t for n in m.graph.node if n.op_type == "Constant" and n.output[0] in used
                for a in n.attribute if a.name == "value"]
    return sum(int(np.prod(t.dims)) for t in tensors if t.data_type in FLOATS)


def totals(path, batch):
    rep = analyse(path, path, "--dim", "batch=%d" % batch)
    return rep["totals"] if rep else None


def pairs():
    extra = [a for a in sys.argv[1:] if a != "-v"]
    if extra:
        for d in sorted(glob.glob(os.path.join(extra[0], "dynamo", "*.onnx"))):
            leg = os.path.join(extra[0], "legacy", os.path.basename(d))
            if os.path.exists(leg):
                yield os.path.basename(d)[:-5], d, leg
        return
    for d in sorted(glob.glob(os.path.join(ROOT, "fixtures", "dynamo", "*.dynamo.onnx"))):
        yield os.path.basename(d)[:-len(".dynamo.onnx")], d, d.replace(".dynamo.onnx", ".legacy.onnx")


def main():
    n = 0
    for name, dyn, leg in pairs():
        n += 1
        for batch in (1, 4):
            td, tl = totals(dyn, batch), totals(leg, batch)
            if not td or not tl:
                continue
            check(td["complete"] and tl["complete"], "%s b%d: complete (dynamo %s, legacy %s)" %
                  (name, batch, td["complete"], tl["complete"]))
            check(td["macs"] == tl["macs"], "%s b%d: MACs dynamo %s, legacy %s" % (name, batch, td["macs"], tl["macs"]))
            want = own_params(dyn)
            check(td["params"] == want, "%s dynamo: params %s, initializers %s" % (name, td["params"], want))
    check(n > 0, "no dynamo/legacy pairs found")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
