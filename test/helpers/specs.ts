import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './fixtures.ts';

/**
 * The spec texts tests train and open, one file each under test/fixtures/specs/, so that a test reads the spec
 * it shares with others instead of keeping a copy: `tiny-mnist` (784-32-10 on 1 000 MNIST images, 1 epoch),
 * `tiny-synthetic` (one dense layer on generated data), `mlp` (two hidden layers of mixed activations, for the
 * export tests), `small-mnist` (784-64-32-10 on 2 000 images, 2 epochs, with dropout and every penalty), `mlp-step` (64-32-16-10 on 32
 * generated samples, SGD, dropout and every penalty: the step another backend must take as cpu does).
 */
export type SpecFixture = 'tiny-mnist' | 'tiny-synthetic' | 'mlp' | 'small-mnist' | 'mlp-step';

export function specText(name: SpecFixture): string {
  return readFileSync(join(FIXTURES, 'specs', `${name}.dnn`), 'utf8');
}

/** Writes `text` as `dir/name` and returns its path. */
export function writeSpec(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A small classifier on generated data with `epochs` (and `extraTrain` lines): the quick spec the robustness and run-folder tests train. */
export function syntheticSpec(epochs: number, extraTrain = ''): string {
  return `model syn {
  data synthetic samples=256 classes=10
  input 20
  dense fc1 32 relu
  dense out 10
}
regularize {
  l1 0.0001
  dropneuron 0.001
}
train {
  epochs ${epochs}
  batch 64
${extraTrain}}
`;
}
