import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listRuns, readRun, RunFolder } from '../../store/runFolder.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';
import { tempDir } from '../helpers/tempDir.ts';

const manifest = (specPath: string): RunManifest => ({ version: 1, specPath, spec: 'model m {}', overrides: {}, started: '2026-11-25T17:00:00.000Z' });

describe('run.json keeps the spec path relative to the run folder', () => {
  it('writes it relative, with /, and every reader gets it back absolute', () => {
    const root = tempDir();
    const spec = join(root, 'nets', 'small.dnn');
    mkdirSync(join(root, 'nets'));
    writeFileSync(spec, 'model m {}');
    const dir = join(root, 'nets', '.dropneuron', 'runs', 'm-1');
    new RunFolder(dir).create(manifest(spec));
    assert.equal((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunManifest).specPath, '../../../small.dnn');
    assert.equal(new RunFolder(dir).manifest().specPath, spec);
    assert.equal(readRun(dir)?.info.specPath, spec);
    assert.deepEqual(
      listRuns(spec).map((r) => r.info.runDir),
      [dir],
    );
  });

  it('a workspace moved elsewhere (another machine, a Remote) still finds its runs and their spec', () => {
    const first = tempDir();
    mkdirSync(join(first, 'w'));
    const dir = join(first, 'w', '.dropneuron', 'runs', 'm-1');
    new RunFolder(dir).create(manifest(join(first, 'w', 'small.dnn')));
    const moved = join(tempDir(), 'elsewhere');
    cpSync(join(first, 'w'), moved, { recursive: true });
    const spec = join(moved, 'small.dnn');
    assert.equal(readRun(join(moved, '.dropneuron', 'runs', 'm-1'))?.info.specPath, spec);
    assert.equal(listRuns(spec).length, 1);
  });

  it('still reads the absolute paths of runs recorded before', () => {
    const root = tempDir();
    const dir = join(root, '.dropneuron', 'runs', 'old');
    mkdirSync(dir, { recursive: true });
    const spec = join(root, 'old.dnn');
    writeFileSync(join(dir, 'run.json'), JSON.stringify(manifest(spec)));
    assert.equal(new RunFolder(dir).manifest().specPath, spec);
    assert.equal(readRun(dir)?.info.specPath, spec);
    assert.equal(listRuns(spec).length, 1);
  });
});
