import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { analyze, applyEdits, LineMap } from '../../language/index.ts';
import type { DoneEvent } from '../../protocol/events.ts';
import { PruneRequest, SweepPointRequest, SweepsRequest, type PruneReply, type SweepInfo, type SweepPointResult } from '../../protocol/lsp.ts';
import { sweepPoint, type SweepFile } from '../../protocol/sweep.ts';
import { trialDir } from '../../store/sweepFile.ts';
import { settingsEdits } from '../../server/src/sweeps.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient } from './client.ts';

/** LSP edits applied to a text, through the language's own position map. */
function applied(text: string, edits: SweepPointResult['edits']): string {
  const lines = new LineMap(text);
  const offset = (p: { line: number; character: number }): number => (lines.lineStarts[p.line] ?? text.length) + p.character;
  return applyEdits(
    text,
    edits.map((e) => ({ span: { start: offset(e.range.start), end: offset(e.range.end) }, range: e.range, newText: e.newText })),
  );
}

describe('settingsEdits: a sweep point’s settings written into the spec', () => {
  const spec = syntheticSpec(2);
  it('replaces a setting’s value on its line and leaves settings already at their value alone', () => {
    const text = applied(spec, settingsEdits(analyze(spec), { dropneuron: 0.05, l1: 0.0001 }));
    assert.match(text, /^ {2}dropneuron 0\.05$/m);
    assert.equal(settingsEdits(analyze(spec), { l1: 0.0001 }).length, 0);
  });
  it('adds a missing setting at the end of its block, and a missing block at the end of the file', () => {
    const noTrain = spec.slice(0, spec.indexOf('train {'));
    const text = applied(noTrain, settingsEdits(analyze(noTrain), { threshold: 0.02, learning_rate: 0.003 }));
    assert.match(text, /regularize \{\n {2}l1 0\.0001\n {2}dropneuron 0\.001\n {2}threshold 0\.02\n\}/);
    assert.match(text, /\ntrain \{\n {2}learning_rate 0\.003\n\}\n$/);
    assert.equal(analyze(text).hasErrors, false, text);
  });
  it('replaces `dropneuron auto` by the λ an auto run found (the run panel’s Use these settings)', () => {
    const auto = spec.replace(/dropneuron [\d.]+/, 'dropneuron auto');
    const text = applied(auto, settingsEdits(analyze(auto), { dropneuron: 0.0107, threshold: 0.001 }));
    assert.match(text, /^ {2}dropneuron 0\.0107$/m);
    assert.doesNotMatch(text, /auto/);
    assert.equal(analyze(text).hasErrors, false, text);
  });
});

describe('dropneuron/sweeps and dropneuron/sweepPoint (a real server process)', () => {
  let dir: string;
  let specPath: string;
  let done: DoneEvent;
  let client: TestClient;
  const sweepDir = (): string => join(dir, '.dropneuron', 'sweeps', 'syn');

  before(async () => {
    dir = tempDir('dnn-server-sweeps-');
    specPath = writeSpec(dir, 'syn.dnn', syntheticSpec(2, '  seed 3\n'));
    const runDir = trialDir(sweepDir(), 'dropneuron=0.02');
    mkdirSync(runDir, { recursive: true });
    const { result } = await trainCollect({ specPath, outDir: runDir, overrides: { regularize: { dropneuron: 0.02 } } });
    assert.equal(result.type, 'done', JSON.stringify(result));
    done = result as DoneEvent;
    const point = sweepPoint(done.summary, 0.5);
    const sweep: SweepFile = {
      version: 1,
      specPath,
      axes: [{ name: 'dropneuron', values: [0.02, 0.1] }],
      shared: {},
      trials: [
        {
          id: 'dropneuron=0.02',
          settings: { dropneuron: 0.02 },
          thresholds: [0.5],
          runDir: 'trials/dropneuron=0.02',
          status: 'done',
          result: { status: 'done', points: [point] },
        },
        { id: 'dropneuron=0.1', settings: { dropneuron: 0.1 }, thresholds: [0.5], runDir: 'trials/dropneuron=0.1', status: 'pending' },
      ],
      front: [{ trial: 'dropneuron=0.02', threshold: 0.5, error: point.error, params: point.params }],
      updated: new Date().toISOString(),
    };
    writeFileSync(join(sweepDir(), 'sweep.json'), JSON.stringify(sweep));
    client = new TestClient();
    await client.initialize(false, [dir]);
  });
  after(() => client?.close());

  it('lists the workspace’s sweeps, each trial’s run folder read as a run', async () => {
    for (const params of [{}, { specPath }]) {
      const sweeps = await client.request<SweepInfo[]>(SweepsRequest.method, params);
      assert.equal(sweeps.length, 1, JSON.stringify(params));
      assert.equal(sweeps[0]!.model, 'syn');
      assert.deepEqual(Object.keys(sweeps[0]!.runs), ['dropneuron=0.02']);
      assert.equal(sweeps[0]!.runs['dropneuron=0.02']!.finished, true);
    }
    assert.deepEqual(await client.request<SweepInfo[]>(SweepsRequest.method, { specPath: join(dir, 'other', 'x.dnn') }), []);
  });

  it('apply: the point’s settings and threshold as edits; shrink: its compact sizes at that threshold', async () => {
    const uri = pathToFileURL(specPath).toString();
    const text = syntheticSpec(2, '  seed 3\n');
    await client.open(uri, text);
    const params = { uri, runDir: trialDir(sweepDir(), 'dropneuron=0.02'), settings: { dropneuron: 0.02 }, threshold: 0.5 };
    const apply = await client.request<SweepPointResult>(SweepPointRequest.method, { ...params, action: 'apply' });
    const after = applied(text, apply.edits);
    assert.match(after, /dropneuron 0\.02\n {2}threshold 0\.5\n\}/);
    const shrink = await client.request<SweepPointResult>(SweepPointRequest.method, { ...params, action: 'shrink' });
    // The sizes are the trial's compact model at that threshold, as `dropneuron prune` measures them.
    const pruned = await client.request<PruneReply>(PruneRequest.method, { runDir: params.runDir, thresholds: [params.threshold] });
    assert.ok('results' in pruned, JSON.stringify(pruned));
    const fc1 = pruned.results[0]!.summary.compactSizes['fc1']!;
    assert.ok(fc1 < 32, `expected fc1 to shrink at threshold ${params.threshold}, found ${fc1}`);
    assert.match(applied(text, shrink.edits), new RegExp(`dense fc1 ${fc1} relu`), JSON.stringify(shrink));
    const bad = await client.request<SweepPointResult>(SweepPointRequest.method, { ...params, action: 'delete' });
    assert.deepEqual(bad.edits, []);
  });

  it('a spec that is not open: one neutral sentence naming it (the run panel’s “Use this threshold” asks too)', async () => {
    const uri = pathToFileURL(join(dir, 'not open.dnn')).toString();
    const params = { uri, runDir: trialDir(sweepDir(), 'dropneuron=0.02'), settings: {}, threshold: 0.5 };
    for (const action of ['apply', 'shrink'] as const) {
      const reply = await client.request<SweepPointResult>(SweepPointRequest.method, { ...params, action });
      assert.deepEqual(reply, { edits: [], message: 'Open not open.dnn to change its settings.' });
    }
  });
});
