// ort_runs.js -- which nodes onnxruntime runs for a model, and how often:
// the node runs of one inference as onnxruntime's profiler records them,
// subgraph runs included (a generation node's encoder and decoder, a
// Loop's body), grouped by operator and input shapes.
//
// Usage: node tools/ort_runs.js MODEL.onnx [ORT_MODULE]
// Inputs are filled as tools/ort_shapes.js fills them. Prints one line per
// (operator, input shapes): the count, the operator, the shapes. Used to
// check how many times priori runs a subgraph and on which shapes (the
// T5 generation counts of ops/generate.c were checked this way); node is
// not needed by `make check`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require(process.argv[3] || '/opt/ort/node_modules/onnxruntime-node');

function feed(meta) {
    const dims = (meta.shape || [1]).map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'int64')
        return new ort.Tensor('int64', BigInt64Array.from({length: n}, () => 1n), dims);
    if (meta.type === 'int32')
        return new ort.Tensor('int32', Int32Array.from({length: n}, (_, i) => 1 + (i % 5)), dims);
    return new ort.Tensor('float32', Float32Array.from({length: n}, (_, i) => ((i * 7) % 11) / 10), dims);
}

async function main() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-runs-'));
    const s = await ort.InferenceSession.create(process.argv[2], {
        enableProfiling: true, profileFilePrefix: path.join(dir, 'profile'), intraOpNumThreads: 1});
    const feeds = {};
    s.inputNames.forEach((n, i) => { feeds[n] = feed(s.inputMetadata[i]); });
    await s.run(feeds);
    s.endProfiling();
    const counts = new Map();
    for (const f of fs.readdirSync(dir)) {
        for (const e of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) {
            if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time'))
                continue;
            const shapes = (e.args.input_type_shape || []).map((t) => JSON.stringify(Object.values(t)[0]));
            const key = e.args.op_name + ' ' + shapes.join(' ');
            counts.set(key, (counts.get(key) || 0) + 1);
        }
        fs.unlinkSync(path.join(dir, f));
    }
    fs.rmdirSync(dir);
    for (const [k, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
        console.log(n + '\t' + k);
}
main().catch((e) => { console.error(String(e.message || e)); process.exit(1); });
