import type { JobsOptions } from 'bullmq';
import type { DoneEvent, TrainerEvent } from '../../protocol/events.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';
import type { Trial, TrialResult } from '../../protocol/sweep.ts';

/**
 * What travels through the queue between `dropneuron sweep --queue` (the submitter) and `dropneuron worker`:
 * the job's payload, the progress a worker reports, and the value a finished job returns. docs/scale-out.md
 * describes the whole exchange.
 */

/** The one BullMQ queue every sweep's trials go through: workers need not know which sweeps exist. */
export const TRIAL_QUEUE = 'dropneuron-trials';

/** Bumped when the payload changes shape: a worker refuses a job it cannot read instead of misreading it. */
export const JOB_VERSION = 1;

/**
 * A trial as a worker on another machine needs it: the trial (its id, settings, overrides and thresholds) and
 * the run manifest its run folder starts from, which holds the spec's text (not a path to a file the worker may
 * not have). `manifest.specPath` is the spec's path on the submitting machine: data files named relative to the
 * spec resolve beside it, so user files must be on storage every worker mounts at the same path.
 */
export interface TrialJob {
  version: typeof JOB_VERSION;
  trial: Trial;
  manifest: RunManifest;
  /** The sweep folder on the submitting machine: for the worker's log only. */
  sweepDir: string;
}

/**
 * One trainer event of one attempt, sent with `job.updateProgress` as it happens. `attempt` names the process
 * that trains the trial (worker host, pid and a random part): a retry after a crash starts from scratch under a
 * new attempt, and the submitter keeps only the newest attempt's events, so no epoch is reported twice.
 */
export interface TrialProgress {
  attempt: string;
  event: TrainerEvent;
}

/**
 * What a finished job returns: the trial's result, its done event and where its run folder's files wait in
 * Redis (a hash of file path relative to the run folder → bytes; the event log among them). The files travel apart from the return value because BullMQ copies a
 * return value into its event stream, and a trial's files (the compact and full models, the last checkpoint) run
 * to megabytes; the submitter deletes the hash once it has written them.
 */
export interface TrialReturn {
  attempt: string;
  /** The trial measured at its thresholds, as the local executor measures it. */
  result: TrialResult;
  done: DoneEvent;
  filesKey: string;
  files: string[];
}

/** The Redis key of a job's output files, beside BullMQ's own keys for the queue. */
export function filesKey(jobId: string): string {
  return `bull:${TRIAL_QUEUE}:files:${jobId}`;
}

/** How long output files wait for a submitter that went away (a week), so an abandoned sweep does not fill Redis forever. */
export const FILES_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Two attempts: a trial whose trainer fails the same way twice is failed with that error; one that fails once
 * for a reason of its worker (a missing mount, a full disk) gets another worker's try. A worker that dies is the
 * stalled-job check's business (`maxStalledCount` in the worker), not an attempt. Finished jobs stay until the
 * submitter has copied their files (it removes them then), so a submitter that restarts finds them.
 */
export const TRIAL_JOB_OPTIONS: JobsOptions = { attempts: 2, removeOnComplete: false, removeOnFail: false };
