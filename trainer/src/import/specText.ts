import { newSpecRegularize } from '../../../language/index.ts';
import type { SafeTensor } from '../export/safetensors.ts';
import type { ImportedLayer, ImportedModel } from './fromOnnx.ts';

/** What the spec's header comment says of the file it came from. */
export interface ImportSource {
  file: string;
  producer: string;
  /** An ONNX file's opset (none for a TF.js model). */
  opset?: number;
}

/** The spec's `data` line's words: `mnist`, or `csv "train.csv"` (a path relative to the spec). */
export type DataWords = string;

/**
 * The spec text of an imported model: its data, input and (where the data's default is another) task, `weights` naming the weights file, one line per
 * layer, and blocks that fine-tune it gently (the imported weights are the starting point) under `dropneuron auto`.
 */
/**
 * What an imported spec adds to every new spec's block: on a PyTorch MLP fine-tuned 10 epochs under `dropneuron
 * auto` at learning rate 0.0003, the proximal update kept 37.7 % of the parameters where the gradient kept 47.4 %,
 * at the same accuracy (docs/import.md).
 */
const IMPORTED_REGULARIZE = [['update', 'proximal']] as const;

export function importedSpecText(name: string, model: ImportedModel, data: DataWords, weightsFile: string, source: ImportSource, task?: 'classify'): string {
  const weighted = model.layers.filter((l) => l.kind === 'dense' || l.kind === 'conv').length;
  const lines = [
    `# Imported by \`dropneuron import\` from ${source.file} (${source.producer || 'unknown producer'}${source.opset !== undefined ? `, opset ${source.opset}` : ''}): ${weighted} weighted layers,`,
    `# their weights in ${weightsFile}. \`dropneuron evaluate\` scores them as they are; \`dropneuron train\` starts from them.`,
    `model ${name} {`,
    `  data ${data}`,
    `  input ${model.input.join('x')}`,
    ...(task ? [`  task ${task}`] : []),
    `  weights ${JSON.stringify(weightsFile)}`,
    '',
    ...model.layers.map((l) => `  ${layerLine(l)}`),
    '}',
    '',
    '# Fine-tuning shrinks it: DropNeuron finds its own strength and removes the neurons the network does not',
    '# need, within `tolerance` points of the accuracy it reaches without the penalty. The proximal update sets',
    '# whole groups exactly to zero (docs/import.md measured what it and the learning rate do to a trained model).',
    ...newSpecRegularize(IMPORTED_REGULARIZE),
    '',
    'train {',
    '  epochs 10',
    '  learning_rate 0.0003',
    '}',
    '',
  ];
  return lines.join('\n');
}

function layerLine(l: ImportedLayer): string {
  const activation = (a: string): string => (a === 'linear' ? '' : ` ${a}`);
  switch (l.kind) {
    case 'dense':
      return `dense ${l.name} ${l.units}${activation(l.activation)}`;
    case 'conv':
      return `conv ${l.name} ${l.filters} ${l.kernel.join('x')}${activation(l.activation)}${l.stride !== 1 ? ` stride=${l.stride}` : ''} padding=${l.padding}`;
    case 'maxpool':
    case 'avgpool':
      return `${l.kind} ${l.name} ${l.kernel.join('x')}${l.stride !== l.kernel[0] ? ` stride=${l.stride}` : ''} padding=${l.padding}`;
    case 'flatten':
      return `flatten ${l.name}`;
  }
}

/** The weights file's tensors: `NAME.weight` and `NAME.bias` per weighted layer, in PyTorch's layout (weightsFile.ts reads them back). */
export function importedTensors(model: ImportedModel): SafeTensor[] {
  return model.layers.flatMap((l): SafeTensor[] => {
    if (l.kind !== 'dense' && l.kind !== 'conv') return [];
    const shape = l.kind === 'dense' ? [l.units, l.inputs] : [l.filters, l.channels, ...l.kernel];
    return [
      { name: `${l.name}.weight`, dtype: 'F32', shape, data: l.weight },
      { name: `${l.name}.bias`, dtype: 'F32', shape: [l.bias.length], data: l.bias },
    ];
  });
}
