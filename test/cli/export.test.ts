import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { decodeSafetensors } from '../../trainer/src/export/safetensors.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const SPEC = `model syn {
  data synthetic samples=256 classes=4
  input 20
  dense fc1 24 relu
  dense out 4
}
regularize {
  l1 0.001
  dropneuron 0.01
  threshold 0.02
}
train {
  epochs 1
  batch 64
  init normal
}
`;

let dir: string;
let runDir: string;
let trainOutput: string;
before(() => {
  dir = tempDir('dnn-cli-export-');
  writeFileSync(join(dir, 'syn.dnn'), SPEC);
  runDir = join(dir, 'run');
  const r = dropneuron(['train', join(dir, 'syn.dnn'), '--out', runDir], { timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  trainOutput = r.stdout;
});

interface Result {
  path: string;
  python?: string;
  bytes: number;
  otherBytes: number;
  keptInputs?: number[];
}

function exportJson(args: string[]): Result {
  const r = dropneuron(['export', runDir, ...args, '--json'], { timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Result;
}

describe('dropneuron export', () => {
  it("`train`'s summary lists each exported file's size next to the full model's, and the latency of both", () => {
    assert.ok(trainOutput.includes(`the compact model, exported to ${join(runDir, 'compact')}:\n`), trainOutput);
    for (const format of ['tfjs', 'onnx', 'safetensors'])
      assert.match(trainOutput, new RegExp(`^  ${format}: [\\d,]+ bytes \\(full model [\\d,]+, [\\d.]+ %\\)$`, 'm'));
    assert.match(trainOutput, /^ {2}inference on \w+, per call: batch 1 [\d.]+ ms \(full model [\d.]+ ms\), batch \d+ [\d.]+ ms \(full model [\d.]+ ms\)$/m);
    for (const file of ['model.onnx', 'model.safetensors', 'model.py']) assert.ok(existsSync(join(runDir, 'compact', file)), file);
  });

  it('--format onnx writes a model onnxruntime-node loads, smaller than the full one (--full)', async () => {
    const compact = exportJson(['--format', 'onnx', '--out', join(dir, 'out', 'small.onnx')]);
    assert.equal(compact.path, join(dir, 'out', 'small.onnx'));
    assert.equal(statSync(compact.path).size, compact.bytes);
    const full = exportJson(['--format', 'onnx', '--full']);
    assert.equal(full.path, join(runDir, 'model', 'model.onnx'));
    assert.equal(full.bytes, compact.otherBytes);
    assert.ok(compact.bytes < full.bytes, `${compact.bytes} of ${full.bytes} bytes`);
    // Both read every feature and agree on the outputs.
    const x = Float32Array.from({ length: 8 * 20 }, (_, i) => Math.sin(i));
    const outputs = await Promise.all(
      [compact.path, full.path].map(async (path) => {
        const session = await ort.InferenceSession.create(path);
        const y = (await session.run({ input: new ort.Tensor('float32', x, [8, 20]) })).output!.data as Float32Array;
        await session.release();
        return y;
      }),
    );
    const diff = Math.max(...outputs[0]!.map((v, i) => Math.abs(v - outputs[1]![i]!)));
    assert.ok(diff <= 1e-4, `max |diff| ${diff}`);
  });

  it('--format safetensors writes the weights and a model.py that loads them by name', () => {
    const r = exportJson(['--format', 'safetensors', '--out', join(dir, 'out', 'syn.safetensors')]);
    assert.equal(r.python, join(dir, 'out', 'syn.py'));
    assert.match(readFileSync(r.python, 'utf8'), /with_name\("syn\.safetensors"\)/);
    const { tensors } = decodeSafetensors(readFileSync(r.path));
    assert.ok(tensors.size >= 4);
    assert.ok(r.bytes < r.otherBytes, `${r.bytes} of ${r.otherBytes} bytes`);
  });

  it('--format tfjs writes a TensorFlow.js folder', () => {
    const r = exportJson(['--format', 'tfjs', '--out', join(dir, 'out', 'tfjs')]);
    assert.ok(existsSync(join(r.path, 'model.json')) && existsSync(join(r.path, 'weights.bin')));
    assert.equal(r.bytes, statSync(join(r.path, 'model.json')).size + statSync(join(r.path, 'weights.bin')).size);
  });

  it('--format tfjs into a folder of the user’s files is refused, nothing deleted (it replaced the folder); again into its own export, it is replaced', () => {
    const mine = join(dir, 'out', 'documents');
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'thesis.tex'), 'precious');
    const e = dropneuron(['export', runDir, '--format', 'tfjs', '--out', mine]);
    assert.equal(e.status, 1, e.stderr);
    assert.match(
      e.stderr,
      /documents: expected a new folder for the model, or an earlier export of it, found a folder holding other files \(thesis\.tex\); choose another --out \(nothing was changed\)/,
    );
    assert.equal(readFileSync(join(mine, 'thesis.tex'), 'utf8'), 'precious');
    const again = exportJson(['--format', 'tfjs', '--out', join(dir, 'out', 'tfjs')]);
    assert.ok(existsSync(join(again.path, 'model.json')), 'an earlier export of the model is replaced');
  });

  it('a run with no finished epoch is one sentence naming what is missing', () => {
    const stopped = join(dir, 'stopped');
    // A stop on stdin before the first epoch ends: the run writes its outputs but no checkpoint.
    const r = dropneuron(['train', join(dir, 'syn.dnn'), '--out', stopped, '--json', '--epochs', '50'], { input: '{"type":"stop"}\n', timeout: 120_000 });
    assert.ok(existsSync(join(stopped, 'run.json')), r.stderr);
    const e = dropneuron(['export', stopped, '--format', 'onnx']);
    assert.equal(e.status, 1);
    assert.equal(e.stderr.trim().split('\n').length, 1, e.stderr);
    assert.match(e.stderr, /expected a finished epoch to export, found none/);
  });

  it('an architecture ONNX does not cover, and a folder that is no run, are one sentence each', () => {
    writeFileSync(
      join(dir, 'pooled.dnn'),
      `model pooled {
  data synthetic samples=128 classes=2
  input 8x8x1
  conv a 2 3x3 relu
  avgpool p 2x2
  flatten
  dense out 2
}
train {
  epochs 1
  batch 32
}
`,
    );
    const pooled = join(dir, 'pooled');
    assert.equal(dropneuron(['train', join(dir, 'pooled.dnn'), '--out', pooled], { timeout: 120_000 }).status, 0);
    const e = dropneuron(['export', pooled, '--format', 'onnx']);
    assert.equal(e.status, 1);
    assert.match(e.stderr, /^dropneuron export: expected layers the ONNX and PyTorch export covers \(.*\), found `avgpool` \(p\)[^\n]*\n$/);
    const none = dropneuron(['export', dir, '--format', 'onnx']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /expected a run folder \(with run\.json\), found none/);
  });
});
