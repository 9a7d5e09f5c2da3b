import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { loadLayersModel } from '../../trainer/src/export/tfjs.ts';
import type { DoneEvent, EpochEvent, ErrorEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { train } from '../../trainer/src/run.ts';
import { planEpoch, totalEpochs } from '../../trainer/src/schedule.ts';
import { specText, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

const trainOf = (settings: string) => analyze(specText('small-mnist').replace('  seed 3\n', `  seed 3\n${settings}`)).model!.train;

describe('the schedule of a train block', () => {
  it('ramps the penalties in over `warmup` epochs, then holds them', () => {
    const settings = { ...trainOf('  warmup 4\n'), epochs: 10 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 10].map((e) => planEpoch(settings, e).penalties.dropneuron),
      [0.25, 0.5, 0.75, 1, 1, 1],
    );
    assert.deepEqual(planEpoch(settings, 2).penalties, { l1: 0.5, l2: 0.5, dropneuron: 0.5 });
  });

  it('fine-tunes after `epochs` with l1 and DropNeuron off, at learning_rate / 10 unless finetune_lr says', () => {
    const settings = { ...trainOf('  finetune 3\n'), epochs: 2 };
    assert.equal(totalEpochs(settings), 5);
    assert.deepEqual(
      [1, 2, 3, 5].map((e) => planEpoch(settings, e).phase),
      ['train', 'train', 'finetune', 'finetune'],
    );
    assert.deepEqual(planEpoch(settings, 3).penalties, { l1: 0, l2: 1, dropneuron: 0 });
    assert.equal(planEpoch(settings, 3).learningRate, settings.learningRate / 10);
    assert.equal(planEpoch({ ...trainOf('  finetune 3\n  finetune_lr 0.0005\n'), epochs: 2 }, 3).learningRate, 0.0005);
  });

  it('decays the fine-tune learning rate along a cosine under `finetune_schedule cosine`, from finetune_lr in its first epoch', () => {
    const settings = { ...trainOf('  finetune 4\n  finetune_lr 0.0004\n  finetune_schedule cosine\n'), epochs: 2 };
    assert.equal(settings.finetuneSchedule, 'cosine');
    const rates = [1, 2, 3, 4, 5, 6].map((e) => planEpoch(settings, e).learningRate);
    // The train epochs keep learning_rate; fine-tune epoch k of 4 trains at 0.0004 × ½(1 + cos(π (k − 1) / 4)).
    const expected = [settings.learningRate, settings.learningRate, 0.0004, 0.0004 * 0.5 * (1 + Math.SQRT1_2), 0.0002, 0.0004 * 0.5 * (1 - Math.SQRT1_2)];
    rates.forEach((r, i) => assert.ok(Math.abs(r - expected[i]!) < 1e-12, `epoch ${i + 1}: ${r}, expected ${expected[i]}`));
    assert.ok(rates[5]! > 0, 'the last fine-tune epoch still trains');
    assert.equal(trainOf('  finetune 4\n').finetuneSchedule, 'constant');
  });
});

/** Every weight of a saved model, flattened in order. */
async function weightsOf(done: DoneEvent): Promise<Float32Array[]> {
  const model = await loadLayersModel(done.outputs.model!);
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe('prune-and-fine-tune on mnist limit=2000: 2 epochs, then 2 fine-tune epochs', () => {
  let dir: string;
  let plain: DoneEvent;
  let tuned: { events: TrainerEvent[]; done: DoneEvent };

  before(async () => {
    dir = tempDir();
    const a = await trainCollect({ specPath: writeSpec(dir, 'plain.dnn', specText('small-mnist')), outDir: join(dir, 'plain') });
    assert.equal(a.result.type, 'done', JSON.stringify(a.result));
    plain = a.result as DoneEvent;
    const spec = writeSpec(dir, 'tuned.dnn', specText('small-mnist').replace('  seed 3\n', '  seed 3\n  finetune 2\n'));
    const b = await trainCollect({ specPath: spec, outDir: join(dir, 'tuned') });
    assert.equal(b.result.type, 'done', JSON.stringify(b.result));
    tuned = { events: b.events, done: b.result as DoneEvent };
  });

  it('announces 4 epochs and marks the last two as fine-tuning, with no l1 or DropNeuron loss in them', () => {
    assert.equal((tuned.events[0] as StartEvent).epochs, 4);
    const epochs = tuned.events.filter((e): e is EpochEvent => e.type === 'epoch');
    assert.deepEqual(
      epochs.map((e) => e.phase),
      ['train', 'train', 'finetune', 'finetune'],
    );
    for (const e of epochs.slice(2)) assert.deepEqual([e.loss.l1, e.loss.dropneuron], [0, 0]);
    assert.ok(epochs[0]!.loss.dropneuron > 0);
  });

  it('keeps every pruned weight at zero: the fine-tuned survivors are a subset of the 2-epoch run’s', async () => {
    const before = await weightsOf(plain);
    const after = await weightsOf(tuned.done);
    let survivors = 0;
    let moved = 0;
    before.forEach((w, i) =>
      w.forEach((v, j) => {
        const now = after[i]![j]!;
        if (v === 0) assert.equal(now, 0, `weight ${i}:${j} was pruned and came back as ${now}`);
        else if (now !== 0) survivors++;
        if (v !== now) moved++;
      }),
    );
    assert.ok(survivors > 0 && moved > 0, `expected fine-tuning to train the survivors: ${survivors} survive, ${moved} moved`);
    assert.ok(tuned.done.summary.weightsKept <= plain.summary.weightsKept);
  });

  it('resumes inside the fine-tune phase to the same weights as an unbroken run', async () => {
    const runDir = join(dir, 'tuned-resumed');
    const seen: TrainerEvent[] = [];
    const stopped = await train({
      specPath: join(dir, 'tuned.dnn'),
      outDir: runDir,
      emit: (e) => seen.push(e),
      // Stop in the first batch after fine-tune epoch 3 is checkpointed.
      shouldStop: () => seen.some((e) => e.type === 'epoch' && e.epoch === 3),
    });
    assert.equal(stopped.type === 'done' && stopped.stopped, true, JSON.stringify(stopped));
    const resumed = await trainCollect({ specPath: join(dir, 'tuned.dnn'), resumeDir: runDir });
    assert.equal(resumed.result.type, 'done', JSON.stringify(resumed.result));
    assert.equal((resumed.events[0] as StartEvent).startEpoch, 4);
    const a = await weightsOf(tuned.done);
    const b = await weightsOf(resumed.result as DoneEvent);
    a.forEach((w, i) => assert.deepEqual(b[i], w, `weights ${i} differ after resuming`));
  });

  it('resuming a finished run is refused and changes nothing: a re-export is `dropneuron export` (issue 26)', async () => {
    const log = readFileSync(join(tuned.done.outputs.runDir, 'events.jsonl'), 'utf8');
    const again = await trainCollect({ specPath: join(dir, 'tuned.dnn'), resumeDir: tuned.done.outputs.runDir });
    assert.equal(again.result.type, 'error');
    assert.match((again.result as ErrorEvent).message, /found one that has finished \(4 epochs\); nothing was changed/);
    assert.equal(readFileSync(join(tuned.done.outputs.runDir, 'events.jsonl'), 'utf8'), log);
  });
});
