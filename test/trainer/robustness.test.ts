import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DoneEvent, ErrorEvent, TrainerEvent } from '../../protocol/events.ts';
import { readEvents, readRun, RunFolder } from '../../store/runFolder.ts';
import { dropneuron } from '../helpers/cli.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * Whatever a user feeds the trainer (run through the built CLI, as a user does: `node scripts/build.mjs`
 * first), it answers with one line on stderr and a non-zero exit: no stack trace, no NaN passed off as a
 * result, and no run folder for what can be found before training.
 */
const oneLine = (stderr: string): void => {
  assert.equal(stderr.trim().split('\n').length, 1, `expected one line on stderr, found:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at |internal error|RangeError|TypeError/);
};

/** Trains `spec` into DIR/run and expects a refusal matching `message`, before any run folder exists. */
function refused(dir: string, spec: string, message: RegExp, args: string[] = []): void {
  const r = dropneuron(['train', spec, '--out', join(dir, 'run'), ...args]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, message);
  oneLine(r.stderr);
  assert.equal(existsSync(join(dir, 'run')), false, 'no run folder for data or a model that failed before training');
}

/** An IDX file of unsigned bytes: `fill(i)` for the i-th value. */
function idx(path: string, dims: number[], fill: (i: number) => number = () => 0): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const data = Buffer.alloc(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  writeFileSync(path, Buffer.concat([header, data]));
}

const idxSpec = (data: string, input = '4') => `model files {\n  data idx ${data}\n  input ${input}\n  dense out 10\n}\ntrain {\n  epochs 1\n}\n`;
const csvSpec = (file: string, task = 'classify', units = 10) =>
  `model c {\n  data csv "${file}" target=y\n  task ${task}\n  input 4\n  dense out ${units}\n}\ntrain {\n  epochs 1\n}\n`;
/** A CSV of `rows` rows with inputs a–d and target y: `label(i)` for row i. */
function csv(path: string, rows: number, label: (i: number) => string): void {
  const lines = ['a,b,c,d,y'];
  for (let i = 0; i < rows; i++) lines.push(`${i % 7},${i % 5},${i % 3},1,${label(i)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

const SYNTHETIC = syntheticSpec(2);

/** Sparse regression with plain SGD: 2 epochs that train, then fine-tune epochs at a learning rate that diverges. */
const DIVERGING = `model reg {
  data sparse-regression samples=400 features=10 informative=2 noise=0 seed=1
  task regress
  input 10
  dense out 1
}
regularize {
  l1 0.001
}
train {
  epochs 2
  finetune 2
  finetune_lr 1000
  batch 50
  optimizer sgd
  learning_rate 0.0001
}
`;

describe('bad data is refused before step 1 with one line naming the file and the fix', () => {
  it('an empty IDX file: no training samples', () => {
    const dir = tempDir();
    idx(join(dir, 'images.idx'), [0, 2, 2]);
    idx(join(dir, 'labels.idx'), [0]);
    refused(dir, writeSpec(dir, 'm.dnn', idxSpec('"images.idx" "labels.idx"')), /labels\.idx: expected at least one training sample, found none/);
  });

  it('an empty IDX test file: no test samples', () => {
    const dir = tempDir();
    idx(join(dir, 'images.idx'), [10, 2, 2]);
    idx(join(dir, 'labels.idx'), [10]);
    idx(join(dir, 'test-images.idx'), [0, 2, 2]);
    idx(join(dir, 'test-labels.idx'), [0]);
    const spec = writeSpec(dir, 'm.dnn', idxSpec('"images.idx" "labels.idx" test_images="test-images.idx" test_labels="test-labels.idx"'));
    refused(dir, spec, /test-labels\.idx: expected at least one test sample .*, found none/);
  });

  it('IDX label 200 with 10 outputs: names the label, its index and the file, as an error of the spec at the last layer’s size (the fix is there)', () => {
    const dir = tempDir();
    idx(join(dir, 'images.idx'), [50, 2, 2], (i) => i % 255);
    idx(join(dir, 'labels.idx'), [50], (i) => (i === 7 ? 200 : i % 10));
    refused(
      dir,
      writeSpec(dir, 'm.dnn', idxSpec('"images.idx" "labels.idx"')),
      /m\.dnn:4:13: \S*labels\.idx at label index 7: expected a class label from 0 to 9 \(the last layer `out` has 10 outputs\), found 200; give `out` at least 201 units/,
    );
  });

  it('a 300 000-label IDX file (once a stack overflow) is read whole: a bad label at its very end is found', () => {
    const dir = tempDir();
    idx(join(dir, 'images.idx'), [300_000, 2, 2], (i) => i % 255);
    idx(join(dir, 'labels.idx'), [300_000], (i) => (i === 299_999 ? 10 : i % 10));
    refused(dir, writeSpec(dir, 'm.dnn', idxSpec('"images.idx" "labels.idx"')), /labels\.idx at label index 299999: .* found 10;/);
  });

  const labels: [string, string, RegExp][] = [
    ['1e9', '1e9', /found 1000000000; fix the label/],
    ['−3', '-3', /found -3; class labels count from 0/],
    ['0.5', '0.5', /found 0\.5; a class label is a whole number: .*`task regress`/],
  ];
  for (const [what, value, message] of labels) {
    it(`CSV class label ${what}: names the file, line and column`, () => {
      const dir = tempDir();
      csv(join(dir, 'data.csv'), 20, (i) => (i === 5 ? value : String(i % 3)));
      const expected = new RegExp(`data\\.csv:7 \\(column y\\): expected a class label from 0 to 9 .*${message.source}`);
      refused(dir, writeSpec(dir, 'c.dnn', csvSpec('data.csv')), expected);
    });
  }

  it('a 200 000-row CSV (once a stack overflow) is read whole: a bad label in its last row is found', () => {
    const dir = tempDir();
    csv(join(dir, 'data.csv'), 200_000, (i) => (i === 199_999 ? '12' : String(i % 10)));
    refused(dir, writeSpec(dir, 'c.dnn', csvSpec('data.csv')), /data\.csv:200001 \(column y\): .* found 12/);
  });

  it('a CSV value beyond float32 (it would train as Infinity)', () => {
    const dir = tempDir();
    csv(join(dir, 'data.csv'), 20, (i) => (i === 3 ? '1e39' : String(i)));
    refused(dir, writeSpec(dir, 'c.dnn', csvSpec('data.csv', 'regress', 1)), /data\.csv:5: expected a number within ±3\.4e38 .* in column y, found 1e39/);
  });

  it('regression whose test targets are all 0: NMSE is undefined, refused (it read 0, a perfect score)', () => {
    const dir = tempDir();
    csv(join(dir, 'zero.csv'), 50, (i) => (i < 40 ? String(i % 4) : '0'));
    const spec = writeSpec(dir, 'zero.dnn', csvSpec('zero.csv', 'regress', 1));
    refused(
      dir,
      spec,
      /zero\.csv: expected test targets that are not all 0 \(the regression metric NMSE = .* is undefined when Σy² = 0\), found 10 test targets all 0/,
    );
  });

  it('a CSV of 6 rows trains, and says the data set is too small to learn from (it trained silently)', () => {
    const dir = tempDir();
    csv(join(dir, 'six.csv'), 6, (i) => String(i % 2));
    const spec = writeSpec(dir, 'six.dnn', csvSpec('six.csv'));
    const r = dropneuron(['train', spec, '--out', join(dir, 'run')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /warning: a data set too small to learn from: 5 training samples \(fewer than 20\) and 1 test sample \(fewer than 5: each is 100 points of accuracy\)/,
    );
  });

  it('a CSV with fewer feature columns than the input shape', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.csv'), 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
    refused(dir, writeSpec(dir, 'c.dnn', csvSpec('data.csv')), /expected 4 input columns as the spec's `input` says, found 2/);
  });
});

describe('a model or a run folder that cannot be made is one line, not a stack trace', () => {
  it('a layer too big to allocate names the layer and its parameter count', () => {
    const dir = tempDir();
    const spec = writeSpec(
      dir,
      'huge.dnn',
      'model huge {\n  data synthetic samples=64 classes=10\n  input 784\n  dense fc1 10000000 relu\n  dense out 10\n}\n',
    );
    refused(dir, spec, /huge\.dnn:4:\d+: expected layer `fc1` \(7,850,000,000 parameters\) to fit in memory, found it too big to allocate .*; lower its units/);
  });

  it('--out under a file names the path and the file in the way', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'x');
    const spec = writeSpec(dir, 'syn.dnn', SYNTHETIC);
    const r = dropneuron(['train', spec, '--out', join(dir, 'a-file', 'run')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /a-file\/run: expected to create the run folder, found a file at .*a-file where a folder should be \(ENOTDIR\)/);
    oneLine(r.stderr);
  });
});

describe('a run writes only into a folder it created or its own run, and never through a link', () => {
  const ls = (dir: string): string[] => readdirSync(dir).sort();

  it("--out into a folder of the user's files is refused, nothing touched (it deleted checkpoint-* and replaced `model`)", () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SYNTHETIC);
    const out = join(dir, 'x');
    mkdirSync(out);
    writeFileSync(join(out, 'checkpoint-notes.txt'), 'n\n');
    writeFileSync(join(out, 'model'), 'm\n');
    const r = dropneuron(['train', spec, '--epochs', '1', '--out', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /x: expected a new or empty folder for the run, found 2 files and no run.json, so no run of ours \(checkpoint-notes\.txt, model\); choose another --out \(nothing was changed\)/,
    );
    oneLine(r.stderr);
    assert.deepEqual(ls(out), ['checkpoint-notes.txt', 'model']);
    assert.equal(readFileSync(join(out, 'model'), 'utf8'), 'm\n');
  });

  it("--out into a finished run of the spec is refused; --replace replaces only the run's own files", () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SYNTHETIC);
    const out = join(dir, 'run');
    assert.equal(dropneuron(['train', spec, '--out', out]).status, 0);
    const log = readFileSync(join(out, 'events.jsonl'), 'utf8');
    writeFileSync(join(out, 'notes.txt'), 'mine\n');

    const again = dropneuron(['train', spec, '--epochs', '1', '--out', out]);
    assert.equal(again.status, 1, again.stderr);
    assert.match(
      again.stderr,
      /found a finished run of this spec; choose another --out, or pass --replace to replace it \(only the run's own files are removed\) \(nothing was changed\)/,
    );
    oneLine(again.stderr);
    assert.equal(readFileSync(join(out, 'events.jsonl'), 'utf8'), log, "the finished run's log is as it was");

    const other = writeSpec(dir, 'other.dnn', SYNTHETIC);
    const foreign = dropneuron(['train', other, '--replace', '--out', out]);
    assert.equal(foreign.status, 1, foreign.stderr);
    assert.match(foreign.stderr, /found a run of another spec \(.*syn\.dnn\)/);

    const replaced = dropneuron(['train', spec, '--epochs', '1', '--replace', '--out', out, '--json']);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.deepEqual(
      readEvents(out).map((e) => (e.type === 'epoch' ? e.epoch : e.type)),
      ['start', 1, 'done'],
    );
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine\n', "the user's file beside the run stays");
  });

  it('an unfinished run in the folder: the refusal says --resume', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SYNTHETIC);
    const out = join(dir, 'run');
    new RunFolder(out).create({ version: 1, specPath: spec, spec: SYNTHETIC, overrides: {}, started: new Date().toISOString() });
    const r = dropneuron(['train', spec, '--out', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /found an unfinished run of this spec; continue it with --resume .*run, choose another --out, or pass --replace/);
  });

  it('a link planted as the event log is refused, and never written through (it overwrote the target)', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SYNTHETIC);
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const out = join(dir, 'run');
    mkdirSync(out);
    symlinkSync('../victim.txt', join(out, 'events.jsonl'));
    const r = dropneuron(['train', spec, '--out', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /found a symbolic link .*events\.jsonl \(a run folder holds no links\)/);
    oneLine(r.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');

    // A link swapped in under a run's feet: the append fails on the link (ELOOP) instead of reaching its target.
    rmSync(out, { recursive: true });
    const folder = new RunFolder(out);
    folder.create({ version: 1, specPath: spec, spec: SYNTHETIC, overrides: {}, started: new Date().toISOString() });
    rmSync(folder.eventsPath);
    symlinkSync('../victim.txt', folder.eventsPath);
    assert.throws(
      () => folder.appendEvent({ v: 1, type: 'error', kind: 'trainer', message: 'x' }),
      /events\.jsonl: expected to append to the event log, found a symbolic link where a file should be \(ELOOP\)/,
    );
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  });

  it('--resume on a finished run says so and changes nothing (it redid the outputs and appended a second start and done)', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', SYNTHETIC);
    const out = join(dir, 'run');
    assert.equal(dropneuron(['train', spec, '--out', out]).status, 0);
    const log = readFileSync(join(out, 'events.jsonl'), 'utf8');
    const r = dropneuron(['train', '--resume', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /run: expected a run to continue, found one that has finished \(2 epochs\); nothing was changed\. .*`dropneuron export .*run` writes it again/,
    );
    oneLine(r.stderr);
    assert.equal(readFileSync(join(out, 'events.jsonl'), 'utf8'), log);
  });
});

describe('a loss, weight or metric that goes NaN or infinite stops the run', () => {
  it('names the epoch, what went non-finite and the setting to lower; keeps the last good checkpoint; sends no done', () => {
    const dir = tempDir();
    const runDir = join(dir, 'run');
    const r = dropneuron(['train', writeSpec(dir, 'reg.dnn', DIVERGING), '--out', runDir, '--json']);
    assert.equal(r.status, 1, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TrainerEvent);
    const error = events.at(-1)!;
    assert.ok(error.type === 'error' && error.kind === 'trainer', JSON.stringify(error));
    assert.match(error.message, /became (NaN|infinite) in epoch 3: lower finetune_lr \(1000\).*; the run folder keeps the checkpoint of epoch 2$/);
    assert.equal(
      events.some((e) => e.type === 'done'),
      false,
    );
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : [])),
      [1, 2],
    );
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')), { folder: 'checkpoint-2', epoch: 2 });
    assert.deepEqual(
      readEvents(runDir).map((e) => (e.type === 'epoch' ? e.epoch : e.type)),
      ['start', 1, 2],
    );
    for (const e of events) assert.doesNotMatch(JSON.stringify(e), /null|NaN/, 'nothing non-finite in any event');
  });

  it('the same in the terminal: one line on stderr', () => {
    const dir = tempDir();
    // learning_rate 1000 with SGD passes the spec's checks and diverges in the first epoch.
    const spec = writeSpec(dir, 'reg.dnn', DIVERGING.replace('learning_rate 0.0001', 'learning_rate 1000'));
    const r = dropneuron(['train', spec, '--out', join(dir, 'run')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /became (NaN|infinite) in epoch 1: lower learning_rate \(1000\).*; no epoch finished/);
    oneLine(r.stderr);
    assert.doesNotMatch(r.stdout, /compression|outputs:/, 'no summary for a run that diverged');
  });

  it('a threshold that prunes every weight is not an error and reports no NaN or Infinity', () => {
    const dir = tempDir();
    const r = dropneuron(['train', writeSpec(dir, 'syn.dnn', SYNTHETIC), '--threshold', '1e30', '--out', join(dir, 'run'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as DoneEvent;
    assert.equal(done.type, 'done');
    assert.equal(done.summary.density, 0);
    assert.ok(done.summary.collapsed.length > 0, 'the summary says the network collapsed');
    assert.equal(done.summary.compression, done.summary.weightsTotal, 'every weight pruned: total / 1, not Infinity (JSON null)');
    assert.doesNotMatch(r.stdout, /null|NaN|Infinity/);
  });
});

describe('a full disk', () => {
  // A tmpfs just big enough for the run folder and one checkpoint: the second checkpoint cannot be written.
  const root = process.getuid?.() === 0;
  it(
    'is one line naming the path; the folder keeps exactly the last good checkpoint, which resumes',
    { skip: !root && 'needs root to mount a small tmpfs' },
    (t) => {
      const dir = tempDir();
      const spec = writeSpec(
        dir,
        'disk.dnn',
        SYNTHETIC.replace('input 20', 'input 100').replace('dense fc1 32', 'dense fc1 400').replace('epochs 2', 'epochs 3'),
      );
      // The size of one checkpoint, measured on the ordinary disk.
      const probe = dropneuron(['train', spec, '--epochs', '1', '--out', join(dir, 'probe')]);
      assert.equal(probe.status, 0, probe.stderr);
      const checkpoint = join(dir, 'probe', 'checkpoint-1');
      const checkpointBytes = readdirSync(checkpoint).reduce((n, f) => n + statSync(join(checkpoint, f)).size, 0);

      const mount = join(dir, 'small');
      mkdirSync(mount);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount], { encoding: 'utf8' });
      if (mounted.status !== 0) return t.skip(`expected to mount a tmpfs, found: ${mounted.stderr.trim() || mounted.error?.message}`);
      t.after(() => void spawnSync('umount', [mount]));
      // Leave room for the folder, one checkpoint and half of the next.
      const free = 4 * 1024 * 1024;
      const filler = join(mount, 'filler');
      writeFileSync(filler, Buffer.alloc(free - Math.round(checkpointBytes * 1.5) - 64 * 1024));
      const runDir = join(mount, 'run');

      const r = dropneuron(['train', spec, '--out', runDir]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /run\/checkpoint-2\.partial\/[a-z.]+: expected to write the checkpoint of epoch 2, found no space left on the device \(ENOSPC\)/);
      oneLine(r.stderr);
      assert.deepEqual(readdirSync(runDir).sort(), ['checkpoint-1', 'checkpoint.json', 'events.jsonl', 'run.json'], 'exactly the last good checkpoint');
      assert.equal(new RunFolder(runDir).loadCheckpoint()?.state.epoch, 1);
      // The failure is recorded where the editor reads it (it showed the run as interrupted without the reason),
      // as an interruption: the run resumes once there is space.
      const events = readEvents(runDir);
      assert.deepEqual(
        events.map((e) => (e.type === 'epoch' ? e.epoch : e.type)),
        ['start', 1, 'error'],
      );
      assert.match((events.at(-1) as ErrorEvent).message, /ENOSPC/);
      assert.equal((events.at(-1) as ErrorEvent).kind, 'io');
      assert.equal(readRun(runDir)?.info.state, 'interrupted');

      rmSync(filler);
      const resumed = dropneuron(['train', '--resume', runDir, '--json']);
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.deepEqual(
        readEvents(runDir).map((e) => (e.type === 'epoch' ? e.epoch : e.type)),
        ['start', 1, 'error', 'start', 2, 3, 'done'],
      );
    },
  );
});
