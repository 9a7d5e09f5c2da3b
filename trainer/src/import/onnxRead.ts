import { onnx } from 'onnx-proto';
import { ImportError } from './errors.ts';

/** The opsets whose operators the importer reads as it knows them (Gemm, Conv, Flatten, Reshape, BatchNormalization). */
export const OPSETS = { min: 7, max: 21 } as const;

/** A tensor of the graph: its dims and its values as numbers (float32 or int64 read into one array). */
export interface GraphTensor {
  dims: number[];
  /** float32 values, for FLOAT tensors. */
  floats?: Float32Array;
  /** int64 values as numbers, for INT64 tensors (shapes and indices are small). */
  ints?: number[];
}

/** One ONNX graph as the importer walks it. */
export interface OnnxGraph {
  /** The producer, for the spec's comment ("pytorch 1.13.1", "dropneuron"). */
  producer: string;
  opset: number;
  /** The graph's one input: its name and dims after the batch dimension (undefined for a dynamic one). */
  input: { name: string; dims: (number | undefined)[] };
  output: string;
  nodes: onnx.INodeProto[];
  /** Initializers and the values of Constant nodes, by name. */
  tensors: Map<string, GraphTensor>;
}

/** A protobuf int64 (a Long or a number) as a number. */
export function num(v: number | { toString(): string } | null | undefined): number {
  return typeof v === 'number' ? v : Number(v?.toString() ?? 0);
}

/**
 * Decodes an ONNX file's bytes into its graph: one sentence for bytes that are not an ONNX model (a truncated or
 * corrupt file), an opset outside the known ones, a graph with other than one input and one output, or a
 * tensor stored outside the file.
 */
export function readOnnx(bytes: Uint8Array, file: string): OnnxGraph {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ImportError(`${file}: expected an ONNX model, found bytes that do not decode as one (${(error as Error).message}): a truncated or corrupt file`);
  }
  const graph = model.graph;
  if (!graph || !graph.node?.length) throw new ImportError(`${file}: expected an ONNX model with a graph of nodes, found none: a truncated or corrupt file`);
  const opset = num(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version);
  if (opset < OPSETS.min || opset > OPSETS.max) {
    throw new ImportError(
      `${file}: expected an ONNX opset from ${OPSETS.min} to ${OPSETS.max}, found opset ${opset || 'none'}; export it again with opset_version=13`,
    );
  }
  const tensors = new Map<string, GraphTensor>();
  for (const t of graph.initializer ?? []) tensors.set(t.name ?? '', tensorOf(t, file));
  for (const node of graph.node) {
    if (node.opType !== 'Constant') continue;
    const value = node.attribute?.find((a) => a.name === 'value')?.t;
    if (value) tensors.set(node.output?.[0] ?? '', tensorOf(value, file));
  }
  // Initializers may be listed as inputs too (older exporters): the model's input is the one that is not.
  const inputs = (graph.input ?? []).filter((i) => !tensors.has(i.name ?? ''));
  if (inputs.length !== 1 || graph.output?.length !== 1) {
    throw new ImportError(`${file}: expected a model with one input and one output, found ${inputs.length} inputs and ${graph.output?.length ?? 0} outputs`);
  }
  const input = inputs[0]!;
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0 ? num(d.dimValue) : undefined,
  );
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  return { producer, opset, input: { name: input.name ?? '', dims: dims.slice(1) }, output: graph.output[0]!.name ?? '', nodes: graph.node, tensors };
}

function tensorOf(t: onnx.ITensorProto, file: string): GraphTensor {
  const dims = (t.dims ?? []).map(num);
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ImportError(`${file}: expected every tensor inside the file, found ${t.name} stored in an external data file; export the model as one file`);
  }
  const raw = t.rawData && t.rawData.length ? Buffer.from(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  switch (t.dataType) {
    case onnx.TensorProto.DataType.FLOAT: {
      if (raw && raw.length !== count * 4)
        throw new ImportError(`${file}: expected ${count * 4} bytes for tensor ${t.name}, found ${raw.length}: a corrupt file`);
      const floats = raw ? Float32Array.from({ length: count }, (_, i) => raw.readFloatLE(i * 4)) : Float32Array.from(t.floatData ?? []);
      if (floats.length !== count) throw new ImportError(`${file}: expected ${count} values for tensor ${t.name}, found ${floats.length}: a corrupt file`);
      return { dims, floats };
    }
    case onnx.TensorProto.DataType.INT64: {
      const ints = raw ? Array.from({ length: raw.length / 8 }, (_, i) => Number(raw.readBigInt64LE(i * 8))) : (t.int64Data ?? []).map(num);
      return { dims, ints };
    }
    default:
      // Other types (float16 weights, int8 quantised ones) are reported when a node reads them.
      return { dims };
  }
}

/** A node's attribute as an int, a list of ints, or a float; `fallback` when absent. */
export function intAttr(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? num(a.i) : fallback;
}

export function intsAttr(node: onnx.INodeProto, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? (a.ints ?? []).map(num) : undefined;
}

export function floatAttr(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? (a.f ?? fallback) : fallback;
}
