// A run on webgpu resumes from its folder as it would have gone on: the fused Adam's state (its moments packed in one
// tensor per variable, trainer/src/webgpu/optimizers.ts) goes into the checkpoint as `<variable>/m` and `/v` and
// comes back from it. The run is cut as a kill between an epoch's checkpoint and its event would cut it
// (runFolder.test.ts does the same on cpu). Without a WebGPU adapter the test skips and says why, except under CI=true.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EpochEvent, TrainerEvent } from '../../protocol/events.ts';
import { readEvents, RunFolder } from '../../store/runFolder.ts';
import { train } from '../../trainer/src/run.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { findAdapter } from '../helpers/webgpuAdapter.ts';

const CI = process.env.CI === 'true';
const SPEC = syntheticSpec(4, '  optimizer adam\n  learning_rate 0.01\n  seed 7\n  backend webgpu\n');

const epochs = (events: TrainerEvent[]) => events.filter((e): e is EpochEvent => e.type === 'epoch').map((e) => [e.epoch, e.loss.total, e.testMetric]);

describe('a webgpu run resumes', async () => {
  const missing = (await findAdapter()).reason;
  const skip = missing && !CI ? `${missing}; with CI=true this fails` : false;
  if (skip) console.log(`# webgpu resume test skipped: ${skip}`);

  it('cut after epoch 2’s checkpoint, then resumed: the epochs of the unbroken run, Adam’s state and all', { skip }, async () => {
    const dir = tempDir('dnn-webgpu-resume-');
    const spec = writeSpec(dir, 'syn.dnn', SPEC);
    const whole = await trainCollect({ specPath: spec, outDir: join(dir, 'whole') });
    assert.equal(whole.result.type, 'done', JSON.stringify(whole.result));
    assert.equal((whole.events[0] as { backend?: string }).backend, 'webgpu');

    const runDir = join(dir, 'cut');
    const original = RunFolder.prototype.appendEvent;
    RunFolder.prototype.appendEvent = function (event: TrainerEvent) {
      if (event.type === 'epoch' && event.epoch === 2) throw new Error('killed between the checkpoint and the append');
      original.call(this, event);
    };
    try {
      const cut = await train({ specPath: spec, outDir: runDir, emit: () => {} });
      assert.equal(cut.type, 'error');
    } finally {
      RunFolder.prototype.appendEvent = original;
    }
    const resumed = await trainCollect({ specPath: spec, resumeDir: runDir });
    assert.equal(resumed.result.type, 'done', JSON.stringify(resumed.result));
    // Same backend, same state: the resumed epochs are the unbroken run's, value for value.
    assert.deepEqual(epochs(readEvents(runDir)), epochs(whole.events));
  });
});
