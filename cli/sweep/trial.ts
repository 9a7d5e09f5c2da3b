/**
 * One trial of a sweep, run as the `train` command runs: a `dropneuron train --json` child process writing
 * the trial's run folder (resumed from that folder when it already holds a run), then a `dropneuron prune
 * --json` child measuring the trained run at the trial's thresholds. Both executors run trials through this:
 * the local one N at a time, a queue's worker one per job.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StartEvent, TrainerEvent } from '../../protocol/events.ts';
import type { PruneResult } from '../../protocol/prune.ts';
import { readEvents, readRun } from '../../store/runFolder.ts';
import { namedOverrides, overrideArgs } from '../../protocol/settings.ts';
import { sweepPoint, type Trial, type TrialResult } from '../../protocol/sweep.ts';
import { trialDir } from '../../store/sweepFile.ts';
import { formatOverrides } from '../../protocol/present.ts';

/** How to start the `dropneuron` command line: this very one by default (the bundled CLI, or the sources under tsx). */
export interface CliLauncher {
  node: string;
  args: string[];
}

export function thisCli(): CliLauncher {
  return { node: process.execPath, args: [...process.execArgv, process.argv[1] ?? ''] };
}

const STDERR_TAIL = 2_000;

interface Child {
  child: ChildProcess;
  lines: AsyncIterable<string>;
  /** Resolves with the exit code and the end of stderr once the process has exited. */
  exit: Promise<{ code: number | null; stderr: string }>;
}

function start(cli: CliLauncher, args: string[]): Child {
  // Its own process group: a Ctrl-C at the terminal reaches the sweep, which stops each child once (a second
  // stop request makes `train` quit without writing its outputs).
  const child = spawn(cli.node, [...cli.args, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  return { child, lines: createInterface({ input: child.stdout! }), exit };
}

/** The last line of a child's stderr: its one-line reason. */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/** Children still running, ended if this process exits: no trainer outlives its sweep. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * Trains (or resumes, or takes as it is) the trial's run and measures it at its thresholds. Never throws:
 * a failure is a result with status `error` and one line. `signal` stops the run after its current batch
 * (its folder resumes on the next sweep); the result is then `stopped`.
 */
export async function runTrial(
  trial: Trial,
  sweepDir: string,
  onEvent: (event: TrainerEvent) => void,
  signal: AbortSignal,
  cli: CliLauncher = thisCli(),
): Promise<TrialResult> {
  const dir = trialDir(sweepDir, trial.id);
  const existing = existsSync(join(dir, 'run.json')) ? readRun(dir) : undefined;
  if (existing?.info.overrides) {
    const had = existing.info.overrides;
    const wanted = namedOverrides(trial.overrides);
    if (!sameSettings(had, wanted)) {
      return {
        status: 'error',
        message: `${dir} was started with other settings (${formatOverrides(had) || 'none'}, not ${formatOverrides(wanted) || 'none'}): delete it, or sweep into another --out`,
        points: [],
      };
    }
  }
  const finished = existing?.result.done && !existing.result.done.stopped ? existing.result.done : undefined;
  let done = finished;
  if (!finished) {
    const args = existing ? ['train', '--resume', dir, '--json'] : ['train', trial.specPath, '--out', dir, '--json', ...overrideArgs(trial.overrides)];
    const trained = await trainChild(cli, args, onEvent, signal);
    if (trained.type === 'error') return { status: 'error', message: trained.message, points: [] };
    if (trained.done.stopped || signal.aborted) return { status: 'stopped', epochsCompleted: trained.done.epochsCompleted, points: [] };
    done = trained.done;
  }
  // No thresholds: `prune` measures the run at its own.
  const measured = await pruneChild(cli, dir, trial.thresholds, signal);
  if ('error' in measured) return { status: signal.aborted ? 'stopped' : 'error', message: measured.error, points: [] };
  // How many training samples the run held out: the sweep says what chose its front (protocol's `frontSetText`).
  const validationSamples = readEvents(dir).find((e): e is StartEvent => e.type === 'start')?.validationSamples;
  return {
    status: 'done',
    seconds: done!.seconds,
    epochsCompleted: done!.epochsCompleted,
    ...(validationSamples ? { validationSamples } : {}),
    points: measured.map((r) => sweepPoint(r.summary, r.threshold)),
  };
}

function sameSettings(a: Record<string, number | string>, b: Record<string, number | string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

type Trained = { type: 'done'; done: Extract<TrainerEvent, { type: 'done' }> } | { type: 'error'; message: string };

async function trainChild(cli: CliLauncher, args: string[], onEvent: (event: TrainerEvent) => void, signal: AbortSignal): Promise<Trained> {
  const c = start(cli, args);
  running.add(c.child);
  const stop = (): void => void c.child.stdin?.write(JSON.stringify({ type: 'stop' }) + '\n');
  signal.addEventListener('abort', stop, { once: true });
  let last: TrainerEvent | undefined;
  try {
    for await (const line of c.lines) {
      let event: TrainerEvent;
      try {
        event = JSON.parse(line) as TrainerEvent;
      } catch {
        continue; // not an event (a library's stray output)
      }
      last = event;
      onEvent(event);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
  const exit = await c.exit;
  running.delete(c.child);
  if (last?.type === 'done') return { type: 'done', done: last };
  if (last?.type === 'error') return { type: 'error', message: last.message };
  return { type: 'error', message: `expected the trainer to finish, found it exited (code ${exit.code ?? 'none'}): ${lastLine(exit.stderr)}` };
}

async function pruneChild(cli: CliLauncher, runDir: string, thresholds: number[], signal: AbortSignal): Promise<PruneResult[] | { error: string }> {
  const c = start(cli, ['prune', runDir, ...(thresholds.length ? ['--threshold', thresholds.join(',')] : []), '--json']);
  running.add(c.child);
  const kill = (): void => void c.child.kill('SIGTERM');
  signal.addEventListener('abort', kill, { once: true });
  const results: PruneResult[] = [];
  try {
    for await (const line of c.lines) {
      try {
        results.push(JSON.parse(line) as PruneResult);
      } catch {
        // not a result line
      }
    }
  } finally {
    signal.removeEventListener('abort', kill);
  }
  const exit = await c.exit;
  running.delete(c.child);
  if (exit.code !== 0 || results.length !== Math.max(1, thresholds.length)) {
    return { error: `expected \`dropneuron prune ${runDir}\` to measure the run, found: ${lastLine(exit.stderr) || `exit code ${exit.code}`}` };
  }
  return results;
}
