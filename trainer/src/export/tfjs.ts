import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CheckedModel } from '../../../language/index.ts';
import { modelFormat } from '../../../protocol/modelFormats.ts';
import type { LayerWeights } from '../layerWeights.ts';
import { ExportError } from './errors.ts';
import { writeFolder, type EncodedFile, type EncodedModel, type ModelFormat } from './format.ts';

/**
 * TensorFlow.js: a LayersModel folder (model.json + weights.bin), the format of a run's own model/ and compact/
 * (timed for the summary's latency). Its input is the compact model's kept inputs; it does not pick them itself.
 */
export const TFJS: ModelFormat<'tfjs'> = {
  facts: modelFormat('tfjs'),
  async prepare() {
    const { selectBackend } = await import('../backend.ts');
    await selectBackend('wasm');
  },
  async encode(source) {
    const m = buildLayersModel(source.model, source.layers, layersInputShape(source.inputShape, source.keptInputs));
    try {
      return await encodeLayersModel(m);
    } finally {
      m.dispose();
    }
  },
};

/** What a LayersModel reads: the kept inputs of a compact model (as a row), else the spec's input shape. */
export function layersInputShape(inputShape: readonly number[], keptInputs: readonly number[] | undefined): number[] {
  return keptInputs ? [keptInputs.length] : [...inputShape];
}

/** A TensorFlow.js LayersModel with the given weights; `inputShape` is smaller than the spec's when inputs were dropped. */
export function buildLayersModel(model: CheckedModel, weights: readonly LayerWeights[], inputShape: number[]): tfl.Sequential {
  const seq = tfl.sequential({ name: model.name.replace(/[^A-Za-z0-9_]/g, '_') });
  const byIndex = new Map(weights.map((w) => [w.layer.index, w]));
  let first = true;
  const input = (): { inputShape?: number[] } => (first ? ((first = false), { inputShape }) : {});
  for (const layer of model.layers) {
    const w = byIndex.get(layer.index);
    const name = layer.name.replace(/[^A-Za-z0-9_]/g, '_');
    switch (layer.kind) {
      case 'dense':
        seq.add(tfl.layers.dense({ ...input(), name, units: w!.layer.weightShape![1]!, activation: layer.activation }));
        break;
      case 'conv':
        seq.add(
          tfl.layers.conv2d({
            ...input(),
            name,
            filters: w!.layer.weightShape![3]!,
            kernelSize: layer.kernel!,
            strides: layer.stride ?? 1,
            padding: layer.padding ?? 'same',
            activation: layer.activation,
          }),
        );
        break;
      case 'maxpool':
      case 'avgpool': {
        const options = { ...input(), name, poolSize: layer.kernel!, strides: layer.stride ?? layer.kernel![0], padding: layer.padding ?? 'same' };
        seq.add(layer.kind === 'maxpool' ? tfl.layers.maxPooling2d(options) : tfl.layers.averagePooling2d(options));
        break;
      }
      case 'flatten':
        seq.add(tfl.layers.flatten({ ...input(), name }));
        break;
      case 'dropout':
        seq.add(tfl.layers.dropout({ ...input(), name, rate: 1 - layer.reg.keepProb }));
        break;
      case 'lrn':
        throw new ExportError(`expected layers that TensorFlow.js LayersModels support, found \`lrn\` (${layer.name}); the weights are in the checkpoint`);
    }
    if (w) {
      const target = seq.layers[seq.layers.length - 1]!;
      target.setWeights([tf.tensor(w.w, w.layer.weightShape!), tf.tensor(w.b, [w.b.length])]);
    }
  }
  return seq;
}

/** Saves a LayersModel as model.json + weights.bin in `dir` (written to a temporary folder, then renamed). */
export async function saveLayersModel(m: tfl.LayersModel, dir: string): Promise<void> {
  writeFolder(dir, (await encodeLayersModel(m)).files);
}

/** A LayersModel's model.json and weights.bin, in memory. */
async function encodeLayersModel(m: tfl.LayersModel): Promise<EncodedModel> {
  let files: EncodedFile[] = [];
  await m.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const manifest = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      files = [
        { name: 'weights.bin', role: 'weights', what: 'the weights', data: Buffer.concat(buffers.map((b) => Buffer.from(b))) },
        { name: 'model.json', role: 'topology', what: 'the model', data: JSON.stringify(manifest) },
      ];
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { bytes: files.reduce((sum, f) => sum + Buffer.byteLength(f.data), 0), files };
}

/** Loads a folder written by saveLayersModel (with tfjs-node, `tf.loadLayersModel('file://DIR/model.json')` works too). */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest[0]!.weights, weightData }));
}

/** Bytes of a TensorFlow.js model folder: model.json and weights.bin (the other formats beside them not counted). */
export function tfjsBytes(dir: string): number {
  return readdirSync(dir)
    .filter((name) => name === 'model.json' || name.startsWith('weights'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
