// The fused WebGPU kernels (trainer/src/webgpu/), each against the cpu backend's computation of the same thing on
// random inputs: the penalties' values and gradients (dense and conv layers, evenly and unevenly weighed groups,
// the proximal update, a zero row), Adam and SGD over a few steps (and Adam's state through getWeights/setWeights),
// softmax cross-entropy and its gradient, dropout's mask hashed in the shader, the proximal step's shrink, a whole step with the penalties' gradient folded into Adam's update; then the dispatch budget of a LeNet-300-100 and a LeNet-5 step (issue 31:
// ≤ 60 and ≤ 90). Every value is made on the host and uploaded to each backend, so both see the same numbers.
// Runs on lavapipe here and in CI (scripts/setup-vulkan.sh); without an adapter every test skips and says why,
// except under CI=true.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, type CheckedLayer } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { HostAdam } from '../../trainer/src/hostAdam.ts';
import { dropout } from '../../trainer/src/dropout.ts';
import { Network, type LayerParams } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { FULL_PENALTIES, penaltyVector } from '../../trainer/src/penalties.ts';
import { shrink } from '../../trainer/src/proximal.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { crossEntropy, stepLoss } from '../../trainer/src/step.ts';
import { FUSED } from '../../trainer/src/webgpu/fused.ts';
import { FusedAdam, FusedSgd } from '../../trainer/src/webgpu/optimizers.ts';
import { fusedDropout } from '../../trainer/src/webgpu/dropout.ts';
import { fusedShrink } from '../../trainer/src/webgpu/shrink.ts';
import { specText } from '../helpers/specs.ts';
import { countDispatches } from '../helpers/webgpuDispatches.ts';
import { findAdapter } from '../helpers/webgpuAdapter.ts';

const CI = process.env.CI === 'true';
const TOL = 1e-5;

const rng = new Rng(31);
const random = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

/** |a − b| ≤ TOL relative to b's size (at least 1), value by value. */
function assertClose(label: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    assert.ok(Number.isFinite(a[i]!) && d <= TOL * Math.max(1, Math.abs(b[i]!)), `${label}[${i}]: webgpu ${a[i]}, cpu ${b[i]} (Δ ${d})`);
  }
}

/** `f` on the backend, its tensors read back and disposed. */
async function on(backend: 'cpu' | 'webgpu', f: () => tf.Tensor[] | Promise<tf.Tensor[]>): Promise<Float32Array[]> {
  await selectBackend(backend);
  const out = await f();
  const values = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(out);
  return values;
}

interface PenaltyCase {
  label: string;
  shape: number[];
  reg: { l1: number; l2: number; dropneuron: number };
  groups?: { rows: number; cols: number; readsInputs: boolean };
  proximal?: boolean;
}

const PENALTY_CASES: PenaltyCase[] = [
  { label: 'dense, every term', shape: [13, 7], reg: { l1: 0.3, l2: 0.2, dropneuron: 0.5 } },
  { label: 'dense, weighed groups', shape: [13, 7], reg: { l1: 0.3, l2: 0, dropneuron: 0.5 }, groups: { rows: 2.5, cols: 0.7, readsInputs: true } },
  { label: 'dense, DropNeuron alone, proximal', shape: [9, 11], reg: { l1: 0, l2: 0, dropneuron: 0.5 }, proximal: true },
  { label: 'dense, l1 and proximal DropNeuron', shape: [9, 11], reg: { l1: 0.1, l2: 0, dropneuron: 0.5 }, proximal: true },
  { label: 'conv 3x3x2x5, every term', shape: [3, 3, 2, 5], reg: { l1: 0.3, l2: 0.2, dropneuron: 0.5 } },
];

describe('the fused WebGPU kernels compute what the cpu backend does', async () => {
  const missing = (await findAdapter()).reason;
  const skip = missing && !CI ? `${missing}; with CI=true this fails` : false;
  if (skip) console.log(`# webgpu kernel tests skipped: ${skip}`);

  for (const c of PENALTY_CASES)
    it(`penalties (values and gradients): ${c.label}`, { skip }, async () => {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const out = c.shape.at(-1)!;
      const w = random(size);
      // A zero row: its norm is √ε, its gradient 0.
      w.fill(0, 0, out);
      const b = random(out);
      const upstream = random(3, 2);
      const layer = { reg: c.reg } as unknown as CheckedLayer;
      const compute = () => {
        const wt = tf.tensor(w, c.shape);
        const bt = tf.tensor(b, [out]);
        const u = tf.tensor(upstream);
        const terms = (wi: tf.Tensor, bi: tf.Tensor) =>
          penaltyVector([{ layer, w: wi, b: bi } as unknown as LayerParams], FULL_PENALTIES, c.groups ? [c.groups] : undefined, 1, c.proximal ?? false);
        const value = terms(wt, bt);
        const grads = tf.grads((wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(terms(wi, bi), u)))([wt, bt]);
        tf.dispose([wt, bt, u]);
        return [value, ...grads];
      };
      const cpu = await on('cpu', compute);
      const gpu = await on('webgpu', compute);
      assertClose('values', gpu[0]!, cpu[0]!);
      assertClose('dW', gpu[1]!, cpu[1]!);
      assertClose('db', gpu[2]!, cpu[2]!);
      // Each term that is on has a value, and the gradients are not all zero: the comparison compared something.
      (['l1', 'l2', 'dropneuron'] as const).forEach((t, i) => assert.equal(cpu[0]![i]! !== 0, c.reg[t] > 0, `${t}'s value`));
      const differentiated = c.reg.l1 > 0 || c.reg.l2 > 0 || (c.reg.dropneuron > 0 && !c.proximal);
      assert.equal(
        cpu[1]!.some((x) => Math.abs(x) > 1e-3),
        differentiated,
        'a gradient where a term is differentiated (not DropNeuron under proximal)',
      );
    });

  it('Adam: three steps as HostAdam takes them on cpu, and its state through getWeights and setWeights', { skip }, async () => {
    const shapes = [[6, 5], [5], [3, 3, 2, 4]];
    const start = shapes.map((s) => random(s.reduce((a, b) => a * b, 1)));
    const grads = [0, 1, 2].map(() =>
      shapes.map((s) =>
        random(
          s.reduce((a, b) => a * b, 1),
          0.1,
        ),
      ),
    );
    const read = async (backend: 'cpu' | 'webgpu', optimizer: () => tf.Optimizer) => {
      await selectBackend(backend);
      const o = optimizer();
      const variables = shapes.map((s, i) => tf.variable(tf.tensor(start[i]!, s), true, `adam31${backend}/${i}`));
      for (const step of grads) {
        const gs = step.map((g, i) => tf.tensor(g, shapes[i]));
        o.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gs[i]! })));
        tf.dispose(gs);
      }
      const state = await o.getWeights();
      const out = [...(await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array)))];
      const named = await Promise.all(state.map(async (s) => ({ name: s.name, values: (await s.tensor.data()) as Float32Array })));
      tf.dispose(variables);
      tf.dispose(state.map((s) => s.tensor));
      o.dispose();
      return { out, named };
    };
    const cpu = await read('cpu', () => new HostAdam(0.01));
    const gpu = await read('webgpu', () => new FusedAdam(0.01));
    gpu.out.forEach((w, i) => assertClose(`w${i}`, w, cpu.out[i]!));
    assert.deepEqual(
      gpu.named.map((s) => s.name.replace('webgpu', '')),
      cpu.named.map((s) => s.name.replace('cpu', '')),
    );
    gpu.named.forEach((s, i) => assertClose(s.name, s.values, cpu.named[i]!.values));
    // A FusedAdam given that state takes the next step as the one that made it.
    await selectBackend('webgpu');
    const next = async (restore: boolean) => {
      const o = new FusedAdam(0.01);
      const variables = shapes.map((s, i) => tf.variable(tf.tensor(start[i]!, s), true, `adam31r/${i}`));
      if (restore) await o.setWeights(gpu.named.map((s, i) => ({ name: s.name, tensor: tf.tensor(s.values, i === 0 ? [] : shapes[(i - 1) % 3]) })));
      else
        for (const step of grads) {
          const gs = step.map((g, i) => tf.tensor(g, shapes[i]));
          o.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gs[i]! })));
          tf.dispose(gs);
        }
      const g = shapes.map((s) => tf.ones(s));
      variables.forEach((v) => v.assign(tf.zerosLike(v)));
      o.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: g[i]! })));
      const values = await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array));
      tf.dispose([...variables, ...g]);
      o.dispose();
      return values;
    };
    const [fresh, restored] = [await next(false), await next(true)];
    fresh.forEach((w, i) => assertClose(`resumed w${i}`, restored[i]!, w));
  });

  it('SGD: two steps as tfjs’ SGD takes them on cpu', { skip }, async () => {
    const shape = [7, 3];
    const start = random(21);
    const grads = [random(21), random(21)];
    const steps = (optimizer: () => tf.Optimizer) => () => {
      const o = optimizer();
      const v = tf.variable(tf.tensor(start, shape), true, `sgd31/${tf.getBackend()}`);
      for (const g of grads) {
        const gt = tf.tensor(g, shape);
        o.applyGradients([{ name: v.name, tensor: gt }]);
        gt.dispose();
      }
      o.dispose();
      return [v];
    };
    const cpu = await on(
      'cpu',
      steps(() => tf.train.sgd(0.1)),
    );
    const gpu = await on(
      'webgpu',
      steps(() => new FusedSgd(0.1)),
    );
    assertClose('w', gpu[0]!, cpu[0]!);
  });

  it('softmax cross-entropy: its value and its gradient', { skip }, async () => {
    const [n, k] = [9, 4];
    const z = random(n * k, 3);
    const labels = Float32Array.from({ length: n * k }, (_, i) => (i % k === (Math.floor(i / k) * 7) % k ? 1 : 0));
    const compute = () => {
      const zt = tf.tensor(z, [n, k]);
      const yt = tf.tensor(labels, [n, k]);
      const value = crossEntropy(zt, yt, 16);
      const grad = tf.grad((zi: tf.Tensor) => tf.mul(crossEntropy(zi, yt, 16), 1.7))(zt);
      tf.dispose([zt, yt]);
      return [value, grad];
    };
    const cpu = await on('cpu', compute);
    const gpu = await on('webgpu', compute);
    assertClose('value', gpu[0]!, cpu[0]!);
    assertClose('gradient', gpu[1]!, cpu[1]!);
  });

  it('dropout with its mask hashed in the shader: the values and gradient of dropout.ts’ host mask (a shard’s rows)', { skip }, async () => {
    const shape = [4, 37];
    const x = random(4 * 37);
    const dy = random(4 * 37);
    const rows = { offset: 3, total: 10 };
    const compute = (f: typeof dropout) => () => {
      const xt = tf.tensor(x, shape);
      const u = tf.tensor(dy, shape);
      const value = f(xt, 0.7, 123456789, rows);
      const grad = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(f(xi, 0.7, 123456789, rows), u)))(xt);
      tf.dispose([xt, u]);
      return [value, grad];
    };
    const cpu = await on('cpu', compute(dropout));
    const gpu = await on('webgpu', compute(fusedDropout));
    assertClose('value', gpu[0]!, cpu[0]!);
    assertClose('gradient', gpu[1]!, cpu[1]!);
    const dropped = cpu[0]!.filter((v) => v === 0).length;
    assert.ok(dropped > 20 && dropped < 80, `about 30 % of 148 dropped, found ${dropped}`);
  });

  for (const adam of [true, false])
    it(
      `the proximal step's shrink (rows, then columns) ${adam ? 'in Adam’s metric' : 'without a preconditioner'}, as proximal.ts’ shrink on cpu`,
      { skip },
      async () => {
        const shape = [3, 1, 11, 6]; // a conv kernel [kh, kw, in, out]: rows are its 11 input channels
        const size = 3 * 11 * 6;
        const w = random(size);
        // Row 0 zero (stays zero), row 1 small (shrinks to zero), the rest shrink part way.
        for (let k = 0; k < 3; k++) {
          w.fill(0, k * 66, k * 66 + 6);
          for (let o = 0; o < 6; o++) w[k * 66 + 6 + o]! *= 0.01;
        }
        const m = random(size);
        const v = Float32Array.from(random(size), (x) => x * x * 0.01);
        const [t, tauRows, tauCols] = [3, 0.05, 0.08];
        const cpu = await on('cpu', () => {
          const d = adam ? tf.add(tf.sqrt(tf.div(tf.tensor(v, shape), 1 - 0.999 ** t)), 1e-8) : undefined;
          return [shrink(shrink(tf.tensor(w, shape), d, 'rows', tauRows), d, 'cols', tauCols)];
        });
        const gpu = await on('webgpu', async () => {
          const optimizer = adam ? new FusedAdam(0.01) : new FusedSgd(0.01);
          const state = [
            { name: 'iter', tensor: tf.scalar(t) },
            { name: 'w/m', tensor: tf.tensor(m, shape) },
            { name: 'w/v', tensor: tf.tensor(v, shape) },
          ];
          if (optimizer instanceof FusedAdam) await optimizer.setWeights(state);
          const wt = tf.tensor(w, shape);
          const shrunk = fusedShrink(wt, optimizer, 0, tauRows, tauCols);
          tf.dispose([wt, ...state.map((x) => x.tensor)]);
          optimizer.dispose();
          return [shrunk];
        });
        assertClose('shrunk W', gpu[0]!, cpu[0]!);
        assert.ok(cpu[0]!.slice(6, 12).every((x) => x === 0) && cpu[0]!.some((x) => x !== 0), 'a row shrank to zero, others did not');
      },
    );

  it('a step whose penalties Adam folds into its update (webgpu) trains as the cpu step with HostAdam: losses and weights', { skip }, async () => {
    const spec = specText('mlp-step')
      .replace('optimizer sgd', 'optimizer adam')
      .replace('learning_rate 0.1', 'learning_rate 0.01')
      .replace('dropneuron 0.01', 'dropneuron 0.5');
    const model = analyze(spec).model!;
    const x = random(model.train.batch * 64);
    const y = Float32Array.from({ length: model.train.batch }, (_, i) => i % 10);
    const steps = async (backend: 'cpu' | 'webgpu') => {
      await selectBackend(backend);
      const network = new Network(model, new Rng(model.train.seed), layerOpsFor(backend));
      const optimizer = makeOptimizer(model);
      assert.equal(optimizer instanceof FusedAdam, backend === 'webgpu');
      const [xt, yt] = [tf.tensor(x, [model.train.batch, 64]), tf.tensor(y, [model.train.batch, 1])];
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const parts = stepLoss(network, optimizer, model.task, xt, yt, { dropoutSeed: 40 + i });
        losses.push(...(await parts.data()));
        parts.dispose();
      }
      const weights = (await network.read()).flatMap((l) => [l.w, l.b]);
      network.dispose();
      optimizer.dispose();
      tf.dispose([xt, yt]);
      return { losses, weights };
    };
    const cpu = await steps('cpu');
    const gpu = await steps('webgpu');
    assertClose('losses', gpu.losses, cpu.losses);
    gpu.weights.forEach((w, i) => assertClose(`variable ${i}`, w, cpu.weights[i]!));
  });

  for (const [file, budget] of [
    ['lenet-300-100.dnn', 60],
    ['lenet-5.dnn', 90],
  ] as const)
    it(`a ${file} step dispatches at most ${budget} compute shaders (batch 4: the count does not depend on it)`, { skip }, async () => {
      await selectBackend('webgpu');
      const count = async (fused: boolean): Promise<number> => {
        FUSED.enabled = fused;
        try {
          const model = analyze(readFileSync(join(import.meta.dirname, '..', '..', 'examples', file), 'utf8'), { train: { batch: 4 } }).model!;
          const network = new Network(model, new Rng(1), layerOpsFor('webgpu'));
          const optimizer = makeOptimizer(model);
          const x = tf.randomUniform([4, ...model.input!]);
          const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10);
          const step = async () => {
            const parts = stepLoss(network, optimizer, model.task, x, y, { dropoutSeed: 5 });
            await parts.data();
            parts.dispose();
          };
          await step();
          const { dispatches, byProgram } = await countDispatches(step);
          console.log(
            `# ${file}, ${fused ? 'fused' : 'unfused'}: ${dispatches} dispatches per step (${[...byProgram].map(([p, c]) => `${p} ${c}`).join(', ')})`,
          );
          network.dispose();
          optimizer.dispose();
          tf.dispose([x, y]);
          return dispatches;
        } finally {
          FUSED.enabled = true;
        }
      };
      const fused = await count(true);
      assert.ok(fused <= budget, `${file}: ${fused} dispatches per step, expected at most ${budget}`);
      assert.ok(fused < (await count(false)), 'fewer than without the fused kernels');
    });
});
