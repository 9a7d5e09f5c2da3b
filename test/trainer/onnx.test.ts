import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { analyze, type CheckedModel } from '../../language/index.ts';
import type { DoneEvent } from '../../protocol/events.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { compact } from '../../trainer/src/compact.ts';
import { ExportError } from '../../trainer/src/export/errors.ts';
import { ONNX } from '../../trainer/src/export/onnx.ts';
import { planOf } from '../../trainer/src/export/plan.ts';
import { buildLayersModel, loadLayersModel } from '../../trainer/src/export/tfjs.ts';
import { Rng } from '../../trainer/src/rng.ts';
import type { LayerWeights } from '../../trainer/src/layerWeights.ts';
import { EXPORT_EXAMPLES } from '../../scripts/export-examples.ts';
import { specText, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

before(async () => {
  await selectBackend('cpu');
});

/** Runs an ONNX model's bytes on onnxruntime-node: `x` row-major in the model's input layout. */
async function runOnnx(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, dims) });
    return out.output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The ONNX file of a model with these weights, in memory (the compact model's with its `keptInputs`). */
async function onnxOf(model: CheckedModel, layers: readonly LayerWeights[], inputShape: number[], keptInputs?: readonly number[]): Promise<Uint8Array> {
  const encoded = await ONNX.encode({ model, layers, inputShape, keptInputs }, 'model.onnx');
  return encoded.files[0]!.data as Uint8Array;
}

/** NHWC rows (TensorFlow.js) as NCHW (ONNX, PyTorch). */
function nchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++) for (let z = 0; z < w; z++) for (let k = 0; k < c; k++) out[((i * c + k) * h + y) * w + z] = x[((i * h + y) * w + z) * c + k]!;
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const MLP = specText('mlp');

/** Hand-set weights: input 1 read by no one, h1 unit 2 unfed with bias 0.7 (a constant tanh(0.7)), h1 unit 4 unread, h2 unit 1 unfed with bias 0.3. */
function mlpWeights(model: CheckedModel): LayerWeights[] {
  const rng = new Rng(5);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
  const [h1, h2, out] = model.layers;
  const w1 = random(6 * 5);
  const w2 = random(5 * 4);
  for (let j = 0; j < 5; j++) w1[1 * 5 + j] = 0;
  for (let i = 0; i < 6; i++) w1[i * 5 + 2] = 0;
  for (let c = 0; c < 4; c++) w2[4 * 4 + c] = 0;
  for (let r = 0; r < 5; r++) w2[r * 4 + 1] = 0;
  return [
    { layer: h1!, w: w1, b: Float32Array.from([0.1, -0.2, 0.7, 0.05, 0.4]) },
    { layer: h2!, w: w2, b: Float32Array.from([0.2, 0.3, -0.1, 0.0]) },
    { layer: out!, w: random(4 * 3), b: random(3) },
  ];
}

describe('the ONNX export of hand-set weights, run on onnxruntime-node', () => {
  it('an MLP with a dropped input and an unfed neuron with a bias: the compact ONNX (gather folded in) equals TensorFlow.js', async () => {
    const model = analyze(MLP).model!;
    const layers = mlpWeights(model);
    const small = compact(model, layers);
    assert.deepEqual(small.keptInputs, [0, 2, 3, 4, 5]);
    assert.deepEqual(small.sizes, { h1: 3, h2: 3, out: 3 });
    const rng = new Rng(7);
    const x = Float32Array.from({ length: 100 * 6 }, () => rng.normal());
    const tfCompact = buildLayersModel(model, small.layers, [5]);
    const expected = tf.tidy(() => (tfCompact.predict(tf.gather(tf.tensor2d(x, [100, 6]), small.keptInputs!, 1)) as tf.Tensor).dataSync().slice());
    const compactOnnx = await onnxOf(model, small.layers, [6], small.keptInputs);
    const got = await runOnnx(compactOnnx, x, [100, 6]);
    assert.ok(maxDiff(got, expected) <= 1e-4, `compact: max |diff| ${maxDiff(got, expected)}`);
    // The full model's export reads the same input and gives the same outputs, from more weights.
    const fullOnnx = await onnxOf(model, layers, [6]);
    const gotFull = await runOnnx(fullOnnx, x, [100, 6]);
    assert.ok(maxDiff(gotFull, expected) <= 1e-4, `full: max |diff| ${maxDiff(gotFull, expected)}`);
    assert.ok(compactOnnx.byteLength < fullOnnx.byteLength, `compact ${compactOnnx.byteLength} bytes, full ${fullOnnx.byteLength}`);
    tfCompact.dispose();
  });

  const CONV = `model conv {
  data synthetic classes=4
  input 9x7x2
  conv a 3 3x3 relu
  maxpool p1 2x2
  conv b 4 2x2 tanh stride=2
  conv c 3 2x2 sigmoid padding=valid
  flatten
  dropout keep_prob=0.5
  dense out 4 softmax
}
`;

  it('a convnet with odd sizes (uneven same padding of convs and pools, strides, valid): NCHW ONNX equals TensorFlow.js NHWC', async () => {
    const analysis = analyze(CONV);
    assert.equal(analysis.hasErrors, false, JSON.stringify(analysis.diagnostics.map((d) => d.message)));
    const model = analysis.model!;
    const rng = new Rng(3);
    const layers: LayerWeights[] = model.layers
      .filter((l) => l.weightShape)
      .map((layer) => ({
        layer,
        w: Float32Array.from({ length: layer.weightShape!.reduce((a, b) => a * b) }, () => rng.normal() * 0.5),
        b: Float32Array.from({ length: layer.weightShape!.at(-1)! }, () => rng.normal() * 0.1),
      }));
    const plan = planOf(model, layers, [9, 7, 2]);
    // p1 pools 9x7 to 5x4: TensorFlow pads the odd pixel after, so the pads are uneven.
    const pool = plan.steps.find((s) => s.op === 'maxpool');
    assert.deepEqual(pool?.op === 'maxpool' && pool.pads, { top: 0, left: 0, bottom: 1, right: 1 });
    const n = 30;
    const x = Float32Array.from({ length: n * 9 * 7 * 2 }, () => rng.normal());
    const tfModel = buildLayersModel(model, layers, [9, 7, 2]);
    const expected = tf.tidy(() => (tfModel.predict(tf.tensor4d(x, [n, 9, 7, 2])) as tf.Tensor).dataSync().slice());
    const got = await runOnnx(await onnxOf(model, layers, [9, 7, 2]), nchw(x, n, 9, 7, 2), [n, 2, 9, 7]);
    assert.ok(maxDiff(got, expected) <= 1e-4, `max |diff| ${maxDiff(got, expected)}`);
    tfModel.dispose();
  });

  it('an architecture the export does not cover is one sentence naming the layer', () => {
    const model = analyze(`model pooled {
  data synthetic classes=2
  input 8x8x1
  conv a 2 3x3 relu
  avgpool p 2x2
  flatten
  dense out 2
}
`).model!;
    const layers: LayerWeights[] = model.layers
      .filter((l) => l.weightShape)
      .map((layer) => ({ layer, w: new Float32Array(layer.weightShape!.reduce((a, b) => a * b)), b: new Float32Array(layer.weightShape!.at(-1)!) }));
    assert.throws(
      () => planOf(model, layers, [8, 8, 1]),
      (e: unknown) => e instanceof ExportError && /found `avgpool` \(p\)/.test(e.message) && !e.message.includes('\n'),
    );
  });
});

/** The test rows of a trained run's data, re-created the way the trainer loads them. */
async function testRows(runDir: string): Promise<{ done: DoneEvent; x: Float32Array; count: number }> {
  const done = readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string })
    .find((e): e is DoneEvent => e.type === 'done')!;
  const { loadMnist } = await import('../../trainer/src/data/mnist.ts');
  const mnist = loadMnist([784]);
  const count = 200;
  return { done, x: mnist.testX.slice(0, count * 784), count };
}

describe('a trained run writes compact/model.onnx that onnxruntime-node runs like the TensorFlow.js compact model', () => {
  for (const [name, spec] of Object.entries(EXPORT_EXAMPLES)) {
    it(`${name}: the compact ONNX matches, is smaller than the full one, and the summary lists sizes and latency`, async () => {
      const dir = tempDir('dnn-onnx-');
      const { result } = await trainCollect({ specPath: writeSpec(dir, `${name}.dnn`, spec), outDir: join(dir, 'run') });
      assert.equal(result.type, 'done', JSON.stringify(result));
      const done = result as DoneEvent;
      const s = done.summary;
      assert.equal(s.exportError, undefined);
      const byFormat = new Map(s.exports!.map((f) => [f.format, f]));
      assert.deepEqual([...byFormat.keys()].sort(), ['onnx', 'safetensors', 'tfjs']);
      for (const f of s.exports!) assert.ok(f.bytes > 0 && f.bytes < f.fullBytes, `${f.format}: ${f.bytes} of ${f.fullBytes} bytes`);
      const onnxFile = readFileSync(byFormat.get('onnx')!.path);
      assert.equal(onnxFile.byteLength, byFormat.get('onnx')!.bytes);
      assert.ok(s.latency && s.latency.full.batch1Ms > 0 && s.latency.compact.batchMs > 0, JSON.stringify(s.latency));

      const { x, count } = await testRows(join(dir, 'run'));
      const image = name === 'convnet';
      const tfCompact = await loadLayersModel(join(dir, 'run', 'compact'));
      const kept = done.outputs.keptInputs ? (JSON.parse(readFileSync(done.outputs.keptInputs, 'utf8')) as { kept: number[] }).kept : undefined;
      if (!image) assert.ok(kept && kept.length < 784, `kept inputs: ${kept?.length}`);
      const expected = tf.tidy(() => {
        const t = image ? tf.tensor4d(x, [count, 28, 28, 1]) : tf.tensor2d(x, [count, 784]);
        return (tfCompact.predict(kept ? tf.gather(t, kept, 1) : t) as tf.Tensor).dataSync().slice();
      });
      const got = await runOnnx(onnxFile, image ? nchw(x, count, 28, 28, 1) : x, image ? [count, 1, 28, 28] : [count, 784]);
      assert.ok(maxDiff(got, expected) <= 1e-4, `max |diff| ${maxDiff(got, expected)}`);
      tfCompact.dispose();
    });
  }
});
