import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { StartEvent, Summary } from '../../protocol/events.ts';
import type { PruneResult } from '../../protocol/prune.ts';
import { withOverride, OVERRIDABLE_SETTINGS } from '../../protocol/settings.ts';
import {
  paretoFront,
  pointFlaws,
  sweepFront,
  sweepPoint,
  SWEEP_FILE,
  type SweepFile,
  type SweepPoint,
  type Trial,
  type TrialResult,
} from '../../protocol/sweep.ts';
import { trialDir } from '../../store/sweepFile.ts';
import { LocalExecutor } from '../../cli/sweep/executor.ts';
import { expandTrials, mergeAxes, trialId } from '../../cli/sweep/expand.ts';
import { parseSweepFlag, parseThresholds } from '../../cli/sweep/flags.ts';
import { dropneuron, ROOT } from '../helpers/cli.ts';
import { syntheticSpec } from '../helpers/specs.ts';
import { tempDir } from '../helpers/tempDir.ts';

const setting = (name: string) => OVERRIDABLE_SETTINGS.find((s) => s.name === name)!;

describe('the Pareto front', () => {
  const p = (trial: string, error: number, params: number) => ({ trial, threshold: 0, error, params });

  it('keeps the points no other point beats on both error and parameters, by parameters', () => {
    const points = [p('a', 0.02, 50_000), p('b', 0.03, 20_000), p('c', 0.025, 60_000), p('d', 0.015, 90_000), p('e', 0.05, 20_000), p('f', 0.04, 10_000)];
    assert.deepEqual(
      paretoFront(points).map((x) => x.trial),
      ['f', 'b', 'a', 'd'],
    );
  });

  it('a point equal on one axis and worse on the other is dominated; equal points both stay', () => {
    assert.deepEqual(
      paretoFront([p('a', 0.02, 100), p('b', 0.02, 200), p('c', 0.03, 100)]).map((x) => x.trial),
      ['a'],
    );
    assert.deepEqual(
      paretoFront([p('a', 0.02, 100), p('b', 0.02, 100)]).map((x) => x.trial),
      ['a', 'b'],
    );
    assert.deepEqual(paretoFront([]), []);
    assert.deepEqual(
      paretoFront([p('nan', NaN, 5), p('a', 0.1, 10)]).map((x) => x.trial),
      ['a'],
    );
  });
});

describe('broken points (pointFlaws): shown, never on the front', () => {
  const point = (threshold: number, params: number, afterPrune: number, extra: Partial<SweepPoint> = {}): SweepPoint => ({
    threshold,
    metric: 'accuracy',
    afterPrune,
    error: 1 - afterPrune,
    params,
    weightsKept: params,
    compression: 2,
    kept: { inputs: 784, fc1: 20, out: 10 },
    beforePrune: 0.9,
    classes: 10,
    ...extra,
  });
  // The trial: MNIST's most common digit is 11.35 % of its test set, and the smallest model scores just that.
  const atChance = point(1, 10, 0.1135, { kept: { inputs: 0, fc1: 0, out: 10 }, damage: { cost: 78.65, tolerance: 1, threshold: 1, exceeded: true } });
  const overTolerance = point(0.2, 3000, 0.8, { damage: { cost: 10, tolerance: 1, threshold: 0.2, exceeded: true } });
  const sound = point(0.05, 20000, 0.9, { damage: { cost: 0.5, tolerance: 1, threshold: 0.05, exceeded: false } });

  it('names every reason in plain words: a layer emptied, chance, the cost past the tolerance', () => {
    assert.deepEqual(
      pointFlaws(atChance).map((f) => f.kind),
      ['collapsed', 'chance', 'damage'],
    );
    assert.match(pointFlaws(atChance)[1]!.reason, /accuracy 11\.35 % is no better than chance \(guessing among 10 classes scores 10\.00 %\)/);
    assert.match(pointFlaws(overTolerance)[0]!.reason, /cost 10\.0 points \(90\.00 % → 80\.00 %\), more than the spec's tolerance of 1\.00 point/);
    assert.deepEqual(pointFlaws(sound), []);
    // NMSE: predicting zeros scores 1; MSE has no yardstick without the data.
    assert.equal(pointFlaws({ ...sound, metric: 'nmse', afterPrune: 0.97, error: 0.97 })[0]?.kind, 'chance');
    assert.deepEqual(pointFlaws({ ...sound, metric: 'nmse', afterPrune: 0.2, error: 0.2 }), []);
    assert.deepEqual(pointFlaws({ ...sound, metric: 'mse', afterPrune: 5, error: 5 }), []);
    // A sweep recorded before `classes`: the output layer's kept neurons are its classes.
    const { classes: _, ...old } = atChance;
    assert.ok(pointFlaws(old).some((f) => f.kind === 'chance'));
  });

  it('judged on the validation rows where the point has them: the test set does not decide what may be on the front', () => {
    // sweepPoint measures the damage on validation from the summary's two validation metrics.
    const summary = {
      metric: 'accuracy',
      beforePrune: 0.9,
      afterPrune: 0.895,
      validationBeforePrune: 0.92,
      validationMetric: 0.9,
      damage: { cost: 0.5, tolerance: 1, threshold: 0.05, exceeded: false },
      compactParams: 20000,
      weightsKept: 20000,
      compression: 2,
      inputs: { kept: 784, total: 784 },
      layers: [],
    } as unknown as Summary;
    const measured = sweepPoint(summary, 0.05);
    assert.deepEqual(measured.validationDamage, { cost: 2, tolerance: 1, threshold: 0.05, exceeded: true });
    // Within the tolerance on test, past it on validation: broken, and the sentence names the validation rows.
    const flaws = pointFlaws({ ...sound, ...measured, classes: 10, kept: sound.kept });
    assert.deepEqual(
      flaws.map((f) => f.kind),
      ['damage'],
    );
    assert.match(flaws[0]!.reason, /cost on validation 2\.00 points \(92\.00 % → 90\.00 %\), more than the spec's tolerance of 1\.00 point/);
    // Past it on test, within it on validation: sound, for the test set is only reported on.
    const withinOnValidation = {
      validationMetric: 0.9,
      validationBeforePrune: 0.905,
      validationDamage: { cost: 0.5, tolerance: 1, threshold: 0.2, exceeded: false },
    };
    assert.deepEqual(pointFlaws({ ...overTolerance, ...withinOnValidation }), []);
    // At chance on validation, not on test.
    assert.match(pointFlaws({ ...sound, validationMetric: 0.11 })[0]!.reason, /^validation accuracy 11\.00 % is no better than chance/);
    // A validation sweep recorded before the validation metric before pruning was kept: the damage on test.
    assert.equal(pointFlaws({ ...overTolerance, validationMetric: 0.8 })[0]?.kind, 'damage');
  });

  it('the front leaves them out: a tiny model at chance does not dominate the models that work', () => {
    const trials = [
      { id: 'a', status: 'done' as const, result: { status: 'done' as const, points: [sound, atChance] } },
      { id: 'b', status: 'done' as const, result: { status: 'done' as const, points: [overTolerance] } },
    ];
    assert.deepEqual(
      sweepFront(trials).map((f) => [f.trial, f.threshold]),
      [['a', 0.05]],
    );
    // Without the rule the chance point would lead the front (fewest parameters).
    assert.equal(paretoFront(trials.flatMap((t) => t.result.points))[0], atChance);
  });
});

describe('sweep expansion', () => {
  it('is the cross product of the trained settings; threshold values are measured, not trained', () => {
    const axes = [
      { name: 'dropneuron', values: [0.001, 0.01] },
      { name: 'threshold', values: [0.001, 0.01, 0.1] },
      { name: 'optimizer', values: ['adam', 'sgd'] },
    ];
    const shared = withOverride({}, setting('epochs'), 2);
    const trials = expandTrials('spec.dnn', axes, shared);
    assert.deepEqual(
      trials.map((t) => t.id),
      ['dropneuron=0.001,optimizer=adam', 'dropneuron=0.001,optimizer=sgd', 'dropneuron=0.01,optimizer=adam', 'dropneuron=0.01,optimizer=sgd'],
    );
    for (const t of trials) {
      assert.deepEqual(t.thresholds, [0.001, 0.01, 0.1]);
      assert.equal(t.overrides.train?.epochs, 2);
      assert.equal(t.overrides.regularize?.dropneuron, t.settings.dropneuron);
      assert.equal(t.overrides.train?.optimizer, t.settings.optimizer);
      assert.equal(t.overrides.regularize?.threshold, undefined);
    }
  });

  it("a trial's settings win over the shared flags; only thresholds make one trial", () => {
    const [only] = expandTrials('spec.dnn', [{ name: 'threshold', values: [0.01, 0.02] }], withOverride({}, setting('l1'), 0.5));
    assert.equal(only?.id, 'base');
    assert.equal(only?.overrides.regularize?.l1, 0.5);
    const [t] = expandTrials('spec.dnn', [{ name: 'l1', values: [0.1] }], withOverride({}, setting('l1'), 0.5));
    assert.equal(t?.overrides.regularize?.l1, 0.1);
  });

  it('ids come from the settings, so a reordered sweep finds the same folders', () => {
    assert.equal(trialId({ l1: 1e-5, optimizer: 'adam' }), 'l1=0.00001,optimizer=adam');
    assert.equal(trialId({ l1: 1e-7 }), 'l1=1e-7');
  });

  it('--sweep flags replace the spec’s line of the same setting and add the others', () => {
    const merged = mergeAxes(
      [
        { name: 'l1', values: [1] },
        { name: 'threshold', values: [0.1] },
      ],
      [
        { name: 'threshold', values: [0.2, 0.3] },
        { name: 'seed', values: [1, 2] },
      ],
    );
    assert.deepEqual(merged, [
      { name: 'l1', values: [1] },
      { name: 'threshold', values: [0.2, 0.3] },
      { name: 'seed', values: [1, 2] },
    ]);
  });

  it('--sweep and --threshold values are checked as the spec’s are', () => {
    assert.deepEqual(parseSweepFlag('keep-prob=0.5,1'), [{ name: 'keep_prob', values: [0.5, 1] }]);
    assert.deepEqual(parseThresholds('1e-3, 0.01'), [0.001, 0.01]);
    assert.throws(() => parseSweepFlag('keep_prob=0,1'), /`keep_prob`: expected a number in \(0, 1\], found "0"/);
    assert.throws(() => parseSweepFlag('drop=0.1'), /NAME one of .*dropneuron/);
    assert.throws(() => parseSweepFlag('l1='), /expected values for `l1`/);
    assert.throws(() => parseSweepFlag('l1'), /expected l1=V1,V2, found no values/);
    assert.throws(() => parseSweepFlag('l1=1', [{ name: 'l1', values: [2] }]), /once among the --sweep flags/);
    assert.throws(() => parseThresholds('-1'), /expected a number ≥ 0/);
  });
});

/**
 * The run-folder tests' small classifier (test/helpers/specs.ts), with a sweep of two λ and two thresholds. Its
 * labels are random (fast, for the sweep's mechanics): its points are at chance, never a front.
 */
const SPEC = `${syntheticSpec(2, '  seed 5\n')}sweep {
  dropneuron 0.001 0.03
  threshold 0.01 0.05
}
`;

describe('dropneuron sweep (the built CLI, real trainer processes)', () => {
  let dir: string;
  let spec: string;
  let sweepDir: string;
  before(() => {
    dir = tempDir('dnn-sweep-');
    spec = join(dir, 'syn.dnn');
    writeFileSync(spec, SPEC);
    sweepDir = join(dir, 'sweep');
  });
  const read = (): SweepFile => JSON.parse(readFileSync(join(sweepDir, SWEEP_FILE), 'utf8')) as SweepFile;

  it('trains every trial as a run in the sweep folder and writes sweep.json with the front, and frontier.svg', () => {
    const r = dropneuron(['sweep', spec, '--out', sweepDir, '--parallel', '2', '--epochs', '1'], { timeout: 180_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /2 trials \(dropneuron × 2, threshold × 2\), each measured at 2 thresholds without retraining; 0 already done/);
    const file = read();
    assert.deepEqual(
      file.trials.map((t) => [t.id, t.status, t.result?.points.map((p) => p.threshold)]),
      [
        ['dropneuron=0.001', 'done', [0.01, 0.05]],
        ['dropneuron=0.03', 'done', [0.01, 0.05]],
      ],
    );
    assert.equal(file.shared.epochs, 1);
    const points = file.trials.flatMap((t) => t.result!.points.map((p) => ({ trial: t.id, ...p })));
    for (const p of points) {
      assert.equal(p.error, 1 - p.afterPrune);
      assert.ok(p.params > 0);
    }
    // `synthetic` draws its labels at random: every point is at chance, so none is on the front (before the rule,
    // noise made a "front" of whichever point was luckiest), and the chart crosses them all out.
    for (const p of points)
      assert.ok(
        pointFlaws(p).some((f) => f.kind === 'chance'),
        `${p.trial} at ${p.threshold}: ${p.afterPrune} is chance`,
      );
    assert.deepEqual(file.front, []);
    assert.match(r.stdout, /Pareto front: 0 points/);
    assert.match(readFileSync(join(sweepDir, 'frontier.svg'), 'utf8'), /0 on the front, 4 broken/);
    // Each trial is an ordinary run folder: its start event took the trial's settings and the shared flags.
    const start = readFileSync(join(trialDir(sweepDir, 'dropneuron=0.03'), 'events.jsonl'), 'utf8').split('\n')[0]!;
    assert.deepEqual((JSON.parse(start) as StartEvent).overrides, { dropneuron: 0.03, epochs: 1 });
    assert.match(readFileSync(join(sweepDir, 'frontier.svg'), 'utf8'), /^<svg[^>]*>.*kept parameters/s);
  });

  it('rerun, it skips the finished trials; with a new value, it trains only that one', () => {
    const log = join(trialDir(sweepDir, 'dropneuron=0.001'), 'events.jsonl');
    const before = statSync(log).mtimeMs;
    const again = dropneuron(['sweep', spec, '--out', sweepDir, '--epochs', '1'], { timeout: 60_000 });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /2 already done/);
    const more = dropneuron(['sweep', spec, '--out', sweepDir, '--epochs', '1', '--sweep', 'dropneuron=0.001,0.03,0.1'], { timeout: 120_000 });
    assert.equal(more.status, 0, more.stdout + more.stderr);
    assert.match(more.stdout, /3 trials .* 2 already done/);
    assert.deepEqual(
      read().trials.map((t) => t.status),
      ['done', 'done', 'done'],
    );
    assert.equal(statSync(log).mtimeMs, before, 'a finished trial is not trained again');
  });

  it('a trial folder started with other settings is an error naming it, not a silent mix', () => {
    const r = dropneuron(['sweep', spec, '--out', sweepDir, '--epochs', '2', '--sweep', 'dropneuron=0.001'], { timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /trial dropneuron=0\.001 failed: .*was started with other settings \(dropneuron 0\.001, epochs 1, not dropneuron 0\.001, epochs 2\)/,
    );
  });

  it('a spec without a sweep block and no --sweep flag is one line', () => {
    const plain = join(dir, 'plain.dnn');
    writeFileSync(plain, SPEC.slice(0, SPEC.indexOf('sweep {')));
    const r = dropneuron(['sweep', plain]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), `dropneuron sweep: expected a \`sweep { … }\` block in ${plain} or --sweep NAME=V1,V2 flags, found neither`);
  });

  it('a stopped trial resumes from its folder on the next run', async () => {
    const out = join(dir, 'resume');
    const [trial] = expandTrials(spec, [{ name: 'l1', values: [0.0002] }], withOverride({}, setting('epochs'), 4)) as [Trial];
    const cli = { node: process.execPath, args: [join(ROOT, 'bin', 'dropneuron.js')] };
    const results: TrialResult[] = [];
    const starts: StartEvent[] = [];
    const stop = new AbortController();
    const hooks = {
      onEvent: (_: string, e: { type: string }) => {
        if (e.type === 'start') starts.push(e as StartEvent);
        if (e.type === 'epoch') stop.abort();
      },
      onDone: (_: string, r: TrialResult) => results.push(r),
    };
    await new LocalExecutor(1, cli).run([trial], out, hooks, stop.signal);
    assert.equal(results[0]?.status, 'stopped', JSON.stringify(results[0]));
    await new LocalExecutor(1, cli).run([trial], out, hooks, new AbortController().signal);
    assert.equal(results[1]?.status, 'done', JSON.stringify(results[1]));
    assert.equal(starts[0]?.startEpoch, 1);
    assert.ok(starts[1]!.startEpoch > 1, `expected the second run to resume, found it started at epoch ${starts[1]?.startEpoch}`);
    assert.equal(results[1]?.epochsCompleted, 4);
  });

  it('dropneuron prune --json measures a trial at any threshold; a folder that is no run is one line', () => {
    const run = trialDir(sweepDir, 'dropneuron=0.03');
    const r = dropneuron(['prune', run, '--threshold', '0.01,0.2', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as PruneResult);
    assert.deepEqual(
      lines.map((l) => l.threshold),
      [0.01, 0.2],
    );
    assert.ok(lines[1]!.summary.weightsKept < lines[0]!.summary.weightsKept);
    const text = dropneuron(['prune', run, '--threshold', '0.05']);
    assert.match(text.stdout, /trained with threshold 0\.01/);
    const bad = dropneuron(['prune', dir]);
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /^dropneuron prune: .*expected a run folder with run\.json, found none/);
  });
});
