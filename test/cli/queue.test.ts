import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { CliLauncher } from '../../cli/sweep/trial.ts';
import type { DoneEvent, EpochEvent, TrainerEvent } from '../../protocol/events.ts';
import { readEvents } from '../../store/runFolder.ts';
import { trialDir } from '../../store/sweepFile.ts';
import type { SweepFile, TrialResult } from '../../protocol/sweep.ts';
import { dropneuron, ROOT } from '../helpers/cli.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * `dropneuron worker` and the queue executor against a real redis-server on a loopback port, with real worker
 * processes of the built CLI training real (tiny) runs. The crash test kills a worker and its trainer with
 * SIGKILL, as a machine that dies would, and checks the sweep still ends as a local sweep of the same trials.
 */

const CLI: CliLauncher = { node: process.execPath, args: [join(ROOT, 'bin', 'dropneuron.js')] };
/** Short locks so a dead worker's trial moves on in seconds (production keeps the 30 s default). */
const LOCK_SECONDS = 2;

const spec = (epochs: number, data = 'data synthetic samples=256 classes=4', outputs = 4): string => `model q {
  ${data}
  input 16
  dense fc1 24 relu
  dense out ${outputs}
}
regularize {
  l1 0.0001
  dropneuron 0.001
}
train {
  epochs ${epochs}
  batch 64
  seed 1
}
`;

/** The sweep every test runs: four seeds, so the four trials' results differ; `--json` prints `{ trial, event }` lines. */
const SWEEP = ['--sweep', 'seed=1,2,3,4', '--json'];
const TRIALS = ['seed=1', 'seed=2', 'seed=3', 'seed=4'];

interface SweepRun {
  code: number | null;
  /** Every `{ trial, event }` and `{ trial, result }` line, in order. */
  lines: { trial?: string; event?: TrainerEvent; result?: TrialResult }[];
  stderr: string;
}

/** `dropneuron sweep SPEC …` as a process; `onLine` sees each JSON line as it comes. */
async function sweep(args: string[], onLine: (line: SweepRun['lines'][number]) => void = () => {}): Promise<SweepRun> {
  const child = spawn(CLI.node, [...CLI.args, 'sweep', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A trial that never ends (a lost job) fails the test instead of hanging it; generous for a busy 2-core machine.
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: SweepRun['lines'] = [];
  for await (const text of createInterface({ input: child.stdout })) {
    if (!text.startsWith('{')) continue; // the intro, without --json
    const line = JSON.parse(text) as SweepRun['lines'][number];
    lines.push(line);
    onLine(line);
  }
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, lines, stderr };
}

interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `pattern`, now or later. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** A `dropneuron worker` process with its own temporary folder (a killed worker cannot remove its trial's). */
function startWorker(redis: TestRedis): WorkerProcess {
  const tmp = tempDir('dnn-worker-');
  const child = spawn(CLI.node, [...CLI.args, 'worker', '--queue', redis.url, '--lock-timeout', String(LOCK_SECONDS)], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const take = (line: string): void => {
    lines.push(line);
    for (const w of [...waiting]) {
      const m = line.match(w.pattern);
      if (m) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', take);
  createInterface({ input: child.stderr! }).on('line', take);
  return {
    child,
    lines,
    waitFor: (pattern) => {
      const seen = lines.map((l) => l.match(pattern)).find((m) => m);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ pattern, resolve }));
    },
  };
}

/** Every process under `pid` (the trainers a worker started in process groups of their own), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** A worker and everything it started, killed at once without warning: a machine that dies. */
function killTree(worker: WorkerProcess): void {
  const pids = [worker.child.pid!, ...descendants(worker.child.pid!)];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = once(worker.child, 'exit');
  worker.child.kill('SIGTERM');
  await exited;
}

/** What a trial's result and run folder say, without timings and with its folder as `<trial>`: equal for equal training. */
function outcome(sweepDir: string, id: string) {
  const dir = trialDir(sweepDir, id);
  const events = readEvents(dir).map((e) => JSON.parse(JSON.stringify(e).split(dir).join('<trial>')) as TrainerEvent);
  const done = events.find((e): e is DoneEvent => e.type === 'done');
  if (done) delete done.summary.latency; // measured, not trained
  const entry = (JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as SweepFile).trials.find((t) => t.id === id);
  return {
    status: entry?.status,
    points: entry?.result?.points,
    files: readdirSync(dir).sort(),
    losses: events.filter((e): e is EpochEvent => e.type === 'epoch').map((e) => [e.epoch, e.loss.total, e.testMetric]),
    summary: done?.summary,
    compactWeights: readFileSync(join(dir, 'compact', 'weights.bin')).toString('base64'),
  };
}

let redis: TestRedis;
const workers: WorkerProcess[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
});

describe('dropneuron sweep --queue and dropneuron worker', () => {
  let dir: string;
  let specPath: string;
  let localDir: string;
  before(async () => {
    dir = tempDir('dnn-queue-');
    specPath = join(dir, 'q.dnn');
    writeFileSync(specPath, spec(2));
    // The reference: the same sweep on this machine.
    localDir = join(dir, 'local');
    const local = await sweep([specPath, ...SWEEP, '--parallel', '2', '--out', localDir]);
    assert.equal(local.code, 0, local.stderr);
  });

  it('runs a 4-trial sweep on 2 worker processes, live, into the folder a local sweep makes', async () => {
    workers.push(startWorker(redis), startWorker(redis));
    const sweepDir = join(dir, 'remote');
    // What a panel watching the sweep folder sees: each epoch in the trial's log by the time the sweep reports it.
    const onDisk: string[] = [];
    const run = await sweep([specPath, ...SWEEP, '--queue', redis.url, '--out', sweepDir], (line) => {
      if (line.trial && line.event?.type === 'epoch') {
        const epoch = line.event.epoch;
        const logged = readEvents(trialDir(sweepDir, line.trial)).some((e) => e.type === 'epoch' && e.epoch === epoch);
        onDisk.push(`${line.trial} epoch ${epoch}: ${logged ? 'in the log' : 'not in the log'}`);
      }
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      onDisk.sort(),
      TRIALS.flatMap((id) => [1, 2].map((epoch) => `${id} epoch ${epoch}: in the log`)),
    );
    for (const id of TRIALS) {
      assert.deepEqual(outcome(sweepDir, id), outcome(localDir, id), `trial ${id}`);
      // Its events name the local folder, and came as they happened: start and each epoch before the end.
      const start = readEvents(trialDir(sweepDir, id))[0];
      assert.equal(start?.type === 'start' && start.runDir, trialDir(sweepDir, id));
      assert.deepEqual(
        run.lines.filter((l) => l.trial === id).map((l) => l.event?.type ?? 'result'),
        ['start', 'epoch', 'epoch', 'done', 'result'],
      );
    }
    const trained = workers.map((w) => w.lines.filter((l) => / done in /.test(l)).length);
    assert.ok(
      trained.every((n) => n > 0),
      `expected both workers to train, found ${trained.join(' and ')} trials:\n${workers.flatMap((w) => w.lines).join('\n')}`,
    );
  });

  it('a worker killed mid-trial: another trains its trial from scratch, and the results are a local sweep’s', async () => {
    const sweepDir = join(dir, 'crash');
    // The first epoch of a trial on worker 0 kills worker 0 and its trainer.
    const [victim] = workers;
    let victimTrial: string | undefined;
    void victim!.waitFor(/trial (\S+) of .*crash: training/).then((m) => (victimTrial = m[1]));
    let killed = false;
    const run = await sweep([specPath, ...SWEEP, '--queue', redis.url, '--out', sweepDir], (line) => {
      if (!killed && line.trial === victimTrial && line.event?.type === 'epoch') {
        killed = true;
        killTree(victim!);
      }
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(killed, `expected to kill a worker mid-trial, found it never trained one:\n${victim!.lines.join('\n')}`);
    for (const id of TRIALS) {
      assert.deepEqual(outcome(sweepDir, id), outcome(localDir, id), `trial ${id}`);
      // Reported once: one result, and the log holds one start, each epoch once and one done.
      assert.equal(run.lines.filter((l) => l.trial === id && l.result).length, 1);
      assert.deepEqual(
        readEvents(trialDir(sweepDir, id)).map((e) => (e.type === 'epoch' ? e.epoch : e.type)),
        ['start', 1, 2, 'done'],
      );
    }
    // The killed trial started twice (its second start began its log again), the others once.
    assert.equal(run.lines.filter((l) => l.trial === victimTrial && l.event?.type === 'start').length, 2);
  });

  it('fails a trial whose data file no worker can see, with the path and the fix, after two tries', async () => {
    const missing = join(dir, 'not-shared.csv');
    const csvSpec = join(dir, 'csv.dnn');
    writeFileSync(csvSpec, spec(1, `data csv "${missing}" target=y`, 1));
    const sweepDir = join(dir, 'missing');
    const run = await sweep([csvSpec, '--sweep', 'seed=1', '--json', '--queue', redis.url, '--out', sweepDir]);
    assert.equal(run.code, 1);
    const results = run.lines.filter((l) => l.result);
    assert.equal(results.length, 1);
    assert.equal(results[0]!.result!.status, 'error');
    const expected = `expected the data file ${missing} at the same path as on the submitting machine`;
    assert.ok(results[0]!.result!.message?.includes(expected), results[0]!.result!.message);
    assert.match(results[0]!.result!.message!, /every worker mounts at that path/);
    assert.equal(readEvents(trialDir(sweepDir, 'seed=1')).at(-1)?.type, 'error');
    const tries = workers.flatMap((w) => w.lines).filter((l) => l.includes(expected));
    assert.equal(tries.length, 2, tries.join('\n'));
  });
});

describe('a queue address that does not answer', () => {
  it('the worker says which and exits 2', () => {
    const r = dropneuron(['worker', '--queue', 'redis://127.0.0.1:1']);
    assert.equal(r.status, 2);
    assert.match(r.stdout + r.stderr, /--queue redis:\/\/127\.0\.0\.1:1: expected a Redis server there, found: connect ECONNREFUSED/);
  });

  it('the sweep says the same and exits 1', async () => {
    const dir = tempDir('dnn-queue-');
    writeFileSync(join(dir, 'q.dnn'), spec(1));
    const run = await sweep([join(dir, 'q.dnn'), '--sweep', 'seed=1', '--queue', 'redis://127.0.0.1:1', '--out', join(dir, 'sweep')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /dropneuron sweep: --queue redis:\/\/127\.0\.0\.1:1: expected a Redis server there, found: connect ECONNREFUSED/);
  });
});
