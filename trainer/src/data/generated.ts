import { Rng } from '../rng.ts';
import { splitRows, type Dataset } from './dataset.ts';

/**
 * The seed's sparse-signal regression: X = 10·N(0,1); `informative` distinct features get true
 * weights from N(0, 10²) (the seed's precision λ = 0.01), the rest are 0; y = X·w + noise·N(0,1);
 * the first half trains, the second half tests.
 */
export function sparseRegression(spec: { samples: number; features: number; informative: number; noise: number; seed: number }): Dataset {
  const rng = new Rng(spec.seed);
  const { samples, features } = spec;
  const w = new Float64Array(features);
  const chosen = Array.from(rng.permutation(features))
    .slice(0, spec.informative)
    .sort((a, b) => a - b);
  for (const i of chosen) w[i] = 10 * rng.normal();
  const x = new Float32Array(samples * features);
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let f = 0; f < features; f++) {
      const v = 10 * rng.normal();
      x[s * features + f] = v;
      sum += v * w[f]!;
    }
    y[s] = sum + spec.noise * rng.normal();
  }
  const trainCount = Math.floor(samples / 2);
  return { ...splitRows(x, y, features, trainCount), facts: { trueWeights: Array.from(w), informativeFeatures: chosen } };
}

/** Seeded uniform inputs of any shape with random labels or targets: for smoke tests and benchmarks. */
export function synthetic(
  inputShape: number[],
  spec: { samples: number; classes: number; seed: number },
  targetSize: number,
  task: 'classify' | 'regress' | 'autoencode',
): Dataset {
  const rng = new Rng(spec.seed);
  const per = inputShape.reduce((a, b) => a * b, 1);
  const testCount = Math.max(1, Math.floor(spec.samples / 4));
  const make = (count: number): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array(count * per);
    for (let i = 0; i < x.length; i++) x[i] = rng.next();
    const ySize = task === 'classify' ? 1 : targetSize;
    const y = new Float32Array(count * ySize);
    for (let i = 0; i < y.length; i++) y[i] = task === 'classify' ? rng.int(spec.classes) : rng.normal();
    return { x, y };
  };
  const train = make(spec.samples);
  const test = make(testCount);
  const dataset: Dataset = {
    inputShape,
    trainX: train.x,
    trainY: train.y,
    testX: test.x,
    testY: test.y,
    trainCount: spec.samples,
    testCount,
    targetSize: task === 'classify' ? 1 : targetSize,
  };
  if (task === 'classify') dataset.classes = spec.classes;
  return dataset;
}
