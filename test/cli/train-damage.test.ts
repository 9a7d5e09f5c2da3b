import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const spec = (threshold: number, tolerance?: number): string => `model dmg {
  data mnist limit=1000
  input 784
  dense fc1 32 relu
  dense out 10
}

regularize {
  threshold ${threshold}${tolerance !== undefined ? `\n  tolerance ${tolerance}` : ''}
}

train {
  epochs 1
  batch 100
  seed 1
}
`;

describe('dropneuron train: pruning that wrecks the model never reads as success', () => {
  it('prints the cost, the tolerance and the two remedies when pruning costs more than the tolerance', () => {
    const dir = tempDir('dnn-cli-damage-');
    writeFileSync(join(dir, 'dmg.dnn'), spec(0.07));
    const run = dropneuron(['train', join(dir, 'dmg.dnn'), '--out', join(dir, 'run')], { timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /^warning: pruning at threshold 0\.07 cost \d+\.\d+ points: \d+\.\d\d % → \d+\.\d\d %, more than the tolerance of 1\.00 point; train again with a lower `threshold` or a smaller `dropneuron` λ/m,
    );
  });

  it('says nothing when the cost is within the tolerance (set in the spec, or as --tolerance)', () => {
    const dir = tempDir('dnn-cli-damage-');
    writeFileSync(join(dir, 'dmg.dnn'), spec(0.07, 90));
    const quiet = dropneuron(['train', join(dir, 'dmg.dnn'), '--out', join(dir, 'run')], { timeout: 120_000 });
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(quiet.stdout, /test accuracy before pruning/);
    assert.doesNotMatch(quiet.stdout, /warning: pruning/);
    const flagged = dropneuron(['train', join(dir, 'dmg.dnn'), '--tolerance', '0.5', '--out', join(dir, 'run2')], { timeout: 120_000 });
    assert.equal(flagged.status, 0, flagged.stderr);
    assert.match(flagged.stdout, /more than the tolerance of 0\.50 points/);
  });
});
