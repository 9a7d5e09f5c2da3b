import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DeleteRunRequest, ResumeRequest } from '../../protocol/lsp.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient } from './client.ts';
import { specText } from '../helpers/specs.ts';

const SPEC = specText('tiny-synthetic');

/** A run folder as a killed trainer leaves it (run.json, no `done`, no live trainer): interrupted, so resumable. */
function interruptedRun(runDir: string, specPath: string): string {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ version: 1, specPath, spec: SPEC, overrides: {}, started: new Date().toISOString() }));
  writeFileSync(join(runDir, 'events.jsonl'), '');
  return runDir;
}

/** Nothing started in the folder: a trainer the server spawns gets its trainer.log and trainer.json first. */
function untouched(runDir: string): boolean {
  return !existsSync(join(runDir, 'trainer.log')) && !existsSync(join(runDir, 'trainer.json'));
}

describe('requests that name a run folder act only on the editor’s run folders', () => {
  let base: string;
  let workspace: string;
  let elsewhere: string;
  let output: string;
  let client: TestClient;
  before(async () => {
    base = tempDir('dnn-lsp-run-folders-');
    workspace = join(base, 'workspace');
    elsewhere = join(base, 'elsewhere');
    output = join(base, 'output');
    for (const folder of [workspace, elsewhere, output]) mkdirSync(folder);
    client = new TestClient();
    client.settings = { trainer: { outputFolder: output } };
    await client.initialize(true, [workspace]);
  });
  after(() => client.close());

  it('Resume refuses a run folder outside every workspace folder, even one naming a spec that is open', async () => {
    const spec = join(workspace, 'open.dnn');
    writeFileSync(spec, SPEC);
    await client.open(pathToFileURL(spec).toString(), SPEC);
    const runDir = interruptedRun(join(elsewhere, '.dropneuron', 'runs', 'planted'), spec);
    const result = await client.connection.sendRequest(ResumeRequest, { runDir });
    assert.ok(!result.started && /cannot be resumed from here/.test(result.message), JSON.stringify(result));
    assert.ok(untouched(runDir), 'no trainer was started');
  });

  it('Resume refuses a run whose spec is not open in the editor, as Train does', async () => {
    const spec = join(workspace, 'closed.dnn');
    writeFileSync(spec, SPEC);
    const runDir = interruptedRun(join(workspace, '.dropneuron', 'runs', 'closed'), spec);
    const result = await client.connection.sendRequest(ResumeRequest, { runDir });
    assert.ok(!result.started && result.reason === 'not-a-file' && /is not open: open it first/.test(result.message), JSON.stringify(result));
    assert.ok(untouched(runDir), 'no trainer was started');
  });

  it('Delete refuses a runs folder outside the workspace folders and the output folder, and deletes one in the output folder', async () => {
    const outside = interruptedRun(join(elsewhere, '.dropneuron', 'runs', 'someone-elses'), join(elsewhere, 'spec.dnn'));
    const refused = await client.connection.sendRequest(DeleteRunRequest, { runDir: outside });
    assert.ok(!refused.deleted && /inside \.dropneuron\/runs of a workspace folder/.test(refused.message ?? ''), JSON.stringify(refused));
    assert.ok(existsSync(outside), 'a run folder outside the workspace is never deleted');

    const inOutput = interruptedRun(join(output, 'run-1'), join(workspace, 'open.dnn'));
    assert.deepEqual(await client.connection.sendRequest(DeleteRunRequest, { runDir: inOutput }), { deleted: true });
    assert.ok(!existsSync(inOutput));
  });
});
