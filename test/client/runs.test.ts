import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { failureView } from '../../client/src/failures.ts';
import { RunStore, statusOf } from '../../client/src/runStore.ts';
import { shrinkConfirmation } from '../../client/src/shrinkConfirmation.ts';
import { statusView } from '../../client/src/statusView.ts';
import { runRows } from '../../client/src/views/runsModel.ts';
import type { DoneEvent, ErrorEvent, TrainerEvent } from '../../protocol/events.ts';
import type { RunInfo } from '../../protocol/lsp.ts';
import { pruningDamage } from '../../protocol/prune.ts';
import { ROOT } from '../helpers/cli.ts';

const EVENTS = readFileSync(join(ROOT, 'test', 'fixtures', 'events', 'mnist-small.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TrainerEvent);
const DONE = EVENTS.at(-1) as DoneEvent;
const RUN_DIR = (EVENTS[0] as { runDir: string }).runDir;

/** The recorded run, as if its pruning had cost 88.16 % → 29.58 % (the LeNet-300-100 run of the issue). */
function wrecked(): DoneEvent {
  const summary = { ...DONE.summary, metric: 'accuracy' as const, beforePrune: 0.8816, afterPrune: 0.2958 };
  summary.damage = pruningDamage('accuracy', summary.beforePrune, summary.afterPrune, 0.1, 1);
  return { ...DONE, summary };
}

const crash = (runDir?: string): ErrorEvent => ({
  v: 1,
  type: 'error',
  kind: 'crash',
  message: 'The run small-1 was interrupted after epoch 2 (it was killed by SIGKILL): Resume continues it from its last checkpoint.',
  ...(runDir ? { runDir } : {}),
});

describe('the damage verdict', () => {
  it('costs points of accuracy lost (or of NMSE gained), never less than 0, and is exceeded past the tolerance', () => {
    assert.deepEqual(pruningDamage('accuracy', 0.8816, 0.2958, 0.1, 1), { cost: 58.58, tolerance: 1, threshold: 0.1, exceeded: true });
    assert.deepEqual(pruningDamage('accuracy', 0.98, 0.975, 0.01, 1), { cost: 0.5, tolerance: 1, threshold: 0.01, exceeded: false });
    assert.equal(pruningDamage('accuracy', 0.9, 0.91, 0.01, 1).cost, 0, 'pruning that helps costs nothing');
    assert.deepEqual(pruningDamage('nmse', 0.05, 0.08, 0.01, 1), { cost: 3, tolerance: 1, threshold: 0.01, exceeded: true });
    assert.equal(pruningDamage('accuracy', 0.9, 0.89, 0.01, 1).exceeded, false, 'exactly the tolerance is within it');
  });
});

describe('the status bar over every run of the window', () => {
  it('one live run: its progress, and a click stops it', () => {
    const store = new RunStore();
    const run = store.add('file:///w/small.dnn', 'run-1', EVENTS[0]!);
    store.add('file:///w/small.dnn', 'run-1', EVENTS[1]!);
    const view = statusView(store.live(), undefined)!;
    assert.match(view.text, /^\$\(loading~spin\) DropNeuron: epoch 1\/5 · \d+\.\d\d % · fc1 \d+\/64 fc2 \d+\/32 out 10\/10$/);
    assert.deepEqual(view.command, { title: 'Stop Training', command: 'dropneuron.stop', arguments: [run.uri] });
  });

  it('several live runs: how many, the latest one’s kept neurons, and a click picks one', () => {
    const store = new RunStore();
    store.add('file:///w/a.dnn', 'run-1', EVENTS[0]!);
    store.add('file:///w/b.dnn', 'run-2', EVENTS[0]!);
    store.add('file:///w/b.dnn', 'run-2', EVENTS[1]!);
    const view = statusView(store.live(), undefined)!;
    assert.match(view.text, /^\$\(sync~spin\) DropNeuron: 2 runs · mnist-small fc1 \d+\/64$/);
    assert.equal(view.command?.command, 'dropneuron.pickRun');
    assert.equal(view.tooltip.split('\n').filter((l) => l.startsWith('mnist-small: ')).length, 2, view.tooltip);
  });

  it('a finished run within its tolerance gets the check mark; one that wrecked its model a warning naming the cost', () => {
    const store = new RunStore();
    const fine = store.add('file:///w/a.dnn', 'run-1', { ...DONE, summary: { ...DONE.summary, damage: pruningDamage('accuracy', 0.9, 0.899, 0.01, 1) } });
    assert.match(statusView([], fine)!.text, /^\$\(check\) DropNeuron: /);
    assert.equal(statusView([], fine)!.warning, undefined);
    const bad = store.add('file:///w/b.dnn', 'run-2', wrecked());
    const view = statusView([], bad)!;
    assert.match(view.text, /^\$\(warning\) DropNeuron: 29\.58 % · .* · pruning cost 58\.6 points$/);
    assert.equal(view.warning, true);
    assert.match(view.tooltip, /pruning at threshold 0\.1 cost 58\.6 points: 88\.16 % → 29\.58 %, more than the tolerance of 1\.00 point/);
    assert.match(view.tooltip, /lower `threshold` or a smaller `dropneuron` λ/);
  });

  it('a finished run that pruned nothing is no plain success: an info mark, and the guidance in the tooltip', () => {
    const store = new RunStore();
    const guidance = 'Nothing was pruned: dropneuron 0.0005 is too weak for this network; try dropneuron auto.';
    const run = store.add('file:///w/a.dnn', 'run-1', { ...DONE, summary: { ...DONE.summary, guidance } });
    const view = statusView([], run)!;
    assert.match(view.text, /^\$\(info\) DropNeuron: /);
    assert.ok(view.tooltip.includes(`\n\n${guidance}\n\n`), view.tooltip);
    assert.match(statusView([], store.add('file:///w/b.dnn', 'run-2', DONE))!.tooltip, / after pruning\. Click to show the training stats\.$/);
  });

  it('an interrupted run offers Resume; a failure says it failed', () => {
    const store = new RunStore();
    store.add('file:///w/a.dnn', 'run-1', EVENTS[0]!);
    const run = store.add('file:///w/a.dnn', 'run-1', crash(RUN_DIR));
    assert.equal(run.status, 'interrupted');
    const view = statusView(store.live(), run)!;
    assert.match(view.text, /^\$\(debug-disconnect\) DropNeuron: mnist-small interrupted$/);
    assert.deepEqual(view.command, { title: 'Resume Run', command: 'dropneuron.resumeRun', arguments: [RUN_DIR] });
    const failed = store.add('file:///w/b.dnn', 'run-2', { v: 1, type: 'error', kind: 'data', message: 'x.csv: no such file' });
    assert.equal(failed.status, 'error');
    assert.equal(statusView([], failed)!.text, '$(error) DropNeuron: training failed');
  });
});

describe('runs across a reload', () => {
  it('restore brings a record up to date without doubling its events; settle marks the ones no server follows', () => {
    const store = new RunStore();
    const heard: string[] = [];
    store.onEvent((run, event) => heard.push(`${run.runId}:${event.type}`));
    store.add('file:///w/a.dnn', 'run-1', EVENTS[0]!);
    store.add('file:///w/b.dnn', 'run-2', EVENTS[0]!);
    const restored = store.restore({ uri: 'file:///w/a.dnn', runId: 'run-1', runDir: RUN_DIR, events: EVENTS.slice(0, 3) });
    assert.equal(restored.events.length, 3);
    assert.equal(restored.runDir, RUN_DIR);
    assert.equal(heard.at(-1), 'run-1:epoch', 'listeners hear where the run now stands');
    const gone = store.settle([{ uri: 'file:///w/a.dnn', runId: 'run-1', events: [] }]);
    assert.deepEqual(
      gone.map((r) => [r.runId, r.status]),
      [['run-2', 'interrupted']],
    );
    assert.deepEqual(
      store.live().map((r) => r.runId),
      ['run-1'],
    );
  });

  it('statusOf reads the events since the run began', () => {
    assert.equal(statusOf(EVENTS.slice(0, 2)), 'running');
    assert.equal(statusOf(EVENTS), 'done');
    assert.equal(statusOf([EVENTS[0]!, crash(RUN_DIR)]), 'interrupted');
    assert.equal(statusOf([crash()]), 'error', 'a trainer that never began has nothing to resume');
  });

  it('the Runs view shows an interrupted run as such', () => {
    const info: RunInfo = {
      runDir: '/w/.dropneuron/runs/a',
      specPath: '/w/a.dnn',
      started: '2026-11-25T10:00:00.000Z',
      model: 'a',
      finished: false,
      state: 'interrupted',
    };
    const [row] = runRows([info]);
    assert.equal(row!.state, 'interrupted');
    assert.match(row!.tooltip, /interrupted: .*Resume continues it/);
    assert.equal(runRows([{ ...info, state: 'running' }])[0]!.state, 'running');
    assert.equal(
      runRows([{ runDir: info.runDir, specPath: info.specPath, started: info.started, model: 'a', finished: true }])[0]!.state,
      'done',
      'an older server without states',
    );
  });
});

describe('failures with a way out', () => {
  it('each kind is one sentence naming what failed and the fix, with the buttons that do it', () => {
    const nodePath = failureView(
      { ...crash(), message: 'The trainer could not start: the Node at /x/node does not exist.', setting: 'dropneuron.trainer.nodePath' },
      'small.dnn',
    );
    assert.deepEqual(
      nodePath.actions.map((a) => a.title),
      ['Open Settings', 'Show Log'],
    );
    assert.deepEqual(nodePath.actions[0], { title: 'Open Settings', setting: 'dropneuron.trainer.nodePath' });
    assert.deepEqual(
      failureView(crash(RUN_DIR), 'small.dnn').actions.map((a) => a.title),
      ['Resume', 'Show Log'],
    );
    const spec = failureView(
      {
        v: 1,
        type: 'error',
        kind: 'spec',
        message: '/w/small.dnn:4:13: DNN230 expected a layer size ≥ 1, found 0',
        file: '/w/small.dnn',
        range: { start: { line: 3, character: 12 }, end: { line: 3, character: 13 } },
      },
      'small.dnn',
    );
    assert.equal(spec.message, 'small.dnn has an error on line 4 that stops training: DNN230 expected a layer size ≥ 1, found 0');
    assert.deepEqual(spec.actions[0], { title: 'Open Spec', file: '/w/small.dnn', line: 3 });
    const data = failureView({ v: 1, type: 'error', kind: 'data', message: '/w/x.csv: no such file' }, 'small.dnn');
    assert.match(data.message, /^The data of small\.dnn could not be read, so it was not trained: .*Fix the spec's `data` line or the file it names\.$/);
    assert.equal(data.actions[0]!.title, 'Open Spec');
    assert.deepEqual(
      failureView({ v: 1, type: 'error', kind: 'backend', message: 'webgpu: no GPU' }, 'small.dnn').actions.map((a) => a.title),
      ['Show Backends', 'Open Settings', 'Show Log'],
    );
  });
});

describe('Shrink after a damaged run', () => {
  it('asks, naming the new sizes and what they cost; a run within its tolerance is not asked about', () => {
    const asked = shrinkConfirmation(wrecked().summary)!;
    assert.equal(asked.message, 'Shrink to sizes whose pruning cost 58.6 points?');
    assert.match(asked.detail, /^New sizes: fc1 64 → \d+/);
    assert.match(asked.detail, /pruning at threshold 0\.1 cost 58\.6 points: 88\.16 % → 29\.58 %, more than its tolerance of 1\.00 point/);
    assert.equal(shrinkConfirmation(DONE.summary), undefined, 'a run recorded before the verdict');
    assert.equal(shrinkConfirmation({ ...DONE.summary, damage: pruningDamage('accuracy', 0.9, 0.899, 0.01, 1) }), undefined);
  });
});
