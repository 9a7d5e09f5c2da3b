import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { TrainerEvent } from '../../protocol/events.ts';
import type { DeleteRunResult, RunInfo } from '../../protocol/lsp.ts';
import { isInside } from '../../store/files.ts';
import { deleteRunFolder, isRunFolder, readEvents, readRun } from '../../store/runFolder.ts';
import { RUN_MANIFEST, RUNS_FOLDER } from '../../protocol/runFolder.ts';

/** How many run folders one workspace listing reads at most (a listing is for people, not for archives). */
const MAX_RUNS = 500;

/**
 * Every run folder under the workspace folders (`**\/.dropneuron/runs/*\/run.json`, outside node_modules),
 * newest first. The server is the client's one reader of run folders: the Runs view asks here.
 */
export function workspaceRuns(roots: readonly string[]): RunInfo[] {
  const infos: RunInfo[] = [];
  for (const root of roots) {
    for (const runDir of runFoldersUnder(root, RUN_MANIFEST).slice(0, MAX_RUNS)) {
      const run = readRun(runDir);
      if (run) infos.push(run.info);
    }
  }
  return infos.sort((a, b) => b.started.localeCompare(a.started)).slice(0, MAX_RUNS);
}

/** The run folders under `root` (`**\/.dropneuron/runs/*\/`, outside node_modules and .git) that hold `file`. */
export function runFoldersUnder(root: string, file: string): string[] {
  const pattern = `**/${RUNS_FOLDER.split(/[\\/]/).join('/')}/*/${file}`;
  return globSync(pattern, { cwd: root, dot: true, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] }).map((path) => dirname(path));
}

/** The run folders directly inside the configured output folder that hold `file`. */
export function outputRunFolders(outputFolder: string, file: string): string[] {
  return globSync(`*/${file}`, { cwd: outputFolder, absolute: true }).map((path) => dirname(path));
}

/** A run folder's events, for a panel showing a past run (none for a folder that is not a run). */
export function runEvents(runDir: string): TrainerEvent[] {
  return isRunFolder(runDir) ? readEvents(runDir) : [];
}

/** Where the editor's run folders lie: what a request may delete or resume. */
export interface RunPlaces {
  /** The workspace folders: a `.dropneuron/runs/` folder anywhere inside them. */
  roots: readonly string[];
  /** `dropneuron.trainer.outputFolder` ('' when unset): any folder inside it. */
  outputFolder: string;
  /** The specs open in the editor: the `.dropneuron/runs/` folder beside each. */
  openSpecs: readonly string[];
}

/**
 * Whether `runDir` is one of the editor's run folders: real path and all (a link cannot lead out), inside a
 * runs folder (`.dropneuron/runs/`) of a workspace folder or of an open spec's folder, or inside the configured
 * output folder. A request naming any other folder, run.json or not, is refused.
 */
export function isEditorsRunFolder(runDir: string, places: RunPlaces): boolean {
  let real: string;
  try {
    real = realpathSync(runDir);
  } catch {
    return false;
  }
  if (places.outputFolder !== '' && isInside(real, places.outputFolder)) return true;
  const parent = dirname(real);
  // Whole path segments: `.../my.dropneuron/runs` is not a runs folder.
  if (join(basename(dirname(parent)), basename(parent)) !== RUNS_FOLDER) return false;
  return places.roots.some((root) => isInside(real, root)) || places.openSpecs.some((spec) => isInside(real, join(dirname(spec), RUNS_FOLDER)));
}

/** The one sentence for a run folder outside the editor's places. */
export function notEditorsRunFolder(runDir: string): string {
  return `expected a run folder inside ${RUNS_FOLDER} of a workspace folder or of an open spec's folder, or inside the output folder, found ${runDir}`;
}

/**
 * Deletes a run folder. Refuses anything else, so a bad or hostile path deletes nothing: the folder must hold
 * run.json and be one of the editor's run folders (`isEditorsRunFolder`), and no trainer may be running in it.
 */
export function deleteRun(runDir: string, places: RunPlaces, running: (runDir: string) => boolean): DeleteRunResult {
  const dir = resolve(runDir);
  if (!isRunFolder(dir)) return { deleted: false, message: `expected a run folder (with run.json), found none at ${dir}` };
  if (!isEditorsRunFolder(dir, places)) return { deleted: false, message: notEditorsRunFolder(dir) };
  if (running(dir)) return { deleted: false, message: `expected a finished run, found ${dir} still training: stop it first` };
  deleteRunFolder(dir);
  return { deleted: true };
}
