import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { ROOT, dropneuron } from '../helpers/cli.ts';
import type { DoneEvent, TrainerEvent } from '../../protocol/events.ts';
import { specText, writeSpec } from '../helpers/specs.ts';
import { tempDir } from '../helpers/tempDir.ts';

/** Starts `dropneuron train --json` and calls `onEvent` for each event line; resolves on exit. */
function trainProcess(
  args: string[],
  onEvent: (e: TrainerEvent, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; events: TrainerEvent[]; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'dropneuron.js'), 'train', '--json', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: TrainerEvent[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as TrainerEvent;
    events.push(event);
    onEvent(event, child);
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, events, stderr })));
}

const longer = specText('small-mnist').replace('epochs 2', 'epochs 4');

describe('stopping and resuming', () => {
  it('a {"type":"stop"} line stops after the current batch and still writes the outputs', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'small.dnn', longer);
    const run = await trainProcess([spec, '--out', join(dir, 'run')], (e, child) => {
      if (e.type === 'epoch' && e.epoch === 1) child.stdin!.write(JSON.stringify({ type: 'stop' }) + '\n');
    });
    assert.equal(run.code, 0, run.stderr);
    const done = run.events.at(-1) as DoneEvent;
    assert.equal(done.type, 'done');
    assert.equal(done.stopped, true);
    assert.ok(done.epochsCompleted >= 1 && done.epochsCompleted < 4);
    assert.ok(existsSync(done.outputs.prunedSpec) && existsSync(join(dir, 'run', 'checkpoint.json')));
  });

  it('SIGTERM stops the same way', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'small.dnn', longer);
    const run = await trainProcess([spec, '--out', join(dir, 'run')], (e, child) => {
      if (e.type === 'epoch' && e.epoch === 1) child.kill('SIGTERM');
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((run.events.at(-1) as DoneEvent).stopped, true);
  });

  it('after kill -9 mid-run, --resume continues from the last checkpoint and loses at most the unfinished epoch', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'small.dnn', longer);
    const runDir = join(dir, 'run');
    const first = await trainProcess([spec, '--out', runDir], (e, child) => {
      // Kill during epoch 3, after epoch 2's checkpoint was written (the event is sent after it).
      if (e.type === 'epoch' && e.epoch === 2) setTimeout(() => child.kill('SIGKILL'), 150);
    });
    assert.equal(first.signal, 'SIGKILL');
    const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as { epoch: number };
    assert.ok(checkpoint.epoch >= 2, `expected a checkpoint of epoch ≥ 2, found ${checkpoint.epoch}`);
    const resumed = await trainProcess(['--resume', runDir], () => {});
    assert.equal(resumed.code, 0, resumed.stderr);
    const start = resumed.events[0]!;
    assert.ok(start.type === 'start' && start.startEpoch === checkpoint.epoch + 1);
    const done = resumed.events.at(-1) as DoneEvent;
    assert.equal(done.epochsCompleted, 4);
    const log = readFileSync(join(runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TrainerEvent);
    assert.deepEqual(
      log.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : 0)),
      [1, 2, 3, 4],
    );
  });
});

describe('clear errors, no stack traces', () => {
  const oneLine = (stderr: string): void => {
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.doesNotMatch(stderr, /\n\s+at /);
  };

  it('an unavailable backend names how to install it', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'small.dnn', specText('small-mnist'));
    const r = dropneuron(['train', spec, '--backend', 'gpu', '--out', join(dir, 'run')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /expected the `gpu` backend to load, found: not installed; install it with: npm install @tensorflow\/tfjs-node-gpu/);
    oneLine(r.stderr);
  });

  it('a spec with errors is refused with its first diagnostic', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'bad.dnn', specText('small-mnist').replace('dense fc1 64 relu', 'dense fc1 64 reluu'));
    const r = dropneuron(['train', spec]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.dnn:4:16: DNN201 expected an activation/);
    oneLine(r.stderr);
  });

  it('an out-of-range flag is a usage error', () => {
    const r = dropneuron(['train', 'x.dnn', '--keep-prob', '1.5']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /expected a number in \(0, 1\], found "1\.5"/);
  });

  const idxSpec = (images: string, labels: string) =>
    `model files {\n  data idx "${images}" "${labels}"\n  input 4\n  dense out 2\n}\nregularize {\n  l1 0.001\n}\n`;
  const header = (magic: number, dims: number[]): Buffer => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['a missing IDX file', () => {}, /images\.idx: expected an IDX file, found no such file/],
    [
      'a wrong magic number',
      (d) => (
        writeFileSync(join(d, 'images.idx'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4])),
        writeFileSync(join(d, 'labels.idx'), header(0x801, [0]))
      ),
      /expected IDX magic 0x000008NN .* found 0x1f8b0800/,
    ],
    [
      'a truncated file',
      (d) => (
        writeFileSync(join(d, 'images.idx'), Buffer.concat([header(0x803, [10, 2, 2]), Buffer.alloc(7)])),
        writeFileSync(join(d, 'labels.idx'), Buffer.concat([header(0x801, [10]), Buffer.alloc(10)]))
      ),
      /expected 40 data bytes for dimensions 10x2x2, found 7 \(truncated file\)/,
    ],
    [
      'a label count that does not match',
      (d) => (
        writeFileSync(join(d, 'images.idx'), Buffer.concat([header(0x803, [10, 2, 2]), Buffer.alloc(40)])),
        writeFileSync(join(d, 'labels.idx'), Buffer.concat([header(0x801, [9]), Buffer.alloc(9)]))
      ),
      /expected 10 labels to match .*images\.idx, found 9/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`${what}: one line naming the file`, () => {
      const dir = tempDir();
      make(dir);
      const spec = writeSpec(dir, 'files.dnn', idxSpec('images.idx', 'labels.idx'));
      const r = dropneuron(['train', spec, '--out', join(dir, 'run')]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, message);
      oneLine(r.stderr);
      assert.equal(existsSync(join(dir, 'run')), false, 'no run folder for data that failed before training');
    });
  }

  it('a non-numeric CSV cell names the file, row and column', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.csv'), 'a,b,y\n1,2,3\n4,five,6\n7,8,9\n');
    const spec = writeSpec(dir, 'csv.dnn', 'model c {\n  data csv "data.csv" target=y\n  input 2\n  dense out 1\n}\nregularize {\n  l1 0.001\n}\n');
    const r = dropneuron(['train', spec]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /data\.csv:3: expected a number in column b, found "five"/);
    oneLine(r.stderr);
  });
});
