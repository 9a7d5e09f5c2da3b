// The webgpu backend, trained on whatever WebGPU adapter this machine has (here and in CI: Mesa's lavapipe, a
// software adapter: `npm test` installs it through scripts/setup-vulkan.sh). Every comparison is against the cpu
// backend with SGD: Adam divides by the square root of tiny second moments and so scales float32 rounding
// differences up to learning-rate-sized steps. lavapipe runs on the CPU and is slow (a 784-300-100-10 step at
// batch 256 ≈ 165 ms, a LeNet-5 step at batch 64 ≈ 3 s): the nets here are tiny and train a few steps. This file
// runs in its own process (node's runner gives each test file one), so switching between cpu and webgpu here
// disturbs no other test; within it every helper disposes its tensors before the next switch (a GPU tensor alive
// across a switch breaks later reads).
//
// Without an adapter (no Vulkan driver) every test skips and says why, except under CI=true, where they run and
// fail: CI is meant to have lavapipe.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, type CheckedModel } from '../../language/index.ts';
import type { DoneEvent, EpochEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerOpsFor, REBUILT_OPS, type LayerOps } from '../../trainer/src/ops.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { trainStep } from '../../trainer/src/step.ts';
import { writeSpec, specText } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { findAdapter } from '../helpers/webgpuAdapter.ts';

const CI = process.env.CI === 'true';

/*
 * Tolerances. Both backends compute in float32 (ε = 1.2e-7) but sum in different orders (a GPU reduces in
 * tiles and trees, the cpu backend left to right), so each dot product or reduction over K terms may differ
 * by a few ε·√K relative. The nets below reduce over at most 64 terms (≈ 1e-6 relative) and their losses are
 * ≈ 1–3; a few SGD steps carry such differences forward without amplifying them (the shared notes measured
 * 2.4e-7 on the loss and 4.5e-8 on the weights over 20 steps of a 784-300-100-10 MLP). 2e-5 on the loss and
 * 1e-5 on the weights leave a margin of ≈ 50× over that and stay far under what a wrong kernel or gradient
 * shows: one SGD step at learning rate 0.1 moves weights by ≈ 1e-3 and the loss by ≈ 1e-2.
 */
const LOSS_TOL = 2e-5;
const WEIGHT_TOL = 1e-5;

const MLP = specText('mlp-step');

const CONVNET = `model conv {
  data synthetic samples=16 classes=4
  input 8x8x1
  conv c1 4 3x3 relu
  maxpool p1 2x2
  flatten
  dense out 4
}
regularize {
  l1 0.001
  dropneuron 0.01
}
train {
  batch 16
  optimizer sgd
  learning_rate 0.1
  seed 6
}
`;

/** A whole run: conv + pool + dense, warm-up-free training then a fine-tune epoch (pruning, the fixed mask). */
const RUN = `model tiny {
  data synthetic samples=64 classes=4 seed=2
  input 8x8x1
  conv c1 4 3x3 relu
  maxpool p1 2x2
  flatten
  dense fc1 16 relu
  dense out 4
}
regularize {
  l1 0.001
  keep_prob 0.9
  dropneuron 0.01
  threshold 0.05
}
train {
  epochs 1
  finetune 1
  batch 32
  optimizer sgd
  learning_rate 0.1
  seed 4
}
`;

interface Steps {
  /** Per step, the loss parts (data, l1, l2, dropneuron) before the update. */
  losses: number[][];
  /** Every W and b after the steps. */
  weights: Float32Array[];
  /** How far the steps moved the weights: max |W_after − W_before|. */
  moved: number;
}

/** Seeded host data for `model`: the same values on every backend. */
function batchOf(model: CheckedModel, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const per = model.input!.reduce((a, b) => a * b, 1);
  const classes = model.layers.at(-1)!.units!;
  return {
    x: Float32Array.from({ length: model.train.batch * per }, () => rng.next()),
    y: Float32Array.from({ length: model.train.batch }, () => rng.int(classes)),
  };
}

/** `count` training steps of `spec` on one batch, from the spec's seeded initial weights; leaves no tensor behind. */
async function trainSteps(backend: 'cpu' | 'webgpu', spec: string, count: number, ops?: LayerOps): Promise<Steps> {
  await selectBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const model = analyze(spec).model!;
  const network = new Network(model, new Rng(model.train.seed), ops ?? layerOpsFor(backend));
  const optimizer = makeOptimizer(model);
  const data = batchOf(model, 11);
  const x = tf.tensor(data.x, [model.train.batch, ...model.input!]);
  const y = tf.tensor(data.y, [model.train.batch, 1]);
  const initial = (await network.read()).flatMap((l) => [l.w, l.b]);
  const losses: number[][] = [];
  for (let i = 0; i < count; i++) {
    const parts = trainStep(network, optimizer, model.task, x, y, 1000 + i);
    losses.push(await Promise.all(parts.map(async (p) => (await p.data())[0]!)));
    tf.dispose(parts);
  }
  const weights = (await network.read()).flatMap((l) => [l.w, l.b]);
  const variables = network.variables.length;
  network.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  // At most one tensor per variable stays: Network makes each variable from a tensor it does not dispose
  // (tf.variable(tf.tensor(…)) keeps the initial value alive), one copy of the initial weights per network.
  const left = tf.memory().numTensors - tensorsBefore;
  assert.ok(left <= variables, `${backend}: ${left} tensors left after the steps, expected at most ${variables}`);
  return { losses, weights, moved: maxDiff(weights, initial) };
}

function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((xs, i) => {
    assert.equal(xs.length, b[i]!.length);
    for (let k = 0; k < xs.length; k++) worst = Math.max(worst, Math.abs(xs[k]! - b[i]![k]!));
  });
  return worst;
}

function compareSteps(label: string, gpu: Steps, cpu: Steps): void {
  for (const v of gpu.losses.flat()) assert.ok(Number.isFinite(v), `${label}: finite loss ${v}`);
  const dLoss = maxDiff(gpu.losses, cpu.losses);
  const dW = maxDiff(gpu.weights, cpu.weights);
  console.log(
    `# ${label}: max |Δloss| ${dLoss.toExponential(2)}, max |ΔW| ${dW.toExponential(2)} (webgpu vs cpu; the steps moved W by ${gpu.moved.toExponential(2)})`,
  );
  assert.ok(dLoss <= LOSS_TOL, `${label}: max |Δloss| ${dLoss} > ${LOSS_TOL}`);
  assert.ok(dW <= WEIGHT_TOL, `${label}: max |ΔW| ${dW} > ${WEIGHT_TOL}`);
  // The steps moved the weights by far more than the tolerance: equal weights after them mean equal gradients.
  assert.ok(gpu.moved >= 100 * WEIGHT_TOL, `${label}: the steps moved the weights by only ${gpu.moved}`);
}

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** A value's structure: object keys (sorted) and array lengths, with every leaf reduced to its type. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k])]),
    );
  return typeof value;
}

async function run(backend: 'cpu' | 'webgpu'): Promise<{ events: TrainerEvent[]; done: DoneEvent; files: string[] }> {
  const dir = tempDir('dnn-webgpu-');
  const spec = writeSpec(dir, 'tiny.dnn', RUN);
  const { events, result } = await trainCollect({ specPath: spec, outDir: join(dir, 'run'), overrides: { train: { backend } } });
  assert.equal(result.type, 'done', `${backend}: ${JSON.stringify(result)}`);
  const done = result as DoneEvent;
  return { events, done, files: filesUnder(done.outputs.runDir) };
}

const epochsOf = (events: TrainerEvent[]): EpochEvent[] => events.filter((e): e is EpochEvent => e.type === 'epoch');

describe('the webgpu backend', async () => {
  const found = await findAdapter();
  const skip = found.adapter || CI ? false : `${found.reason}; with CI=true this fails`;
  if (skip) console.log(`# webgpu tests skipped: ${skip}`);

  it('loads on the adapter Dawn offers, and auto passes over a software adapter or a machine with no GPU', { skip }, async () => {
    assert.ok(found.adapter, `expected a WebGPU adapter (CI installs lavapipe), found none: ${found.reason}`);
    const choice = await selectBackend('webgpu');
    assert.equal(choice.name, 'webgpu');
    assert.equal(tf.getBackend(), 'webgpu');
    const adapter = choice.adapter!;
    assert.ok(adapter.vendor && adapter.description, `vendor and description: ${JSON.stringify(adapter)}`);
    console.log(`# adapter: ${adapter.description} (vendor ${adapter.vendor}, software ${adapter.software})`);
    if (!adapter.software) return; // a real GPU: auto would rightly pick it, nothing more to check here
    const auto = await selectBackend('auto');
    assert.notEqual(auto.name, 'webgpu');
    const why = auto.skipped.find((s) => s.backend === 'webgpu');
    assert.ok(why, `auto says why it passed over webgpu: ${JSON.stringify(auto.skipped)}`);
    assert.match(why.reason, /no GPU device|software adapter/);
  });

  it('an MLP trains SGD steps as it does on cpu: the same losses and weights', { skip }, async () => {
    const cpu = await trainSteps('cpu', MLP, 5);
    compareSteps('MLP 64-32-16-10, 5 SGD steps, webgpu ops', await trainSteps('webgpu', MLP, 5), cpu);
    // The rebuilt dense gradients (cpu and wasm's) hold on webgpu too; not every rebuilt conv does (a first conv's
    // im2col reads on the host, a strided one pads a 6-D tensor that tfjs-backend-webgpu's shader cannot index).
    compareSteps('MLP 64-32-16-10, 5 SGD steps, REBUILT_OPS', await trainSteps('webgpu', MLP, 5, REBUILT_OPS), cpu);
  });

  it('weighed DropNeuron groups (group_scale sqrt, inputs_weight 3: dropneuron auto’s means) train SGD steps as on cpu', { skip }, async () => {
    const weighed = MLP.replace('  dropneuron 0.01\n', '  dropneuron 0.01\n  group_scale sqrt\n  inputs_weight 3\n');
    const cpu = await trainSteps('cpu', weighed, 5);
    assert.notDeepEqual(cpu.losses, (await trainSteps('cpu', MLP, 5)).losses, 'the weighing changes the penalty');
    compareSteps('MLP with weighed groups, 5 SGD steps, webgpu ops', await trainSteps('webgpu', weighed, 5), cpu);
  });

  it(
    'the proximal update under Adam (the fused Adam on the GPU, trainer/src/webgpu/optimizers.ts; HostAdam on cpu) trains steps as on cpu',
    { skip },
    async () => {
      const proximal = MLP.replace('  dropneuron 0.01\n', '  dropneuron 5\n  group_scale sqrt\n  update proximal\n')
        .replace('optimizer sgd', 'optimizer adam')
        .replace('learning_rate 0.1', 'learning_rate 0.01');
      const cpu = await trainSteps('cpu', proximal, 5);
      compareSteps('MLP, proximal DropNeuron, 5 Adam steps, webgpu ops', await trainSteps('webgpu', proximal, 5), cpu);
    },
  );

  it('a conv + maxpool + dense net trains a step as it does on cpu', { skip }, async () => {
    const cpu = await trainSteps('cpu', CONVNET, 1);
    compareSteps('conv 8x8x1 → 4 3x3 → pool → dense 4, 1 SGD step', await trainSteps('webgpu', CONVNET, 1), cpu);
  });

  it('a whole run writes what the same run on cpu writes, with close metrics (no synchronous read on the way)', { skip }, async () => {
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    const start = gpu.events[0] as StartEvent;
    assert.equal(start.backend, 'webgpu');
    assert.deepEqual(start.adapter, found.adapter, 'the start event names the adapter');
    const { adapter: _, ...startRest } = start;
    assert.deepEqual(shapeOf(startRest), shapeOf(cpu.events[0]));
    assert.deepEqual(
      gpu.events.map((e) => (e.type === 'epoch' ? `epoch ${e.epoch} ${e.phase}` : e.type)),
      ['start', 'epoch 1 train', 'epoch 2 finetune', 'done'],
    );
    assert.deepEqual(shapeOf(gpu.events.slice(1)), shapeOf(cpu.events.slice(1)), 'the same event keys and array lengths');
    assert.deepEqual(gpu.files, cpu.files, 'the same run folder');
    for (const name of ['model', 'compact']) assert.ok(gpu.files.includes(`${name}/model.json`), `${name}/model.json in ${gpu.files.join(', ')}`);
    // Close metrics: the losses to the step tolerance; the pruning statistics equal (no weight sits within
    // float32 rounding of the threshold in this run) and the test metric equal (the same predictions).
    const [ge, ce] = [epochsOf(gpu.events), epochsOf(cpu.events)];
    ge.forEach((g, i) => {
      const c = ce[i]!;
      for (const k of ['total', 'data', 'l1', 'l2', 'dropneuron'] as const)
        assert.ok(Math.abs(g.loss[k] - c.loss[k]) <= LOSS_TOL, `epoch ${g.epoch} loss.${k}: webgpu ${g.loss[k]}, cpu ${c.loss[k]}`);
      assert.ok(g.layers.length === 3 && g.layers.every((l) => l.weightsKept <= l.weightsTotal));
      assert.deepEqual(g.layers, c.layers, `epoch ${g.epoch}: prune statistics`);
      assert.equal(g.testMetric, c.testMetric);
      assert.equal(g.inputMask?.bits, c.inputMask?.bits);
    });
    assert.deepEqual(gpu.done.summary.compactSizes, cpu.done.summary.compactSizes);
    assert.equal(gpu.done.summary.afterPrune, cpu.done.summary.afterPrune);
    const compactOf = (r: typeof gpu) => JSON.parse(readFileSync(join(r.done.outputs.compact!, 'model.json'), 'utf8')) as { weightsManifest: unknown };
    assert.deepEqual(compactOf(gpu).weightsManifest, compactOf(cpu).weightsManifest, 'the compact models have the same weights and shapes');
    console.log(`# whole run, webgpu: ${ge.map((e) => `epoch ${e.epoch} loss ${e.loss.total.toFixed(5)} test ${e.testMetric}`).join('; ')}`);
  });
});
