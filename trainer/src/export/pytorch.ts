import { modelFormat, type BesideFileRole } from '../../../protocol/modelFormats.ts';
import { besideName, type ModelFormat } from './format.ts';
import { planOf, type Pads, type Plan } from './plan.ts';
import { encodeSafetensors, type SafeTensor } from './safetensors.ts';

/**
 * PyTorch: the weights as safetensors (model.safetensors, named as the nn.Sequential's state_dict names them) and
 * beside it model.py, which builds the Sequential and loads them; from the plan ONNX and PyTorch share (plan.ts).
 */
export const SAFETENSORS: ModelFormat<'safetensors'> = {
  facts: modelFormat('safetensors'),
  async encode(source, name) {
    const { tensors, source: python } = pytorchModel(planOf(source.model, source.layers, source.inputShape, source.keptInputs), source.model.name, name);
    const data = encodeSafetensors(tensors, { format: 'pt', model: source.model.name });
    const facts = SAFETENSORS.facts;
    return {
      bytes: data.byteLength,
      files: [
        { name, role: facts.id, what: 'the safetensors weights', data },
        { name: besideName(name, facts.beside.python), role: 'python' satisfies BesideFileRole, what: 'the PyTorch model', data: python },
      ],
    };
  },
};

const MODULE_OF_ACTIVATION = {
  relu: 'nn.ReLU()',
  tanh: 'nn.Tanh()',
  sigmoid: 'nn.Sigmoid()',
  softmax: 'nn.Softmax(dim=1)',
  elu: 'nn.ELU()',
  softplus: 'nn.Softplus()',
} as const;

/**
 * A plan (plan.ts) as a PyTorch nn.Sequential: the tensors under the names its state_dict has ("0.weight",
 * "2.bias", "0.index" for the kept inputs) and the source of `model.py`, which builds the Sequential and
 * loads `weightsFile` beside it. Padding TensorFlow puts unevenly (`same` with an even window) is a
 * ZeroPad2d before the conv, or a ConstantPad2d of -inf before a max pool (padding never wins a max).
 */
export function pytorchModel(plan: Plan, name: string, weightsFile = 'model.safetensors'): { tensors: SafeTensor[]; source: string } {
  const modules: string[] = [];
  const tensors: SafeTensor[] = [];
  // One line of the Sequential; the layer's name from the spec as a comment. Returns the module's index (its state_dict prefix).
  const add = (module: string, layer?: string): number => modules.push(`${module},${layer ? `  # ${layer}` : ''}`) - 1;
  for (const step of plan.steps) {
    switch (step.op) {
      case 'gather': {
        const i = add(`KeepInputs(${step.indices.length})`);
        tensors.push({ name: `${i}.index`, dtype: 'I64', shape: [step.indices.length], data: BigInt64Array.from(step.indices, (v) => BigInt(v)) });
        break;
      }
      case 'dense': {
        const i = add(`nn.Linear(${step.inputs}, ${step.units})`, step.name);
        tensors.push(
          { name: `${i}.weight`, dtype: 'F32', shape: [step.units, step.inputs], data: step.weight },
          { name: `${i}.bias`, dtype: 'F32', shape: [step.units], data: step.bias },
        );
        break;
      }
      case 'conv': {
        const even = step.pads.top === step.pads.bottom && step.pads.left === step.pads.right;
        if (!even) add(`nn.ZeroPad2d(${padTuple(step.pads)})`);
        const padding = even ? `, padding=(${step.pads.top}, ${step.pads.left})` : '';
        const i = add(`nn.Conv2d(${step.channels}, ${step.filters}, ${pair(step.kernel)}, stride=${step.stride}${padding})`, step.name);
        tensors.push(
          { name: `${i}.weight`, dtype: 'F32', shape: [step.filters, step.channels, ...step.kernel], data: step.weight },
          { name: `${i}.bias`, dtype: 'F32', shape: [step.filters], data: step.bias },
        );
        break;
      }
      case 'maxpool':
        if (Object.values(step.pads).some((p) => p > 0)) add(`nn.ConstantPad2d(${padTuple(step.pads)}, float("-inf"))`);
        add(`nn.MaxPool2d(${pair(step.kernel)}, stride=${step.stride})`, step.name);
        break;
      case 'flatten':
        add('nn.Flatten()');
        break;
      case 'activation':
        add(MODULE_OF_ACTIVATION[step.fn]);
        break;
    }
  }
  const shape = ['batch', ...plan.input].join(', ');
  const source = `"""The compact DropNeuron model \`${name}\` as PyTorch, written by \`dropneuron export\`.

    from model import load
    net = load()                  # reads ${weightsFile} beside this file
    y = net(x)                    # x: float32 [${shape}]${plan.input.length === 3 ? ' (NCHW)' : ''}; y: [batch, ${plan.outputs}]

Needs only torch: the safetensors file is read here (8-byte little-endian header length, JSON header, raw data).
"""
import json
from pathlib import Path

import torch
from torch import nn


class KeepInputs(nn.Module):
    """Picks the input features the pruned network still reads; the model takes every feature, as the spec's data has them."""

    def __init__(self, count):
        super().__init__()
        self.register_buffer("index", torch.zeros(count, dtype=torch.long))

    def forward(self, x):
        return x.index_select(1, self.index)


def build():
    return nn.Sequential(
${modules.map((m) => `        ${m}`).join('\n')}
    )


def read_safetensors(path):
    data = Path(path).read_bytes()
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + length])
    dtypes = {"F32": torch.float32, "I64": torch.int64}
    tensors = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + length + begin : 8 + length + end])
        tensors[key] = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return tensors


def load(path=Path(__file__).with_name(${JSON.stringify(weightsFile)})):
    net = build()
    net.load_state_dict(read_safetensors(path))
    return net.eval()


if __name__ == "__main__":
    print(load())
`;
  return { tensors, source };
}

/** PyTorch's padding order: (left, right, top, bottom). */
function padTuple(p: Pads): string {
  return `(${p.left}, ${p.right}, ${p.top}, ${p.bottom})`;
}

function pair([a, b]: readonly [number, number]): string {
  return `(${a}, ${b})`;
}
