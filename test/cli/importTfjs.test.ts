import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { loadDataset } from '../../trainer/src/data/load.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const DATA = 'synthetic samples=400 classes=4 seed=3';

before(async () => {
  await selectBackend('cpu');
});

/**
 * Saves a tfjs-layers model as `model.save('file://DIR')` does (tfjs-node, which writes files, is not installed):
 * its artifacts through a save handler, written as DIR/model.json with a weightsManifest and DIR/weights.bin.
 */
async function saveModel(model: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData!;
      const bytes = Buffer.concat((Array.isArray(data) ? data : [data]).map((b) => Buffer.from(b)));
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/** The model's accuracy on a spec's test set as tfjs-layers predicts it: the share of rows whose argmax is the label. */
function tfjsAccuracy(model: tfl.LayersModel, specPath: string, dir: string): number {
  const checked = analyze(readFileSync(specPath, 'utf8')).model!;
  const data = loadDataset(checked, dir);
  return tf.tidy(() => {
    const predicted = tf.argMax(model.predict(tf.tensor(data.testX, [data.testCount, ...checked.input!])) as tf.Tensor, 1);
    const correct = tf.sum(tf.cast(tf.equal(predicted, tf.tensor1d(data.testY, 'int32')), 'float32')).dataSync()[0]!;
    return correct / data.testCount;
  });
}

function evaluate(spec: string): number {
  const r = dropneuron(['evaluate', spec, '--json'], { timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { value: number }).value;
}

/** Trains a tfjs-layers model for two epochs on the spec data's training rows, so its weights and batch statistics are learned ones. */
async function fitOn(model: tfl.LayersModel, inputShape: number[]): Promise<void> {
  const text = `model probe {\n  data ${DATA}\n  input ${inputShape.join('x')}\n  dense out 4\n}\n`;
  const data = loadDataset(analyze(text).model!, '.');
  const x = tf.tensor(data.trainX, [data.trainCount, ...inputShape]);
  const y = tf.oneHot(tf.tensor1d(data.trainY, 'int32'), 4);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
  tf.dispose([x, y]);
}

function imported(modelJson: string, folder: string): string {
  const r = dropneuron(['import', modelJson, '--data', DATA], { timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return join(folder, `${folder.split('/').at(-1)}.dnn`);
}

/** A failed import: exit 1, one sentence on stderr, and the folder as it was. */
function refused(dir: string, modelJson: string): string {
  const before = readdirSync(dir).sort();
  const r = dropneuron(['import', modelJson, '--data', DATA], { timeout: 60_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const said = r.stderr.trim().split('\n');
  assert.equal(said.length, 1, r.stderr);
  assert.match(said[0]!, /^dropneuron import: .+$/);
  assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
  return said[0]!;
}

describe('dropneuron import model.json: a TF.js LayersModel', () => {
  it("a convnet (Conv2D, BatchNormalization folded, Activation, MaxPooling2D, AveragePooling2D, Flatten, Dropout, Dense) evaluates to tfjs-layers' own accuracy exactly", async () => {
    const root = tempDir('dnn-cli-import-tfjs-');
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same' }),
        tfl.layers.batchNormalization(),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu' }),
        tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
        tfl.layers.flatten(),
        tfl.layers.dropout({ rate: 0.25 }),
        tfl.layers.dense({ units: 8 }),
        tfl.layers.batchNormalization(),
        tfl.layers.activation({ activation: 'tanh' }),
        tfl.layers.dense({ units: 4, activation: 'softmax' }),
      ],
    });
    await fitOn(model, [12, 12, 1]);
    const folder = join(root, 'tfconv');
    const spec = imported(await saveModel(model, folder), folder);
    const text = readFileSync(spec, 'utf8');
    assert.match(text, /^# Imported by `dropneuron import` from model\.json \(TensorFlow\.js tfjs-layers v[\d.]+\): 4 weighted layers,$/m);
    assert.match(
      text,
      / {2}input 12x12x1\n {2}weights "tfconv\.safetensors"\n\n {2}conv conv1 4 3x3 relu padding=same\n {2}maxpool pool1 2x2 padding=valid\n {2}conv conv2 6 3x3 relu padding=valid\n {2}avgpool pool2 2x2 padding=same\n {2}flatten flatten1\n {2}dense fc1 8 tanh\n {2}dense fc2 4 softmax\n/,
    );
    const expected = tfjsAccuracy(model, spec, folder);
    assert.equal(evaluate(spec), expected);
  });

  it("an MLP (Dense with and without bias, Dropout, BatchNormalization after the first) evaluates to tfjs-layers' own accuracy exactly", async () => {
    const root = tempDir('dnn-cli-import-tfjs-mlp-');
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [20], units: 16, useBias: false }),
        tfl.layers.batchNormalization({ epsilon: 0.01 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 12, activation: 'sigmoid' }),
        tfl.layers.dense({ units: 4 }),
      ],
    });
    await fitOn(model, [20]);
    const folder = join(root, 'mlp');
    const spec = imported(await saveModel(model, folder), folder);
    assert.match(
      readFileSync(spec, 'utf8'),
      / {2}input 20\n {2}weights "mlp\.safetensors"\n\n {2}dense fc1 16 relu\n {2}dense fc2 12 sigmoid\n {2}dense fc3 4\n/,
    );
    assert.equal(evaluate(spec), tfjsAccuracy(model, spec, folder));
  });

  it('refuses, in one sentence and writing nothing, a layer class it does not read, a missing weights file and a truncated one', async () => {
    const root = tempDir('dnn-cli-import-tfjs-bad-');
    const lstm = join(root, 'unsupported');
    const unsupported = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [20], units: 8 }), tfl.layers.leakyReLU(), tfl.layers.dense({ units: 4 })],
    });
    const file = await saveModel(unsupported, lstm);
    assert.match(
      refused(lstm, file),
      /model\.json: expected layers the importer reads \(InputLayer, Dense, Conv2D, .*\), found LeakyReLU \(layer "leaky_re_lu_LeakyReLU\d+"\); nothing was written$/,
    );
    const fine = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [20], units: 4, activation: 'elu' })] });
    const elu = join(root, 'elu');
    assert.match(
      refused(elu, await saveModel(fine, elu)),
      /Dense \(layer "dense_Dense\d+"\): expected an activation the spec has \(relu, sigmoid, tanh, softmax, linear\), found elu/,
    );

    const plain = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [20], units: 4 })] });
    const missing = join(root, 'missing');
    const missingJson = await saveModel(plain, missing);
    rmSync(join(missing, 'weights.bin'));
    assert.match(
      refused(missing, missingJson),
      /model\.json: expected the weights file weights\.bin that its weightsManifest names, beside it, found none; nothing was written$/,
    );

    const truncated = join(root, 'truncated');
    const truncatedJson = await saveModel(plain, truncated);
    const bytes = readFileSync(join(truncated, 'weights.bin'));
    writeFileSync(join(truncated, 'weights.bin'), bytes.subarray(0, bytes.length - 8));
    assert.match(
      refused(truncated, truncatedJson),
      new RegExp(
        `model\\.json: expected ${bytes.length} bytes of weights in weights\\.bin .*, found ${bytes.length - 8}: a truncated file; nothing was written`,
      ),
    );

    writeFileSync(join(truncated, 'model.json'), '{"modelTopology": ');
    assert.match(refused(truncated, join(truncated, 'model.json')), /model\.json: expected a TF\.js model\.json, found text that does not parse as JSON/);
  });
});
