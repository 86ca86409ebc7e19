// silero_ort_shapes.js -- onnxruntime's output shapes of the Silero VAD models.
//
// Usage: node tools/silero_ort_shapes.js SRC_DIR > fixtures/silero/expected_shapes.json
//
// Runs each original model (with its weights; SRC_DIR as for
// tools/silero_fixtures.py) in onnxruntime-node (/opt/ort, CPU) on zero
// inputs of the real shapes at 16 kHz (512 samples) and 8 kHz (256
// samples), and prints every graph output's shape with the flags that give
// priori the same inputs. tests/real_assume.py compares priori's shapes on
// the graph-only copies in fixtures/silero/ with these.
const path = require('path');
const ort = require(process.env.ORT || '/opt/ort/node_modules/onnxruntime-node');

const CASES = [
  {model: 'silero_vad_v5.onnx', state: {state: [2, 1, 128]}},
  {model: 'silero_vad_v6.onnx', state: {state: [2, 1, 128]}},
  {model: 'silero_vad_legacy.onnx', state: {h: [2, 1, 64], c: [2, 1, 64]}},
];
const RATES = [{sr: 16000, samples: 512}, {sr: 8000, samples: 256}];

function zeros(dims) {
  return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
}

async function main() {
  const src = process.argv[2];
  const out = [];
  for (const c of CASES) {
    const s = await ort.InferenceSession.create(path.join(src, c.model));
    for (const r of RATES) {
      const feeds = {input: zeros([1, r.samples]), sr: new ort.Tensor('int64', BigInt64Array.from([BigInt(r.sr)]), [])};
      const flags = ['--input', `input=1x${r.samples}`];
      for (const [name, dims] of Object.entries(c.state)) {
        feeds[name] = zeros(dims);
        flags.push('--input', `${name}=${dims.join('x')}`);
      }
      flags.push('--value', `sr=${r.sr}`);
      const res = await s.run(feeds);
      const outputs = {};
      for (const name of s.outputNames) outputs[name] = Array.from(res[name].dims, Number);
      out.push({model: c.model, flags, outputs});
    }
  }
  console.log(JSON.stringify(out, null, 1));
}

main().catch((e) => { console.error(e); process.exit(1); });
