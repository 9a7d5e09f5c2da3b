import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareRows } from '../../client/webview/compareModel.ts';
import { isFromWebview, isToWebview } from '../../client/webview/messages.ts';
import { autoView, normBins, replay } from '../../client/webview/viewModel.ts';
import { formatStrength } from '../../protocol/present.ts';
import type { DoneEvent, EpochEvent, TrainerEvent } from '../../protocol/events.ts';
import { formatCount, formatPart, formatShare } from '../../protocol/present.ts';
import { ROOT } from '../helpers/cli.ts';
import { RunStore, statusOf } from '../../client/src/runStore.ts';

const fixture = (name: string): TrainerEvent[] =>
  readFileSync(join(ROOT, 'test', 'fixtures', 'events', `${name}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TrainerEvent);
const PRUNING = fixture('mnist-pruning');
const DAMAGE = fixture('mnist-damage');
const SMALL = fixture('mnist-small');
/** A `dropneuron auto` run of a CSV spec (hand-made, csv-auto.dnn): reference, search, hold, fine-tune. */
const AUTO = fixture('csv-auto');

describe('the panel view model: before/after pruning, norms, damage, interrupted runs', () => {
  it('keeps the test metric before pruning beside the one after, per epoch', () => {
    const s = replay(PRUNING);
    assert.ok(s.rows.every((r) => r.testMetricUnpruned !== undefined));
    assert.equal(s.rows.at(-1)!.testMetricUnpruned, s.summary!.beforePrune, "the last epoch's unpruned metric is the summary's before-pruning one");
    assert.ok(s.rows.every((r) => r.testMetricUnpruned! >= r.testMetric - 0.05));
    // A run recorded before the field existed has none, and nothing breaks.
    assert.ok(replay(SMALL).rows.every((r) => r.testMetricUnpruned === undefined));
  });

  it("takes the neurons' norms of the last training epoch, with the run's threshold", () => {
    const s = replay(PRUNING);
    assert.equal(s.norms?.epoch, 5);
    assert.equal(s.norms?.threshold, 0.05);
    assert.deepEqual(Object.keys(s.norms!.byLayer), ['fc1', 'fc2', 'out']);
    assert.equal(s.norms!.byLayer.fc1!.length, 64);
    // Once pruned (fine-tuning), the cut neurons are all zero: the histogram keeps the picture before pruning.
    const epochs = PRUNING.filter((e): e is EpochEvent => e.type === 'epoch');
    const finetune: EpochEvent = { ...epochs.at(-1)!, epoch: 6, phase: 'finetune', neuronNorms: { fc1: new Array<number>(64).fill(0) } };
    assert.equal(replay([...PRUNING.slice(0, -1), finetune]).norms?.epoch, 5);
  });

  it('bins the norms on a log scale; neurons at or above the threshold are the ones that keep a weight', () => {
    const s = replay(PRUNING);
    const bins = normBins(s.norms!);
    const counted = Object.values(bins.counts)
      .flat()
      .reduce((a, b) => a + b, 0);
    assert.equal(counted, 106, 'every neuron in a bin');
    assert.equal(bins.total, 106);
    const fc1Alive = PRUNING.filter((e): e is EpochEvent => e.type === 'epoch').at(-1)!.layers[0]!.aliveIn;
    const fc1Above = s.norms!.byLayer.fc1!.filter((v) => v >= 0.05).length;
    assert.equal(fc1Above, fc1Alive, 'a neuron keeps an incoming weight exactly when its largest |weight| is ≥ the threshold');
    assert.ok(bins.edges[0]! <= Math.log10(0.05) && bins.edges.at(-1)! + bins.width >= Math.log10(0.05), 'the threshold is on the axis');
    assert.ok(bins.edges.every((e, i) => i === 0 || Math.abs(e - bins.edges[i - 1]! - bins.width) < 1e-9));
  });

  it('a run past its tolerance carries the damage; one within it or recorded before it, none', () => {
    assert.deepEqual(replay(DAMAGE).damage, { cost: 78.78, tolerance: 1, threshold: 0.25, exceeded: true });
    assert.equal(replay(SMALL).damage, undefined);
    const done = DAMAGE.at(-1)!;
    assert.equal(done.type, 'done');
    if (done.type !== 'done') return;
    const fine = { ...done, summary: { ...done.summary, damage: { ...done.summary.damage!, exceeded: false } } };
    assert.equal(replay([...DAMAGE.slice(0, -1), fine]).damage, undefined);
  });

  it('a run no trainer runs any more, with no final event, is interrupted; a finished one never is', () => {
    assert.equal(replay(PRUNING.slice(0, 3), 't', true).status, 'interrupted');
    assert.equal(replay(PRUNING.slice(0, 3), 't', false).status, 'running');
    assert.equal(replay(PRUNING, 't', true).status, 'done');
  });

  it('a killed trainer’s crash with its run folder is an interrupted run, not a failed one; other errors fail', () => {
    const crash: TrainerEvent = { v: 1, type: 'error', kind: 'crash', message: 'the trainer was killed (SIGKILL)', runDir: '/w/.dropneuron/runs/r' };
    const killed = replay([...PRUNING.slice(0, 3), crash], 't');
    assert.equal(killed.status, 'interrupted');
    assert.equal(killed.error, undefined, 'no “The run failed” box');
    assert.equal(killed.rows.at(-1)!.epoch, 2);
    assert.equal(statusOf([...PRUNING.slice(0, 3), crash]), 'interrupted', 'the panel and the run store read it alike');
    // A crash before the run had its folder has nothing to resume from; a trainer's own error is a failure.
    const { runDir: _runDir, ...noFolder } = crash;
    assert.equal(replay([noFolder], 't').status, 'error');
    assert.equal(replay([...PRUNING.slice(0, 3), { ...crash, kind: 'trainer' }], 't').status, 'error');
    // Resumed: the new start event makes it a running run again.
    assert.equal(replay([...PRUNING.slice(0, 3), crash, PRUNING[0]!], 't').status, 'running');
  });

  it('a panel restored after a reload finds its run by folder, the live record before one read from the folder', () => {
    const store = new RunStore();
    const start = PRUNING[0]!;
    assert.equal(start.type, 'start');
    const runDir = start.type === 'start' ? start.runDir : '';
    const past = store.load(runDir, 'file:///w/a.dnn', PRUNING.slice(0, 3));
    assert.equal(store.byRunDir(runDir), past);
    const live = store.restore({ uri: 'file:///w/a.dnn', runId: 'r9', runDir, events: PRUNING.slice(0, 3) });
    assert.equal(store.byRunDir(runDir), live);
    assert.equal(store.byRunDir('/elsewhere'), undefined);
  });

  it('a run followed from mid-run gets its earlier events from its folder, once, and then charts from epoch 1', () => {
    const store = new RunStore();
    const start = PRUNING[0]!;
    const runDir = start.type === 'start' ? start.runDir : '';
    // After a reload the window heard epochs 4 and 5 only; the folder holds the start and epochs 1 to 4.
    for (const e of PRUNING.slice(4, 6)) store.add('file:///w/a.dnn', 'r1', e);
    const live = store.get('r1')!;
    assert.equal(live.runDir, undefined);
    const past = store.load(runDir, 'file:///w/a.dnn', PRUNING.slice(0, 5));
    store.backfill(live, past);
    const epochs = live.events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
    assert.deepEqual(epochs, [1, 2, 3, 4, 5], 'each epoch once, in order');
    assert.equal(live.events[0]!.type, 'start');
    assert.equal(live.runDir, runDir);
    assert.equal(live.status, statusOf(live.events));
    store.backfill(live, past);
    assert.equal(live.events.length, 6, 'a record that has its start is left as it is');
  });
});

describe('the compare table', () => {
  it('one column per run, settings then results, and what differs marked', () => {
    const rows = compareRows([replay(PRUNING), replay(DAMAGE)]);
    const row = (label: string) => rows.find((r) => r.label === label)!;
    assert.deepEqual(row('threshold'), { label: 'threshold', group: 'settings', values: ['0.05', '0.25'], same: false });
    assert.deepEqual(row('seed').values, ['2', '2']);
    assert.equal(row('seed').same, true);
    assert.deepEqual(row('test before pruning').values, ['87.70 %', '87.70 %']);
    assert.deepEqual(row('test after pruning').values, ['81.93 %', '8.92 %']);
    assert.deepEqual(row('pruning damage').values, ['⚠ 5.77 points', '⚠ 78.78 points']);
    assert.deepEqual(row('weights kept').values, ['4,333 of 52,544 (8.2 %)', '161 of 52,544 (0.31 %)']);
    assert.deepEqual(row('fc1 neurons').values, ['64 → 56', '64 → 0']);
    assert.equal(rows.findIndex((r) => r.group === 'results') > rows.map((r) => r.group).lastIndexOf('settings'), true);
    assert.equal(
      rows.find((r) => r.label === 'overrides'),
      undefined,
      'a row no run has is left out',
    );
  });

  it('a run still going shows its last epoch', () => {
    const rows = compareRows([replay(PRUNING.slice(0, 3)), replay(PRUNING)]);
    assert.deepEqual(rows.find((r) => r.label === 'status')!.values, ['running', 'done']);
    assert.deepEqual(rows.find((r) => r.label === 'compact params')!.values, ['—', '19,626 of 52,650']);
  });
});

describe('the panel view model of a dropneuron auto run', () => {
  it('keeps each epoch’s validation metric and search record, and the validation set’s size', () => {
    const s = replay(AUTO);
    assert.equal(s.validationSamples, 320);
    assert.equal(s.rows.length, 18);
    assert.ok(s.rows.every((r) => r.validationMetric !== undefined && r.auto !== undefined));
    assert.equal(s.summary?.validationMetric, 0.92);
    // A run without validation has none, and no auto view.
    assert.ok(replay(SMALL).rows.every((r) => r.validationMetric === undefined && r.auto === undefined));
    assert.equal(replay(SMALL).validationSamples, undefined);
    assert.equal(autoView(replay(SMALL)), undefined);
  });

  it('names the stage each epoch trained in: a record says where the search stands after its epoch', () => {
    const view = autoView(replay(AUTO))!;
    assert.deepEqual(
      view.epochs,
      Array.from({ length: 18 }, (_, i) => i + 1),
    );
    // Epoch 3's record already says `search` (the reference is measured), but epoch 3 trained without the penalty;
    // epoch 9's says `inputs` (λ left the band), but epoch 9 trained in the search; epoch 13's says `hold`.
    assert.deepEqual(view.spans, [
      { stage: 'reference', first: 1, last: 3 },
      { stage: 'search', first: 4, last: 9 },
      { stage: 'inputs', first: 10, last: 13 },
      { stage: 'hold', first: 14, last: 15 },
      { stage: 'finetune', first: 16, last: 18 },
    ]);
    assert.equal(view.stages[8], 'search');
    assert.equal(view.stages[12], 'inputs');
  });

  it('λ per epoch for a log axis (none where it was 0), the validation metric and the band once measured', () => {
    const view = autoView(replay(AUTO))!;
    assert.deepEqual(view.lambda.slice(0, 3), [null, null, null], 'reference epochs train without the penalty');
    assert.deepEqual(view.lambda.slice(15), [null, null, null], 'fine-tuning has no DropNeuron penalty');
    assert.equal(view.lambda[3], 1e-4);
    assert.ok(
      view.lambda.slice(3, 8).every((l, i) => i === 0 || l! > view.lambda[i + 2]!),
      'λ rises while the search is in the band',
    );
    assert.deepEqual(view.reference.slice(0, 3), [null, null, 0.918]);
    assert.deepEqual(view.floor.slice(2, 4), [0.908, 0.908]);
    assert.equal(view.validation[8], 0.874, 'the epoch that left the band');
    assert.ok(view.validation[8]! < view.floor[8]!);
    // The input groups' λ: λ until the inputs stage raises their multiplier (×3, ×9, back to ×3 in the hold).
    assert.deepEqual(
      view.inputsLambda!.slice(8, 15).map((v) => Number(v!.toPrecision(3))),
      [0.0243, 0.0081, 0.0243, 0.0729, 0.0729, 0.0243, 0.0243],
    );
    assert.equal(autoView(replay(AUTO.slice(0, 9)))!.inputsLambda, undefined, 'no line of its own while it is λ itself');
  });

  it('says the λ the run settled on and the settings that reproduce it; mid-search, the λ of the next epoch', () => {
    const done = replay(AUTO);
    const view = autoView(done)!;
    assert.equal(view.settled, true);
    assert.equal(formatStrength(view.lambdaNow!), '0.0081');
    assert.equal(formatStrength(0.010660199504915188), '0.0107');
    assert.deepEqual(view.settings, { dropneuron: 0.0081, inputs_weight: 3 });
    const searching = autoView(replay(AUTO.slice(0, 7)))!;
    assert.equal(searching.settled, false);
    assert.equal(searching.lambdaNow, 0.0027, 'epoch 6 trained with 0.0009; epoch 7 trains with 0.0027');
    assert.equal(searching.settings, undefined, 'nothing to write before the run settles');
    const measuring = autoView(replay(AUTO.slice(0, 3)))!;
    assert.equal(measuring.lambdaNow, undefined, 'the reference epochs have no λ to show');
    assert.deepEqual(measuring.spans, [{ stage: 'reference', first: 1, last: 2 }]);
  });

  it('a finished run’s guidance stays in its summary (the panel’s banner reads it)', () => {
    const done = AUTO.at(-1) as DoneEvent;
    const guidance = 'Everything was pruned: λ 0.3 leaves no neuron of fc1; lower dropneuron, or use dropneuron auto.';
    assert.equal(replay([...AUTO.slice(0, -1), { ...done, summary: { ...done.summary, guidance } }]).summary?.guidance, guidance);
  });
});

describe('the new webview messages are validated', () => {
  it('compare carries runs, reset may say interrupted, the page may ask to resume', () => {
    assert.ok(isToWebview({ type: 'compare', runs: [{ runId: 'a', title: 'a.dnn · 10:00:00', events: PRUNING }] }));
    assert.ok(!isToWebview({ type: 'compare', runs: [] }));
    assert.ok(!isToWebview({ type: 'compare', runs: [{ runId: 'a', title: 3, events: [] }] }));
    assert.ok(isToWebview({ type: 'reset', runId: 'r', title: 't', events: [], interrupted: true }));
    assert.ok(!isToWebview({ type: 'reset', runId: 'r', title: 't', events: [], interrupted: 'yes' }));
    assert.ok(isFromWebview({ type: 'resume' }));
    assert.ok(!isFromWebview({ type: 'resume', runDir: '/etc' }), 'the page never names a folder to resume');
    assert.ok(isFromWebview({ type: 'useSettings' }));
    assert.ok(!isFromWebview({ type: 'useSettings', settings: { epochs: 1 } }), 'the page never names the settings: the host reads them from the run');
  });
});

describe('numbers read with the precision they need', () => {
  it('shares are never rounded to a misleading 0 % or 100 %; counts are grouped', () => {
    assert.equal(formatShare(0.0003), '0.03 %');
    assert.equal(formatShare(0.00031234), '0.031 %');
    assert.equal(formatShare(0), '0 %');
    assert.equal(formatShare(1), '100 %');
    assert.equal(formatShare(0.5832), '58.3 %');
    assert.equal(formatShare(0.9996), '99.96 %');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatPart(311, 784), '311 of 784 (39.7 %)');
    assert.equal(formatPart(0, 0), '0 of 0');
  });
});
