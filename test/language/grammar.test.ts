import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ACTIVATIONS, BLOCK_KEYWORDS, DATASET_NAMES, LAYER_KIND_NAMES, REGULARIZE_SETTINGS, TRAIN_SETTINGS } from '../../language/index.ts';

const grammarText = readFileSync(join(import.meta.dirname, '..', '..', 'syntaxes', 'dnn.tmLanguage.json'), 'utf8');

it('the TextMate grammar is valid JSON with compilable patterns', () => {
  const grammar = JSON.parse(grammarText) as object;
  const patterns: string[] = [];
  JSON.stringify(grammar, (key, value: unknown) => {
    if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') patterns.push(value);
    return value;
  });
  assert.ok(patterns.length > 10);
  for (const p of patterns) assert.doesNotThrow(() => new RegExp(p), `pattern ${p}`);
});

it('the grammar knows every keyword of the language', () => {
  const words = [
    ...BLOCK_KEYWORDS,
    ...LAYER_KIND_NAMES,
    ...DATASET_NAMES,
    ...Object.keys(ACTIVATIONS),
    ...Object.keys(REGULARIZE_SETTINGS),
    ...Object.keys(TRAIN_SETTINGS),
  ];
  for (const word of words) assert.ok(grammarText.includes(word), `expected \`${word}\` in syntaxes/dnn.tmLanguage.json`);
});
