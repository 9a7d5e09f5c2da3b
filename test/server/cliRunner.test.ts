import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BackendsRequest, ExportModelRequest, PruneRequest, TrainRequest } from '../../protocol/lsp.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient } from './client.ts';
import { specText } from '../helpers/specs.ts';

const SPEC = specText('tiny-synthetic');

/** What prune, export and backends answer (each runs a CLI command in a child process with the trainer's Node). */
async function cliAnswers(client: TestClient, dir: string, uri: string): Promise<{ prune: string; exportModel: string; backends: string }> {
  const prune = await client.connection.sendRequest(PruneRequest, { runDir: dir, thresholds: [] });
  const exported = await client.connection.sendRequest(ExportModelRequest, { runDir: dir, format: 'onnx', target: join(dir, 'model.onnx') });
  const backends = await client.connection.sendRequest(BackendsRequest, { uri });
  assert.ok('error' in prune, JSON.stringify(prune));
  assert.ok('error' in backends, JSON.stringify(backends));
  return { prune: prune.error, exportModel: exported.message ?? JSON.stringify(exported), backends: backends.error };
}

describe('one runner for the CLI child processes: a wrong dropneuron.trainer.nodePath', () => {
  let dir: string;
  let uri: string;
  let client: TestClient;
  before(async () => {
    dir = tempDir('dnn-lsp-cli-node-');
    client = new TestClient();
    client.settings = { trainer: { nodePath: join(dir, 'no-such-node') } };
    await client.initialize(true, [dir]);
    const path = join(dir, 'tiny.dnn');
    writeFileSync(path, SPEC);
    uri = pathToFileURL(path).toString();
    await client.open(uri, SPEC);
  });
  after(() => client.close());

  it('a Node that is not there is the same sentence for train, prune, export and backends, before anything starts', async () => {
    const sentence = `The Node that dropneuron.trainer.nodePath names (${join(dir, 'no-such-node')}) does not exist: set it to a Node 20 or later, or clear it to use the editor's own.`;
    const train = await client.connection.sendRequest(TrainRequest, { uri });
    assert.ok(!train.started && train.reason === 'settings' && train.setting === 'dropneuron.trainer.nodePath', JSON.stringify(train));
    assert.deepEqual(
      { train: train.message, ...(await cliAnswers(client, dir, uri)) },
      { train: sentence, prune: sentence, exportModel: sentence, backends: sentence },
    );
  });

  it('a Node that cannot run names the setting for prune, export and backends as it does for train', async () => {
    const notExecutable = join(dir, 'node-not-executable');
    writeFileSync(notExecutable, 'not a program');
    client.settings = { trainer: { nodePath: notExecutable } };
    const got = await cliAnswers(client, dir, uri);
    const fault = `the Node at ${notExecutable} cannot be run (it is not executable). Set dropneuron.trainer.nodePath to a Node 20 or later, or clear it to use the editor's own.`;
    // Train spawns first and reports the failed start as its run's error event (training.test.ts); the others answer it.
    assert.deepEqual(
      { prune: got.prune, exportModel: got.exportModel, backends: got.backends },
      {
        prune: `\`dropneuron prune\` could not start: ${fault}`,
        exportModel: `\`dropneuron export\` could not start: ${fault}`,
        backends: `\`dropneuron backends\` could not start: ${fault}`,
      },
    );
    assert.ok(client.alive);
  });
});
