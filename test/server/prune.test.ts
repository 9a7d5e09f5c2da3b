import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DoneEvent } from '../../protocol/events.ts';
import { ExportModelRequest, PruneRequest, ThresholdCurveRequest, type ExportModelResult, type PruneReply } from '../../protocol/lsp.ts';
import type { ThresholdCurve } from '../../protocol/runFolder.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient } from './client.ts';

let dir: string;
let runDir: string;
let done: DoneEvent;
let client: TestClient;

before(async () => {
  dir = tempDir('dnn-server-prune-');
  runDir = join(dir, 'run');
  const { result } = await trainCollect({ specPath: writeSpec(dir, 'syn.dnn', syntheticSpec(2, '  seed 2\n')), outDir: runDir });
  assert.equal(result.type, 'done', JSON.stringify(result));
  done = result as DoneEvent;
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

describe('dropneuron/prune and dropneuron/thresholdCurve (a real server process)', () => {
  it('prune answers the run’s statistics at each threshold, from a trainer child process', async () => {
    const reply = await client.request<PruneReply>(PruneRequest.method, { runDir, thresholds: [done.summary.damage?.threshold ?? 0.01, 0.5] });
    assert.ok('results' in reply, JSON.stringify(reply));
    assert.equal(reply.results.length, 2);
    assert.equal(reply.results[0]!.summary.afterPrune, done.summary.afterPrune);
    assert.equal(reply.results[0]!.summary.weightsKept, done.summary.weightsKept);
    assert.ok(reply.results[1]!.summary.weightsKept < done.summary.weightsKept);
  });

  it('a folder that is no run is an error line, not an exception', async () => {
    const reply = await client.request<PruneReply>(PruneRequest.method, { runDir: dir, thresholds: [] });
    assert.ok('error' in reply && /expected a run folder with run\.json/.test(reply.error), JSON.stringify(reply));
  });

  it('params that are not a list of thresholds get the empty answer', async () => {
    const reply = await client.request<PruneReply>(PruneRequest.method, { runDir, thresholds: [-1] });
    assert.ok('error' in reply);
    assert.ok(client.alive);
  });

  it('thresholdCurve answers the run folder’s curve, null for a folder without one', async () => {
    const curve = await client.request<ThresholdCurve | null>(ThresholdCurveRequest.method, { runDir });
    assert.ok(curve && curve.points.length >= 20);
    assert.equal(await client.request(ThresholdCurveRequest.method, { runDir: dir }), null);
  });

  it('a run folder whose name begins with `-` is a folder to prune and export, never a flag of the CLI', async () => {
    cpSync(runDir, join(dir, '-run'), { recursive: true });
    // A relative path leads from the server's working folder.
    const here = new TestClient({ cwd: dir });
    await here.initialize();
    try {
      const reply = await here.request<PruneReply>(PruneRequest.method, { runDir: '-run', thresholds: [] });
      assert.ok('results' in reply && reply.results.length === 1, JSON.stringify(reply));
      assert.equal(reply.results[0]!.summary.weightsKept, done.summary.weightsKept);
      const exported = await here.request<ExportModelResult>(ExportModelRequest.method, { runDir: '-run', format: 'onnx', target: '-model.onnx' });
      assert.equal(exported.path, join(dir, '-model.onnx'), JSON.stringify(exported));
      assert.ok(existsSync(join(dir, '-model.onnx')));
    } finally {
      await here.close();
    }
  });
});
