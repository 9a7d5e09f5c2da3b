import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, fixture, open, waitFor } from '../helpers.ts';

/** Trainer startup (TensorFlow.js, MNIST) takes a while on a busy machine. */
const RUN_TIMEOUT = 240_000;

describe('training from the editor', function () {
  this.timeout(RUN_TIMEOUT + 30_000);

  after(async () => {
    // Never leave a trainer behind, whatever failed.
    await vscode.commands.executeCommand('dropneuron.stop', fixture('long.dnn').toString());
  });

  it('Train with DropNeuron on a tiny spec finishes a run, with its run folder', async () => {
    const { document } = await open('tiny.dnn');
    const dropneuron = await api();
    await vscode.commands.executeCommand('dropneuron.train', document.uri);
    // The command resolves once the server has started the run: the extension knows it from then on.
    const run = dropneuron.latestRun(document.uri);
    assert.ok(run, 'expected the run known to the extension when the command resolves');
    await waitFor('the run to finish', () => (run.status !== 'running' ? true : undefined), RUN_TIMEOUT);
    const error = run.events.find((e) => e.type === 'error');
    assert.equal(run.status, 'done', `expected the run to finish, found ${run.status}${error ? `: ${JSON.stringify(error)}` : ''}`);
    assert.deepEqual(
      run.events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : [])),
      [1],
    );
    assert.ok(run.runDir && existsSync(run.runDir), `expected the run folder, found ${run.runDir}`);
    const events = readFileSync(join(run.runDir, 'events.jsonl'), 'utf8').trim().split('\n');
    assert.equal((JSON.parse(events.at(-1)!) as { type: string }).type, 'done');
  });

  it('Stop ends a long run early, and it is recorded as stopped', async () => {
    const { document } = await open('long.dnn');
    const dropneuron = await api();
    await vscode.commands.executeCommand('dropneuron.train', document.uri);
    const run = await waitFor('the run to start', () => dropneuron.latestRun(document.uri), 30_000);
    await waitFor('a first epoch', () => (run.events.some((e) => e.type === 'epoch') ? true : undefined), RUN_TIMEOUT);
    await vscode.commands.executeCommand('dropneuron.stop', document.uri.toString());
    await waitFor('the run to stop', () => (run.status !== 'running' ? true : undefined), 60_000);
    assert.equal(run.status, 'stopped');
    const done = run.events.find((e) => e.type === 'done');
    assert.ok(done && done.stopped && done.epochsCompleted < 1000);
  });
});
