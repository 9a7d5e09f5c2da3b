import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deleteRunFolder, RunFolder } from '../../store/runFolder.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('deleting a run removes what the run format owns, never the user’s files', () => {
  const manifest = (specPath: string) => ({ version: 1 as const, specPath, spec: 'model m {}\n', overrides: {}, started: new Date().toISOString() });

  it('a run folder of run files only goes entirely', () => {
    const dir = join(tempDir('dnn-store-'), 'run');
    new RunFolder(dir).create(manifest(join(dir, '..', 'm.dnn')));
    mkdirSync(join(dir, 'checkpoint-3'));
    writeFileSync(join(dir, 'summary.json'), '{}');
    deleteRunFolder(dir);
    assert.equal(existsSync(dir), false);
  });

  it('a file of the user’s beside the run stays, with its folder (Delete Run removed the whole folder)', () => {
    const dir = join(tempDir('dnn-store-'), 'run');
    new RunFolder(dir).create(manifest(join(dir, '..', 'm.dnn')));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    deleteRunFolder(dir);
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
  });
});
