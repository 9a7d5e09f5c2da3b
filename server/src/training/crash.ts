import { basename, join } from 'node:path';
import type { ErrorEvent } from '../../../protocol/events.ts';
import { TRAINER_LOG } from '../../../protocol/runFolder.ts';
import { NODE_PATH_SETTING, nodeStartFault } from '../cliRunner.ts';
import { lastLines } from '../../../store/tail.ts';
import type { ActiveRun } from './activeRuns.ts';

/** How a trainer's process ended, as far as the server saw it (a re-attached run's: only that it is gone). */
export interface ProcessEnd {
  code?: number | null;
  signal?: NodeJS.Signals | null;
  /** The process never started (spawn's error), with the Node it was started with. */
  spawnError?: Error;
  node?: string;
}

const STDERR_TAIL_LINES = 20;

/** The last lines of the trainer's stderr (its run folder's trainer.log). */
export function stderrTail(runDir: string): string {
  return lastLines(join(runDir, TRAINER_LOG), STDERR_TAIL_LINES);
}

/**
 * The error event of a trainer whose process is gone before it sent `done` or `error`: a Node that did not start
 * (naming the setting), a trainer that stopped before the run had its folder, or a run interrupted after it
 * began (its folder named, for Resume).
 */
export function crashEvent(run: ActiveRun, how: ProcessEnd, began: boolean): ErrorEvent {
  const base = { v: 1, type: 'error', kind: 'crash', stderrTail: stderrTail(run.runDir) } as const;
  if (how.spawnError)
    return { ...base, setting: NODE_PATH_SETTING, message: `The trainer could not start: ${nodeStartFault(how.node ?? 'Node', how.spawnError)}` };
  const why = how.signal
    ? `it was killed by ${how.signal}`
    : how.code !== undefined && how.code !== null
      ? `it exited with code ${how.code}`
      : 'its process is gone';
  if (!began) return { ...base, message: `The trainer stopped before training began (${why}): Show Log has its output.` };
  const epoch = run.lastEpoch ? `after epoch ${run.lastEpoch.epoch}` : 'before its first epoch finished';
  return {
    ...base,
    runDir: run.runDir,
    message: `The run ${basename(run.runDir)} was interrupted ${epoch} (${why}): Resume continues it from its last checkpoint, and Show Log has the trainer's output.`,
  };
}
