import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/index.ts';
import { loadLayersModel } from '../../trainer/src/export/tfjs.ts';
import { loadMnist } from '../../trainer/src/data/mnist.ts';
import type { DoneEvent, EpochEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { specText, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('a dense model on mnist limit=2000 for 2 epochs', () => {
  let events: TrainerEvent[];
  let done: DoneEvent;
  let dir: string;

  before(async () => {
    dir = tempDir();
    const spec = writeSpec(dir, 'small.dnn', specText('small-mnist'));
    const run = await trainCollect({ specPath: spec, outDir: join(dir, 'run') });
    events = run.events;
    assert.equal(run.result.type, 'done', JSON.stringify(run.result));
    done = run.result as DoneEvent;
  });

  it('emits start, one epoch event per epoch in order, then done', () => {
    assert.deepEqual(
      events.map((e) => (e.type === 'epoch' ? `epoch ${e.epoch}` : e.type)),
      ['start', 'epoch 1', 'epoch 2', 'done'],
    );
    const start = events[0] as StartEvent;
    // auto on a machine without a GPU, for a dense network: ONNX Runtime's CPU kernels (onnxruntime-node is installed with the project).
    assert.equal(start.backend, 'ort');
    assert.equal(start.trainSamples, 2000);
    assert.equal(start.testSamples, 10000);
    assert.equal(start.params, 784 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10);
    assert.ok(
      start.backendSkipped.some((s) => s.backend === 'gpu'),
      'auto says why gpu was skipped',
    );
  });

  it('reports finite metrics that learn something', () => {
    for (const e of events.filter((x): x is EpochEvent => x.type === 'epoch')) {
      for (const v of [e.loss.total, e.loss.data, e.loss.l1, e.loss.dropneuron, e.trainMetric, e.testMetric, e.seconds, e.density])
        assert.ok(Number.isFinite(v), `finite: ${v}`);
      assert.ok(e.loss.l1 > 0 && e.loss.dropneuron > 0 && e.loss.l2 === 0);
      assert.equal(e.inputMask?.bits.length, 784);
      assert.deepEqual(e.inputMask?.shape, [28, 28]);
    }
    // 32 steps of batch 128: far from converged, but far above chance (10 %).
    assert.ok(done.summary.afterPrune > 0.5, `expected > 50 % accuracy after 2 epochs, found ${done.summary.afterPrune}`);
  });

  it("computes the seed's statistics consistently", () => {
    const s = done.summary;
    for (const l of s.layers) {
      assert.ok(l.weightsKept <= l.weightsTotal && l.neuronsKept <= l.neuronsTotal);
      assert.equal(l.density, l.weightsKept / l.weightsTotal);
    }
    assert.equal(s.weightsTotal, 784 * 64 + 64 * 32 + 32 * 10);
    assert.equal(
      s.weightsKept,
      s.layers.reduce((a, l) => a + l.weightsKept, 0),
    );
    assert.equal(s.compression, s.weightsTotal / s.weightsKept);
    assert.ok(s.inputs.kept <= 784);
    // Each layer's inputs read: the first layer's are the network's inputs; a later one reads at most the neurons its predecessor kept alive.
    assert.deepEqual(
      s.layers.map((l) => l.inputsTotal),
      [784, 64, 32],
    );
    assert.equal(s.layers[0]!.inputsKept, s.inputs.kept);
    for (const l of s.layers) assert.ok(l.inputsKept <= l.inputsTotal);
    // One kept: each layer's is its compact size, a later layer reads the neurons its predecessor kept, and the
    // summary's own picture of the pixels counts what it says.
    for (const l of s.layers) assert.equal(l.neuronsKept, s.collapsed.includes(l.name) ? 0 : s.compactSizes[l.name]);
    s.layers.slice(1).forEach((l, i) => assert.equal(l.inputsKept, s.layers[i]!.neuronsKept));
    assert.equal([...s.inputMask!.bits].filter((b) => b === '1').length, s.inputs.kept);
  });

  it('writes the run folder: events, summary, checkpoint, models, pruned spec', () => {
    const o = done.outputs;
    for (const path of [o.events, o.summary, o.model!, o.compact!, o.prunedSpec, join(o.runDir, 'run.json'), join(o.runDir, 'checkpoint.json')])
      assert.ok(existsSync(path), path);
    const lines = readFileSync(o.events, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TrainerEvent);
    assert.deepEqual(
      lines.map((e) => e.type),
      ['start', 'epoch', 'epoch', 'done'],
    );
    const pruned = analyze(readFileSync(o.prunedSpec, 'utf8'));
    assert.equal(pruned.hasErrors, false, JSON.stringify(pruned.diagnostics));
    assert.deepEqual(
      pruned.model!.layers.map((l) => l.units),
      [done.summary.compactSizes.fc1, done.summary.compactSizes.fc2, 10],
    );
  });

  it('the compact model equals the pruned model on the test set, with exactly the kept parameters', async () => {
    const full = await loadLayersModel(done.outputs.model!);
    const small = await loadLayersModel(done.outputs.compact!);
    const kept = (JSON.parse(readFileSync(done.outputs.keptInputs!, 'utf8')) as { kept: number[] }).kept;
    const mnist = loadMnist([784]);
    const x = tf.tensor2d(mnist.testX, [mnist.testCount, 784]);
    const a = full.predict(x, { batchSize: 2000 }) as tf.Tensor;
    const b = small.predict(tf.gather(x, kept, 1), { batchSize: 2000 }) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    assert.ok(diff <= 1e-4, `max |diff| ${diff}`);
    assert.equal(small.countParams(), done.summary.compactParams);
    const sizes = done.summary.compactSizes;
    assert.equal(done.summary.compactParams, kept.length * sizes.fc1! + sizes.fc1! + sizes.fc1! * sizes.fc2! + sizes.fc2! + sizes.fc2! * 10 + 10);
  });

  it('the same seed gives the same run on the same backend', async () => {
    const again = await trainCollect({ specPath: join(dir, 'small.dnn'), outDir: join(dir, 'run-again') });
    const losses = (es: TrainerEvent[]) => es.filter((e): e is EpochEvent => e.type === 'epoch').map((e) => [e.loss.total, e.testMetric, e.density]);
    assert.deepEqual(losses(again.events), losses(events));
  });
});

describe('sparse regression with the seed settings (shorter: lr 0.02, 10 epochs)', () => {
  it('keeps exactly the true nonzero input features', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'sr.dnn', readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'sparse-regression.dnn'), 'utf8'));
    const { result } = await trainCollect({
      specPath: spec,
      outDir: join(dir, 'run'),
      overrides: { train: { epochs: 10, learningRate: 0.02, backend: 'wasm' } },
    });
    assert.equal(result.type, 'done');
    const done = result as DoneEvent;
    const kept = (JSON.parse(readFileSync(done.outputs.keptInputs!, 'utf8')) as { kept: number[] }).kept;
    const { sparseRegression } = await import('../../trainer/src/data/generated.ts');
    const truth = sparseRegression({ samples: 1000, features: 20, informative: 2, noise: 0, seed: 1 }).facts!.informativeFeatures;
    assert.deepEqual(kept, truth);
    assert.ok(done.summary.afterPrune < 1e-3, `NMSE ${done.summary.afterPrune}`);
  });
});

describe('LeNet-5 on wasm', () => {
  it('trains a few steps with no missing kernel', async () => {
    const dir = tempDir();
    // The example's architecture on synthetic 28x28x1 images: this is about kernels, not accuracy, and
    // evaluating LeNet-5 on the 10 000 MNIST test images would dominate the test's time.
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet-5.dnn'), 'utf8').replace(
      'data mnist',
      'data synthetic samples=128 classes=10',
    );
    const spec = writeSpec(dir, 'lenet-5.dnn', text);
    const { events, result } = await trainCollect({ specPath: spec, outDir: join(dir, 'run'), overrides: { train: { epochs: 1, backend: 'wasm' } } });
    assert.equal(result.type, 'done', JSON.stringify(result));
    const done = result as DoneEvent;
    const epoch = events.find((e): e is EpochEvent => e.type === 'epoch')!;
    assert.ok(Number.isFinite(epoch.loss.total));
    assert.deepEqual(
      epoch.layers.map((l) => l.name),
      ['c1', 'c2', 'fc1', 'out'],
    );
    // The compact convnet (dead channels and neurons removed) computes what the pruned one does.
    const full = await loadLayersModel(done.outputs.model!);
    const small = await loadLayersModel(done.outputs.compact!);
    const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 7);
    const diff = tf.max(tf.abs(tf.sub(full.predict(x) as tf.Tensor, small.predict(x) as tf.Tensor))).dataSync()[0]!;
    assert.ok(diff <= 1e-4, `max |diff| ${diff}`);
    assert.equal(small.countParams(), done.summary.compactParams);
    console.log(`compact LeNet-5 after one synthetic epoch: ${JSON.stringify(done.summary.compactSizes)}`);
  });
});
