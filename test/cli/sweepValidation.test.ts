import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Summary } from '../../protocol/events.ts';
import { formatMetric } from '../../protocol/present.ts';
import { pruningDamage } from '../../protocol/prune.ts';
import { sweepFront, SWEEP_FILE, type SweepFile } from '../../protocol/sweep.ts';
import { trialDir } from '../../store/sweepFile.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * 784-32-10 on 1 000 MNIST images, 200 of them held out (`validation 200`), one epoch: learnt enough to be far
 * from chance (synthetic data's random labels would leave every point at chance, and the front empty). The spec's
 * own threshold is one of the swept ones, so a re-pruned point can be checked against the run's own summary.
 */
const SPEC = `model tinyv {
  data mnist limit=1000
  input 784
  dense fc1 32 relu
  dense out 10
}

regularize {
  l1 0.0001
  dropneuron 0.001
  threshold 0.01
}

train {
  epochs 1
  batch 100
  seed 1
  validation 200
}

sweep {
  dropneuron 0.001 0.01
  threshold 0.01 0.05
}
`;

describe('dropneuron sweep with a validation split (the built CLI, real trainer processes)', () => {
  let dir: string;
  let sweepDir: string;
  let run: { status: number | null; stdout: string; stderr: string };
  before(() => {
    dir = tempDir('dnn-sweepval-');
    writeFileSync(join(dir, 'v.dnn'), SPEC);
    sweepDir = join(dir, 'sweep');
    run = dropneuron(['sweep', join(dir, 'v.dnn'), '--out', sweepDir, '--parallel', '1'], { timeout: 240_000 });
  });
  const read = (): SweepFile => JSON.parse(readFileSync(join(sweepDir, SWEEP_FILE), 'utf8')) as SweepFile;

  it('every re-pruned point carries its validation error, and sweep.json says the front was chosen on validation', () => {
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const file = read();
    const points = file.trials.flatMap((t) => t.result!.points);
    assert.equal(points.length, 4);
    for (const p of points) {
      assert.ok(p.validationMetric !== undefined && p.validationMetric > 0.2, `a validation metric past chance, found ${p.validationMetric}`);
      assert.equal(p.validationError, 1 - p.validationMetric);
      assert.equal(p.error, 1 - p.afterPrune, 'the error stays the test set’s');
      // Pruning's damage measured on the validation rows too, from the unpruned weights' validation metric: what
      // decides whether the point may be on the front.
      assert.ok(p.validationBeforePrune !== undefined && p.validationBeforePrune > 0.2, `a validation metric before pruning, found ${p.validationBeforePrune}`);
      assert.deepEqual(p.validationDamage, pruningDamage('accuracy', p.validationBeforePrune, p.validationMetric, p.threshold, p.damage!.tolerance));
    }
    // The unpruned weights are the same at every threshold of a trial.
    for (const t of file.trials) assert.equal(new Set(t.result!.points.map((p) => p.validationBeforePrune)).size, 1, t.id);
    for (const t of file.trials) assert.equal(t.result!.validationSamples, 200);
    assert.equal(file.frontSelectedOn, 'validation');
    assert.ok(file.front.length >= 1, 'a front of the sound points');
    assert.deepEqual(file.front, sweepFront(file.trials));
    for (const f of file.front) assert.equal(typeof f.validationError, 'number');
    // 784-32-10 is no model with published results: sweep.json names none, and the panel draws none.
    assert.equal(file.anchors, undefined);
  });

  it('re-pruned at the run’s own threshold, the validation metric is the one the run’s end measured', () => {
    for (const t of read().trials) {
      const own = t.result!.points.find((p) => p.threshold === 0.01)!;
      const summary = JSON.parse(readFileSync(join(trialDir(sweepDir, t.id), 'summary.json'), 'utf8')) as Summary;
      assert.equal(own.validationMetric, summary.validationMetric, t.id);
      assert.equal(own.validationBeforePrune, summary.validationBeforePrune, t.id);
    }
  });

  it('the table has a validation column and a line saying which set chose the front', () => {
    assert.match(run.stdout, /│ trial\s+│ threshold │ validation metric │ test metric/);
    assert.match(run.stdout, /\nfront chosen and broken points judged on validation \(200 samples held out of training\); test error reported\n/);
  });

  it('--json ends with the front and the set that chose it (a rerun: the finished trials are read, not trained)', () => {
    const again = dropneuron(['sweep', join(dir, 'v.dnn'), '--out', sweepDir, '--json'], { timeout: 120_000 });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    const last = JSON.parse(again.stdout.trim().split('\n').at(-1)!) as { front: unknown[]; frontSelectedOn: string };
    assert.equal(last.frontSelectedOn, 'validation');
    assert.deepEqual(last.front, read().front);
  });

  it('dropneuron prune shows a trial’s validation accuracy beside its test accuracy, the run’s end’s at its own threshold', () => {
    const t = read().trials[0]!;
    const r = dropneuron(['prune', trialDir(sweepDir, t.id), '--threshold', '0.01']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /│ threshold\s+│ validation accuracy after pruning │ test accuracy after pruning │/);
    const own = t.result!.points.find((p) => p.threshold === 0.01)!;
    assert.match(
      r.stdout,
      new RegExp(
        `│ 0\\.01 \\(the run’s\\) │ ${formatMetric('accuracy', own.validationMetric!).replace('.', '\\.')}\\s+│ ${formatMetric('accuracy', own.afterPrune).replace('.', '\\.')}`,
      ),
    );
  });
});
