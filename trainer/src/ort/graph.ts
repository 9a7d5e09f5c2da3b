import { onnx } from 'onnx-proto';

/** Opset 13, as the exporter (export/onnx.ts): ReduceSum takes its axes as an input, Softmax and LogSoftmax one axis. */
const OPSET = 13;
const IR_VERSION = 7;

/** A dimension: a size, or a name for one that varies between runs (the batch). */
export type Dim = number | string;

type Attribute = onnx.IAttributeProto;

/** An INT attribute. */
export function int(name: string, i: number): Attribute {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function valueInfo(name: string, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * An ONNX graph written node by node: every op returns the name of its output, so that a graph reads as the
 * expressions it computes. Constants are initializers, each value once (scalars are shared by value).
 */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly constants = new Map<string, string>();
  private count = 0;

  /** A float32 graph input, declared once however often it is asked for. */
  input(name: string, dims: readonly Dim[]): string {
    if (!this.inputs.some((i) => i.name === name)) this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /**
   * Makes `value` a float32 graph output named `name`: the node that computes it writes `name` directly (an Identity
   * would copy the tensor once more per run), unless `value` is a graph input or an output already.
   */
  output(name: string, value: string, dims: readonly Dim[]): void {
    const producer = this.nodes.find((n) => n.output![0] === value);
    if (!producer || this.outputs.some((o) => o.name === value)) this.op('Identity', [value], [], name);
    else
      for (const node of this.nodes) {
        if (node.output![0] === value) node.output = [name];
        node.input = node.input!.map((i) => (i === value ? name : i));
      }
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    const key = `f${value}`;
    let name = this.constants.get(key);
    if (!name) {
      name = `const${this.constants.size}`;
      const raw = Buffer.alloc(4);
      raw.writeFloatLE(value, 0);
      this.initializers.push({ name, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
      this.constants.set(key, name);
    }
    return name;
  }

  /** An int64 vector constant (axes, shapes). */
  ints(values: readonly number[]): string {
    const key = `i${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = `const${this.constants.size}`;
      const raw = Buffer.alloc(values.length * 8);
      values.forEach((v, k) => raw.writeBigInt64LE(BigInt(v), k * 8));
      this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw });
      this.constants.set(key, name);
    }
    return name;
  }

  /** One node; returns its (first) output's name. */
  op(type: string, inputs: readonly string[], attribute: Attribute[] = [], output = `${type.toLowerCase()}${this.count++}`): string {
    this.nodes.push({ opType: type, name: `${output}_node`, input: [...inputs], output: [output], attribute });
    return output;
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  /** Σ over `axes` (all axes when none are given), keeping them as 1s when `keep`. */
  sum(x: string, axes: readonly number[] = [], keep = false): string {
    return this.op('ReduceSum', axes.length ? [x, this.ints(axes)] : [x], [int('keepdims', keep ? 1 : 0)]);
  }

  /** A reduction whose axes are an attribute in opset 13 (ReduceL1, ReduceMean; all axes when none are given). */
  reduce(type: 'ReduceL1' | 'ReduceMean', x: string, axes: readonly number[] = [], keep = false): string {
    const attributes = [int('keepdims', keep ? 1 : 0)];
    if (axes.length) attributes.push({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [...axes] });
    return this.op(type, [x], attributes);
  }

  encode(name: string): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'dropneuron',
      graph: { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
