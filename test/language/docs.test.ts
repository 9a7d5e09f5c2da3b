import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../language/index.ts';
import { withGeneratedSettings, withReference } from '../../scripts/gen-docs.ts';

const path = join(import.meta.dirname, '..', '..', 'docs', 'language.md');

it('docs/language.md reference tables are current (run `npm run docs` if not)', () => {
  const doc = readFileSync(path, 'utf8');
  assert.equal(doc, withReference(doc));
});

it('docs/language.md documents every diagnostic code', () => {
  const doc = readFileSync(path, 'utf8');
  for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.match(doc, new RegExp(`\\| ${code} \\|`), `expected ${code} in docs/language.md`);
});

it('package.json lists every backend and every overridable setting (run `npm run docs` if not)', () => {
  const pkg = readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8');
  assert.equal(pkg, withGeneratedSettings(pkg));
});
