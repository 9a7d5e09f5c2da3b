/** The Runs view's rows, as a pure function of run folders. */
import type { Metric } from '../../../protocol/events.ts';
import type { RunInfo, SweepInfo } from '../../../protocol/lsp.ts';
import type { RunSummary } from '../../../protocol/runFolder.ts';
import {
  DAMAGE_REMEDIES,
  formatCount,
  formatParamsShort,
  formatDamage,
  formatMetric,
  formatNamedMetric,
  formatOverrides,
  formatPoints,
  formatSparseWeights,
} from '../../../protocol/present.ts';
import { frontSet, frontSetText, selectionError, sweepFront, type FrontPoint, type SweepTrialEntry, type SweepValue } from '../../../protocol/sweep.ts';

export interface RunRow {
  /** Stable id: `run:<runDir>`. */
  id: string;
  /** The model and, once it finished, the shipped model's metric: what a narrow sidebar still shows. */
  label: string;
  /** The shipped model's size, then the overrides; dates, backend and folder are in the tooltip. */
  description: string;
  tooltip: string;
  state: 'done' | 'stopped' | 'running' | 'failed' | 'interrupted';
  /**
   * A finished run that is no plain success, as the status bar says it: `damaged`, its pruning cost more than its
   * tolerance (a warning, never a check mark); `guidance`, it pruned (almost) nothing or everything.
   */
  verdict?: 'damaged' | 'guidance';
  children: { id: string; label: string; description: string }[];
}

function metricText(metric: Metric | undefined, value: number | undefined): string {
  if (value === undefined) return '';
  return metric === 'accuracy' ? formatMetric(metric, value) : `${metric ?? ''} ${formatMetric(metric, value)}`;
}

/** "dropneuron 0.1, epochs 3": a run's overrides in a row or a tab, at most `max` of them, then how many more. */
export function shortOverrides(overrides: Readonly<Record<string, number | string>> | undefined, max = 2): string {
  const entries = Object.entries(overrides ?? {});
  const shown = formatOverrides(Object.fromEntries(entries.slice(0, max)));
  return entries.length > max ? `${shown} +${entries.length - max} more` : shown;
}

/** What the row's tooltip says of each state. */
const STATE_TEXT: Record<RunRow['state'], string> = {
  done: 'finished',
  stopped: 'stopped early',
  running: 'training',
  failed: 'failed: the panel shows why',
  interrupted: 'interrupted: its trainer stopped before it finished; Resume continues it from its last checkpoint',
};

/** What the label says after the model for a run without a result yet. */
const STATE_WORD: Record<RunRow['state'], string> = {
  done: 'finished',
  stopped: 'stopped',
  running: 'training',
  failed: 'failed',
  interrupted: 'interrupted',
};

/** The row's state: the server's (RunInfo.state), or for an older server what `finished` says. */
function rowState(run: RunInfo): RunRow['state'] {
  if (run.state === 'done' || (!run.state && run.finished)) return run.stopped ? 'stopped' : 'done';
  return run.state ?? 'running';
}

/** The tooltip's lines on the result: the metric before and after pruning, the damage, the compact model. */
function resultLines(summary: RunSummary | undefined): string[] {
  if (!summary) return [];
  const metric = summary.metric;
  const lines = [`${formatNamedMetric(metric, summary.afterPrune)} after pruning (${formatMetric(metric, summary.beforePrune)} before)`];
  const damage = summary.damage;
  if (damage?.exceeded)
    lines.push(
      `⚠ ${formatDamage(summary) ?? `pruning cost ${formatPoints(damage.cost)}`}, more than the tolerance of ${formatPoints(damage.tolerance)}. To keep the accuracy, ${DAMAGE_REMEDIES}.`,
    );
  else if (damage) lines.push(`pruning cost ${formatPoints(damage.cost)}, within the tolerance of ${formatPoints(damage.tolerance)}`);
  if (summary.guidance) lines.push(summary.guidance);
  lines.push(
    `compact model: ${formatCount(summary.compactParams)} of ${formatCount(summary.fullParams)} parameters; ${formatSparseWeights(summary.compression)}`,
  );
  return lines;
}

/**
 * The Runs view's rows, newest first: the essentials first (the model and its pruned metric in the label, the
 * compact model's size and the overrides in the description), the rest in the tooltip; a finished run's verdict from
 * its summary (RunInfo.summary).
 */
export function runRows(runs: RunInfo[]): RunRow[] {
  return [...runs]
    .sort((a, b) => b.started.localeCompare(a.started))
    .map((run) => {
      const date = run.started.replace('T', ' ').slice(0, 16);
      const state = rowState(run);
      const summary = run.finished ? run.summary : undefined;
      const finished = state === 'done' || state === 'stopped';
      const result = finished && summary ? metricText(summary.metric, summary.afterPrune) : '';
      const epochs = run.epochsCompleted !== undefined ? `${run.epochsCompleted}/${run.epochs ?? '?'} epochs` : undefined;
      const size = summary ? formatParamsShort(summary.compactParams) : undefined;
      const description = [finished ? size : epochs, shortOverrides(run.overrides), state === 'stopped' && epochs ? `stopped at ${epochs}` : undefined].filter(
        Boolean,
      );
      const verdict = summary?.damage?.exceeded ? 'damaged' : summary?.guidance ? 'guidance' : undefined;
      return {
        id: `run:${run.runDir}`,
        label: `${run.model} · ${result || STATE_WORD[state]}`,
        description: description.join(' · '),
        tooltip: [
          `${run.model}: ${STATE_TEXT[state]}`,
          ...resultLines(summary),
          ...(run.overrides ? [`overriding the spec: ${formatOverrides(run.overrides)}`] : []),
          [`started ${date}`, epochs, run.backend ? `on ${run.backend}` : undefined].filter(Boolean).join(' · '),
          run.runDir,
        ].join('\n'),
        state,
        ...(verdict ? { verdict } : {}),
        children: Object.entries(run.compactSizes ?? {}).map(([name, size]) => ({ id: `run:${run.runDir}:${name}`, label: name, description: `${size} kept` })),
      };
    });
}

/** A sweep's row: its model, how many trials are done, and the front's best point; its trials under it. */
export interface SweepRow {
  /** Stable id: `sweep:<sweepDir>`. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  state: 'done' | 'running' | 'failed';
  /** The spec the sweep trains (a file path): what its panel follows. */
  specPath: string;
  /** Each trial: its run's row (and the run, to open it) when its run folder exists, else a plain line. */
  trials: { id: string; label: string; description: string; status: SweepTrialEntry['status']; run?: { row: RunRow; info: RunInfo } }[];
}

/** What a trial's settings read as: `dropneuron=0.05 learning_rate=0.001`. */
export function trialSettingsText(settings: Record<string, SweepValue>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** A front point as the tooltip says it: its trial's metric after pruning, at its size. */
function bestText(sweep: SweepInfo['sweep'], best: FrontPoint): string {
  const point = sweep.trials.find((t) => t.id === best.trial)?.result?.points.find((p) => p.threshold === best.threshold);
  const metric = point ? formatNamedMetric(point.metric, point.afterPrune) : `error ${best.error}`;
  return `${metric} with ${formatCount(best.params)} parameters (${best.trial}, threshold ${best.threshold})`;
}

export function sweepRows(sweeps: SweepInfo[]): SweepRow[] {
  return sweeps.map(({ sweepDir, model, sweep, runs }) => {
    const done = sweep.trials.filter((t) => t.status === 'done').length;
    const failed = sweep.trials.some((t) => t.status === 'error');
    const active = sweep.trials.some((t) => t.status === 'running' || t.status === 'pending');
    // The front as the panel and sweep.json draw it now (a sweep.json of an older version may list broken points on it).
    const front = sweepFront(sweep.trials);
    // Best by the set that chose the front: on a validation front, never the point the test set happens to favour.
    const on = frontSet(sweep.trials);
    const best = [...front].sort((a, b) => selectionError(a, on) - selectionError(b, on))[0];
    const axes = sweep.axes.map((a) => `${a.name} × ${a.values.length}`).join(', ');
    return {
      id: `sweep:${sweepDir}`,
      label: `${model} · sweep`,
      description: [`${done}/${sweep.trials.length} trials`, `${front.length} on the front`].join(' · '),
      tooltip: [sweepDir, axes, ...(best ? [`best on the front: ${bestText(sweep, best)}`, frontSetText(sweep.trials)] : [])].join('\n'),
      state: active ? 'running' : failed ? 'failed' : 'done',
      specPath: sweep.specPath,
      trials: sweep.trials.map((t) => {
        const info = runs[t.id];
        const row = info ? runRows([info])[0] : undefined;
        const points = t.result?.points ?? [];
        const measured = points.map((p) => `${formatParamsShort(p.params)} @ ${p.threshold}`).join(', ');
        return {
          id: `trial:${sweepDir}:${t.id}`,
          label: trialSettingsText(t.settings) || t.id,
          description: [t.status, measured].filter(Boolean).join(' · '),
          status: t.status,
          ...(row && info ? { run: { row: { ...row, id: `trial:${sweepDir}:${t.id}:run`, label: trialSettingsText(t.settings) || t.id }, info } } : {}),
        };
      }),
    };
  });
}
