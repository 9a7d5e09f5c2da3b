import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepRows } from '../../client/src/views/runsModel.ts';
import { isFromSweepPage, isToSweepPage } from '../../client/webview/sweepMessages.ts';
import { anchorLines, metricAxis, paramsTick, pointLines, sweepView } from '../../client/webview/sweepModel.ts';
import { LENET_300_100 } from '../../cli/sweep/anchors.ts';
import { sweepAnchors } from '../../cli/sweep/folder.ts';
import type { RunInfo, SweepInfo } from '../../protocol/lsp.ts';
import type { SweepFile, SweepPoint } from '../../protocol/sweep.ts';

const point = (threshold: number, params: number, afterPrune: number): SweepPoint => ({
  threshold,
  metric: 'accuracy',
  afterPrune,
  error: 1 - afterPrune,
  params,
  weightsKept: params,
  compression: 2,
  kept: { inputs: 784, fc1: 20, out: 10 },
});

/** Two trained runs × two thresholds, one trial still training: what sweep.json holds mid-sweep. */
const SWEEP: SweepFile = {
  version: 1,
  specPath: '/w/swept.dnn',
  axes: [
    { name: 'dropneuron', values: [0.01, 0.05, 0.1] },
    { name: 'threshold', values: [0.05, 0.08] },
  ],
  shared: { epochs: 1 },
  trials: [
    {
      id: 'dropneuron=0.01',
      settings: { dropneuron: 0.01 },
      thresholds: [0.05, 0.08],
      runDir: 'trials/dropneuron=0.01',
      status: 'done',
      result: { status: 'done', points: [point(0.05, 20000, 0.9), point(0.08, 12000, 0.85)] },
    },
    {
      id: 'dropneuron=0.05',
      settings: { dropneuron: 0.05 },
      thresholds: [0.05, 0.08],
      runDir: 'trials/dropneuron=0.05',
      status: 'done',
      result: { status: 'done', points: [point(0.05, 15000, 0.8), point(0.08, 9000, 0.84)] },
    },
    { id: 'dropneuron=0.1', settings: { dropneuron: 0.1 }, thresholds: [0.05, 0.08], runDir: 'trials/dropneuron=0.1', status: 'running' },
  ],
  front: [
    { trial: 'dropneuron=0.05', threshold: 0.08, error: 1 - 0.84, params: 9000 },
    { trial: 'dropneuron=0.01', threshold: 0.08, error: 1 - 0.85, params: 12000 },
    { trial: 'dropneuron=0.01', threshold: 0.05, error: 1 - 0.9, params: 20000 },
  ],
  updated: '2026-11-25T18:00:00.000Z',
};

describe('the sweep panel’s model', () => {
  it('every finished point, the front joined by size, and a status line', () => {
    const view = sweepView(SWEEP);
    assert.equal(view.points.length, 4);
    assert.deepEqual(
      view.front.map((p) => [p.trial, p.threshold]),
      [
        ['dropneuron=0.05', 0.08],
        ['dropneuron=0.01', 0.08],
        ['dropneuron=0.01', 0.05],
      ],
    );
    assert.equal(view.points.find((p) => p.params === 15000)?.onFront, false);
    assert.equal(view.status, '4 points · 3 on the front · 2 of 3 trials done · 1 training');
    // The metric in the table's unit (accuracy in %), never the front's error as a fraction.
    assert.deepEqual(pointLines(view.front[0]!), ['dropneuron 0.05 · threshold 0.08', '9,000 parameters kept', 'accuracy 84.00 % after pruning']);
  });
  it('a broken point (at chance, a layer emptied, past the tolerance) is marked with why, and never on the front, even if sweep.json says so', () => {
    // The trial: the smallest model at 11.35 %, MNIST's most common digit; an older sweep.json put it on the front.
    const wrecked: SweepPoint = {
      ...point(1, 10, 0.1135),
      kept: { inputs: 0, fc1: 0, out: 10 },
      beforePrune: 0.9,
      classes: 10,
      damage: { cost: 78.65, tolerance: 1, threshold: 1, exceeded: true },
    };
    const sweep: SweepFile = {
      ...SWEEP,
      trials: SWEEP.trials.map((t) => (t.id === 'dropneuron=0.05' ? { ...t, result: { status: 'done' as const, points: [...t.result!.points, wrecked] } } : t)),
      front: [{ trial: 'dropneuron=0.05', threshold: 1, error: 1 - 0.1135, params: 10 }, ...SWEEP.front],
    };
    const view = sweepView(sweep);
    assert.deepEqual(
      view.front.map((p) => [p.trial, p.threshold]),
      [
        ['dropneuron=0.05', 0.08],
        ['dropneuron=0.01', 0.08],
        ['dropneuron=0.01', 0.05],
      ],
    );
    assert.deepEqual(
      view.broken.map((p) => [p.trial, p.threshold, p.flaws.map((f) => f.tag)]),
      [['dropneuron=0.05', 1, ['collapsed', 'at chance', 'over tolerance']]],
    );
    assert.equal(view.status, '5 points · 3 on the front · 1 broken · 2 of 3 trials done · 1 training');
    const lines = pointLines(view.broken[0]!);
    assert.equal(lines[2], 'accuracy 11.35 % after pruning (90.00 % before)');
    assert.match(lines[4]!, /^⚠ accuracy 11\.35 % is no better than chance \(guessing among 10 classes scores 10\.00 %\)/);
    assert.match(lines[5]!, /^⚠ pruning at threshold 1 cost 78\.7 points \(90\.00 % → 11\.35 %\), more than the spec's tolerance of 1\.00 point/);
  });
  it('a failed or stopped trial is listed with why', () => {
    const sweep: SweepFile = {
      ...SWEEP,
      trials: [
        ...SWEEP.trials.slice(0, 2),
        { ...SWEEP.trials[2]!, status: 'error', result: { status: 'error', message: 'expected the trainer to finish', points: [] } },
        { ...SWEEP.trials[2]!, id: 'x', status: 'stopped', result: { status: 'stopped', epochsCompleted: 3, points: [] } },
      ],
    };
    assert.deepEqual(
      sweepView(sweep).failed.map((f) => f.reason),
      ['failed: expected the trainer to finish', 'stopped after 3 epochs: it resumes on the next run of the sweep'],
    );
  });
  it('the chart’s axes: the table’s metric in its unit, and parameter labels that cannot overlap', () => {
    const accuracy = metricAxis('accuracy');
    assert.equal(accuracy.value({ afterPrune: 0.84 }), 84);
    assert.equal(accuracy.tick(84), '84 %');
    assert.match(accuracy.title, /accuracy.*\(%\)/);
    assert.equal(metricAxis('nmse').type, 'logarithmic');
    assert.equal(metricAxis('nmse').value({ afterPrune: 0.02 }), 0.02);
    // Within two decades: 1, 2 and 5 × a power of ten; wider, the powers of ten only; never the ticks between.
    assert.deepEqual(
      [1000, 2000, 3000, 5000, 10000, 20000].map((v) => paramsTick(v, 1000, 20000)),
      ['1,000', '2,000', '', '5,000', '10,000', '20,000'],
    );
    assert.deepEqual(
      [10, 20, 50, 100, 1000, 10000, 20000].map((v) => paramsTick(v, 10, 20000)),
      ['10', '', '', '100', '1,000', '10,000', ''],
    );
  });
  it('a LeNet-300-100 sweep’s published results: diamonds in the chart’s unit, named under it, never points or front', () => {
    const sweep: SweepFile = { ...SWEEP, anchors: sweepAnchors(LENET_300_100) };
    const view = sweepView(sweep);
    assert.deepEqual(
      view.anchors.map((a) => a.label),
      ['DropNeuron 542-83-61', 'L0 266-88-33', 'SBP 245-160-55', 'VIB 97-71-33', 'BC-GHS 311-86-14'],
    );
    // On the accuracy axis as the points are: L0's 1.6 % error is 98.4 on it.
    const l0 = view.anchors[1]!;
    assert.ok(Math.abs(metricAxis('accuracy').value(l0) - 98.4) < 1e-9);
    assert.equal(l0.params, 266 * 88 + 88 + 88 * 33 + 33 + 33 * 10 + 10);
    // Not points: the table, the front and the status line are the sweep's own.
    assert.equal(view.points.length, 4);
    assert.equal(view.front.length, 3);
    assert.equal(view.status, sweepView(SWEEP).status);
    assert.equal(
      view.anchorsText,
      '◆ published results for LeNet-300-100: DropNeuron 542-83-61 (98.17 %), L0 266-88-33 (98.40 %), SBP 245-160-55 (98.40 %), ' +
        'VIB 97-71-33 (98.40 %), BC-GHS 311-86-14 (98.20 %); their errors are the best test error seen during training (a checkpoint picked on the test set)',
    );
    assert.deepEqual(anchorLines(l0), [
      '◆ L0 266-88-33 (a target)',
      'L0 regularisation (Louizos 2018)',
      'kept inputs-fc1-fc2: 266-88-33',
      '26,773 parameters',
      'accuracy 98.40 %, published: the best seen during training',
    ]);
    // Another model's sweep names none.
    assert.deepEqual(sweepView(SWEEP).anchors, []);
    assert.equal(sweepView(SWEEP).anchorsText, '');
    // The page takes them only as an object with a list.
    assert.ok(isToSweepPage({ type: 'sweep', model: 'm', specPath: '/w/m.dnn', sweep }));
    assert.ok(!isToSweepPage({ type: 'sweep', model: 'm', specPath: '/w/m.dnn', sweep: { ...sweep, anchors: { model: 'x', points: 3 } } }));
  });
  it('before sweep.json exists: no points, and says it waits', () => {
    assert.deepEqual(sweepView(null).points, []);
    assert.match(sweepView(null).status, /waiting/);
  });
  it('accepts only the typed messages', () => {
    assert.ok(isFromSweepPage({ type: 'apply', trial: 'a', threshold: 0.05 }));
    assert.ok(!isFromSweepPage({ type: 'apply', trial: 'a', threshold: '0.05' }));
    assert.ok(!isFromSweepPage({ type: 'apply', trial: 'a', threshold: 0.05, path: '/etc' }));
    assert.ok(!isFromSweepPage({ type: 'delete', trial: 'a' }));
    assert.ok(isToSweepPage({ type: 'sweep', model: 'm', specPath: '/w/m.dnn', sweep: null }));
    assert.ok(!isToSweepPage({ type: 'sweep', model: 'm', sweep: null }), 'the spec swept is what Reload Window restores the panel by');
    assert.ok(!isToSweepPage({ type: 'sweep', model: 'm', specPath: '/w/m.dnn', sweep: { trials: 1 } }));
  });
});

describe('sweeps in the Runs view', () => {
  it('a sweep row with its trials under it; a trial with a run folder is that run’s row, named by its settings', () => {
    const run = {
      runDir: '/w/.dropneuron/sweeps/swept/trials/dropneuron=0.01',
      specPath: '/w/swept.dnn',
      model: 'swept',
      started: '2026-11-25T18:00:00.000Z',
      finished: true,
      state: 'done',
    } as RunInfo;
    const info: SweepInfo = { sweepDir: '/w/.dropneuron/sweeps/swept', model: 'swept', sweep: SWEEP, runs: { 'dropneuron=0.01': run } };
    const [row] = sweepRows([info]);
    assert.equal(row!.label, 'swept · sweep');
    assert.equal(row!.description, '2/3 trials · 3 on the front');
    assert.equal(row!.state, 'running');
    assert.match(row!.tooltip, /best on the front: accuracy 90\.00 % with 20,000 parameters \(dropneuron=0\.01, threshold 0\.05\)/);
    assert.deepEqual(
      row!.trials.map((t) => [t.label, t.status, t.run?.row.label]),
      [
        ['dropneuron=0.01', 'done', 'dropneuron=0.01'],
        ['dropneuron=0.05', 'done', undefined],
        ['dropneuron=0.1', 'running', undefined],
      ],
    );
  });
});
