// The `ort` backend's evaluation graph (trainer/src/ort/evaluation.ts): the Evaluator's metric on onnxruntime equals
// the one on wasm (evaluate.ts on tfjs) for the same host weights: accuracy counts exactly; NMSE and MSE within 1e-6 of
// the forward pass's float64 sums (wasm's float32 batch sums stray a few millionths from them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, type CheckedModel } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { loadDataset } from '../../trainer/src/data/load.ts';
import type { Dataset } from '../../trainer/src/data/dataset.ts';
import { Evaluator } from '../../trainer/src/evaluator.ts';
import type { LayerWeights } from '../../trainer/src/layerWeights.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { OrtEvaluation } from '../../trainer/src/ort/evaluation.ts';
import { OrtStep } from '../../trainer/src/ort/ortStep.ts';
import { Rng } from '../../trainer/src/rng.ts';

const MLP = `model lenet {
  data mnist
  input 784
  dense fc1 300 relu
  dense fc2 100 relu
  dense out 10
}
train {
  batch 256
  optimizer adam
  learning_rate 0.001
  threads 1
}
`;

/** A small conv net on MNIST: a SAME and a VALID conv, strides 1 and 2, a max and an avg pool. */
const CONV = `model conv {
  data mnist
  input 28x28x1
  conv c1 4 5x5 relu
  maxpool p1 2x2
  conv c2 6 3x3 relu stride=2 padding=valid
  avgpool p2 2x2
  flatten
  dense out 10
}
train {
  batch 64
  optimizer adam
  learning_rate 0.003
  threads 1
}
`;

/** `model`'s seeded weights after `steps` ort steps on the first training rows: a network that predicts with some confidence. */
async function trained(model: CheckedModel, data: Dataset, steps: number): Promise<LayerWeights[]> {
  await selectBackend('wasm');
  const network = new Network(model, new Rng(1), layerOpsFor('wasm'));
  const optimizer = makeOptimizer(model);
  const width = data.inputShape.reduce((a, b) => a * b, 1);
  const classes = 10;
  const step = await OrtStep.start(model, classes, 1);
  await step.load(network, optimizer);
  const n = model.train.batch;
  for (let s = 0; s < steps; s++) {
    const from = (s * n) % (data.trainCount - n);
    const y = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) y[i * classes + data.trainY[from + i]!] = 1;
    await step.step(network, optimizer, { x: data.trainX.subarray(from * width, (from + n) * width), y, n }, {});
  }
  await step.store(network, optimizer);
  const weights = await network.read();
  await step.dispose();
  network.dispose();
  optimizer.dispose();
  return weights;
}

/** The Evaluator's test and train metrics, with `backend` selected (ort evaluates on onnxruntime, wasm on tfjs). */
async function metrics(backend: 'wasm' | 'ort', model: CheckedModel, data: Dataset, weights: LayerWeights[], trainRows: number): Promise<[number, number]> {
  await selectBackend(backend);
  const evaluator = new Evaluator(model, layerOpsFor('wasm'), data, { backend });
  return [await evaluator.test(weights), await evaluator.train(weights, trainRows)];
}

describe('the ort evaluation graph', () => {
  it('counts the same correct MNIST test and train rows as wasm for a trained LeNet-300-100, in batches of 4096', async () => {
    const model = analyze(MLP).model!;
    const data = loadDataset(model, '.', 6000);
    const weights = await trained(model, data, 20);
    const [wasm, ort] = [await metrics('wasm', model, data, weights, 5000), await metrics('ort', model, data, weights, 5000)];
    console.log(`# LeNet-300-100 after 20 steps: test ${wasm[0]} (wasm) ${ort[0]} (ort), train ${wasm[1]} / ${ort[1]}`);
    assert.ok(wasm[0] > 0.5, `a trained network: ${wasm[0]}`);
    assert.equal(Math.round(ort[0] * 10000), Math.round(wasm[0] * 10000), 'test rows right');
    assert.equal(Math.round(ort[1] * 5000), Math.round(wasm[1] * 5000), 'train rows right');
    assert.equal((await OrtEvaluation.for(model)).batch, 4096);
  });

  it('counts the same correct MNIST rows as wasm for a trained conv net (SAME and VALID, stride 2, max and avg pool)', async () => {
    const model = analyze(CONV).model!;
    const data = loadDataset(model, '.', 3000);
    const weights = await trained(model, data, 30);
    const [wasm, ort] = [await metrics('wasm', model, data, weights, 3000), await metrics('ort', model, data, weights, 3000)];
    console.log(`# conv net after 30 steps: test ${wasm[0]} (wasm) ${ort[0]} (ort), train ${wasm[1]} / ${ort[1]}`);
    assert.ok(wasm[0] > 0.3, `a trained network: ${wasm[0]}`);
    assert.equal(Math.round(ort[0] * 10000), Math.round(wasm[0] * 10000), 'test rows right');
    assert.equal(Math.round(ort[1] * 3000), Math.round(wasm[1] * 3000), 'train rows right');
  });

  it('gives NMSE (regress) and MSE (autoencode) within 1e-6 of the float64 sums of the forward pass, as wasm does within its float32 sums', async () => {
    const regress = `model reg {
  data sparse-regression samples=3000 features=32 informative=4 noise=0.1 seed=3
  input 32
  task regress
  dense h 16 tanh
  dense out 1
}
train {
  validation 0.2
  threads 1
}
`;
    const autoencode = `model ae {
  data synthetic samples=3000 classes=4 seed=2
  input 24
  task autoencode
  dense h 8 relu
  dense out 24 sigmoid
}
train {
  threads 1
}
`;
    for (const spec of [regress, autoencode]) {
      const model = analyze(spec).model!;
      const data = loadDataset(model, '.');
      await selectBackend('wasm');
      const network = new Network(model, new Rng(5), layerOpsFor('wasm'));
      const weights = await network.read();
      const reference = (x: Float32Array, y: Float32Array, count: number): number => {
        const width = data.inputShape.reduce((a, b) => a * b, 1);
        const out = tf.tidy(() => network.forward(tf.tensor(x.subarray(0, count * width), [count, width])).dataSync());
        const target = model.task === 'autoencode' ? x : y;
        let [errors, targets] = [0, 0];
        for (let i = 0; i < out.length; i++) [errors, targets] = [errors + (out[i]! - target[i]!) ** 2, targets + target[i]! ** 2];
        return model.task === 'regress' ? errors / targets : errors / out.length;
      };
      const exact = [reference(data.testX, data.testY, data.testCount), reference(data.trainX, data.trainY, data.trainCount)];
      const validation = data.validation && reference(data.validation.x, data.validation.y, data.validation.count);
      network.dispose();
      const [wasm, ort] = [await metrics('wasm', model, data, weights, data.trainCount), await metrics('ort', model, data, weights, data.trainCount)];
      const within = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.abs(b);
      console.log(`# ${model.name}: test ${exact[0]} (float64) ${wasm[0]} (wasm) ${ort[0]} (ort), train ${exact[1]} / ${wasm[1]} / ${ort[1]}`);
      exact.forEach((e, i) => {
        assert.ok(e > 0 && within(ort[i]!, e, 1e-6), `${model.name} ${i ? 'train' : 'test'}: ort ${ort[i]}, float64 ${e}`);
        // wasm adds each batch's sums in float32 (evaluate.ts): its own rounding, a few millionths.
        assert.ok(within(wasm[i]!, e, 1e-5), `${model.name} ${i ? 'train' : 'test'}: wasm ${wasm[i]}, float64 ${e}`);
      });
      if (validation) {
        await selectBackend('ort');
        const onOrt = await new Evaluator(model, layerOpsFor('wasm'), data, { backend: 'ort' }).validation(weights);
        assert.ok(within(onOrt!, validation, 1e-6), `${model.name} validation: ort ${onOrt}, float64 ${validation}`);
      }
    }
  });
});
