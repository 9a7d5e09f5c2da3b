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

it('isWithin compares resolved paths by whole segments, with either separator and a drive letter in any case', async () => {
  const { isWithin } = await import('../../protocol/paths.ts');
  assert.equal(isWithin('/a/run/x.json', '/a/run'), true);
  assert.equal(isWithin('/a/run', '/a/run'), false, 'a folder is not inside itself');
  assert.equal(isWithin('/a/run2/x', '/a/run'), false, 'a sibling with the same prefix is outside');
  assert.equal(isWithin('/a/x', '/'), true);
  assert.equal(isWithin('C:\\Runs\\a\\b', 'c:\\runs\\a'), true);
  assert.equal(isWithin('D:\\runs\\a\\b', 'c:\\runs\\a'), false);
});
