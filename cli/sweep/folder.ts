/**
 * The sweep folder's own files: `sweep.json` (every trial's settings and results, and the front) and
 * `frontier.svg`, kept in memory and written through store/sweepFile.ts. The trials' run folders are ordinary run
 * folders (protocol/runFolder.ts).
 */
import { join, relative } from 'node:path';
import type { Metric } from '../../protocol/events.ts';
import { writeAtomic, io } from '../../store/files.ts';
import {
  ANCHOR_ERROR_NOTE,
  FRONTIER_FILE,
  frontSet,
  pointFlaws,
  sweepFront,
  type FrontPoint,
  type SweepAnchors,
  type SweepAxis,
  type SweepFile,
  type SweepTrialEntry,
  type SweepValue,
  type Trial,
  type TrialResult,
} from '../../protocol/sweep.ts';
import { trialDir, writeSweepFile } from '../../store/sweepFile.ts';
import type { AnchoredModel } from './anchors.ts';
import { frontierSvg, type FrontierPoint, type ReferencePoint } from './frontier.ts';

/** Whether a previous run's entry already holds this trial's result at the same thresholds: nothing left to do. */
export function isFinished(entry: SweepTrialEntry | undefined, trial: Trial): boolean {
  return entry?.status === 'done' && !!entry.result && JSON.stringify(entry.thresholds) === JSON.stringify(trial.thresholds);
}

/** Every point of every finished trial, with its trial's id and what makes it broken (`pointFlaws`: none when sound). */
export function pointsOf(entries: readonly SweepTrialEntry[]): (FrontPoint & { flaws: string[] })[] {
  return entries.flatMap((e) =>
    e.status === 'done'
      ? (e.result?.points ?? []).map((p) => ({
          trial: e.id,
          threshold: p.threshold,
          error: p.error,
          params: p.params,
          flaws: pointFlaws(p).map((f) => f.tag),
        }))
      : [],
  );
}

/** A model's published results as sweep.json keeps them: what the sweep panel draws and names. */
export function sweepAnchors(model: AnchoredModel): SweepAnchors {
  return {
    model: model.name,
    sizesAre: model.sizesAre,
    note: ANCHOR_ERROR_NOTE,
    points: model.anchors.map((a) => ({
      label: a.label,
      method: a.method,
      sizes: [...a.sizes],
      error: a.error,
      params: a.params,
      ...(a.target ? { target: true } : {}),
    })),
  };
}

/** The sweep's state: sweep.json in memory, written atomically after every change. */
export class SweepFolder {
  readonly entries: SweepTrialEntry[];

  constructor(
    readonly dir: string,
    private readonly specPath: string,
    private readonly axes: SweepAxis[],
    private readonly shared: Record<string, SweepValue>,
    trials: readonly Trial[],
    previous: SweepFile | undefined,
    /** The swept model's published results (`anchoredModel`), kept in sweep.json for the panel; none for other models. */
    private readonly anchors?: SweepAnchors,
  ) {
    // Results of a run of the sweep with other shared flags (another --epochs) are not this sweep's: each trial's
    // folder is looked at again (and one started with other settings is an error naming it).
    const same = previous && JSON.stringify(previous.shared) === JSON.stringify(shared);
    this.entries = trials.map((trial) => {
      const before = same ? previous.trials.find((e) => e.id === trial.id) : undefined;
      if (before && isFinished(before, trial)) return before;
      return { id: trial.id, settings: trial.settings, thresholds: trial.thresholds, runDir: relative(dir, trialDir(dir, trial.id)), status: 'pending' };
    });
  }

  entry(id: string): SweepTrialEntry {
    return this.entries.find((e) => e.id === id)!;
  }

  started(id: string): void {
    this.entry(id).status = 'running';
    this.write();
  }

  finished(id: string, result: TrialResult): void {
    const entry = this.entry(id);
    entry.status = result.status;
    entry.result = result;
    this.write();
  }

  /** The front of the sound points only: one rule (`sweepFront`) with the sweep panel's. */
  front(): FrontPoint[] {
    return sweepFront(this.entries);
  }

  file(): SweepFile {
    return {
      version: 1,
      specPath: this.specPath,
      axes: this.axes,
      shared: this.shared,
      trials: this.entries,
      front: this.front(),
      frontSelectedOn: frontSet(this.entries),
      ...(this.anchors ? { anchors: this.anchors } : {}),
      updated: new Date().toISOString(),
    };
  }

  write(): void {
    writeSweepFile(this.dir, this.file());
  }

  /** Draws the front; returns its path, or undefined when no trial has finished. */
  async writeFrontier(metric: Metric, references: readonly ReferencePoint[]): Promise<string | undefined> {
    const points = pointsOf(this.entries);
    if (!points.length) return undefined;
    const front = this.front();
    const onFront = (p: FrontPoint): boolean => front.some((f) => f.trial === p.trial && f.threshold === p.threshold);
    const svg = await frontierSvg(
      points.map((p): FrontierPoint => ({ ...p, onFront: onFront(p) })),
      metric,
      references,
    );
    const path = join(this.dir, FRONTIER_FILE);
    io(path, 'write the frontier chart', () => writeAtomic(path, svg));
    return path;
  }
}
