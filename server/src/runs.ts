import { existsSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { TrainerEvent } from '../../protocol/events.ts';
import type { DeleteRunResult, RunInfo } from '../../protocol/lsp.ts';
import { isInside } from '../../store/files.ts';
import { readEvents, readRun } from '../../store/runFolder.ts';
import { RUNS_FOLDER } from '../../protocol/runFolder.ts';

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

/**
 * Deletes a run folder. Refuses anything else, so a bad or hostile path deletes nothing: the folder must hold
 * run.json and lie, real path and all, inside a runs folder (`.dropneuron/runs/`, or the configured output folder).
 */
export function deleteRun(runDir: string, running: (runDir: string) => boolean, outputFolder = ''): DeleteRunResult {
  const dir = resolve(runDir);
  if (!isRunFolder(dir)) return { deleted: false, message: `expected a run folder (with run.json), found none at ${dir}` };
  const parent = dirname(realpathSync(dir));
  // Whole path segments: `.../my.dropneuron/runs` is not a runs folder.
  const inRuns = join(basename(dirname(parent)), basename(parent)) === RUNS_FOLDER || (outputFolder !== '' && isInside(dir, outputFolder));
  if (!inRuns) return { deleted: false, message: `expected a run folder inside ${RUNS_FOLDER} or the output folder, found ${dir}` };
  if (running(dir)) return { deleted: false, message: `expected a finished run, found ${dir} still training: stop it first` };
  rmSync(dir, { recursive: true, force: true });
  return { deleted: true };
}

function isRunFolder(runDir: string): boolean {
  return existsSync(join(runDir, 'run.json'));
}
