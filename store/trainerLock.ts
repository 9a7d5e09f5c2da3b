/**
 * `trainer.json` on disk (protocol/runFolder.ts' TrainerLock): written by whoever starts a trainer, removed when
 * the run ends, and whether its process still runs, which tells a running run from an interrupted one.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerEvent } from '../protocol/events.ts';
import { runStateOf, TRAINER_LOCK, TRAINER_LOG, type RunState, type TrainerLock } from '../protocol/runFolder.ts';
import { io, openAppendNoFollow, remove, writeAtomic } from './files.ts';

/**
 * The trainer's stderr log, `trainer.log`, opened for a process about to train in `runDir` (created if need be):
 * a file descriptor, never through a link planted in the folder.
 */
export function openTrainerLog(runDir: string): number {
  io(runDir, 'create the run folder', () => mkdirSync(runDir, { recursive: true }));
  const path = join(runDir, TRAINER_LOG);
  return io(path, 'open the trainer log', () => openAppendNoFollow(path));
}

export function writeLock(runDir: string, lock: TrainerLock): void {
  const path = join(runDir, TRAINER_LOCK);
  io(path, 'write the trainer lock', () => writeAtomic(path, JSON.stringify(lock)));
}

export function readLock(runDir: string): TrainerLock | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(runDir, TRAINER_LOCK), 'utf8')) as TrainerLock;
    return Number.isInteger(lock.pid) && lock.pid > 0 ? lock : undefined;
  } catch {
    return undefined;
  }
}

/** The trainer's own claim on its folder: the lock the server wrote for it (with its runId) stays as it is. */
export function claimLock(runDir: string, pid: number): void {
  if (readLock(runDir)?.pid !== pid) writeLock(runDir, { pid, started: new Date().toISOString() });
}

/** Removes the lock if it still names `pid` (a resumed run's newer lock stays). */
export function removeLock(runDir: string, pid: number): void {
  if (readLock(runDir)?.pid === pid) remove(join(runDir, TRAINER_LOCK));
}

/**
 * Whether the lock's process still runs. A pid can be reused once its process is gone: on Linux the process
 * must also be a `train` command (its command line), elsewhere the pid alone decides.
 */
export function lockAlive(lock: TrainerLock | undefined): boolean {
  if (!lock) return false;
  try {
    process.kill(lock.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${lock.pid}/cmdline`, 'utf8').split('\0').includes('train');
  } catch {
    return false;
  }
}

/** Where a run stands, from its log since its latest start and its lock. */
export function runState(runDir: string, events: readonly TrainerEvent[]): RunState {
  return runStateOf(events, () => lockAlive(readLock(runDir)));
}
