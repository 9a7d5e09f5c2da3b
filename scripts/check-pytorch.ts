// node --import tsx scripts/check-pytorch.ts
// Trains the export examples (scripts/export-examples.ts), then loads each run's compact/model.py +
// model.safetensors with PyTorch (scripts/check-pytorch.py) and prints the largest difference from the
// TensorFlow.js compact model's outputs on 256 MNIST test images. A script, not a test: it needs a Python with
// torch (DNN_PYTHON, else python3 or /usr/bin/python3, whichever imports torch). docs/results.md records a run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { DoneEvent } from '../protocol/events.ts';
import { loadMnist } from '../trainer/src/data/mnist.ts';
import { loadLayersModel } from '../trainer/src/export/tfjs.ts';
import { train } from '../trainer/src/run.ts';
import { EXPORT_EXAMPLES } from './export-examples.ts';

const ROWS = 256;

function python(): string {
  const candidates = [process.env.DNN_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  const found = candidates.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!found) throw new Error(`expected a Python with torch (tried ${candidates.join(', ')}), found none; set DNN_PYTHON`);
  return found;
}

async function main(): Promise<boolean> {
  const py = python();
  const dir = mkdtempSync(join(tmpdir(), 'dnn-check-pytorch-'));
  let failed = false;
  try {
    const mnist = loadMnist([784]);
    for (const [name, spec] of Object.entries(EXPORT_EXAMPLES)) {
      const specPath = join(dir, `${name}.dnn`);
      writeFileSync(specPath, spec);
      const result = await train({ specPath, outDir: join(dir, name), emit: () => {} });
      if (result.type !== 'done') throw new Error(`${name}: expected the run to finish, found: ${result.message}`);
      const done: DoneEvent = result;
      const image = spec.includes('28x28x1');
      const x = mnist.testX.slice(0, ROWS * 784);
      const kept = done.outputs.keptInputs ? (JSON.parse(readFileSync(done.outputs.keptInputs, 'utf8')) as { kept: number[] }).kept : undefined;
      const tfCompact = await loadLayersModel(join(dir, name, 'compact'));
      const outputs = tf.tidy(() => {
        const t = image ? tf.tensor4d(x, [ROWS, 28, 28, 1]) : tf.tensor2d(x, [ROWS, 784]);
        return Array.from((tfCompact.predict(kept ? tf.gather(t, kept, 1) : t) as tf.Tensor).dataSync());
      });
      // One channel: NHWC and NCHW hold the same values in the same order.
      const reference = { name, inputs: Array.from(x), shape: image ? [ROWS, 1, 28, 28] : [ROWS, 784], outputs };
      const referencePath = join(dir, `${name}.reference.json`);
      writeFileSync(referencePath, JSON.stringify(reference));
      const sizes = (done.summary.exports ?? []).map((f) => `${f.format} ${f.bytes}/${f.fullBytes} B`).join(', ');
      const l = done.summary.latency;
      const latency = l
        ? `; ms per call on ${l.backend}, compact vs full: batch 1 ${l.compact.batch1Ms.toFixed(3)} vs ${l.full.batch1Ms.toFixed(3)}, batch ${l.batchSize} ${l.compact.batchMs.toFixed(2)} vs ${l.full.batchMs.toFixed(2)}`
        : '';
      console.log(
        `${name}: compact sizes ${JSON.stringify(done.summary.compactSizes)}, ${kept ? `${kept.length} of 784 inputs kept, ` : ''}${sizes}${latency}`,
      );
      const r = spawnSync(py, [join(import.meta.dirname, 'check-pytorch.py'), join(dir, name, 'compact'), referencePath], { encoding: 'utf8' });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      if (r.status !== 0) failed = true;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return !failed;
}

main().then(
  (ok) => (process.exitCode = ok ? 0 : 1),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  },
);
