// The `ort` backend: the training step of a network as one onnxruntime graph (trainer/src/ort/). Every
// comparison is against the cpu backend's step (step.ts on tfjs), with the tolerances of test/trainer/webgpu.test.ts:
// both compute in float32 but reduce in different orders.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import { analyze, type CheckedModel } from '../../language/index.ts';
import type { DoneEvent, EpochEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { BackendError, selectBackend } from '../../trainer/src/backend.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { OrtStep } from '../../trainer/src/ort/ortStep.ts';
import { stepGraph } from '../../trainer/src/ort/stepGraph.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { trainStep } from '../../trainer/src/step.ts';
import { writeSpec, specText } from '../helpers/specs.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { trainCollect } from '../helpers/train.ts';

const LOSS_TOL = 2e-5;
const WEIGHT_TOL = 1e-5;

/** webgpu.test's step, its DropNeuron groups weighed too. */
const MLP = specText('mlp-step').replace('  dropneuron 0.01\n', '  dropneuron 0.01\n  group_scale sqrt\n  inputs_weight 3\n');

/**
 * A whole run: training with every penalty term and dropout, then pruning, a fine-tune epoch under the fixed mask, the
 * compact model; each epoch ends on a smaller batch (72 rows in batches of 32).
 */
const RUN = `model tiny {
  data synthetic samples=72 classes=4 seed=2
  input 16
  dense fc1 24 relu
  dropout d1 keep_prob=0.9
  dense fc2 12 tanh
  dense out 4
}
regularize {
  l1 0.001
  l2 0.001
  dropneuron 0.01
  threshold 0.05
}
train {
  epochs 2
  finetune 1
  batch 32
  optimizer sgd
  learning_rate 0.1
  seed 4
}
`;

/** RUN's run with a conv and a max-pool layer before its dense ones. */
const CONV_RUN = RUN.replace('model tiny {', 'model tinyconv {')
  .replace('input 16', 'input 6x6x1\n  conv c1 4 3x3 relu\n  maxpool p1 2x2\n  flatten')
  .replace('dense fc1 24 relu', 'dense fc1 16 relu');

/** A conv layer's regularize block: every penalty term (DropNeuron's groups weighed), dropout on the dense layer. */
const CONV_REGULARIZE = `regularize {
  l1 0.001
  l2 0.001
  dropneuron 0.01
  group_scale sqrt
  inputs_weight 3
}
train {
  batch 16
  optimizer sgd
  learning_rate 0.1
  seed 5
}
`;

/** LeNet-5's shape, small: SAME convs of stride 1, tiling max-pools (ops.ts' equality-mask gradient), dropout on an image (its mask in NHWC order) and on a dense layer. */
const LENET = `model lenet {
  data synthetic samples=16 classes=4
  input 12x12x2
  conv c1 4 3x3 relu
  maxpool p1 2x2
  dropout d1 keep_prob=0.9
  conv c2 6 3x3 relu
  maxpool p2 2x2
  flatten
  dense fc 12 relu keep_prob=0.8
  dense out 4
}
${CONV_REGULARIZE}`;

/**
 * The other shapes: SAME and VALID padding with stride 2 (13 → 7 → 4; 3 → 1, a row left unread), an overlapping max-pool
 * (MaxPool's indices), an avg-pool padded at the end, tanh, elu and softmax (over a conv layer's channels).
 */
const STRIDES = `model strides {
  data synthetic samples=16 classes=4
  input 13x13x1
  conv c1 4 3x3 tanh stride=2
  maxpool p1 3x3 stride=2
  conv c2 5 2x2 elu padding=valid
  avgpool p2 2x2 stride=1
  conv c3 3 2x2 softmax stride=2 padding=valid
  flatten
  dense out 4
}
${CONV_REGULARIZE}`;

/** A layer ort does not cover. */
const LRN = `model lrn {
  data synthetic samples=16 classes=4
  input 8x8x1
  conv c1 4 3x3 relu
  lrn n1
  flatten
  dense out 4
}
`;

interface Steps {
  /** Per step, the loss parts (LOSS_PARTS order) before the update. */
  losses: number[][];
  /** Per step, every W and b after it. */
  weights: Float32Array[][];
  /** How far the steps moved the weights: max |W_after − W_before|. */
  moved: number;
}

/**
 * Seeded host data for `model`: x [batch, in] and the targets as each side reads them: `y` as the loop gathers them
 * (one-hot rows for classify, the targets for regress; autoencode reads x), `yCpu` [batch, width] as the tfjs step
 * takes them (class indices for classify), and `width`, the target row's.
 */
function batchOf(model: CheckedModel, seed: number): { x: Float32Array; y: Float32Array; yCpu: Float32Array; width: number } {
  const rng = new Rng(seed);
  const per = model.input!.reduce((a, b) => a * b, 1);
  const outputs = model.layers.at(-1)!.units!;
  const x = Float32Array.from({ length: model.train.batch * per }, () => rng.next());
  if (model.task === 'autoencode') return { x, y: x, yCpu: x, width: per };
  if (model.task === 'regress') {
    const y = Float32Array.from({ length: model.train.batch * outputs }, () => rng.normal());
    return { x, y, yCpu: y, width: outputs };
  }
  const labels = Float32Array.from({ length: model.train.batch }, () => rng.int(outputs));
  const y = new Float32Array(model.train.batch * outputs);
  labels.forEach((c, i) => (y[i * outputs + c] = 1));
  return { x, y, yCpu: labels, width: outputs };
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

/** `count` steps of `spec` on one batch on the cpu backend (step.ts), from the spec's seeded weights. */
async function cpuSteps(spec: string, count: number): Promise<Steps> {
  await selectBackend('cpu');
  const model = analyze(spec).model!;
  const network = new Network(model, new Rng(model.train.seed), layerOpsFor('cpu'));
  const optimizer = makeOptimizer(model);
  const data = batchOf(model, 11);
  const x = tf.tensor(data.x, [model.train.batch, ...model.input!]);
  const y = tf.tensor(data.yCpu, [model.train.batch, data.yCpu.length / model.train.batch]);
  const initial = (await network.read()).flatMap((l) => [l.w, l.b]);
  const losses: number[][] = [];
  const weights: Float32Array[][] = [];
  for (let i = 0; i < count; i++) {
    const parts = trainStep(network, optimizer, model.task, x, y, 1000 + i);
    losses.push(await Promise.all(parts.map(async (p) => (await p.data())[0]!)));
    tf.dispose(parts);
    weights.push((await network.read()).flatMap((l) => [l.w, l.b]));
  }
  network.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  return { losses, weights, moved: maxDiff(weights.at(-1)!, initial) };
}

/** The same steps through the `ort` step graph (tfjs on wasm beside it, as a run on `ort` has it). */
async function ortSteps(spec: string, count: number): Promise<Steps> {
  await selectBackend('wasm');
  const model = analyze(spec).model!;
  const network = new Network(model, new Rng(model.train.seed), layerOpsFor('wasm'));
  const optimizer = makeOptimizer(model);
  const data = batchOf(model, 11);
  const step = await OrtStep.start(model, data.width, 1);
  await step.load(network, optimizer);
  const initial = (await network.read()).flatMap((l) => [l.w, l.b]);
  const losses: number[][] = [];
  const weights: Float32Array[][] = [];
  for (let i = 0; i < count; i++) {
    const parts = await step.step(network, optimizer, { x: data.x, y: data.y, n: model.train.batch }, { dropoutSeed: 1000 + i });
    losses.push([...parts]);
    await step.store(network, optimizer);
    weights.push((await network.read()).flatMap((l) => [l.w, l.b]));
  }
  await step.dispose();
  network.dispose();
  optimizer.dispose();
  return { losses, weights, moved: maxDiff(weights.at(-1)!, initial) };
}

function compareSteps(label: string, ort: Steps, cpu: Steps, tol = { loss: LOSS_TOL, weight: WEIGHT_TOL }): void {
  for (const v of ort.losses.flat()) assert.ok(Number.isFinite(v), `${label}: finite loss ${v}`);
  const dLoss = maxDiff(ort.losses, cpu.losses);
  const dW = Math.max(...ort.weights.map((w, i) => maxDiff(w, cpu.weights[i]!)));
  console.log(
    `# ${label}: max |Δloss| ${dLoss.toExponential(2)}, max |ΔW| ${dW.toExponential(2)} (ort vs cpu; the steps moved W by ${ort.moved.toExponential(2)})`,
  );
  assert.ok(dLoss <= tol.loss, `${label}: max |Δloss| ${dLoss} > ${tol.loss}`);
  assert.ok(dW <= tol.weight, `${label}: max |ΔW| ${dW} > ${tol.weight}`);
  assert.ok(ort.moved >= 100 * tol.weight, `${label}: the steps moved the weights by only ${ort.moved}`);
  // Every term is on at the first step (the proximal step may zero every group later, and its term with them).
  assert.ok(
    ort.losses[0]!.every((p) => p > 0),
    `${label}: every loss part is on: ${ort.losses[0]!.join(', ')}`,
  );
}

describe('the ort backend', () => {
  it('a dense net with dropout, l1, l2 and weighed DropNeuron groups trains SGD steps as on cpu: per step, the loss parts and weights', async () => {
    compareSteps('MLP 64-32-16-10, 5 SGD steps', await ortSteps(MLP, 5), await cpuSteps(MLP, 5));
  });

  it('every activation’s gradient (sigmoid, elu, softplus, softmax, tanh), regression and autoencoding train as on cpu', async () => {
    const acts = MLP.replace('dense h1 32 relu', 'dense h1 32 sigmoid\n  dense h1b 24 elu\n  dense h1c 20 softplus\n  dense h1d 18 softmax').replace(
      'dense h2 16 relu',
      'dense h2 16 tanh',
    );
    compareSteps('MLP with every activation, 5 SGD steps', await ortSteps(acts, 5), await cpuSteps(acts, 5));
    const regress = MLP.replace('data synthetic samples=32 classes=10', 'data sparse-regression samples=64 features=64 informative=4 noise=0 seed=1')
      .replace('input 64', 'input 64\n  task regress')
      .replace('dense out 10', 'dense out 3');
    compareSteps('regression 64-32-16-3, 5 SGD steps', await ortSteps(regress, 5), await cpuSteps(regress, 5));
    const autoencode = MLP.replace('input 64', 'input 64\n  task autoencode').replace('dense out 10', 'dense out 64 sigmoid');
    compareSteps('autoencoder 64-32-16-64, 5 SGD steps', await ortSteps(autoencode, 5), await cpuSteps(autoencode, 5));
  });

  it('DropNeuron’s proximal step (`update proximal`) after Adam (in HostAdam’s metric) and after SGD matches cpu’s', async () => {
    const proximal = MLP.replace('  dropneuron 0.01\n', '  dropneuron 5\n  update proximal\n');
    const adam = proximal.replace('optimizer sgd', 'optimizer adam').replace('learning_rate 0.1', 'learning_rate 0.01');
    const [cpuAdam, cpuSgd] = [await cpuSteps(adam, 5), await cpuSteps(proximal, 5)];
    const zeros = (steps: Steps) => steps.weights.at(-1)!.reduce((n, w) => n + w.filter((x) => x === 0).length, 0);
    assert.ok(zeros(cpuAdam) > 0 && zeros(cpuSgd) > 0, 'the shrink zeroes whole groups on cpu, as it should here');
    compareSteps('MLP, proximal DropNeuron, 5 Adam steps', await ortSteps(adam, 5), cpuAdam);
    compareSteps('MLP, proximal DropNeuron, 5 SGD steps', await ortSteps(proximal, 5), cpuSgd);
  });

  it('conv nets train as on cpu: SAME and VALID padding, strides 1 and 2, tiling and overlapping max-pools, avg-pools, every penalty on the kernels', async () => {
    compareSteps('LeNet-5-like conv net, 5 SGD steps', await ortSteps(LENET, 5), await cpuSteps(LENET, 5));
    compareSteps('strided conv net, 5 SGD steps', await ortSteps(STRIDES, 5), await cpuSteps(STRIDES, 5));
    const adam = LENET.replace('optimizer sgd', 'optimizer adam')
      .replace('learning_rate 0.1', 'learning_rate 0.01')
      .replace('  dropneuron 0.01\n', '  dropneuron 5\n  update proximal\n');
    compareSteps('LeNet-5-like conv net, proximal DropNeuron, 5 Adam steps', await ortSteps(adam, 5), await cpuSteps(adam, 5));
  });

  it('Adam steps (HostAdam’s update: bias correction, ε outside the square root) match cpu’s', async () => {
    const adam = MLP.replace('optimizer sgd', 'optimizer adam').replace('learning_rate 0.1', 'learning_rate 0.01');
    compareSteps('MLP 64-32-16-10, 5 Adam steps', await ortSteps(adam, 5), await cpuSteps(adam, 5));
  });
});

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

async function run(backend: 'cpu' | 'ort' | 'auto', spec = RUN): Promise<{ events: TrainerEvent[]; done: DoneEvent; files: string[] }> {
  const dir = tempDir('dnn-ort-');
  const path = writeSpec(dir, 'tiny.dnn', spec);
  const { events, result } = await trainCollect({ specPath: path, outDir: join(dir, 'run'), overrides: { train: { backend } } });
  assert.equal(result.type, 'done', `${backend}: ${JSON.stringify(result)}`);
  const done = result as DoneEvent;
  return { events, done, files: filesUnder(done.outputs.runDir) };
}

const epochsOf = (events: TrainerEvent[]): EpochEvent[] => events.filter((e): e is EpochEvent => e.type === 'epoch');

describe('the step graph', () => {
  it('reads every initializer and input it declares, for each example it trains under Adam and SGD (onnxruntime warns on stderr otherwise)', () => {
    const examples = join(import.meta.dirname, '..', '..', 'examples');
    for (const file of ['lenet-300-100.dnn', 'sparse-regression.dnn', 'autoencoder.dnn', 'lenet-5.dnn', 'convnet.dnn']) {
      const model = analyze(readFileSync(join(examples, file), 'utf8')).model!;
      for (const optimizer of ['adam', 'sgd'] as const) {
        const graph = onnx.ModelProto.decode(stepGraph({ ...model, train: { ...model.train, optimizer } }, 10).bytes).graph!;
        const read = new Set(graph.node!.flatMap((n) => n.input!));
        const unread = [...graph.initializer!, ...graph.input!].map((t) => t.name!).filter((name) => !read.has(name));
        assert.deepEqual(unread, [], `${file}, ${optimizer}`);
      }
    }
  });
});

describe('a run on the ort backend', () => {
  for (const [name, spec] of [
    ['a dense net', RUN],
    ['a conv net', CONV_RUN],
  ] as const)
    it(`${name}: writes what the same run on cpu writes, with the same losses, pruning and compact model`, async () => {
      const cpu = await run('cpu', spec);
      const ort = await run('ort', spec);
      assert.equal((ort.events[0] as StartEvent).backend, 'ort');
      assert.deepEqual(
        ort.events.map((e) => (e.type === 'epoch' ? `epoch ${e.epoch} ${e.phase}` : e.type)),
        ['start', 'epoch 1 train', 'epoch 2 train', 'epoch 3 finetune', 'done'],
      );
      assert.deepEqual(ort.files, cpu.files, 'the same run folder');
      const [oe, ce] = [epochsOf(ort.events), epochsOf(cpu.events)];
      oe.forEach((o, i) => {
        const c = ce[i]!;
        for (const k of ['total', 'data', 'l1', 'l2', 'dropneuron'] as const)
          assert.ok(Math.abs(o.loss[k] - c.loss[k]) <= LOSS_TOL, `epoch ${o.epoch} loss.${k}: ort ${o.loss[k]}, cpu ${c.loss[k]}`);
        assert.deepEqual(o.layers, c.layers, `epoch ${o.epoch}: prune statistics`);
        assert.equal(o.testMetric, c.testMetric);
      });
      assert.ok(
        oe[2]!.layers.some((l) => l.weightsKept < l.weightsTotal),
        'the run pruned some weights, which the fine-tune epoch held at zero',
      );
      assert.deepEqual(ort.done.summary.compactSizes, cpu.done.summary.compactSizes);
      assert.equal(ort.done.summary.afterPrune, cpu.done.summary.afterPrune);
      const compactOf = (r: typeof ort) => JSON.parse(readFileSync(join(r.done.outputs.compact!, 'model.json'), 'utf8')) as { weightsManifest: unknown };
      assert.deepEqual(compactOf(ort).weightsManifest, compactOf(cpu).weightsManifest, 'the compact models have the same weights and shapes');
      console.log(`# ${name}'s whole run, ort: ${oe.map((e) => `epoch ${e.epoch} loss ${e.loss.total.toFixed(5)} test ${e.testMetric}`).join('; ')}`);
    });

  it('refuses a network with an lrn layer with one sentence, and auto falls back to wasm for it; auto prefers ort for dense and conv networks', async () => {
    const model = analyze(LRN).model!;
    await assert.rejects(selectBackend('ort', model), (e: Error) => {
      assert.ok(e instanceof BackendError);
      assert.match(e.message, /the ort backend trains dense, conv and pooling layers, and layer `n1` is a lrn layer/);
      return true;
    });
    const auto = await selectBackend('auto', model);
    assert.equal(auto.name, 'wasm');
    assert.match(auto.skipped.find((s) => s.backend === 'ort')?.reason ?? '', /dense, conv and pooling layers/);
    assert.equal((await selectBackend('auto', analyze(RUN).model!)).name, 'ort', 'auto prefers ort for a dense network');
    assert.equal((await selectBackend('auto', analyze(LENET).model!)).name, 'ort', 'and for a conv network');
  });
});
