import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { openTrainerLog, writeLock } from '../../../store/trainerLock.ts';

/**
 * Starts a trainer (`node cli.js train …`) detached, in its own process group, so that closing the window (and
 * this server) does not end the run: its stderr goes to the run folder's trainer.log and its pid to its
 * trainer.json, from which the next server re-attaches. Its stdin (stop) and stdout (events) are the caller's.
 */
export function spawnTrainer(node: string, args: readonly string[], runDir: string, runId: string): ChildProcess {
  // Never through a link planted in the folder: a trainer.log that is a link is an error, not a write elsewhere.
  const log = openTrainerLog(runDir);
  let child: ChildProcess;
  try {
    child = spawn(node, args, { detached: true, stdio: ['pipe', 'pipe', log], windowsHide: true });
  } finally {
    closeSync(log);
  }
  child.unref();
  if (child.pid !== undefined) {
    yieldToTheEditor(child.pid);
    writeLock(runDir, { pid: child.pid, started: new Date().toISOString(), runId });
  }
  return child;
}

const BELOW_NORMAL = constants.priority.PRIORITY_BELOW_NORMAL;

/**
 * Runs a trainer below normal priority: it trains on every core by default, and at normal priority it starves the
 * editor it was started from (seen on 2 cores: the command palette did not answer within 30 s while a run trained).
 * Training keeps every idle cycle; only interactive work goes first. On Linux the priority is per thread and new
 * threads inherit their creator's, so the data-parallel workers, started after this, run below normal too.
 */
function yieldToTheEditor(pid: number): void {
  try {
    setPriority(pid, BELOW_NORMAL);
  } catch {
    // The run trains as fast either way; a system that refuses the change leaves it at normal priority.
  }
}
