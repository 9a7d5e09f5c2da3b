import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EpochEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { formatBackend } from '../../protocol/present.ts';
import { RunFolder } from '../../store/runFolder.ts';
import { penaltyRows, splitRows, stepShares } from '../../trainer/src/parallel/pool.ts';
import { trainingThreads } from '../../trainer/src/parallel/threads.ts';
import { analyze } from '../../language/index.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

// Dropout, l1 and DropNeuron on, and 200 samples in batches of 64: the last batch (8 rows) splits unevenly.
const SPEC = syntheticSpec(2, '  backend wasm\n')
  .replace('samples=256', 'samples=200')
  .replace('dense fc1 32 relu', 'dense fc1 32 relu\n  dense fc2 16 relu')
  .replace('dropneuron 0.001', 'dropneuron 0.001\n  keep_prob 0.8');

/** The run folder's last checkpoint: the variables and the optimizer's state, in one list. */
function checkpointOf(runDir: string): Float32Array[] {
  return new RunFolder(runDir).loadCheckpoint()!.tensors;
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((xs, i) => {
    assert.equal(xs.length, b[i]!.length);
    for (let k = 0; k < xs.length; k++) worst = Math.max(worst, Math.abs(xs[k]! - b[i]![k]!));
  });
  return worst;
}

const epochs = (events: TrainerEvent[]): EpochEvent[] => events.filter((e): e is EpochEvent => e.type === 'epoch');

async function run(dir: string, name: string, threads: number): Promise<{ events: TrainerEvent[]; runDir: string }> {
  const runDir = join(dir, name);
  const { events, result } = await trainCollect({ specPath: join(dir, 'syn.dnn'), outDir: runDir, overrides: { train: { threads } } });
  assert.equal(result.type, 'done', JSON.stringify(result));
  return { events, runDir };
}

describe('data-parallel training on wasm (threads)', () => {
  it('3 threads train what 1 thread trains, up to float reordering, and say so in the start event', async () => {
    const dir = tempDir();
    writeSpec(dir, 'syn.dnn', SPEC);
    const one = await run(dir, 'one', 1);
    const three = await run(dir, 'three', 3);
    assert.equal((one.events[0] as StartEvent).threads, 1);
    assert.equal((three.events[0] as StartEvent).threads, 3);
    // After 8 Adam steps the weights (and Adam's moments) differ by float rounding only.
    const diff = maxDiff(checkpointOf(three.runDir), checkpointOf(one.runDir));
    assert.ok(diff <= 1e-5, `max |3 threads − 1 thread| over weights and optimizer state = ${diff}, expected ≤ 1e-5`);
    epochs(three.events).forEach((e, i) => {
      const single = epochs(one.events)[i]!;
      assert.ok(Math.abs(e.loss.total - single.loss.total) <= 1e-5 * single.loss.total, `epoch ${e.epoch} loss ${e.loss.total} vs ${single.loss.total}`);
      // The evaluation is split by whole batches: the same correct count.
      assert.equal(e.testMetric, single.testMetric);
      assert.equal(e.trainMetric, single.trainMetric);
    });
  });

  it('dropneuron auto with weighed groups on 2 threads steers as on 1: the same λ and input multiplier every epoch', async () => {
    const dir = tempDir();
    writeSpec(dir, 'syn.dnn', SPEC.replace('epochs 2', 'epochs 6').replace('dropneuron 0.001', 'dropneuron auto\n  inputs_weight 2'));
    const one = await run(dir, 'one', 1);
    const two = await run(dir, 'two', 2);
    const steering = (events: TrainerEvent[]) => epochs(events).map((e) => [e.epoch, e.validationMetric, e.auto?.stage, e.auto?.lambda, e.auto?.inputs]);
    assert.ok(
      epochs(one.events).some((e) => (e.auto?.lambda ?? 0) > 0),
      'the search ran',
    );
    assert.deepEqual(steering(two.events), steering(one.events));
  });

  it('the proximal update on 2 threads trains what it trains on 1 (the shrink follows the summed step)', async () => {
    const dir = tempDir();
    writeSpec(dir, 'syn.dnn', SPEC.replace('dropneuron 0.001', 'dropneuron 0.5\n  update proximal'));
    const one = await run(dir, 'one', 1);
    const two = await run(dir, 'two', 2);
    const diff = maxDiff(checkpointOf(two.runDir), checkpointOf(one.runDir));
    assert.ok(diff <= 1e-5, `max |2 threads − 1 thread| = ${diff}, expected ≤ 1e-5`);
    assert.equal((one.events[0] as StartEvent).settings.update, 'proximal', 'the start event records the update');
  });

  it('a run stopped and resumed ends bit for bit where the unbroken one does (so a thread count gives one run)', async () => {
    const dir = tempDir();
    writeSpec(dir, 'syn.dnn', SPEC);
    const whole = await run(dir, 'whole', 2);

    // Stopped inside epoch 2 (4 batches an epoch): the checkpoint of epoch 1 is where it resumes.
    const cut = join(dir, 'cut');
    let batches = 0;
    const stopped = await trainCollect({
      specPath: join(dir, 'syn.dnn'),
      outDir: cut,
      overrides: { train: { threads: 2 } },
      shouldStop: () => ++batches === 6,
    });
    assert.equal(stopped.result.type, 'done');
    assert.deepEqual(
      epochs(stopped.events).map((e) => e.epoch),
      [1],
    );
    const resumed = await trainCollect({ specPath: join(dir, 'syn.dnn'), resumeDir: cut });
    assert.equal(resumed.result.type, 'done', JSON.stringify(resumed.result));
    assert.equal(maxDiff(checkpointOf(cut), checkpointOf(whole.runDir)), 0, 'the resumed run ends where the unbroken one does');
  });
});

describe('how many threads train', () => {
  const model = (extra = '') => analyze(syntheticSpec(1, extra)).model!;
  it('on wasm, the spec’s threads or else the cores; never more than a batch has rows; one on every other backend', () => {
    assert.equal(trainingThreads(model(), 'wasm', 2), 2);
    assert.equal(trainingThreads(model('  threads 3\n'), 'wasm', 2), 3);
    assert.equal(trainingThreads(model('  threads 200\n'), 'wasm', 2), 64);
    assert.equal(trainingThreads(model('  threads 4\n'), 'webgpu', 8), 1);
    assert.equal(trainingThreads(model(), 'cpu', 8), 1);
  });
  it('the CLI and the run panel name the backend with its threads (formatBackend)', () => {
    assert.equal(formatBackend({ backend: 'wasm', threads: 2 }), 'wasm · 2 threads');
    assert.equal(formatBackend({ backend: 'wasm', threads: 1 }), 'wasm');
    assert.equal(formatBackend({ backend: 'cpu' }), 'cpu', 'a log written before threads existed');
  });
  it('the thread that adds the penalties takes fewer rows, by what the model says they are worth', () => {
    assert.deepEqual(stepShares(256, 2, 45), [
      [0, 106],
      [106, 256],
    ]);
    assert.deepEqual(stepShares(8, 3, 0), splitRows(8, 3), 'no head start: even shares');
    assert.deepEqual(stepShares(10, 2, 50)[0], [0, 1], 'at least one row');
    assert.deepEqual(stepShares(10, 1, 50), [[0, 10]]);
    const lenet = analyze(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet-300-100.dnn'), 'utf8')).model!;
    assert.equal(penaltyRows(lenet), 45, 'LeNet-300-100: 190 × 266 200 weights / 1.13 MFLOP a row');
    const unpenalized = analyze(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet-300-100.dnn'), 'utf8'), {
      regularize: { l1: 0, l2: 0, dropneuron: 0 },
    }).model!;
    assert.equal(penaltyRows(unpenalized), 0, 'no penalties: even shares');
    const lenet5 = analyze(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet-5.dnn'), 'utf8')).model!;
    assert.equal(penaltyRows(lenet5), 4, 'LeNet-5: fc1’s 1.6 M weights against a row of convolutions (≈ 80 MFLOP)');
  });
  it('a batch splits into consecutive shares, the first ones the larger', () => {
    assert.deepEqual(splitRows(8, 3), [
      [0, 3],
      [3, 6],
      [6, 8],
    ]);
    assert.deepEqual(splitRows(1, 2), [
      [0, 1],
      [1, 1],
    ]);
  });
});
