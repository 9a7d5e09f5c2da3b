/**
 * The bundled examples as New Spec from Example lists them: in the order a newcomer should try them, each said in
 * plain words (what it learns, what DropNeuron does to it, how long it takes). Pure. An example missing here is
 * listed last with its first comment line (a test keeps every file of examples/ in this table).
 */
export interface ExampleEntry {
  name: string;
  description: string;
}

export const EXAMPLES: readonly ExampleEntry[] = [
  { name: 'lenet-300-100', description: 'Handwritten digits (MNIST) with a 300-100 network that shrinks to about a tenth of its weights. Start here.' },
  { name: 'sparse-regression', description: 'Find the 2 inputs that matter among 20, on generated data: trains in seconds.' },
  { name: 'lenet-300-100-small', description: 'Digits again, tuned to shrink the most: 63 and 39 hidden neurons, 19× fewer weights.' },
  { name: 'autoencoder', description: 'Digits compressed to 64 numbers and rebuilt: DropNeuron drops the pixels it never needs.' },
  { name: 'lenet-5', description: 'A convolutional network on digits, DropNeuron on its dense layers (slower: convolutions).' },
  { name: 'convnet', description: 'The TensorFlow tutorial’s convnet on digits: 2 % of its dense weights kept.' },
  { name: 'lenet-300-100-l0', description: 'Digits towards the best published sizes: inputs pruned too, 314 pixels and 85-47 neurons at 1.8 % error.' },
  { name: 'lenet-5-caffe', description: 'The convnet every pruning paper uses: filters and neurons pruned, 0.7 % error (slower: convolutions).' },
  { name: 'lenet-300-100-sweep', description: 'A sweep: six trainings at different strengths, and the accuracy–size front they make.' },
  { name: 'alexnet', description: 'AlexNet at 224×224×3 on generated images: a size and speed check, not a data set to learn.' },
];

/** The picker's rows: the table's examples that are there, in its order, then any other file with its first comment line. */
export function exampleRows(files: { name: string; firstLine: string }[]): { label: string; detail: string }[] {
  const known = EXAMPLES.filter((e) => files.some((f) => f.name === e.name)).map((e) => ({ label: e.name, detail: e.description }));
  const others = files.filter((f) => !EXAMPLES.some((e) => e.name === f.name)).map((f) => ({ label: f.name, detail: f.firstLine.replace(/^#\s*/, '') }));
  return [...known, ...others];
}
