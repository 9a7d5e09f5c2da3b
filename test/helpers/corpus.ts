import { dnnFiles, EXAMPLES } from './fixtures.ts';

/** Small seeded PRNG (mulberry32), so a failing fuzz case can be reproduced from its index. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'model',
  'regularize',
  'train',
  'data',
  'input',
  'task',
  'dense',
  'conv',
  'maxpool',
  'avgpool',
  'lrn',
  'flatten',
  'dropout',
  'mnist',
  'synthetic',
  'idx',
  'csv',
  'sparse-regression',
  'relu',
  'softmax',
  'l1',
  'l2',
  'keep_prob',
  'dropneuron',
  'threshold',
  'epochs',
  'batch',
  'optimizer',
  'adam',
  'backend',
  'wasm',
  'stride',
  'padding',
  'same',
  'classify',
  'autoencode',
  '{',
  '}',
  '=',
  '#',
  '"',
  '"x.idx"',
  '\n',
  '\n',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '  ',
  '\t',
  '300',
  '0',
  '-1',
  '1e-4',
  '0.5',
  '1e309',
  '28x28x1',
  '5x5',
  '0x0',
  '3x',
  'x3',
  '300relu',
  '@',
  '\u0000',
  '\uffff',
  '😀',
  'é',
  '\\',
  '=1',
  'a=',
  '}}',
  '{{',
];

/** Inputs for robustness tests: random bytes, random token soups, and mutated examples. */
export function* fuzzCorpus(count: number, seed = 1): Generator<string> {
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const examples = dnnFiles(EXAMPLES).map((f) => f.text);
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) {
      const n = Math.floor(rand() * 200);
      let s = '';
      for (let k = 0; k < n; k++) s += String.fromCharCode(rand() < 0.8 ? Math.floor(rand() * 128) : Math.floor(rand() * 0xffff));
      yield s;
    } else if (kind === 1) {
      const n = Math.floor(rand() * 80);
      let s = '';
      for (let k = 0; k < n; k++) s += pick(WORDS) + (rand() < 0.6 ? ' ' : '');
      yield s;
    } else {
      let s = pick(examples);
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (s.length + 1));
        const op = rand();
        if (op < 0.35) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 10));
        else if (op < 0.75) s = s.slice(0, at) + pick(WORDS) + s.slice(at);
        else if (op < 0.9) s = s.slice(0, at);
        else s = s.slice(0, at) + s.slice(at).replace(/\n/, '');
      }
      yield s;
    }
  }
}
