import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { LENET_300_100 } from '../../cli/sweep/anchors.ts';
import { sweepAnchors } from '../../cli/sweep/folder.ts';
import { ANCHOR_ERROR_NOTE, FRONTIER_FILE, SWEEP_FILE, type SweepFile } from '../../protocol/sweep.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * LeNet-300-100 (784 → 300 → 100 → 10, the shape the anchors' table knows it by) on 300 MNIST images, one epoch,
 * one trial: as small as a sweep of it gets. What is tested is what sweep.json says about the model, not how well
 * it trained.
 */
const SPEC = `model lenet {
  data mnist limit=300
  input 784
  dense fc1 300 relu
  dense fc2 100 relu
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
}

sweep {
  dropneuron 0.001
}
`;

describe('dropneuron sweep of LeNet-300-100 keeps its published results in sweep.json (the built CLI, a real trainer)', () => {
  let sweepDir: string;
  let run: { status: number | null; stdout: string; stderr: string };
  before(() => {
    const dir = tempDir('dnn-sweepanchors-');
    writeFileSync(join(dir, 'lenet.dnn'), SPEC);
    sweepDir = join(dir, 'sweep');
    run = dropneuron(['sweep', join(dir, 'lenet.dnn'), '--out', sweepDir, '--parallel', '1'], { timeout: 240_000 });
  });

  it('sweep.json names the model, what its sizes count, what their errors are, and every anchor of the table', () => {
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const file = JSON.parse(readFileSync(join(sweepDir, SWEEP_FILE), 'utf8')) as SweepFile;
    assert.equal(file.anchors?.model, 'LeNet-300-100');
    assert.equal(file.anchors?.sizesAre, 'inputs-fc1-fc2');
    assert.equal(file.anchors?.note, ANCHOR_ERROR_NOTE);
    assert.deepEqual(
      file.anchors?.points.map((a) => [a.label, a.error, a.params, a.target ?? false]),
      LENET_300_100.anchors.map((a) => [a.label, a.error, a.params, a.target ?? false]),
    );
    // L0's 266-88-33: 266·88 + 88 + 88·33 + 33 + 33·10 + 10.
    const l0 = file.anchors!.points.find((a) => a.label === 'L0 266-88-33')!;
    assert.equal(l0.params, 266 * 88 + 88 + 88 * 33 + 33 + 33 * 10 + 10);
    assert.deepEqual(l0.sizes, [266, 88, 33]);
    assert.equal(l0.method, 'L0 regularisation (Louizos 2018)');
    // The trials' own results are there as ever, beside them.
    assert.equal(file.trials.length, 1);
    assert.equal(file.trials[0]!.status, 'done');
  });

  it('frontier.svg says the same sentence about them', () => {
    assert.match(readFileSync(join(sweepDir, FRONTIER_FILE), 'utf8'), new RegExp(`◆ published results: ${ANCHOR_ERROR_NOTE.replace(/[()]/g, '\\$&')}`));
  });
});

describe('sweepAnchors', () => {
  it('keeps what a reader needs of each anchor, and a target only where the table has one', () => {
    const anchors = sweepAnchors(LENET_300_100);
    assert.deepEqual(Object.keys(anchors.points[0]!).sort(), ['error', 'label', 'method', 'params', 'sizes']);
    assert.deepEqual(
      anchors.points.filter((a) => a.target).map((a) => a.label),
      ['L0 266-88-33', 'VIB 97-71-33'],
    );
  });
});
