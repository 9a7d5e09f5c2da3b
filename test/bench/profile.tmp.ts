import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { stepLoss } from '../../trainer/src/step.ts';
const file = process.argv[2] ?? 'lenet-300-100.dnn';
const batch = Number(process.argv[3] ?? 256);
async function main() {
await selectBackend('wasm');
const model = analyze(readFileSync(join('examples', file), 'utf8'), { train: { batch } }).model!;
const rng = new Rng(1);
const network = new Network(model, rng, layerOpsFor('wasm'));
const optimizer = tf.train.adam(0.001);
const x = tf.randomUniform([batch, ...model.input!]);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, () => rng.int(10)), 'int32'), 10);
const step = () => { const p = stepLoss(network, optimizer, model.task, x, y, { dropoutSeed: rng.seed() }); p.dataSync(); p.dispose(); };
for (let i = 0; i < 3; i++) step();
const byName = new Map<string, [number, number]>();
let wall = 0; const K = 10;
for (let i = 0; i < K; i++) {
  const t0 = performance.now();
  const prof = await tf.profile(() => { step(); return []; });
  wall += performance.now() - t0;
  for (const k of prof.kernels) { const e = byName.get(k.name) ?? [0, 0]; e[0] += (k.kernelTimeMs as number); e[1]++; byName.set(k.name, e); }
}
let total = 0; for (const [, [ms]] of byName) total += ms;
console.log(`wall ${(wall / K).toFixed(1)} ms/step (profiled), kernels ${(total / K).toFixed(1)} ms`);
for (const [n, [ms, c]] of [...byName].sort((a, b) => b[1][0] - a[1][0])) console.log(`${n.padEnd(24)} ${(ms / K).toFixed(2)} ms  x${c / K}`);
const ts: number[] = [];
for (let i = 0; i < 20; i++) { const t0 = performance.now(); step(); ts.push(performance.now() - t0); }
ts.sort((a, b) => a - b); console.log('median unprofiled', ts[10]!.toFixed(1), 'min', ts[0]!.toFixed(1));
}
void main();
