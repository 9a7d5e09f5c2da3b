import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { displayUrl } from '../../cli/queue/address.ts';
import { queueConnection, QueueError } from '../../cli/queue/connection.ts';
import { packRunFolder, relocate, unpackRunFolder } from '../../cli/queue/runFiles.ts';
import { missingUserFiles } from '../../cli/queue/userFiles.ts';
import { tempDir } from '../helpers/tempDir.ts';

/** How a run folder travels from a worker's disk to the sweep folder, and how `--queue` is read: no Redis needed. */

describe('a run folder carried from a worker', () => {
  it('arrives with its files, its paths moved to the trial folder and its manifest kept', () => {
    const worker = join(tempDir('dnn-queue-files-'), 'trials', 't1');
    mkdirSync(join(worker, 'compact'), { recursive: true });
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    writeFileSync(join(worker, 'compact', 'weights.bin'), bytes);
    writeFileSync(join(worker, 'run.json'), '{"worker": true}');
    writeFileSync(
      join(worker, 'summary.json'),
      JSON.stringify({ exports: [{ path: `${worker}/compact/model.onnx` }], other: `${worker}-not-inside` }, null, 2) + '\n',
    );
    const start = { v: 1, type: 'start', runDir: worker };
    const done = { v: 1, type: 'done', outputs: { runDir: worker, compact: `${worker}/compact`, prunedSpec: `${worker}/q.pruned.dnn` } };
    writeFileSync(join(worker, 'events.jsonl'), [start, done].map((e) => JSON.stringify(e) + '\n').join(''));

    const packed = packRunFolder(worker);
    assert.deepEqual([...packed.keys()].sort(), ['compact/weights.bin', 'events.jsonl', 'summary.json']);

    const local = join(tempDir('dnn-queue-files-'), 'trials', 't1');
    mkdirSync(join(local, 'checkpoint-1'), { recursive: true });
    writeFileSync(join(local, 'run.json'), '{"local": true}');
    writeFileSync(join(local, 'events.jsonl'), '{"an earlier attempt":1}\n');
    unpackRunFolder(Object.fromEntries(packed), local, worker);

    assert.deepEqual(readFileSync(join(local, 'compact', 'weights.bin')), bytes);
    assert.equal(readFileSync(join(local, 'run.json'), 'utf8'), '{"local": true}');
    assert.ok(!existsSync(join(local, 'checkpoint-1')), "an earlier attempt's checkpoint is gone");
    const events = readFileSync(join(local, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(events, [
      { ...start, runDir: local },
      { ...done, outputs: { runDir: local, compact: `${local}/compact`, prunedSpec: `${local}/q.pruned.dnn` } },
    ]);
    const summary = readFileSync(join(local, 'summary.json'), 'utf8');
    assert.deepEqual(JSON.parse(summary), { exports: [{ path: `${local}/compact/model.onnx` }], other: `${worker}-not-inside` });
    assert.ok(summary.startsWith('{\n  "exports"'), 'kept pretty-printed');
  });

  it('refuses file names that would land outside the trial folder', () => {
    const local = tempDir('dnn-queue-files-');
    writeFileSync(join(local, 'summary.json'), '{}');
    for (const name of ['../escape.txt', '/etc/escape.txt', 'a/../../escape.txt']) {
      assert.throws(() => unpackRunFolder({ [name]: Buffer.from('x') }, local, '/w'), /expected the worker's file names to stay inside the run folder/);
    }
    assert.ok(!existsSync(join(local, '..', 'escape.txt')));
    assert.ok(existsSync(join(local, 'summary.json')), 'the folder is left as it was');
  });

  it('relocate moves whole path prefixes only', () => {
    assert.deepEqual(relocate({ a: '/w/run', b: ['/w/run/x'], c: '/w/run2', d: 3 }, '/w/run', '/l/t'), { a: '/l/t', b: ['/l/t/x'], c: '/w/run2', d: 3 });
  });
});

describe('--queue', () => {
  it('takes redis:// and rediss:// URLs and says what it expected otherwise', () => {
    assert.equal(queueConnection('redis://h:6379').url, 'redis://h:6379');
    assert.equal(queueConnection('rediss://:pw@h:6380/2').url, 'rediss://:pw@h:6380/2');
    assert.throws(
      () => queueConnection('h:6379'),
      (e: Error) => e instanceof QueueError && /expected a redis:\/\/ or rediss:\/\/ URL, found "h:6379"/.test(e.message),
    );
    assert.throws(() => queueConnection('not a url'), /expected a Redis URL such as redis:\/\/HOST:6379, found "not a url"/);
  });

  it('is shown without its password', () => {
    assert.equal(displayUrl('redis://:s3cret@queue:6379'), 'redis://:***@queue:6379');
    assert.equal(displayUrl('redis://user:s3cret@queue:6379/1'), 'redis://user:***@queue:6379/1');
    assert.equal(displayUrl('redis://queue:6379'), 'redis://queue:6379');
  });
});

describe('the user files a worker must see before it trains a trial', () => {
  it('names the data file and the weights file it cannot see, and nothing once both are there', () => {
    const dir = tempDir('dnn-queue-files-');
    const specPath = join(dir, 'imported.dnn');
    const spec = 'model m {\n  data csv "table.csv" target=y\n  weights "m.safetensors"\n  input 2\n  dense out 2\n}\n';
    const manifest = { version: 1 as const, specPath, spec, overrides: {}, started: '2026-12-06T00:00:00Z' };
    const message = missingUserFiles(manifest);
    assert.match(
      message ?? '',
      new RegExp(`expected the data file ${join(dir, 'table.csv')}, the weights file ${join(dir, 'm.safetensors')} at the same path`),
    );
    writeFileSync(join(dir, 'table.csv'), 'a,b,y\n1,2,0\n');
    assert.match(missingUserFiles(manifest) ?? '', /expected the weights file .*m\.safetensors at the same path as on the submitting machine, found none/);
    writeFileSync(join(dir, 'm.safetensors'), '');
    assert.equal(missingUserFiles(manifest), undefined);
  });
});
