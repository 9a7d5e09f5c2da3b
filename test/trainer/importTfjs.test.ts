import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { encodeSafetensors } from '../../trainer/src/export/safetensors.ts';
import { importTfjs } from '../../trainer/src/import/fromTfjs.ts';
import { importedSpecText, importedTensors } from '../../trainer/src/import/specText.ts';
import { startingWeights } from '../../trainer/src/import/startingWeights.ts';
import { forwardPass } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { tempDir } from '../helpers/tempDir.ts';

before(async () => {
  await selectBackend('cpu');
});

/** model.json and weights.bin as tfjs-layers' file:// handler writes them (through a save handler: no tfjs-node here). */
async function save(model: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData!;
      writeFileSync(join(dir, 'weights.bin'), Buffer.concat((Array.isArray(data) ? data : [data]).map((b) => Buffer.from(b))));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/** Every weight of the model seeded at random (batch norms' variances positive), so no layout mistake hides behind a symmetric initialisation. */
function randomize(model: tfl.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w, i) => {
      const variance = layer.getClassName() === 'BatchNormalization' && i === 3;
      return tf.tensor(
        Float32Array.from({ length: w.size }, () => (variance ? 0.5 + rng.next() : rng.normal() * 0.4)),
        w.shape,
      );
    });
    layer.setWeights(values);
  }
}

/**
 * The imported model's outputs through the trainer's forward pass beside tfjs-layers' own predict, on seeded inputs:
 * the spec `dropneuron import` writes, its weights file written and read back as `train` and `evaluate` read it.
 */
function compare(model: tfl.LayersModel, file: string, inputShape: number[]): number {
  const imported = importTfjs(file);
  const dir = tempDir('dnn-import-tfjs-');
  writeFileSync(join(dir, 'm.safetensors'), encodeSafetensors(importedTensors(imported)));
  const text = importedSpecText('m', imported, 'synthetic classes=4', 'm.safetensors', { file: 'model.json', producer: imported.producer });
  const analysis = analyze(text);
  assert.deepEqual(
    analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const checked = analysis.model!;
  const start = startingWeights(checked, join(dir, 'm.safetensors'));
  const layers = checked.layers.filter((l) => l.weightShape);
  const params = start.map((w, i) => ({ layer: layers[i]!, w: tf.tensor(w.w, layers[i]!.weightShape!), b: tf.tensor(w.b, [w.b.length]) }));
  const rng = new Rng(11);
  const rows = 6;
  const x = tf.tensor(
    Float32Array.from({ length: rows * inputShape.reduce((a, b) => a * b, 1) }, () => rng.next()),
    [rows, ...inputShape],
  );
  const ours = forwardPass(checked, params, layerOpsFor('cpu'), x).dataSync();
  const theirs = (model.predict(x) as tf.Tensor).dataSync();
  assert.equal(ours.length, theirs.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i]! - theirs[i]!));
  return max;
}

describe('importTfjs: a TF.js LayersModel’s layers and weights in the trainer’s forward pass', () => {
  it('a convnet with two folded batch norms, both pools with same and valid padding, a strided conv: the outputs tfjs-layers predicts', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [10, 10, 2], filters: 3, kernelSize: [3, 2], padding: 'same', useBias: false }),
        tfl.layers.batchNormalization({ epsilon: 0.01 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
        tfl.layers.conv2d({ filters: 5, kernelSize: 2, strides: 2, activation: 'sigmoid' }),
        tfl.layers.averagePooling2d({ poolSize: 1 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 7 }),
        tfl.layers.batchNormalization(),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 4, activation: 'softmax' }),
      ],
    });
    randomize(model, 1);
    const max = compare(model, await save(model, join(tempDir('dnn-tfjs-conv-'), 'conv')), [10, 10, 2]);
    assert.ok(max < 1e-5, `outputs differ by up to ${max}`);
  });

  it('reads the kernel of a dense layer after a flatten in its own H·W·C order (a wrong order would not match)', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [3, 4, 2] }), tfl.layers.dense({ units: 5, activation: 'tanh' }), tfl.layers.dense({ units: 4 })],
    });
    randomize(model, 2);
    const max = compare(model, await save(model, join(tempDir('dnn-tfjs-flat-'), 'flat')), [3, 4, 2]);
    assert.ok(max < 1e-5, `outputs differ by up to ${max}`);
  });

  it('refuses an activation after an average pool, and a batch norm after an activation, naming the layer', async () => {
    const afterAverage = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, padding: 'same' }),
        tfl.layers.averagePooling2d({ poolSize: 2 }),
        tfl.layers.activation({ activation: 'relu', name: 'late' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 4 }),
      ],
    });
    const file = await save(afterAverage, join(tempDir('dnn-tfjs-bad-'), 'avg'));
    assert.throws(() => importTfjs(file), /Activation \(layer "late"\): expected an activation right after a Dense or Conv2D .*; nothing was written$/);
    const afterActivation = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [6], units: 4, activation: 'relu' }), tfl.layers.batchNormalization({ name: 'bn' })],
    });
    const second = await save(afterActivation, join(tempDir('dnn-tfjs-bad-'), 'bn'));
    assert.throws(() => importTfjs(second), /BatchNormalization \(layer "bn"\): expected it right after a Dense or Conv2D without an activation/);
  });
});
