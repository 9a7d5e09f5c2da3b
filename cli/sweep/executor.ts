/**
 * Who runs a sweep's trials. The sweep command expands the trials, keeps sweep.json and the display, and
 * hands the trials still to run to one executor: the local one here (N trainer processes on this machine), or
 * a queue's (`--queue redis://…`: workers elsewhere take the trials as jobs). Either way each trial is an
 * ordinary run in `<sweepDir>/trials/<id>/` (protocol/sweep.ts), run by `runTrial` (trial.ts).
 */
import { availableParallelism } from 'node:os';
import type { TrainerEvent } from '../../protocol/events.ts';
import type { Trial, TrialResult } from '../../protocol/sweep.ts';
import { runTrial, thisCli, type CliLauncher } from './trial.ts';

export interface TrialHooks {
  /** Every trainer event of a trial, as it happens (`start`, each `epoch`, `done` or `error`). */
  onEvent(trialId: string, event: TrainerEvent): void;
  /** Once per trial, when it has ended (done, stopped or failed). */
  onDone(trialId: string, result: TrialResult): void;
}

export interface TrialExecutor {
  /**
   * Runs every trial, resuming what its folder already holds, and resolves once each has ended; `signal`
   * stops them all (each stops after its current batch, its folder resumable; `onDone` still comes, `stopped`).
   */
  run(trials: readonly Trial[], sweepDir: string, hooks: TrialHooks, signal: AbortSignal): Promise<void>;
}

/**
 * How many trainer processes this machine takes at once. A CPU backend's process keeps about two cores busy
 * (TensorFlow.js's thread pools), so half the cores; a GPU backend shares one device, so one at a time.
 */
export function defaultParallel(backend: string, cores = availableParallelism()): number {
  if (backend === 'webgpu') return 1;
  return Math.max(1, Math.floor(cores / 2));
}

/** Trials as child processes of this machine, `parallel` at a time, in order. */
export class LocalExecutor implements TrialExecutor {
  constructor(
    private readonly parallel: number,
    private readonly cli: CliLauncher = thisCli(),
  ) {}

  async run(trials: readonly Trial[], sweepDir: string, hooks: TrialHooks, signal: AbortSignal): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < trials.length && !signal.aborted) {
        const trial = trials[next++]!;
        const result = await runTrial(trial, sweepDir, (event) => hooks.onEvent(trial.id, event), signal, this.cli);
        hooks.onDone(trial.id, result);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.parallel, trials.length)) }, worker));
  }
}
