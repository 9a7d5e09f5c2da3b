import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DoneEvent, EpochEvent, TrainerEvent } from '../../protocol/events.ts';
import { readEvents, readRun, RunFolder } from '../../store/runFolder.ts';
import type { CheckpointState } from '../../protocol/runFolder.ts';
import { train } from '../../trainer/src/run.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

const SPEC = syntheticSpec(6, '  seed 5\n');

const lines = (path: string): number => readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
const sequence = (events: TrainerEvent[]) => events.map((e) => (e.type === 'epoch' ? e.epoch : e.type));
const stateOf = (runDir: string): CheckpointState => {
  const { folder } = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as { folder: string };
  return JSON.parse(readFileSync(join(runDir, folder, 'state.json'), 'utf8')) as CheckpointState;
};

describe('the event log is appended to, the checkpoint state holds only the current state', () => {
  it('every epoch adds one line to events.jsonl, and state.json stays the same size', async () => {
    const dir = tempDir();
    const runDir = join(dir, 'run');
    const seen: { stateBytes: number; logLines: number }[] = [];
    const result = await train({
      specPath: writeSpec(dir, 'syn.dnn', SPEC),
      outDir: runDir,
      // An epoch event is sent once the epoch is in the folder: its checkpoint complete, the event appended.
      emit: (e) => {
        if (e.type === 'epoch')
          seen.push({ stateBytes: statSync(join(runDir, `checkpoint-${e.epoch}`, 'state.json')).size, logLines: lines(join(runDir, 'events.jsonl')) });
      },
    });
    assert.equal(result.type, 'done', JSON.stringify(result));
    assert.deepEqual(
      seen.map((s) => s.logLines),
      [2, 3, 4, 5, 6, 7],
      'the start event, then one line per epoch',
    );
    const sizes = seen.map((s) => s.stateBytes);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) < 200, `expected state.json to keep its size across epochs, found ${sizes.join(', ')} bytes`);
    const state = stateOf(runDir);
    assert.equal(state.events, undefined, 'no event list in the checkpoint state');
    assert.equal(state.event?.epoch, 6, "the checkpoint's own epoch event");
    assert.equal(lines(join(runDir, 'events.jsonl')), 8, 'and the done event');
  });
});

/** Trains SPEC with `epochs` epochs into runDir, stopping (as a kill would) by failing the append of epoch `cut`'s event. */
async function trainCutAfterCheckpoint(specPath: string, runDir: string, cut: number): Promise<void> {
  const original = RunFolder.prototype.appendEvent;
  RunFolder.prototype.appendEvent = function (event: TrainerEvent) {
    if (event.type === 'epoch' && event.epoch === cut) throw new Error('killed between the checkpoint and the append');
    original.call(this, event);
  };
  try {
    const { result } = await trainCollect({ specPath, outDir: runDir });
    assert.equal(result.type, 'error');
  } finally {
    RunFolder.prototype.appendEvent = original;
  }
}

describe('resuming reads the events from events.jsonl and makes them agree with the checkpoint', () => {
  it('a kill between the checkpoint and its append: the resumed log has every epoch once, and the run equals an unbroken one', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SPEC);
    const whole = await trainCollect({ specPath: spec, outDir: join(dir, 'whole') });
    const runDir = join(dir, 'cut');
    await trainCutAfterCheckpoint(spec, runDir, 3);
    assert.equal(stateOf(runDir).epoch, 3, 'the checkpoint of epoch 3 is complete');
    assert.deepEqual(sequence(readEvents(runDir)), ['start', 1, 2], 'its event never reached the log');

    const resumed = await trainCollect({ specPath: spec, resumeDir: runDir });
    assert.equal(resumed.result.type, 'done', JSON.stringify(resumed.result));
    assert.deepEqual(sequence(readEvents(runDir)), ['start', 1, 2, 3, 'start', 4, 5, 6, 'done']);
    const epochs = (events: TrainerEvent[]) => events.filter((e): e is EpochEvent => e.type === 'epoch').map((e) => [e.epoch, e.loss.total, e.testMetric]);
    assert.deepEqual(epochs(readEvents(runDir)), epochs(whole.events), 'the same epochs as the unbroken run');
    assert.equal(readRun(runDir)?.info.epochsCompleted, 6);
  });

  it('dropneuron auto: a run resumed mid-search steers as the unbroken run did, from its log alone', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'auto.dnn', syntheticSpec(10, '  seed 5\n').replace('dropneuron 0.001', 'dropneuron auto'));
    const whole = await trainCollect({ specPath: spec, outDir: join(dir, 'whole') });
    const runDir = join(dir, 'cut');
    await trainCutAfterCheckpoint(spec, runDir, 6);
    const resumed = await trainCollect({ specPath: spec, resumeDir: runDir });
    assert.equal(resumed.result.type, 'done', JSON.stringify(resumed.result));
    const epochs = (events: TrainerEvent[]) =>
      events.filter((e): e is EpochEvent => e.type === 'epoch').map((e) => [e.epoch, e.loss.total, e.validationMetric, e.auto]);
    const unbroken = epochs(whole.events);
    assert.ok(
      unbroken.some(([, , , auto]) => (auto as EpochEvent['auto'])?.stage === 'search' && (auto as EpochEvent['auto'])!.lambda > 0),
      'the search ran',
    );
    assert.deepEqual(epochs(readEvents(runDir)), unbroken, 'the same λ, losses and validation as the unbroken run');
    assert.deepEqual((resumed.result as DoneEvent).summary.auto, (whole.result as DoneEvent).summary.auto);
  });

  it('epoch events beyond the checkpoint and a line cut short are dropped', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SPEC);
    const runDir = join(dir, 'run');
    await trainCutAfterCheckpoint(spec, runDir, 3);
    const log = readEvents(runDir);
    const second = log.find((e): e is EpochEvent => e.type === 'epoch' && e.epoch === 2)!;
    // An epoch 4 the checkpoint does not hold, and half a line.
    appendFileSync(join(runDir, 'events.jsonl'), JSON.stringify({ ...second, epoch: 4 }) + '\n' + JSON.stringify(second).slice(0, 40));
    const resumed = await trainCollect({ specPath: spec, resumeDir: runDir });
    assert.equal(resumed.result.type, 'done');
    assert.deepEqual(sequence(readEvents(runDir)), ['start', 1, 2, 3, 'start', 4, 5, 6, 'done']);
    const text = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
    assert.ok(
      text.split('\n').every((l) => !l || JSON.parse(l)),
      'every line parses',
    );
  });

  it('a run folder from before the append-only log (every event inside state.json) still resumes', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SPEC);
    const runDir = join(dir, 'old');
    await trainCutAfterCheckpoint(spec, runDir, 3);
    // Rewrite the checkpoint as the old writer did: the events so far inside, no `event`; the log one epoch short.
    const { folder } = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as { folder: string };
    const state = stateOf(runDir);
    const { event, ...old } = state;
    writeFileSync(join(runDir, folder, 'state.json'), JSON.stringify({ ...old, events: [...readEvents(runDir), event] }));
    const resumed = await trainCollect({ specPath: spec, resumeDir: runDir });
    assert.equal(resumed.result.type, 'done', JSON.stringify(resumed.result));
    assert.deepEqual(sequence(readEvents(runDir)), ['start', 1, 2, 3, 'start', 4, 5, 6, 'done']);
    assert.equal((resumed.result as DoneEvent).epochsCompleted, 6);
  });
});
