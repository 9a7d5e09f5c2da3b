import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Hover, InlayHint } from 'vscode-languageserver-protocol/node';
import { analyze } from '../../language/index.ts';
import {
  DeleteRunRequest,
  LayersRequest,
  RunEventsRequest,
  RunsRequest,
  SHRINK_ACTION_KIND,
  ShrinkRequest,
  TrainRequest,
  type RunEventParams,
  type RunInfo,
  type TrainResult,
} from '../../protocol/lsp.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient, type Notification } from './client.ts';
import { specText } from '../helpers/specs.ts';

const TINY = specText('tiny-mnist');

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
    const events = client.notifications
      .filter((n) => n.method === 'dropneuron/runEvent' && (n.params as RunEventParams).uri === uri)
      .map((n) => (n.params as RunEventParams).event.type);
    assert.deepEqual(events, ['start', 'epoch', 'done']);
    const progress = client.notifications.filter((n) => n.method === '$/progress').map((n) => (n.params as { value: { kind: string } }).value.kind);
    assert.equal(progress[0], 'begin');
    assert.ok(progress.includes('report'));
    await client.waitFor((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'end');

    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 9 } });
    assert.match((hover.contents as { value: string }).value, /Latest run: \*\*\d+\/32 neurons kept\*\*/);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    assert.match(String(hints[0]!.label), /^→ \[32\] · 25 120 params · \d+\/32 kept$/);

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    // Clients find the action by its kind; its title is for people.
    const shrink = actions.find((a) => a.kind === SHRINK_ACTION_KIND);
    assert.equal(shrink?.title, 'Shrink layers to trained sizes');
    const runs = await client.request<RunInfo[]>('dropneuron/runs', { uri });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.finished, true);
    const size = runs[0]!.compactSizes!.fc1!;
    assert.ok(size < 32, `expected these penalties to shrink fc1 in one epoch, found ${size}/32`);
    assert.ok(shrink, 'a run that shrank fc1 offers the shrink action');
    const edit = shrink.edit!.changes![uri]!;
    assert.deepEqual(
      edit.map((e) => e.newText),
      [String(size)],
    );
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
    const begin = await client.waitFor(
      (n) => client.notifications.indexOf(n) >= before && n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'begin',
    );
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
    assert.match(event.message, /^The trainer stopped before training began \(it exited with code 139\): Show Log has its output\.$/);
    assert.match(event.stderrTail ?? '', /Segmentation fault \(simulated\)/);
    const hover = await crashing.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 9 } });
    assert.match((hover.contents as { value: string }).value, /\*\*fc1\*\*/);
    assert.ok(crashing.alive);
    await crashing.close();
  });
});

describe("the editor's overrides and the server as the client's one reader of run folders", () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = tempDir('dnn-lsp-reader-');
    client = new TestClient();
    // Settings a user would write in settings.json, by the spec's names.
    client.settings = { trainer: { overrides: { learning_rate: 0.01, seed: 3, limit: 500, dropneuron: 0.3 } } };
    await client.initialize(true, [dir]);
  });
  after(() => client.close());

  it('a run uses dropneuron.trainer.overrides; Layers, Runs, run events, Shrink and Delete answer from the run folder', async () => {
    const path = join(dir, 'tiny.dnn');
    writeFileSync(path, TINY);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, TINY);
    const before = await client.connection.sendRequest(LayersRequest, { uri });
    assert.deepEqual(
      before.map((l) => [l.name, l.kind, l.line, l.outputShape, l.params, l.kept]),
      [
        ['fc1', 'dense', 3, [32], 25_120, undefined],
        ['out', 'dense', 4, [10], 330, undefined],
      ],
    );

    assert.equal((await client.connection.sendRequest(TrainRequest, { uri })).started, true);
    const start = (await client.waitFor(isRunEvent(uri, 'start'))).params as RunEventParams;
    assert.ok(start.event.type === 'start');
    assert.deepEqual(
      [start.event.settings.learningRate, start.event.settings.seed, start.event.settings.dropneuron, start.event.trainSamples],
      [0.01, 3, 0.3, 500],
    );
    assert.deepEqual(start.event.overrides, { dropneuron: 0.3, learning_rate: 0.01, seed: 3, limit: 500 }, 'the start event names what replaced the spec');
    await client.waitFor(isRunEvent(uri, 'done'), 120_000);

    const layers = await client.connection.sendRequest(LayersRequest, { uri });
    const fc1 = layers[0]!;
    assert.ok(
      fc1.kept && fc1.kept.total === 32 && fc1.compactSize !== undefined && fc1.compactSize < 32,
      `expected fc1 to shrink, found ${JSON.stringify(fc1)}`,
    );

    const runs = await client.connection.sendRequest(RunsRequest, {});
    assert.equal(runs.length, 1, 'the workspace-wide listing finds the run under the workspace folder');
    const runDir = runs[0]!.runDir;
    assert.deepEqual(
      (await client.connection.sendRequest(RunEventsRequest, { runDir })).map((e) => e.type),
      ['start', 'epoch', 'done'],
    );

    const { edits } = await client.connection.sendRequest(ShrinkRequest, { uri, runDir });
    assert.deepEqual(
      edits.map((e) => e.newText),
      [String(fc1.compactSize)],
    );

    const notARun = join(dir, 'not-a-run');
    mkdirSync(notARun);
    assert.equal((await client.connection.sendRequest(DeleteRunRequest, { runDir: notARun })).deleted, false);
    assert.ok(existsSync(notARun), 'a folder without run.json is never deleted');
    const outside = join(dir, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'run.json'), '{}');
    const refused = await client.connection.sendRequest(DeleteRunRequest, { runDir: outside });
    assert.ok(!refused.deleted && /inside \.dropneuron\/runs/.test(refused.message ?? ''), JSON.stringify(refused));
    assert.ok(existsSync(outside), 'a folder outside a runs folder is never deleted, run.json or not');
    assert.equal((await client.connection.sendRequest(DeleteRunRequest, { runDir })).deleted, true);
    assert.ok(!existsSync(runDir));
    assert.deepEqual(await client.connection.sendRequest(RunsRequest, {}), []);
    assert.equal((await client.connection.sendRequest(LayersRequest, { uri }))[0]!.kept, undefined, 'a deleted run no longer feeds the views');
  });

  it('trains only a .dnn spec open in the editor', async () => {
    const closed = join(dir, 'closed.dnn');
    writeFileSync(closed, TINY);
    const notOpen = await client.connection.sendRequest(TrainRequest, { uri: pathToFileURL(closed).toString() });
    assert.ok(!notOpen.started && notOpen.reason === 'not-a-file' && /not open/.test(notOpen.message), JSON.stringify(notOpen));
    const other = join(dir, 'notes.txt');
    writeFileSync(other, TINY);
    await client.open(pathToFileURL(other).toString(), TINY);
    const notDnn = await client.connection.sendRequest(TrainRequest, { uri: pathToFileURL(other).toString() });
    assert.ok(!notDnn.started && notDnn.reason === 'not-a-file', JSON.stringify(notDnn));
  });

  it('refuses to train with overrides that are not valid, naming each', async () => {
    const other = new TestClient();
    other.settings = { trainer: { overrides: { keep_prob: 0, lr: 0.1 } } };
    await other.initialize(true);
    const path = join(dir, 'refused.dnn');
    writeFileSync(path, TINY);
    const uri = pathToFileURL(path).toString();
    await other.open(uri, TINY);
    const result = await other.connection.sendRequest(TrainRequest, { uri });
    assert.ok(!result.started && result.reason === 'settings', JSON.stringify(result));
    assert.match(result.message, /`keep_prob`: expected a number in \(0, 1\], found "0"/);
    assert.match(result.message, /`lr` is not a setting a run can override/);
    await other.close();
  });
});
