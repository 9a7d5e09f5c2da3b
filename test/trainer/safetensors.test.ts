import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { analyze, type CheckedModel } from '../../language/index.ts';
import { compact } from '../../trainer/src/compact.ts';
import { FILE_FORMATS } from '../../trainer/src/export/registry.ts';
import { decodeSafetensors, encodeSafetensors } from '../../trainer/src/export/safetensors.ts';
import { Rng } from '../../trainer/src/rng.ts';
import type { LayerWeights } from '../../trainer/src/layerWeights.ts';
import { specText } from '../helpers/specs.ts';

/** A model with these weights in every file format, in memory: each file by role (onnx, safetensors, python). */
async function encodeFiles(model: CheckedModel, layers: readonly LayerWeights[], inputShape: number[], keptInputs?: readonly number[]) {
  const files = new Map<string, Uint8Array | string>();
  for (const format of FILE_FORMATS) {
    const encoded = await format.encode({ model, layers, inputShape, keptInputs }, `model${format.facts.extension}`);
    for (const file of encoded.files) files.set(file.role, file.data);
  }
  return { onnx: files.get('onnx') as Uint8Array, safetensors: files.get('safetensors') as Uint8Array, python: files.get('python') as string };
}

describe('the safetensors writer', () => {
  it('writes an 8-byte little-endian header length, a JSON header padded to 8 bytes, then the raw little-endian data', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'a.weight', dtype: 'F32', shape: [2, 3], data: Float32Array.from([1.5, -2, 0, 3.25, 1e-7, -0]) },
        { name: 'a.index', dtype: 'I64', shape: [2], data: BigInt64Array.from([3n, 7n]) },
      ],
      { format: 'pt' },
    );
    const buffer = Buffer.from(bytes);
    const length = Number(buffer.readBigUInt64LE(0));
    assert.equal((8 + length) % 8, 0);
    const header = JSON.parse(buffer.subarray(8, 8 + length).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
    assert.deepEqual(header['a.weight'], { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header['a.index'], { dtype: 'I64', shape: [2], data_offsets: [24, 40] });
    assert.deepEqual(header.__metadata__, { format: 'pt' });
    assert.equal(buffer.length, 8 + length + 40);
    assert.equal(buffer.readFloatLE(8 + length), 1.5);
    assert.equal(buffer.readFloatLE(8 + length + 4), -2);
    assert.equal(buffer.readBigInt64LE(8 + length + 32), 7n);

    const back = decodeSafetensors(bytes);
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual([...back.tensors.keys()], ['a.weight', 'a.index']);
    assert.deepEqual(back.tensors.get('a.weight')!.data, Float32Array.from([1.5, -2, 0, 3.25, 1e-7, -0]));
    assert.deepEqual(back.tensors.get('a.index')!.data, BigInt64Array.from([3n, 7n]));
  });

  it('refuses a tensor whose values do not fill its shape, and reads a truncated file as one sentence', () => {
    assert.throws(() => encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }]), /expected 4 values for tensor w/);
    const bytes = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [4], data: new Float32Array(4) }]);
    assert.throws(
      () => decodeSafetensors(bytes.subarray(0, bytes.length - 4)),
      (e: unknown) => e instanceof Error && /expected tensor w in bytes 0\.\.16/.test(e.message) && !e.message.includes('\n'),
    );
    assert.throws(() => decodeSafetensors(bytes.subarray(0, 5)), /at least 8 bytes/);
  });
});

const MLP = specText('mlp');

describe("the compact model's model.safetensors", () => {
  it("holds every weight as PyTorch lays it out ([out, in]), the kept inputs as I64, under the names of model.py's Sequential", async () => {
    const model = analyze(MLP).model!;
    const rng = new Rng(5);
    const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
    const [h1, h2, out] = model.layers;
    const w1 = random(6 * 5);
    for (let j = 0; j < 5; j++) w1[1 * 5 + j] = 0; // input 1 dropped
    const w2 = random(5 * 4);
    for (let r = 0; r < 5; r++) w2[r * 4 + 1] = 0; // h2 unit 1 unfed: relu(0.3) folded into out's bias
    const layers: LayerWeights[] = [
      { layer: h1!, w: w1, b: random(5) },
      { layer: h2!, w: w2, b: Float32Array.from([0.2, 0.3, -0.1, 0.0]) },
      { layer: out!, w: random(4 * 3), b: random(3) },
    ];
    const small = compact(model, layers);
    const exported = await encodeFiles(model, small.layers, [6], small.keptInputs);
    const { tensors, metadata } = decodeSafetensors(exported.safetensors);
    assert.equal(metadata.format, 'pt');

    // Sequential: KeepInputs, Linear h1, Tanh, Linear h2, ReLU, Linear out, Softmax.
    assert.deepEqual([...tensors.keys()], ['0.index', '1.weight', '1.bias', '3.weight', '3.bias', '5.weight', '5.bias']);
    assert.deepEqual([...tensors.get('0.index')!.data], small.keptInputs!.map(BigInt));
    [1, 3, 5].forEach((index, k) => {
      const layer = small.layers[k]!;
      const [inputs, units] = layer.layer.weightShape! as [number, number];
      const weight = tensors.get(`${index}.weight`)!;
      assert.deepEqual(weight.shape, [units, inputs]);
      for (let i = 0; i < inputs; i++) for (let u = 0; u < units; u++) assert.equal(weight.data[u * inputs + i], layer.w[i * units + u]);
      assert.deepEqual(tensors.get(`${index}.bias`)!.data, Float32Array.from(layer.b));
    });
    // model.py builds the same Sequential: the module at each index is the one the names say.
    const modules = exported.python.split('nn.Sequential(\n')[1]!.split('\n    )')[0]!.split('\n');
    assert.deepEqual(
      modules.map((m) => m.trim().split('(')[0]),
      ['KeepInputs', 'nn.Linear', 'nn.Tanh', 'nn.Linear', 'nn.ReLU', 'nn.Linear', 'nn.Softmax'],
    );
    assert.equal(modules[1]!.trim(), `nn.Linear(${small.keptInputs!.length}, ${small.sizes.h1}),  # h1`);
  });

  it('holds the same tensors as the ONNX graph it was exported beside (a convnet: conv weights [out, in, kh, kw])', async () => {
    const model = analyze(`model conv {
  data synthetic classes=3
  input 6x6x2
  conv a 3 3x3 relu
  maxpool p 2x2
  flatten
  dense out 3
}
`).model!;
    const rng = new Rng(2);
    const layers: LayerWeights[] = model.layers
      .filter((l) => l.weightShape)
      .map((layer) => ({
        layer,
        w: Float32Array.from({ length: layer.weightShape!.reduce((a, b) => a * b) }, () => rng.normal()),
        b: Float32Array.from({ length: layer.weightShape!.at(-1)! }, () => rng.normal()),
      }));
    const exported = await encodeFiles(model, layers, [6, 6, 2]);
    const { tensors } = decodeSafetensors(exported.safetensors);
    const graph = onnx.ModelProto.decode(exported.onnx).graph!;
    const initializers = new Map(graph.initializer!.map((t) => [t.name!, t]));
    const pairs: [string, string][] = [
      ['0.weight', 'a.weight'],
      ['0.bias', 'a.bias'],
      ['4.weight', 'out.weight'],
      ['4.bias', 'out.bias'],
    ];
    assert.deepEqual([...tensors.keys()].sort(), pairs.map(([name]) => name).sort());
    for (const [name, onnxName] of pairs) {
      const t = tensors.get(name)!;
      const init = initializers.get(onnxName)!;
      assert.deepEqual(t.shape, init.dims!.map(Number), name);
      const raw = Buffer.from(init.rawData!);
      assert.deepEqual(
        t.data,
        Float32Array.from({ length: raw.length / 4 }, (_, i) => raw.readFloatLE(i * 4)),
        name,
      );
    }
    // TensorFlow.js [kh, kw, in, out] → PyTorch [out, in, kh, kw].
    const a = tensors.get('0.weight')!;
    assert.deepEqual(a.shape, [3, 2, 3, 3]);
    assert.equal(a.data[((2 * 2 + 1) * 3 + 0) * 3 + 1], layers[0]!.w[((0 * 3 + 1) * 2 + 1) * 3 + 2]);
  });
});
