import { onnx } from 'onnx-proto';
import { modelFormat } from '../../../protocol/modelFormats.ts';
import type { ModelFormat } from './format.ts';
import { planOf, type Pads, type Plan, type Step } from './plan.ts';

/** ONNX: one file (model.onnx) that reads the spec's whole input, from the plan ONNX and PyTorch share (plan.ts). */
export const ONNX: ModelFormat<'onnx'> = {
  facts: modelFormat('onnx'),
  async encode(source, name) {
    const plan = planOf(source.model, source.layers, source.inputShape, source.keptInputs);
    const shape = `input [batch, ${plan.input.join(', ')}]${plan.input.length === 3 ? ' NCHW' : ''}, output [batch, ${plan.outputs}]`;
    const data = onnxModel(plan, source.model.name, `DropNeuron model ${source.model.name}: ${shape}`);
    return { bytes: data.byteLength, files: [{ name, role: ONNX.facts.id, what: 'the ONNX model', data }] };
  },
};

/** Opset 13: Softmax over one axis (older opsets flatten the trailing axes), Gemm with an optional C. */
const OPSET = 13;
/** ONNX IR version 7 goes with opset 13 (onnx/docs/Versioning.md). */
const IR_VERSION = 7;

const OP_OF_ACTIVATION = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', softmax: 'Softmax', elu: 'Elu', softplus: 'Softplus' } as const;

/**
 * A plan (plan.ts) as an ONNX model: input `input` [batch, ...plan.input] float32 (NCHW for images), output
 * `output` [batch, plan.outputs]. Dense layers are Gemm with B = W [out, in] (transB), convs are Conv with
 * explicit pads, the kept-input selection is a Gather on axis 1. Encoded with onnx-proto's generated messages.
 */
export function onnxModel(plan: Plan, name: string, docString = ''): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  let current = 'input';
  const last = plan.steps.length - 1;
  plan.steps.forEach((step, i) => {
    const output = i === last ? 'output' : `t${i}`;
    const node = nodeOf(step, current, output, i, initializer);
    nodes.push(node);
    current = output;
  });
  if (plan.steps.length === 0) nodes.push({ opType: 'Identity', input: ['input'], output: ['output'], name: 'identity' });
  const graph: onnx.IGraphProto = {
    name,
    node: nodes,
    initializer,
    input: [valueInfo('input', plan.input)],
    output: [valueInfo('output', [plan.outputs])],
  };
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'dropneuron',
    graph,
    ...(docString ? { docString } : {}),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

function nodeOf(step: Step, input: string, output: string, i: number, initializer: onnx.ITensorProto[]): onnx.INodeProto {
  const node = (opType: string, inputs: string[], attribute: onnx.IAttributeProto[] = [], name = `${opType.toLowerCase()}${i}`): onnx.INodeProto => ({
    opType,
    name,
    input: [input, ...inputs],
    output: [output],
    attribute,
  });
  switch (step.op) {
    case 'gather':
      initializer.push(int64Tensor('kept_inputs', step.indices));
      return node('Gather', ['kept_inputs'], [ints('axis', [1], true)], 'kept_inputs');
    case 'dense':
      initializer.push(floatTensor(`${step.name}.weight`, [step.units, step.inputs], step.weight), floatTensor(`${step.name}.bias`, [step.units], step.bias));
      return node('Gemm', [`${step.name}.weight`, `${step.name}.bias`], [ints('transB', [1], true)], step.name);
    case 'conv':
      initializer.push(
        floatTensor(`${step.name}.weight`, [step.filters, step.channels, ...step.kernel], step.weight),
        floatTensor(`${step.name}.bias`, [step.filters], step.bias),
      );
      return node(
        'Conv',
        [`${step.name}.weight`, `${step.name}.bias`],
        [ints('kernel_shape', step.kernel), ints('strides', [step.stride, step.stride]), pads(step.pads)],
        step.name,
      );
    case 'maxpool':
      return node('MaxPool', [], [ints('kernel_shape', step.kernel), ints('strides', [step.stride, step.stride]), pads(step.pads)], step.name);
    case 'flatten':
      return node('Flatten', [], [ints('axis', [1], true)]);
    case 'activation':
      return node(OP_OF_ACTIVATION[step.fn], [], step.fn === 'softmax' ? [ints('axis', [-1], true)] : []);
  }
}

/** ONNX pads: [begin of each spatial axis, then end of each]. */
function pads(p: Pads): onnx.IAttributeProto {
  return ints('pads', [p.top, p.left, p.bottom, p.right]);
}

export function ints(name: string, values: readonly number[], single = false): onnx.IAttributeProto {
  return single
    ? { name, type: onnx.AttributeProto.AttributeType.INT, i: values[0]! }
    : { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] };
}

export function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, k) => raw.writeFloatLE(v, k * 4));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

export function int64Tensor(name: string, values: readonly number[]): onnx.ITensorProto {
  const raw = Buffer.alloc(values.length * 8);
  values.forEach((v, k) => raw.writeBigInt64LE(BigInt(v), k * 8));
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw };
}

function valueInfo(name: string, shape: readonly number[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, ...shape.map((d) => ({ dimValue: d }))] },
      },
    },
  };
}
