// ort_shapes.js -- output shapes of ONNX models as onnxruntime computes them.
//
// Usage: node tools/ort_shapes.js DIR [ORT_MODULE]
// Runs every DIR/*.onnx in onnxruntime-node (default module:
// /opt/ort/node_modules/onnxruntime-node) with inputs filled from their
// declared shapes (symbolic or unknown dims: 1; small random values,
// int64 inputs 1, (u)int8 a small ramp, strings "a") and prints
// {model: {output: shape}} as JSON.
// A sequence output (ZipMap's) is given as [its length]. Models the
// runtime refuses are listed under "_errors". Used by tools/ort_expected.sh
// to write the expected files that `make check` compares against (node is
// not needed there).
'use strict';
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const ort = require(process.argv[3] || '/opt/ort/node_modules/onnxruntime-node');

function feed(meta) {
    const dims = (meta.shape || [1]).map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    switch (meta.type) {
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from({length: n}, () => 1n), dims);
    case 'int32': return new ort.Tensor('int32', Int32Array.from({length: n}, () => 1), dims);
    case 'string': return new ort.Tensor('string', Array.from({length: n}, () => 'a'), dims);
    case 'bool': return new ort.Tensor('bool', Uint8Array.from({length: n}, () => 1), dims);
    case 'uint8': return new ort.Tensor('uint8', Uint8Array.from({length: n}, (_, i) => (i * 7) % 251), dims);
    case 'int8': return new ort.Tensor('int8', Int8Array.from({length: n}, (_, i) => ((i * 7) % 251) - 125), dims);
    default: return new ort.Tensor('float32', Float32Array.from({length: n}, (_, i) => ((i * 7) % 11) / 10), dims);
    }
}

async function main() {
    const out = {_errors: {}};
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.onnx')).sort()) {
        const name = f.replace(/\.onnx$/, '');
        try {
            const s = await ort.InferenceSession.create(path.join(dir, f));
            const feeds = {};
            s.inputNames.forEach((n, i) => { feeds[n] = feed(s.inputMetadata[i]); });
            const r = await s.run(feeds);
            out[name] = {};
            for (const o of s.outputNames) {
                const v = r[o];
                out[name][o] = Array.isArray(v) ? [v.length] : Array.from(v.dims, Number);
            }
        } catch (e) {
            out._errors[name] = String(e.message || e).split('\n')[0].split(dir + '/').join('');
        }
    }
    console.log(JSON.stringify(out, null, 1));
}
main();
