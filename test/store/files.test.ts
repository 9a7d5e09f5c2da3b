import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { isInside } from '../../store/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'dnn-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('isInside follows links: a link in a run folder that leads out of it is outside', () => {
  const run = join(dir, 'run');
  mkdirSync(run);
  writeFileSync(join(run, 'summary.json'), '{}');
  writeFileSync(join(dir, 'secret.txt'), 'x');
  symlinkSync(join(dir, 'secret.txt'), join(run, 'link.txt'));
  assert.equal(isInside(join(run, 'summary.json'), run), true);
  assert.equal(isInside(join(run, 'link.txt'), run), false, 'the link points outside');
  assert.equal(isInside(join(run, '..', 'secret.txt'), run), false);
  assert.equal(isInside(run, run), false, 'a folder is not inside itself');
  assert.equal(isInside(join(run, 'missing.json'), run), false);
});
