import { newSpecRegularize } from './newSpec.ts';

/**
 * A new spec for a table of the user's (a CSV file): "New Spec from Data File…" writes it from what the server
 * reads in the file (store/tableFacts.ts). Pure: the facts in, the spec's text out. It is a starting point that
 * trains as it is, with the defaults new specs have everywhere (the snippets, completion): DropNeuron's strength
 * found by `dropneuron auto` within a tolerance, no dropout (DNN224).
 */
export interface TableFacts {
  /** The file's name without its folder: the model is named after it. */
  fileName: string;
  /** The data file and, where one was found beside it, its test file: as the spec writes them, relative to its folder. */
  file: string;
  test?: string;
  /** The target column's name (the last column, as the trainer reads a CSV without `target=`). */
  target: string;
  /** Columns besides the target. */
  inputs: number;
  /** Present when the target holds whole numbers from 0 (class labels): how many outputs they need. */
  classes?: number;
  /** Data rows of the file (the test file's not counted). */
  rows: number;
}

/** Hidden layers of a new table spec: wide enough for most tables, and DropNeuron removes what is not needed. */
const HIDDEN = [64, 32];

/** The model's name from the file's: letters, digits, `_` and `-`, starting with a letter. */
export function modelNameOf(fileName: string): string {
  const base = fileName
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z_]+/, '');
  return base || 'table';
}

/** A column as `target=` writes it: bare where it is a word, quoted where it is not. */
function columnWord(column: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(column) ? column : JSON.stringify(column);
}

export function tableSpec(facts: TableFacts): string {
  const classify = facts.classes !== undefined;
  const what = classify ? `${facts.classes} classes` : 'a value to predict';
  const test = facts.test ? ` test=${JSON.stringify(facts.test)}` : '';
  // A batch of 32, or a tenth of a small table's rows, so that an epoch is at least ten steps.
  const batch = Math.max(1, Math.min(32, Math.floor(facts.rows / 10)));
  return [
    `# ${facts.fileName}: ${facts.inputs} input column${facts.inputs === 1 ? '' : 's'}, the target \`${facts.target}\` (${what}).`,
    '# Train it (the CodeLens above `model`): DropNeuron finds its own strength and removes',
    '# the columns and neurons the network does not need, within `tolerance`.',
    '',
    `model ${modelNameOf(facts.fileName)} {`,
    `  data csv ${JSON.stringify(facts.file)} target=${columnWord(facts.target)}${test}`,
    `  input ${facts.inputs}`,
    `  task ${classify ? 'classify' : 'regress'}`,
    ...HIDDEN.map((units, i) => `  dense h${i + 1} ${units} relu`),
    `  dense out ${classify ? facts.classes : 1}`,
    '}',
    '',
    ...newSpecRegularize(),
    '',
    'train {',
    '  epochs 40',
    `  batch ${batch}`,
    '}',
    '',
  ].join('\n');
}
