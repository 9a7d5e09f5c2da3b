import { onnx } from 'onnx-proto';
import { floatTensor, int64Tensor, ints } from '../export/onnx.ts';

/**
 * Opset 16: as the exporter's 13 (export/onnx.ts: ReduceSum takes its axes as an input, Softmax and LogSoftmax one
 * axis; ReduceL1 and ReduceMean still an attribute), plus ScatterElements' `reduction` (16), which a max-pool's
 * gradient adds through where windows overlap. The ops between 13 and 16 changed only in the types they take.
 */
const OPSET = 16;
/** ONNX IR version 8 goes with opset 16 (onnx/docs/Versioning.md). */
const IR_VERSION = 8;

/** A dimension: a size, or a name for one that varies between runs (the batch). */
export type Dim = number | string;

type Attribute = onnx.IAttributeProto;

/** An INT attribute. */
export function int(name: string, i: number): Attribute {
  return ints(name, [i], true);
}

/** An INTS attribute. */
export function intList(name: string, values: readonly number[]): Attribute {
  return ints(name, values);
}

/** A float32 value's type and shape; unlike the exporter's (export/onnx.ts), any dimension may be named, the batch's too. */
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
    const producer = this.nodes.find((n) => n.output!.includes(value));
    if (!producer || this.outputs.some((o) => o.name === value)) this.op('Identity', [value], [], name);
    else
      for (const node of this.nodes) {
        node.output = node.output!.map((o) => (o === value ? name : o));
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
      this.initializers.push(floatTensor(name, [], Float32Array.of(value)));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A float32 vector constant (Resize's scales). */
  floats(values: readonly number[]): string {
    const key = `fs${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = `const${this.constants.size}`;
      this.initializers.push(floatTensor(name, [values.length], Float32Array.from(values)));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A STRING attribute. */
  str(name: string, value: string): Attribute {
    return { name, type: onnx.AttributeProto.AttributeType.STRING, s: Buffer.from(value) };
  }

  /** An int64 vector constant (axes, shapes). */
  ints(values: readonly number[]): string {
    const key = `i${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = `const${this.constants.size}`;
      this.initializers.push(int64Tensor(name, values));
      this.constants.set(key, name);
    }
    return name;
  }

  /** One node; returns its (first) output's name. */
  op(type: string, inputs: readonly string[], attribute: Attribute[] = [], output = `${type.toLowerCase()}${this.count++}`): string {
    this.nodes.push({ opType: type, name: `${output}_node`, input: [...inputs], output: [output], attribute });
    return output;
  }

  /** One node with `count` outputs (MaxPool's values and indices); returns their names. */
  ops(type: string, inputs: readonly string[], attribute: Attribute[], count: number): string[] {
    const first = `${type.toLowerCase()}${this.count++}`;
    const outputs = Array.from({ length: count }, (_, i) => (i ? `${first}_${i}` : first));
    this.nodes.push({ opType: type, name: `${first}_node`, input: [...inputs], output: outputs, attribute });
    return outputs;
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
    if (axes.length) attributes.push(intList('axes', axes));
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
