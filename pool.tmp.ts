import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from './language/index.ts';
import { selectBackend } from './trainer/src/backend.ts';
import { Batches } from './trainer/src/batches.ts';
import { oneHotClasses, type Trainee } from './trainer/src/loop.ts';
import { LossSums } from './trainer/src/lossSums.ts';
import { Network } from './trainer/src/network.ts';
import { REBUILT_OPS } from './trainer/src/ops.ts';
import { StepPool } from './trainer/src/parallel/pool.ts';
import { Rng } from './trainer/src/rng.ts';
import { FULL_PENALTIES, stepLoss } from './trainer/src/step.ts';
async function main() {
  const [file, batch, steps] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
  await selectBackend('wasm');
  const spec = readFileSync('examples/' + file, 'utf8');
  const model = analyze(spec, { train: { batch } }).model!;
  const rng = new Rng(1);
  const per = model.input!.reduce((a, b) => a * b, 1);
  const count = batch * 8;
  const data = { inputShape: model.input!, trainX: Float32Array.from({ length: count * per }, () => rng.next()), trainY: Float32Array.from({ length: count }, () => rng.int(10)), testX: new Float32Array(0), testY: new Float32Array(0), trainCount: count, testCount: 0, targetSize: 1 };
  for (const threads of [1, 2, 1, 2]) {
    const network = new Network(model, rng, REBUILT_OPS);
    const t: Trainee = { model, data, network, optimizer: tf.train.adam(0.001), rng };
    if (threads > 1) t.pool = await StepPool.start(threads, { spec, overrides: { train: { batch } } }, model, data, network);
    const batches = t.pool?.batches ?? new Batches(data, batch, oneHotClasses(model));
    const order = rng.permutation(count);
    const sums = new LossSums();
    const cpu: number[] = []; const wall: number[] = [];
    for (let i = 0; i < steps + 2; i++) {
      const c0 = process.cpuUsage(); const t0 = performance.now();
      const options = { dropoutSeed: rng.seed(), scale: FULL_PENALTIES };
      if (t.pool) await t.pool.step(t, order, i % 8, options, sums);
      else { const { x, y } = batches.take(order, i % 8); sums.add(stepLoss(network, t.optimizer, model.task, x, y, options)); tf.dispose([x, y]); }
      const u = process.cpuUsage(c0);
      if (i >= 2) { cpu.push((u.user + u.system) / 1000); wall.push(performance.now() - t0); }
    }
    await t.pool?.dispose(); network.dispose(); t.optimizer.dispose(); sums.dispose();
    const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
    console.log(file, 'threads', threads, 'wall', med(wall).toFixed(1), 'min wall', Math.min(...wall).toFixed(1), 'cpu', med(cpu).toFixed(1), 'min cpu', Math.min(...cpu).toFixed(1));
  }
}
void main();
