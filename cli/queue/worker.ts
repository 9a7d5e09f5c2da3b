import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { TrainerEvent } from '../../protocol/events.ts';
import { readRun, RunFolder } from '../../store/runFolder.ts';
import { trialDir } from '../../store/sweepFile.ts';
import { runTrial, type CliLauncher } from '../sweep/trial.ts';
import { queueConnection } from './connection.ts';
import { FILES_TTL_SECONDS, filesKey, JOB_VERSION, TRIAL_QUEUE, type TrialJob, type TrialProgress, type TrialReturn } from './jobs.ts';
import { packRunFolder } from './runFiles.ts';
import { missingUserFiles } from './userFiles.ts';

export interface WorkerOptions {
  url: string;
  /** Trials trained at once, each in its own trainer process. */
  concurrency: number;
  /**
   * How long a trial's lock lasts without renewal (the worker renews it every half of this while the trial
   * trains): another worker takes over the trial of one that died between one and two of these later.
   */
  lockMs: number;
  /** The command that runs `dropneuron` (this same CLI). */
  cli: CliLauncher;
  log: (line: string) => void;
  /** Called once no trial has run for this long (`--idle-exit`): a batch job's worker ends when the queue is empty. */
  idle?: { ms: number; then: () => void };
}

export interface RunningWorker {
  /** Takes no new trials and resolves once the running ones have finished and been reported. */
  close(): Promise<void>;
}

/**
 * A BullMQ worker that trains the trials of `dropneuron sweep --queue`. Each trial runs exactly as a local
 * sweep runs it (cli/sweep/trial.ts: a trainer process, then `prune` at the trial's thresholds) in a temporary
 * sweep folder on this machine, started from the job's manifest. Its events stream to the submitter as job
 * progress; when it ends its run folder goes to Redis, the result is the job's return value, and the temporary
 * folder is removed.
 *
 * BullMQ carries the reliability: a worker that dies stops renewing its lock, and another worker's stalled-job
 * check hands the trial on, to start from scratch (`maxStalledCount` 1: a trial that takes down its worker twice
 * fails); a trial whose trainer fails twice is failed with its error (`attempts` in jobs.ts).
 */
export function startWorker(options: WorkerOptions): RunningWorker {
  const files = new Redis(options.url, { maxRetriesPerRequest: null });
  files.on('error', () => {}); // the worker's own connection reports the same outage, once
  const me = `${hostname()}/${process.pid}`;

  let active = 0;
  let lastBusy = Date.now();
  let idle: (() => void) | undefined;
  const processor = async (job: Job<TrialJob, TrialReturn>): Promise<TrialReturn> => {
    active++;
    try {
      return await train(job);
    } finally {
      lastBusy = Date.now();
      if (--active === 0) idle?.();
    }
  };
  const idleCheck = options.idle
    ? setInterval(() => {
        if (active === 0 && Date.now() - lastBusy >= options.idle!.ms) {
          clearInterval(idleCheck);
          options.idle!.then();
        }
      }, 1_000)
    : undefined;

  const train = async (job: Job<TrialJob, TrialReturn>): Promise<TrialReturn> => {
    const { data } = job;
    if (data.version !== JOB_VERSION) {
      throw new Error(
        `worker ${me}: expected a trial job of version ${JOB_VERSION}, found ${String(data.version)}; run the same dropneuron version everywhere`,
      );
    }
    const name = `trial ${data.trial.id} of ${data.sweepDir}`;
    const missing = missingUserFiles(data.manifest);
    if (missing) {
      options.log(`${name}: ${missing}`);
      throw new Error(missing);
    }
    const attempt = `${me}/${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    options.log(`${name}: training (attempt ${job.attemptsStarted}, ${attempt})`);
    const sweepDir = mkdtempSync(join(tmpdir(), 'dnn-trial-'));
    try {
      const runDir = trialDir(sweepDir, data.trial.id);
      new RunFolder(runDir).create(data.manifest);
      // Progress updates go out one at a time, in the order the trainer wrote its events.
      let sent = Promise.resolve();
      const onEvent = (event: TrainerEvent): void => {
        sent = sent
          .then(() => job.updateProgress({ attempt, event } satisfies TrialProgress))
          .catch((error: Error) => options.log(`${name}: progress not sent: ${error.message}`));
      };
      // Never aborted: stopping a worker lets its trials finish (docs/scale-out.md).
      const result = await runTrial(data.trial, sweepDir, onEvent, new AbortController().signal, options.cli);
      await sent;
      if (result.status !== 'done') throw new Error(result.message ?? `expected the trial to finish, found it ${result.status}`);
      const outputs = packRunFolder(runDir);
      const done = readRun(runDir)?.result.done;
      if (!done) throw new Error(`expected the trial's run folder to hold its done event, found none`);
      const key = filesKey(job.id!);
      // One transaction: the submitter finds all of the trial's files or none.
      await files.multi().del(key).hset(key, outputs).expire(key, FILES_TTL_SECONDS).exec();
      const bytes = [...outputs.values()].reduce((n, b) => n + b.length, 0);
      options.log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s; ${outputs.size} files (${(bytes / 1e6).toFixed(2)} MB) sent`);
      return { attempt, result, done, filesKey: key, files: [...outputs.keys()] };
    } catch (error) {
      options.log(`${name}: failed: ${(error as Error).message}`);
      throw error;
    } finally {
      rmSync(sweepDir, { recursive: true, force: true });
    }
  };

  const worker = new Worker<TrialJob, TrialReturn>(TRIAL_QUEUE, processor, {
    connection: queueConnection(options.url),
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 1,
  });
  let lastError = '';
  worker.on('error', (error) => {
    // An outage repeats the same error at every reconnect: say it once.
    if (error.message !== lastError) options.log(`queue: ${error.message}`);
    lastError = error.message;
  });

  return {
    async close() {
      clearInterval(idleCheck);
      // Waits for the running trials here, then closes without waiting on Redis: a server that went away
      // must not keep a stopped worker alive.
      await within(worker.pause(true), 5_000);
      if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
      await within(worker.close(true), 5_000);
      files.disconnect();
    },
  };
}

/** `promise`, or nothing after `ms`: for steps that need a Redis server that may be gone. */
function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise.catch(() => {}), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}
