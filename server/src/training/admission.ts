import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { CheckedModel } from '../../../language/index.ts';
import type { RunInfo, TrainResult } from '../../../protocol/lsp.ts';
import type { RunResult } from '../../../protocol/runFolder.ts';
import { readRun } from '../../../store/runFolder.ts';
import type { DocumentStore } from '../documents.ts';
import { filePath } from '../paths.ts';
import { isEditorsRunFolder, notEditorsRunFolder, type RunPlaces } from '../runs.ts';
import type { ActiveRuns } from './activeRuns.ts';

/** Why the server starts no trainer. */
export type Refusal = Extract<TrainResult, { started: false }>;

/**
 * The checks a request must pass before the server starts a trainer: a request cannot make the server run the
 * trainer on any path. Train and Resume pass the same ones — the spec is a .dnn file open in the editor, and one
 * run per spec at a time; Resume's run folder is also one of the editor's (runs.ts, `isEditorsRunFolder`).
 * (Workspace trust is the client's to check: the server cannot see it.)
 */
export function trainableSpec(store: DocumentStore, active: ActiveRuns, uri: string): { path: string; model: CheckedModel } | Refusal {
  const path = filePath(uri);
  if (!path) return { started: false, reason: 'not-a-file', message: `Only a spec saved as a file can be trained, and ${uri} is not one: save it first.` };
  if (active.has(uri)) return busy(basename(path));
  const entry = store.get(uri);
  if (!entry || extname(path) !== '.dnn') return notOpenSpec(path, !!entry, 'trained');
  const model = entry.analysis.model;
  if (entry.analysis.hasErrors || !model) {
    const count = entry.analysis.diagnostics.filter((d) => d.severity === 'error').length;
    return {
      started: false,
      reason: 'errors',
      message: `${basename(path)} has ${count} error${count === 1 ? '' : 's'}: fix ${count === 1 ? 'it' : 'them'} first (the Problems panel lists them).`,
    };
  }
  if (!existsSync(path)) return { started: false, reason: 'not-a-file', message: `${path} is not on disk yet: save it first.` };
  return { path, model };
}

/**
 * The run a Resume request may continue: an interrupted run in one of the editor's run folders, whose spec is a
 * .dnn file open in the editor (by its path: its URI is the editor's) and not training now.
 */
export function resumableRun(
  store: DocumentStore,
  active: ActiveRuns,
  runDir: string,
  places: RunPlaces,
): { info: RunInfo; result: RunResult; uri: string } | Refusal {
  const run = readRun(resolve(runDir));
  if (!run) return { started: false, reason: 'not-a-file', message: `There is no run at ${runDir} (a run folder holds run.json): it may have been deleted.` };
  const state = run.info.state;
  if (state !== 'interrupted') {
    const why = state === 'running' ? 'it is still training' : state === 'done' ? 'it has finished' : 'it ended with an error: train the spec again instead';
    return { started: false, reason: 'busy', message: `The run ${basename(runDir)} cannot be resumed: ${why}.` };
  }
  if (!isEditorsRunFolder(run.result.runDir, places))
    return {
      started: false,
      reason: 'not-a-file',
      message: `The run ${basename(runDir)} cannot be resumed from here: ${notEditorsRunFolder(run.result.runDir)}.`,
    };
  const spec = resolve(run.info.specPath);
  const document = store.documents.all().find((d) => filePath(d.uri) === spec);
  if (!document || extname(spec) !== '.dnn') return notOpenSpec(spec, !!document, 'resumed');
  if (active.has(document.uri)) return busy(basename(spec));
  return { ...run, uri: document.uri };
}

/** A spec that is not open in the editor, or not a .dnn spec: the same sentence for a run `trained` or `resumed`. */
function notOpenSpec(path: string, open: boolean, what: 'trained' | 'resumed'): Refusal {
  const of = what === 'resumed' ? 'a run of ' : '';
  return {
    started: false,
    reason: 'not-a-file',
    message: open
      ? `Only ${of}a .dnn spec can be ${what}, and ${path} is not one.`
      : `Only ${of}a spec open in the editor can be ${what}, and ${path} is not open: open it first.`,
  };
}

function busy(name: string): Refusal {
  return { started: false, reason: 'busy', message: `${name} is already training: stop that run first, or wait for it to finish.` };
}
