import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { loadDataset } from '../../trainer/src/data/load.ts';
import { evaluate } from '../../trainer/src/evaluate.ts';
import { Evaluator } from '../../trainer/src/evaluator.ts';
import type { TrainingListener } from '../../trainer/src/listeners/listener.ts';
import { trainLoop, type Trainee } from '../../trainer/src/loop.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { Network } from '../../trainer/src/network.ts';
import { REBUILT_OPS } from '../../trainer/src/ops.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { zeroBelowThreshold } from '../../trainer/src/layerWeights.ts';

before(async () => {
  await selectBackend('cpu');
});

// 40 samples in batches of 16: 3 batches per epoch; 2 epochs, then 1 fine-tune epoch.
const SPEC = `model tiny {
  data synthetic samples=40 classes=3
  input 6
  dense h 5 relu
  dense out 3
}
regularize {
  l1 0.001
  dropneuron 0.01
}
train {
  epochs 2
  finetune 1
  batch 16
}
`;

function trainee(): Trainee {
  const model = analyze(SPEC).model!;
  const rng = new Rng(model.train.seed);
  return { model, data: loadDataset(model, '.'), rng, network: new Network(model, rng, REBUILT_OPS), optimizer: makeOptimizer(model) };
}

/** A listener that records every hook call as `name hook detail`. */
function recorder(name: string, calls: string[]): TrainingListener {
  return {
    onBatchEnd: (b) => void calls.push(`${name} batch ${b.epoch}.${b.batch}/${b.batches}`),
    onEpochEnd: async (e) => {
      await new Promise((r) => setImmediate(r)); // an async hook is awaited before the next listener's
      calls.push(`${name} epoch ${e.epoch} ${e.phase}`);
    },
    onRunEnd: (r) => void calls.push(`${name} run ${r.stopped ? 'stopped' : 'finished'} ${r.epochsCompleted}`),
  };
}

describe('the training loop', () => {
  it('calls the hooks at every batch end, epoch end and the run end, listeners in list order', async () => {
    const t = trainee();
    const calls: string[] = [];
    const epochs: number[][] = [];
    const lossOf: TrainingListener = {
      onEpochEnd: (e) => void epochs.push([e.loss.total, e.loss.data + e.loss.l1 + e.loss.l2 + e.loss.dropneuron, e.seconds]),
    };
    const end = await trainLoop(t, { startEpoch: 1, listeners: [recorder('a', calls), recorder('b', calls), lossOf] });
    const expected: string[] = [];
    ['train', 'train', 'finetune'].forEach((phase, i) => {
      for (let b = 1; b <= 3; b++) expected.push(`a batch ${i + 1}.${b}/3`, `b batch ${i + 1}.${b}/3`);
      expected.push(`a epoch ${i + 1} ${phase}`, `b epoch ${i + 1} ${phase}`);
    });
    expected.push('a run finished 3', 'b run finished 3');
    assert.deepEqual(calls, expected);
    assert.deepEqual(end, { stopped: false, epochsCompleted: 3 });
    for (const [total, sum, seconds] of epochs) assert.ok(Number.isFinite(total) && total === sum && seconds! > 0);
    t.network.dispose();
  });

  it('a stop request ends the run after that batch: the unfinished epoch has no epoch end', async () => {
    const t = trainee();
    const calls: string[] = [];
    let batches = 0;
    const end = await trainLoop(t, { startEpoch: 1, listeners: [recorder('a', calls), { onBatchEnd: () => void batches++ }], shouldStop: () => batches === 4 });
    assert.deepEqual(
      calls.filter((c) => !c.includes('batch')),
      ['a epoch 1 train', 'a run stopped 1'],
    );
    assert.equal(calls.at(-2), 'a batch 2.1/3');
    assert.deepEqual(end, { stopped: true, epochsCompleted: 1 });
    t.network.dispose();
  });

  it('a resumed loop starts at its start epoch and ends without training when none is left', async () => {
    const t = trainee();
    const calls: string[] = [];
    assert.deepEqual(await trainLoop(t, { startEpoch: 4, listeners: [recorder('a', calls)] }), { stopped: false, epochsCompleted: 3 });
    assert.deepEqual(calls, ['a run finished 3']);
    t.network.dispose();
  });
});

describe('the evaluator', () => {
  it('evaluates host weights as the live network would, without writing to it', async () => {
    const t = trainee();
    const host = await t.network.read();
    const before = host.map((l) => Float32Array.from(l.w));
    const evaluator = new Evaluator(t.model, REBUILT_OPS, t.data);
    const live = await evaluate((x) => t.network.forward(x), t.model.task, t.data.testX, t.data.testY, t.data.inputShape, t.data.testCount);
    assert.equal(await evaluator.test(host), live);
    await evaluator.test(zeroBelowThreshold(host, 10)); // every weight pruned: a different network, evaluated beside the live one
    const after = await t.network.read();
    after.forEach((l, i) => assert.deepEqual(l.w, before[i]));
    t.network.dispose();
  });
});
