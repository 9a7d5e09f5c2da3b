import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Hover, InlayHint } from 'vscode-languageserver-protocol/node';
import { analyze } from '../../language/index.ts';
import type { RunEventParams, RunInfo, TrainResult } from '../../server/src/protocol.ts';
import { tempDir } from '../trainer/helpers.ts';
import { TestClient, type Notification } from './client.ts';

const TINY = `model tiny {
  data mnist limit=1000
  input 784
  dense fc1 32 relu
  dense out 10
}

regularize {
  l1 0.001
  dropneuron 0.05
  threshold 0.08
}

train {
  epochs 1
  batch 100
  seed 1
}
`;

const isRunEvent = (uri: string, type: string) => (n: Notification) =>
  n.method === 'dropneuron/runEvent' && (n.params as RunEventParams).uri === uri && (n.params as RunEventParams).event.type === type;

describe('training runs owned by the server', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    client = new TestClient();
    await client.initialize();
    dir = tempDir('dnn-lsp-train-');
  });
  after(() => client.close());

  it('trains a saved spec: progress, run events in order, then kept sizes in hover, inlay hints and the shrink action', async () => {
    const path = join(dir, 'tiny.dnn');
    writeFileSync(path, TINY);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, TINY);
    const result = await client.request<TrainResult>('dropneuron/train', { uri });
    assert.equal(result.started, true, JSON.stringify(result));
    const busy = await client.request<TrainResult>('dropneuron/train', { uri });
    assert.deepEqual(busy.started ? 'started' : busy.reason, 'busy', 'one run per document at a time');
    await client.waitFor(isRunEvent(uri, 'done'), 120_000);
    const events = client.notifications.filter((n) => n.method === 'dropneuron/runEvent' && (n.params as RunEventParams).uri === uri).map((n) => (n.params as RunEventParams).event.type);
    assert.deepEqual(events, ['start', 'epoch', 'done']);
    const progress = client.notifications.filter((n) => n.method === '$/progress').map((n) => (n.params as { value: { kind: string } }).value.kind);
    assert.equal(progress[0], 'begin');
    assert.ok(progress.includes('report'));
    await client.waitFor((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end');

    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 9 } });
    assert.match((hover.contents as { value: string }).value, /Latest run: \*\*\d+\/32 neurons kept\*\*/);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    assert.match(String(hints[0]!.label), /^→ \[32\] · 25 120 params · \d+\/32 kept$/);

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    const shrink = actions.find((a) => a.title === 'Shrink layers to trained sizes');
    const runs = await client.request<RunInfo[]>('dropneuron/runs', { uri });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.finished, true);
    const size = runs[0]!.compactSizes!.fc1!;
    assert.ok(size < 32, `expected these penalties to shrink fc1 in one epoch, found ${size}/32`);
    assert.ok(shrink, 'a run that shrank fc1 offers the shrink action');
    const edit = shrink.edit!.changes![uri]!;
    assert.deepEqual(edit.map((e) => e.newText), [String(size)]);
    const shrunk = TINY.replace('dense fc1 32 relu', `dense fc1 ${size} relu`);
    assert.equal(analyze(shrunk).hasErrors, false);
  });

  it('refuses a spec with errors', async () => {
    const path = join(dir, 'broken.dnn');
    const text = TINY.replace('relu', 'reluu');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const result = await client.request<TrainResult>('dropneuron/train', { uri });
    assert.equal(result.started, false);
    assert.ok(!result.started && result.reason === 'errors' && /1 error/.test(result.message));
  });

  it('cancelling the progress stops the run after its current batch', async () => {
    const path = join(dir, 'long.dnn');
    const text = TINY.replace('epochs 1', 'epochs 50');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const before = client.notifications.length;
    assert.equal((await client.request<TrainResult>('dropneuron/train', { uri })).started, true);
    const begin = await client.waitFor((n) => client.notifications.indexOf(n) >= before && n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'begin');
    await client.waitFor(isRunEvent(uri, 'start'));
    await client.connection.sendNotification('window/workDoneProgress/cancel', { token: (begin.params as { token: string }).token });
    const done = await client.waitFor(isRunEvent(uri, 'done'), 60_000);
    const event = (done.params as RunEventParams).event;
    assert.ok(event.type === 'done' && event.stopped && event.epochsCompleted < 50);
  });

  it('a trainer that dies is reported as an error, and the server keeps answering', async () => {
    const crashing = new TestClient();
    const fake = join(dir, 'fake-node.sh');
    writeFileSync(fake, '#!/bin/sh\necho "Segmentation fault (simulated)" >&2\nexit 139\n');
    chmodSync(fake, 0o755);
    crashing.settings = { trainer: { nodePath: fake } };
    await crashing.initialize(true);
    const path = join(dir, 'crash.dnn');
    writeFileSync(path, TINY);
    const uri = pathToFileURL(path).toString();
    await crashing.open(uri, TINY);
    assert.equal((await crashing.request<TrainResult>('dropneuron/train', { uri })).started, true);
    const error = await crashing.waitFor(isRunEvent(uri, 'error'));
    const event = (error.params as RunEventParams).event;
    assert.ok(event.type === 'error' && event.kind === 'crash');
    assert.match(event.message, /expected the trainer to finish, found it exited with code 139/);
    assert.match(event.stderrTail ?? '', /Segmentation fault \(simulated\)/);
    const hover = await crashing.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 9 } });
    assert.match((hover.contents as { value: string }).value, /\*\*fc1\*\*/);
    assert.ok(crashing.alive);
    await crashing.close();
  });
});
