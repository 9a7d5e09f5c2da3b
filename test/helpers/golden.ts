import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it instead (review the diff before committing). */
export function assertGolden(path: string, actual: string): void {
  const text = actual.endsWith('\n') ? actual : actual + '\n';
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(path, text);
    return;
  }
  assert.ok(existsSync(path), `expected a golden file at ${path}, found none (run with UPDATE_GOLDEN=1 to create it)`);
  assert.equal(text, readFileSync(path, 'utf8'), `golden mismatch for ${path}`);
}
