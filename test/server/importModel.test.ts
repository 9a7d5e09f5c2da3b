import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImportModelRequest, type ImportModelResult } from '../../protocol/lsp.ts';
import { onnxModel } from '../../trainer/src/export/onnx.ts';
import type { Plan } from '../../trainer/src/export/plan.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient } from './client.ts';

let dir: string;
let client: TestClient;

const dense = (activation?: string): Plan => ({
  input: [784],
  outputs: 10,
  steps: [
    { op: 'dense', name: 'fc', weight: new Float32Array(7840).fill(0.01), bias: new Float32Array(10), inputs: 784, units: 10 },
    ...(activation ? [{ op: 'activation' as const, fn: activation as 'elu' }] : []),
  ],
});

before(async () => {
  dir = tempDir('dnn-server-import-');
  writeFileSync(join(dir, 'mlp.onnx'), onnxModel(dense(), 'mlp'));
  writeFileSync(join(dir, 'elu.onnx'), onnxModel(dense('elu'), 'elu'));
  const twice = dense('elu');
  twice.steps.push(
    { op: 'dense', name: 'fc2', weight: new Float32Array(100), bias: new Float32Array(10), inputs: 10, units: 10 },
    { op: 'activation', fn: 'elu' },
  );
  writeFileSync(join(dir, 'elu2.onnx'), onnxModel(twice, 'elu2'));
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

describe('dropneuron/importModel (a real server process, the CLI in a child process)', () => {
  it('writes the spec and its weights where asked, and answers their paths', async () => {
    const out = join(dir, 'mlp.dnn');
    const reply = await client.request<ImportModelResult>(ImportModelRequest.method, { path: join(dir, 'mlp.onnx'), out });
    assert.deepEqual(reply, { spec: out, weights: join(dir, 'mlp.safetensors') });
    assert.match(readFileSync(out, 'utf8'), /^ {2}weights "mlp\.safetensors"$/m);
  });

  it('a spec already there is refused with the fix of another name, and nothing is written', async () => {
    const before = readdirSync(dir).sort();
    const reply = await client.request<ImportModelResult>(ImportModelRequest.method, { path: join(dir, 'mlp.onnx'), out: join(dir, 'mlp.dnn') });
    assert.ok('problem' in reply, JSON.stringify(reply));
    assert.equal(reply.fix, 'anotherName');
    assert.match(reply.problem, /^\S*mlp\.safetensors: expected no file there/);
    assert.deepEqual(readdirSync(dir).sort(), before);
  });

  it("a model the importer does not read is the CLI's one sentence, without a fix", async () => {
    const reply = await client.request<ImportModelResult>(ImportModelRequest.method, { path: join(dir, 'elu.onnx'), out: join(dir, 'elu.dnn') });
    assert.ok('problem' in reply && reply.fix === undefined, JSON.stringify(reply));
    assert.match(reply.problem, /elu\.onnx: expected nodes the importer reads \(.*\), found Elu/);
    assert.ok(!readdirSync(dir).includes('elu.dnn'));
  });

  it('a model with two such nodes is two sentences, a line each, not only the last one the CLI printed', async () => {
    const reply = await client.request<ImportModelResult>(ImportModelRequest.method, { path: join(dir, 'elu2.onnx'), out: join(dir, 'elu2.dnn') });
    assert.ok('problem' in reply, JSON.stringify(reply));
    const lines = reply.problem.split('\n');
    assert.equal(lines.length, 2, reply.problem);
    for (const line of lines) assert.match(line, /^\S*elu2\.onnx: expected nodes the importer reads \(.*\), found Elu \(node "[^"]*"\); nothing was written$/);
    assert.notEqual(lines[0], lines[1], 'each names its own node');
  });

  it('params without a .dnn `out` get the empty answer', async () => {
    const reply = await client.request<ImportModelResult>(ImportModelRequest.method, { path: join(dir, 'mlp.onnx'), out: join(dir, 'x.txt') });
    assert.ok('problem' in reply && /could not import/.test(reply.problem));
    assert.ok(client.alive);
  });
});
