import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { PROTOCOL_VERSION, type ErrorEvent } from '../../protocol/events.ts';
import { readSpecFile, writeAtomic } from '../../store/files.ts';
import { readRun, RunFolder } from '../../store/runFolder.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';
import { namedOverrides } from '../../protocol/settings.ts';
import { trialDir } from '../../store/sweepFile.ts';
import type { Trial, TrialResult } from '../../protocol/sweep.ts';
import type { TrialExecutor, TrialHooks } from '../sweep/executor.ts';
import { runTrial, thisCli, type CliLauncher } from '../sweep/trial.ts';
import { checkReachable, queueConnection } from './connection.ts';
import { JOB_VERSION, TRIAL_JOB_OPTIONS, TRIAL_QUEUE, type TrialJob, type TrialProgress, type TrialReturn } from './jobs.ts';
import { relocate, unpackRunFolder } from './runFiles.ts';

/** A trial handed to the queue, as this side follows it. */
interface Remote {
  trial: Trial;
  dir: string;
  /** The attempt whose events the trial's log holds (jobs.ts: TrialProgress). */
  attempt?: string;
  lastEpoch: number;
  settled: boolean;
  /** Everything done for this trial, in order: a progress event is never written after the result. */
  chain: Promise<void>;
}

/** How often the submitter asks Redis for the state of trials it has not heard the end of (a missed event). */
const POLL_MS = 5_000;

/**
 * Job ids are the sweep's (this machine and the sweep folder's path) plus the trial's id: rerunning a sweep
 * adds the same ids, which BullMQ does not add twice, so it finds the trials its last run left training or
 * finished but not yet collected.
 */
function jobId(sweepDir: string, trial: Trial): string {
  const sweep = createHash('sha256')
    .update(`${hostname()}:${resolve(sweepDir)}`)
    .digest('hex')
    .slice(0, 12);
  return `${sweep}-${trial.id}`.replace(/:/g, '_');
}

/**
 * The trials of `dropneuron sweep --queue redis://…`, run by `dropneuron worker`s elsewhere (cli/queue/worker.ts).
 * Each trial's folder in the sweep folder is created here with the run manifest the job carries; the worker's
 * events fill its log as they come (a retry after a worker died starts the log again: it trains from scratch),
 * and the run folder the worker sends at the end replaces it, so the folder ends as a local trial's does. A
 * trial already finished here is only measured, here. Stopping removes the trials no worker has started; those
 * training go on, and the next run of the sweep collects them.
 */
export class QueueExecutor implements TrialExecutor {
  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void = () => {},
    private readonly cli: CliLauncher = thisCli(),
  ) {}

  async run(trials: readonly Trial[], sweepDir: string, hooks: TrialHooks, signal: AbortSignal): Promise<void> {
    await checkReachable(this.url);
    const connection = queueConnection(this.url);
    const queue = new Queue<TrialJob, TrialReturn>(TRIAL_QUEUE, { connection });
    const events = new QueueEvents(TRIAL_QUEUE, { connection });
    const redis = new Redis(this.url, { maxRetriesPerRequest: null });
    const report = (error: Error): void => this.log(`queue: ${error.message}`);
    queue.on('error', report);
    events.on('error', report);
    redis.on('error', report);
    try {
      // Listening before the first job is added: no event of ours can come before.
      await events.waitUntilReady();
      const finished = trials.filter((t) => readRun(trialDir(sweepDir, t.id))?.result.done?.stopped === false);
      const remote = trials.filter((t) => !finished.includes(t));
      await Promise.all([this.measureHere(finished, sweepDir, hooks, signal), this.runRemote(remote, sweepDir, hooks, signal, { queue, events, redis })]);
    } finally {
      await Promise.allSettled([events.close(), queue.close()]);
      redis.disconnect();
    }
  }

  /** Trials whose folders hold a finished run already: measured at their thresholds here, as a local sweep does. */
  private async measureHere(trials: readonly Trial[], sweepDir: string, hooks: TrialHooks, signal: AbortSignal): Promise<void> {
    for (const trial of trials) {
      if (signal.aborted) return hooks.onDone(trial.id, { status: 'stopped', points: [] });
      hooks.onDone(trial.id, await runTrial(trial, sweepDir, (event) => hooks.onEvent(trial.id, event), signal, this.cli));
    }
  }

  private async runRemote(
    trials: readonly Trial[],
    sweepDir: string,
    hooks: TrialHooks,
    signal: AbortSignal,
    q: { queue: Queue<TrialJob, TrialReturn>; events: QueueEvents; redis: Redis },
  ): Promise<void> {
    const byJob = new Map<string, Remote>();
    let left = 0;
    let allSettled!: () => void;
    const settledAll = new Promise<void>((r) => (allSettled = r));

    const finish = (r: Remote, result: TrialResult): void => {
      r.settled = true;
      hooks.onDone(r.trial.id, result);
      if (--left === 0) allSettled();
    };
    const then = (r: Remote, step: () => void | Promise<void>): void => {
      r.chain = r.chain.then(step).catch((error: Error) => {
        if (!r.settled) finish(r, { status: 'error', message: `trial ${r.trial.id}: ${error.message}`, points: [] });
      });
    };

    const onProgress = (r: Remote, p: TrialProgress): void => {
      if (r.settled) return;
      const folder = new RunFolder(r.dir);
      if (p.event.type === 'start' && p.attempt !== r.attempt) {
        // A new attempt trains from scratch: the log starts again with it.
        if (r.attempt) this.log(`trial ${r.trial.id}: started again (${p.attempt}) after its worker went away`);
        r.attempt = p.attempt;
        r.lastEpoch = 0;
        clearRunFolder(r.dir);
      } else if (p.attempt !== r.attempt || (p.event.type === 'epoch' ? p.event.epoch <= r.lastEpoch : p.event.type !== 'start')) {
        // Another attempt's, an epoch already written, or the end, which comes with the job's result.
        return;
      }
      const event = p.event.type === 'start' ? relocate(p.event, p.event.runDir, r.dir) : p.event;
      if (event.type === 'epoch') r.lastEpoch = event.epoch;
      folder.appendEvent(event);
      hooks.onEvent(r.trial.id, event);
    };

    const settle = async (id: string, r: Remote): Promise<void> => {
      if (r.settled) return;
      const job = (await q.queue.getJob(id)) as Job<TrialJob, TrialReturn> | undefined;
      const state = job ? await job.getState() : 'unknown';
      if (state === 'completed') {
        const ret = job!.returnvalue;
        const files = await q.redis.hgetallBuffer(ret.filesKey);
        const absent = ret.files.filter((f) => !files[f]);
        if (absent.length) throw new Error(`expected the worker's files in Redis (${ret.filesKey}), found ${absent.length} of ${ret.files.length} missing`);
        unpackRunFolder(files, r.dir, ret.done.outputs.runDir);
        hooks.onEvent(r.trial.id, relocate(ret.done, ret.done.outputs.runDir, r.dir));
        await q.redis.del(ret.filesKey);
        await job!.remove();
        finish(r, relocate(ret.result, ret.done.outputs.runDir, r.dir));
      } else if (state === 'failed' || state === 'unknown') {
        const message = state === 'failed' ? job!.failedReason : `expected trial ${r.trial.id}'s job in the queue, found none (removed by someone else?)`;
        const event: ErrorEvent = { v: PROTOCOL_VERSION, type: 'error', kind: 'trainer', message };
        new RunFolder(r.dir).appendEvent(event);
        hooks.onEvent(r.trial.id, event);
        // Removed, so that the next run of the sweep tries it again, as a local sweep does.
        await job?.remove();
        finish(r, { status: 'error', message, points: [] });
      }
    };

    q.events.on('progress', ({ jobId: id, data }) => {
      const r = byJob.get(id);
      if (r) then(r, () => onProgress(r, data as TrialProgress));
    });
    const ended = ({ jobId: id }: { jobId: string }): void => {
      const r = byJob.get(id);
      if (r) then(r, () => settle(id, r));
    };
    q.events.on('completed', ended);
    q.events.on('failed', ended);

    for (const trial of trials) {
      const id = jobId(sweepDir, trial);
      const dir = trialDir(sweepDir, trial.id);
      const manifest = this.manifest(trial, dir);
      const r: Remote = { trial, dir, lastEpoch: 0, settled: false, chain: Promise.resolve() };
      byJob.set(id, r);
      left++;
      if (typeof manifest === 'string') {
        finish(r, { status: 'error', message: manifest, points: [] });
        continue;
      }
      await q.queue.add('trial', { version: JOB_VERSION, trial, manifest, sweepDir: resolve(sweepDir) }, { ...TRIAL_JOB_OPTIONS, jobId: id });
      // A job a previous run of the sweep left in the queue may have ended already.
      then(r, () => settle(id, r));
    }
    if (left === 0) return;

    const poll = setInterval(() => {
      for (const [id, r] of byJob) if (!r.settled) then(r, () => settle(id, r));
    }, POLL_MS);
    const stop = (): void => {
      for (const [id, r] of byJob) {
        then(r, async () => {
          if (r.settled) return;
          const job = await q.queue.getJob(id);
          const state = job ? await job.getState() : 'unknown';
          // A trial being trained goes on: the next run of the sweep collects it.
          if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await job!.remove();
          finish(r, { status: 'stopped', points: [] });
        });
      }
    };
    signal.addEventListener('abort', stop, { once: true });
    if (signal.aborted) stop();
    try {
      await settledAll;
    } finally {
      clearInterval(poll);
      signal.removeEventListener('abort', stop);
    }
  }

  /**
   * The manifest the trial's folder starts from (written here now, if the folder is new), or the sentence that
   * fails the trial: a folder started with other settings, or a spec that cannot be read.
   */
  private manifest(trial: Trial, dir: string): RunManifest | string {
    let spec: string;
    try {
      spec = readSpecFile(trial.specPath);
    } catch (error) {
      return (error as Error).message;
    }
    const { limit, ...overrides } = trial.overrides;
    const fresh: RunManifest = {
      version: 1,
      specPath: trial.specPath,
      spec,
      overrides,
      started: new Date().toISOString(),
      ...(limit !== undefined ? { limit } : {}),
    };
    if (!existsSync(join(dir, 'run.json'))) {
      new RunFolder(dir).create(fresh);
      return fresh;
    }
    // As a resumed local run does, the trial trains the spec text it started with, not the file as edited since.
    const had = new RunFolder(dir).manifest();
    const settings = (m: RunManifest): string => JSON.stringify(namedOverrides({ ...m.overrides, ...(m.limit !== undefined ? { limit: m.limit } : {}) }));
    if (settings(had) !== settings(fresh)) {
      return `${dir} was started with other settings (${settings(had)}, not ${settings(fresh)}): delete it, or sweep into another --out`;
    }
    return had;
  }
}

/** Empties a trial's folder but its manifest, for an attempt that starts from scratch. */
function clearRunFolder(dir: string): void {
  for (const entry of readdirSync(dir)) {
    if (entry !== 'run.json') rmSync(join(dir, entry), { recursive: true, force: true });
  }
  writeAtomic(new RunFolder(dir).eventsPath, '');
}
