import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import { analyze, type CheckedModel } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { onnxModel } from '../../trainer/src/export/onnx.ts';
import { planOf } from '../../trainer/src/export/plan.ts';
import { decodeSafetensors, encodeSafetensors } from '../../trainer/src/export/safetensors.ts';
import { ImportError } from '../../trainer/src/import/errors.ts';
import { importOnnx } from '../../trainer/src/import/fromOnnx.ts';
import { readOnnx } from '../../trainer/src/import/onnxRead.ts';
import { importedTensors } from '../../trainer/src/import/specText.ts';
import { startingWeights } from '../../trainer/src/import/startingWeights.ts';
import type { LayerWeights } from '../../trainer/src/layerWeights.ts';
import { forwardPass } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tempDir.ts';

before(async () => {
  await selectBackend('cpu');
});

function checked(text: string): CheckedModel {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => d.message),
    [],
  );
  return analysis.model!;
}

/** Seeded random weights for every weighted layer of a model. */
function randomWeights(model: CheckedModel, seed: number): LayerWeights[] {
  const rng = new Rng(seed);
  return model.layers
    .filter((l) => l.weightShape)
    .map((layer) => {
      const size = layer.weightShape!.reduce((a, b) => a * b, 1);
      const out = layer.weightShape!.at(-1)!;
      return { layer, w: Float32Array.from({ length: size }, () => rng.normal() * 0.3), b: Float32Array.from({ length: out }, () => rng.normal() * 0.1) };
    });
}

/** The model's outputs on seeded inputs with these weights, through the trainer's own forward pass. */
function outputs(model: CheckedModel, weights: readonly { w: Float32Array<ArrayBufferLike>; b: Float32Array<ArrayBufferLike> }[], rows = 5): Float32Array {
  const layers = model.layers.filter((l) => l.weightShape);
  const params = weights.map((w, i) => ({ layer: layers[i]!, w: tf.tensor(w.w, layers[i]!.weightShape!), b: tf.tensor(w.b, [w.b.length]) }));
  const rng = new Rng(7);
  const shape = model.input!;
  const x = tf.tensor(
    Float32Array.from({ length: rows * shape.reduce((a, b) => a * b, 1) }, () => rng.next()),
    [rows, ...shape],
  );
  const y = forwardPass(model, params, layerOpsFor('cpu'), x);
  const values = y.dataSync() as Float32Array;
  tf.dispose([x, y, ...params.flatMap((p) => [p.w, p.b])]);
  return values;
}

/** Imports ONNX bytes the way `dropneuron import` does, then reads the weights file back for `target` (the imported spec). */
function roundTrip(bytes: Uint8Array, target: CheckedModel): { w: Float32Array; b: Float32Array }[] {
  const imported = importOnnx(readOnnx(bytes, 'model.onnx'), 'model.onnx');
  const dir = tempDir('dnn-import-');
  const file = join(dir, 'w.safetensors');
  writeFileSync(file, encodeSafetensors(importedTensors(imported)));
  return startingWeights(target, file);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const CONV = `model c {
  data synthetic classes=2
  input 9x7x2
  conv c1 3 3x3 relu padding=same
  maxpool p1 2x2 padding=same
  conv c2 4 2x2 tanh padding=valid
  maxpool p2 2x2 stride=1 padding=valid
  flatten f
  dense fc1 6 sigmoid
  dense fc2 2 softmax
}`;

/** The importer's names for the same layers (fc, conv, pool, flatten and a count). */
const CONV_IMPORTED = `model c {
  data synthetic classes=2
  input 9x7x2
  conv conv1 3 3x3 relu padding=same
  maxpool pool1 2x2 padding=same
  conv conv2 4 2x2 tanh padding=valid
  maxpool pool2 2x2 stride=1 padding=valid
  flatten flatten1
  dense fc1 6 sigmoid
  dense fc2 2 softmax
}`;

describe('importing ONNX', () => {
  it("reads DropNeuron's own export back to the same outputs: conv (same and odd padding, valid), max pools, the NCHW flatten, every activation", () => {
    const model = checked(CONV);
    const weights = randomWeights(model, 1);
    const bytes = onnxModel(planOf(model, weights, model.input!), 'c');
    const imported = importOnnx(readOnnx(bytes, 'model.onnx'), 'model.onnx');
    assert.deepEqual(imported.input, [9, 7, 2]);
    assert.deepEqual(
      imported.layers.map((l) => l.kind),
      ['conv', 'maxpool', 'conv', 'maxpool', 'flatten', 'dense', 'dense'],
    );
    const back = roundTrip(bytes, checked(CONV_IMPORTED));
    // The same values in the same order: the layouts map back exactly.
    back.forEach((w, i) => {
      assert.deepEqual(w.w, weights[i]!.w);
      assert.deepEqual(w.b, weights[i]!.b);
    });
    assert.equal(maxDiff(outputs(model, back), outputs(model, weights)), 0);
  });

  it("reads a compact model's Gather of kept inputs as zero rows for the inputs it drops", () => {
    const model = checked(`model m {
  data synthetic classes=2
  input 6
  dense fc1 4 relu
  dense fc2 2
}`);
    const compactModel = checked(`model m {
  data synthetic classes=2
  input 3
  dense fc1 4 relu
  dense fc2 2
}`);
    const full = randomWeights(model, 2);
    const kept = [0, 2, 5];
    // The compact model's first layer reads only the kept inputs' rows.
    const compactW = new Float32Array(kept.length * 4);
    kept.forEach((row, k) => compactW.set(full[0]!.w.subarray(row * 4, row * 4 + 4), k * 4));
    const compactWeights: LayerWeights[] = [
      { layer: compactModel.layers[0]!, w: compactW, b: full[0]!.b },
      { ...full[1]!, layer: compactModel.layers[1]! },
    ];
    const bytes = onnxModel(planOf(compactModel, compactWeights, [6], kept), 'm');
    const back = roundTrip(bytes, model);
    const expected = new Float32Array(6 * 4);
    kept.forEach((row) => expected.set(full[0]!.w.subarray(row * 4, row * 4 + 4), row * 4));
    assert.deepEqual(back[0]!.w, expected);
    assert.deepEqual(back[1]!.w, full[1]!.w);
  });

  it("reads tf2onnx's MatMul + Add as a dense layer and folds a BatchNormalization into it", () => {
    const w = [1, 2, 3, 4, 5, 6]; // [in 3, out 2] as MatMul's B
    const bytes = graphBytes(
      [3],
      [
        { opType: 'MatMul', input: ['x', 'W'], output: ['a'], name: 'dense/MatMul' },
        { opType: 'Add', input: ['a', 'B'], output: ['b'], name: 'dense/BiasAdd' },
        { opType: 'BatchNormalization', input: ['b', 'g', 'beta', 'mean', 'var'], output: ['c'], name: 'bn' },
        { opType: 'Relu', input: ['c'], output: ['y'], name: 'relu' },
      ],
      [
        floats('W', [3, 2], w),
        floats('B', [2], [0.5, -1]),
        floats('g', [2], [2, 1]),
        floats('beta', [2], [0, 1]),
        floats('mean', [2], [1, 0]),
        floats('var', [2], [3, 0]),
      ],
    );
    const imported = importOnnx(readOnnx(bytes, 'm.onnx'), 'm.onnx');
    const layer = imported.layers[0]!;
    assert.equal(layer.kind, 'dense');
    if (layer.kind !== 'dense') return;
    assert.equal(layer.activation, 'relu');
    const s = [2 / Math.sqrt(3 + 1e-5), 1 / Math.sqrt(1e-5)];
    // [out, in]: W transposed, each output row scaled by its channel's factor.
    const expected = [1 * s[0]!, 3 * s[0]!, 5 * s[0]!, 2 * s[1]!, 4 * s[1]!, 6 * s[1]!];
    assert.ok(maxDiff(layer.weight, expected) < 1e-3 * Math.max(...expected.map(Math.abs)));
    assert.ok(maxDiff(layer.bias, [(0.5 - 1) * s[0]!, -1 * s[1]! + 1]) < 1e-2);
  });

  it('refuses every node it does not read, one line each with its op and name, and a model that is no chain', () => {
    const bytes = graphBytes(
      [4],
      [
        { opType: 'Gemm', input: ['x', 'W'], output: ['a'], name: 'fc', attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
        { opType: 'LeakyRelu', input: ['a'], output: ['b'], name: 'act' },
        { opType: 'LayerNormalization', input: ['b'], output: ['y'], name: 'norm' },
      ],
      [floats('W', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8])],
    );
    assert.throws(
      () => importOnnx(readOnnx(bytes, 'm.onnx'), 'm.onnx'),
      (e: Error) => {
        assert.ok(e instanceof ImportError);
        const lines = e.message.split('\n');
        assert.equal(lines.length, 2);
        assert.match(lines[0]!, /found LeakyRelu \(node "act"\)/);
        assert.match(lines[1]!, /found LayerNormalization \(node "norm"\)/);
        assert.match(lines[0]!, /expected nodes the importer reads \(Gemm, MatMul, .*\); nothing was written$/);
        return true;
      },
    );
    const branch = graphBytes(
      [4],
      [
        { opType: 'Gemm', input: ['x', 'W'], output: ['a'], name: 'fc1', attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
        { opType: 'Gemm', input: ['x', 'W'], output: ['y'], name: 'fc2', attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
      ],
      [floats('W', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8])],
    );
    assert.throws(
      () => importOnnx(readOnnx(branch, 'm.onnx'), 'm.onnx'),
      /Gemm \(node "fc2"\): expected it to read the output of the node before it \(a chain of layers\), found it reading "x"/,
    );
  });

  it('refuses an activation after an AveragePool (it does not commute with the average, as it does with a MaxPool)', () => {
    const conv = floats('K', [1, 1, 1, 1], [1]);
    const pool = (opType: string): onnx.INodeProto => ({
      opType,
      input: ['c'],
      output: ['p'],
      name: 'pool',
      attribute: [
        { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
        { name: 'strides', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
      ],
    });
    const graph = (opType: string): Uint8Array =>
      graphBytes(
        [1, 4, 4],
        [
          { opType: 'Conv', input: ['x', 'K'], output: ['c'], name: 'conv' },
          pool(opType),
          { opType: 'Relu', input: ['p'], output: ['r'], name: 'act' },
          { opType: 'Flatten', input: ['r'], output: ['f'], name: 'flat' },
          { opType: 'Gemm', input: ['f', 'W'], output: ['y'], name: 'fc', attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
        ],
        [conv, floats('W', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8])],
      );
    const max = importOnnx(readOnnx(graph('MaxPool'), 'm.onnx'), 'm.onnx');
    assert.equal(max.layers[0]!.kind === 'conv' && max.layers[0]!.activation, 'relu');
    assert.throws(
      () => importOnnx(readOnnx(graph('AveragePool'), 'm.onnx'), 'm.onnx'),
      /Relu \(node "act"\): expected an activation right after a Gemm or Conv/,
    );
  });

  it('reads AveragePool as `avgpool`, averaging what the ONNX model averages', () => {
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const bytes = graphBytes(
      [1, 4, 4],
      [
        {
          opType: 'AveragePool',
          input: ['x'],
          output: ['p'],
          name: 'avg',
          attribute: [
            { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
            { name: 'strides', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
          ],
        },
        { opType: 'Flatten', input: ['p'], output: ['f'], name: 'flat' },
        { opType: 'Gemm', input: ['f', 'W'], output: ['y'], name: 'fc', attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
      ],
      [floats('W', [4, 4], identity)],
    );
    const imported = importOnnx(readOnnx(bytes, 'm.onnx'), 'm.onnx');
    assert.deepEqual(
      imported.layers.map((l) => `${l.kind} ${l.name}`),
      ['avgpool pool1', 'flatten flatten1', 'dense fc1'],
    );
    const model = checked(`model m {
  data synthetic classes=4
  input 4x4x1
  avgpool pool1 2x2 padding=valid
  flatten flatten1
  dense fc1 4
}`);
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    const params = roundTrip(bytes, model).map((w, i) => ({
      layer: model.layers.filter((l) => l.weightShape)[i]!,
      w: tf.tensor(w.w, [4, 4]),
      b: tf.tensor(w.b, [4]),
    }));
    const input = tf.tensor(x, [1, 4, 4, 1]);
    const y = forwardPass(model, params, layerOpsFor('cpu'), input);
    // Each 2x2 window's mean, row by row: (0+1+4+5)/4, (2+3+6+7)/4, …
    assert.deepEqual(Array.from(y.dataSync()), [2.5, 4.5, 10.5, 12.5]);
    tf.dispose([input, y, ...params.flatMap((p) => [p.w, p.b])]);
  });

  it('refuses an opset it does not know and dynamic spatial dimensions, one sentence each', () => {
    const gemm: onnx.INodeProto = {
      opType: 'Gemm',
      input: ['x', 'W'],
      output: ['y'],
      name: 'fc',
      attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    };
    const w = floats('W', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.throws(() => readOnnx(graphBytes([4], [gemm], [w], 99), 'm.onnx'), {
      message: 'm.onnx: expected an ONNX opset from 7 to 21, found opset 99; export it again with opset_version=13',
    });
    assert.throws(() => importOnnx(readOnnx(graphBytes([1, 'h', 'w'], [gemm], [w]), 'm.onnx'), 'm.onnx'), {
      message: "m.onnx: expected the input's dimensions after the batch to be fixed numbers, found [1, ?, ?] (dynamic); export with a fixed example input",
    });
  });

  it('names the file, the layer and both shapes when a weights file does not fit the spec', () => {
    const model = checked(`model m {
  data synthetic classes=2
  input 4
  dense fc1 2
}`);
    const dir = tempDir('dnn-import-');
    const file = join(dir, 'w.safetensors');
    writeFileSync(
      file,
      encodeSafetensors([
        { name: 'fc1.weight', dtype: 'F32', shape: [3, 4], data: new Float32Array(12) },
        { name: 'fc1.bias', dtype: 'F32', shape: [3], data: new Float32Array(3) },
      ]),
    );
    assert.throws(() => startingWeights(model, file), { message: `${file}: expected fc1.weight of shape [2, 4] for layer \`fc1\`, found [3, 4]` });
    writeFileSync(file, encodeSafetensors([{ name: 'other.weight', dtype: 'F32', shape: [1], data: new Float32Array(1) }]));
    assert.throws(() => startingWeights(model, file), {
      message: `${file}: expected a tensor fc1.weight [2, 4] for layer \`fc1\`, found none (it holds other.weight)`,
    });
    writeFileSync(file, 'not safetensors');
    assert.throws(() => startingWeights(model, file), /^Error: .*w\.safetensors: expected a safetensors file, found one that fails: expected a header of/);
    assert.ok(decodeSafetensors(encodeSafetensors([])).tensors.size === 0);
  });
});

function floats(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values };
}

/** A hand-written ONNX model (opset 13 unless given) with input `x` [batch, ...dims] and output `y`. */
export function graphBytes(dims: (number | string)[], node: onnx.INodeProto[], initializer: onnx.ITensorProto[], opset = 13): Uint8Array {
  const info = (name: string, shape: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, ...shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))] },
      },
    },
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: opset }],
      producerName: 'test',
      graph: { name: 'g', node, initializer, input: [info('x', dims)], output: [info('y', [2])] },
    }),
  ).finish();
}
