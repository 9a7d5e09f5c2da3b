import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InsertTextFormat, type CompletionItem } from 'vscode-languageserver/node';
import { ACTIVATIONS, analyze, BLOCK_KEYWORDS, DATASET_NAMES, LAYER_KINDS } from '../../language/index.ts';
import { complete } from '../../server/src/completion.ts';
import { dnnFiles, FIXTURES } from '../helpers/fixtures.ts';
import { cursor } from './client.ts';

/** Labels that must be offered, labels that must not, or `nothing` for an empty list. */
interface Expectation {
  expect: string[];
  absent: string[];
  nothing?: boolean;
}

/**
 * A fixture's expectations: a sibling NAME.json ({ "expect": [...], "absent": [...], "nothing": true }) where the
 * spec must stay as written (an empty file, labels with spaces), else its leading comment lines
 * `# expect: LABEL ...` (or `# expect: nothing`) and `# absent: LABEL ...`.
 */
function expectationOf(path: string, text: string): Expectation {
  const json = path.replace(/\.dnn$/, '.json');
  if (existsSync(json)) return { expect: [], absent: [], ...(JSON.parse(readFileSync(json, 'utf8')) as Partial<Expectation>) };
  const result: Expectation = { expect: [], absent: [] };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line.startsWith('#')) break;
    const directive = /^#\s*(expect|absent):\s*(.*)$/.exec(line);
    if (!directive) continue;
    const labels = directive[2]!.trim().split(/\s+/).filter(Boolean);
    if (directive[1] === 'expect' && labels.join(' ') === 'nothing') result.nothing = true;
    else result[directive[1] as 'expect' | 'absent'].push(...labels);
  }
  return result;
}

const SNIPPET_LABELS = new Set<string>([...BLOCK_KEYWORDS, ...Object.keys(LAYER_KINDS)]);

describe('completion fixtures (test/fixtures/completion)', () => {
  const files = dnnFiles(join(FIXTURES, 'completion'));
  it('covers at least 30 cases', () => assert.ok(files.length >= 30, `expected ≥ 30 completion fixtures, found ${files.length}`));
  for (const file of files) {
    it(file.name, () => {
      const expectation = expectationOf(file.path, file.text);
      const stated = expectation.nothing || expectation.expect.length > 0 || expectation.absent.length > 0;
      assert.ok(stated, `expected "# expect:" or "# absent:" lines (or a .json) in ${file.name}`);
      assert.ok(file.text.includes('|'), `expected a | cursor marker in ${file.name}`);
      const { text, position } = cursor(file.text);
      const items: CompletionItem[] = complete(analyze(text), position);
      const labels = items.map((i) => i.label);
      if (expectation.nothing) assert.deepEqual(labels, [], `expected nothing in ${file.name}`);
      for (const e of expectation.expect) assert.ok(labels.includes(e), `expected ${e} in ${labels.join(', ') || 'nothing'}`);
      for (const a of expectation.absent) assert.ok(!labels.includes(a), `expected no ${a} in ${labels.join(', ')}`);
      for (const i of items) {
        assert.ok(i.documentation, `expected documentation on ${i.label}`);
        if (SNIPPET_LABELS.has(i.label)) assert.equal(i.insertTextFormat, InsertTextFormat.Snippet, `expected a snippet for ${i.label}`);
      }
    });
  }
});

/** Labels in the order the editor shows them: by sortText, as VS Code sorts (the label breaks ties). */
function shown(text: string): CompletionItem[] {
  const { text: source, position } = cursor(text);
  const items = complete(analyze(source), position);
  for (const i of items) assert.ok(i.sortText, `expected a sortText on ${i.label}: without one the editor sorts by label`);
  return [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!) || a.label.localeCompare(b.label));
}

describe('completion ranking: what is legal at the cursor comes first', () => {
  it('after `dense x 10 `: every activation before any `key=` option, in the vocabulary’s order', () => {
    const labels = shown('model m {\n  data mnist\n  input 784\n  dense x 10 |\n  dense out 10\n}\n').map((i) => i.label);
    const firstOption = labels.findIndex((l) => l.endsWith('='));
    const lastActivation = Math.max(...['relu', 'tanh', 'sigmoid', 'linear', 'softmax'].map((a) => labels.indexOf(a)));
    assert.ok(firstOption > 0 && lastActivation < firstOption, `expected activations before options, found ${labels.join(', ')}`);
    assert.deepEqual(labels.slice(0, Object.keys(ACTIVATIONS).length), Object.keys(ACTIVATIONS));
  });

  it('values commit on a space; keys and snippets commit on nothing', () => {
    const items = shown('model m {\n  data mnist\n  input 784\n  dense x 10 |\n  dense out 10\n}\n');
    assert.deepEqual(items.find((i) => i.label === 'relu')?.commitCharacters, [' ']);
    assert.equal(items.find((i) => i.label === 'keep_prob=')?.commitCharacters, undefined);
  });

  it('at a model line: the statements not written yet, then layer snippets with tab stops', () => {
    const items = shown('model m {\n  data mnist\n  |\n}\n');
    assert.deepEqual(
      items.slice(0, 4).map((i) => i.label),
      ['input', 'task', 'weights', 'dense'],
    );
    const dense = items.find((i) => i.label === 'dense');
    assert.equal(dense?.insertTextFormat, InsertTextFormat.Snippet);
    assert.match(String(dense?.insertText), /\$\{1:[^}]+\} \$\{2:[^}]+\} \$\{3\|relu,/);
  });

  it('after `data `: every data set, in the vocabulary’s order, each a plain word that the typed prefix filters', () => {
    const items = shown('model m {\n  data |\n  input 2\n  dense out 1\n}\n');
    assert.deepEqual(
      items.map((i) => i.label),
      DATASET_NAMES,
    );
    for (const i of items) assert.ok(!i.textEdit && !i.filterText && !i.insertText, `expected ${i.label} to insert its label`);
  });

  it('the `model` block snippet’s data choice lists every data set (it listed mnist, sparse-regression and synthetic only)', () => {
    const model = shown('|').find((i) => i.label === 'model');
    const choice = /data \$\{2\|([^|]+)\|\}/.exec(String(model?.insertText))?.[1];
    assert.deepEqual(choice?.split(','), DATASET_NAMES);
  });

  it('the value of the key being written: an optimizer after `optimizer `, adam first', () => {
    const labels = shown('model m {\n  data mnist\n  dense out 10\n}\ntrain {\n  optimizer |\n}\n').map((i) => i.label);
    assert.equal(labels[0], 'adam');
    assert.ok(!labels.some((l) => l.endsWith('=')));
  });
});
