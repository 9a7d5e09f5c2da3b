import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { TrainerEvent } from '../../protocol/events.ts';
import type { DeleteRunResult, RunInfo } from '../../protocol/lsp.ts';
import { readEvents, readRun, RUNS_FOLDER } from '../../protocol/runFolder.ts';

/** How many run folders one workspace listing reads at most (a listing is for people, not for archives). */
const MAX_RUNS = 500;

/**
 * Every run folder under the workspace folders (`**\/.dropneuron/runs/*\/run.json`, outside node_modules),
 * newest first. The server is the client's one reader of run folders: the Runs view asks here.
 */
export function workspaceRuns(roots: readonly string[]): RunInfo[] {
  const pattern = `**/${RUNS_FOLDER.split(/[\\/]/).join('/')}/*/run.json`;
  const infos: RunInfo[] = [];
  for (const root of roots) {
    const manifests = globSync(pattern, { cwd: root, dot: true, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] });
    for (const manifest of manifests.slice(0, MAX_RUNS)) {
      const run = readRun(dirname(manifest));
      if (run) infos.push(run.info);
    }
  }
  return infos.sort((a, b) => b.started.localeCompare(a.started)).slice(0, MAX_RUNS);
}

/** A run folder's events, for a panel showing a past run (none for a folder that is not a run). */
export function runEvents(runDir: string): TrainerEvent[] {
  return isRunFolder(runDir) ? readEvents(runDir) : [];
}

/** Deletes a run folder; refuses a folder that is not a run (no run.json), so a bad path cannot delete anything else. */
export function deleteRun(runDir: string, running: (runDir: string) => boolean): DeleteRunResult {
  const dir = resolve(runDir);
  if (!isRunFolder(dir)) return { deleted: false, message: `expected a run folder (with run.json), found none at ${dir}` };
  if (running(dir)) return { deleted: false, message: `expected a finished run, found ${dir} still training: stop it first` };
  rmSync(dir, { recursive: true, force: true });
  return { deleted: true };
}

function isRunFolder(runDir: string): boolean {
  return existsSync(join(runDir, 'run.json'));
}
