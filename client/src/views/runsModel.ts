/** The Runs view's rows, as a pure function of run folders. */
import type { Metric } from '../../../protocol/events.ts';
import type { RunInfo, SweepInfo } from '../../../protocol/lsp.ts';
import { formatCompression, formatCount, formatMetric, formatNamedMetric, formatOverrides } from '../../../protocol/present.ts';
import type { SweepTrialEntry, SweepValue } from '../../../protocol/sweep.ts';

export interface RunRow {
  /** Stable id: `run:<runDir>`. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  state: 'done' | 'stopped' | 'running' | 'failed' | 'interrupted';
  children: { id: string; label: string; description: string }[];
}

function metricText(metric: Metric | undefined, value: number | undefined): string {
  if (value === undefined) return '';
  return metric === 'accuracy' ? formatMetric(metric, value) : `${metric ?? ''} ${formatMetric(metric, value)}`;
}

/** What the row's tooltip says of each state. */
const STATE_TEXT: Record<RunRow['state'], string> = {
  done: 'finished',
  stopped: 'stopped early',
  running: 'training',
  failed: 'failed: the panel shows why',
  interrupted: 'interrupted: its trainer stopped before it finished; Resume continues it from its last checkpoint',
};

/** The row's state: the server's (RunInfo.state), or for an older server what `finished` says. */
function rowState(run: RunInfo): RunRow['state'] {
  if (run.state === 'done' || (!run.state && run.finished)) return run.stopped ? 'stopped' : 'done';
  return run.state ?? 'running';
}

export function runRows(runs: RunInfo[]): RunRow[] {
  return [...runs]
    .sort((a, b) => b.started.localeCompare(a.started))
    .map((run) => {
      const date = run.started.replace('T', ' ').slice(0, 16);
      const state = rowState(run);
      const parts = [
        run.backend,
        run.epochsCompleted !== undefined ? `${run.epochsCompleted}/${run.epochs ?? '?'} epochs` : undefined,
        metricText(run.metric, run.afterPrune),
        run.compression !== undefined ? formatCompression(run.compression) : undefined,
      ].filter(Boolean);
      return {
        id: `run:${run.runDir}`,
        label: `${run.model} · ${date}`,
        description: parts.join(' · '),
        tooltip: [run.runDir, STATE_TEXT[state], ...(run.overrides ? [`overriding the spec: ${formatOverrides(run.overrides)}`] : [])].join('\n'),
        state,
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
function bestText(sweep: SweepInfo['sweep'], best: SweepInfo['sweep']['front'][number]): string {
  const point = sweep.trials.find((t) => t.id === best.trial)?.result?.points.find((p) => p.threshold === best.threshold);
  const metric = point ? formatNamedMetric(point.metric, point.afterPrune) : `error ${best.error}`;
  return `${metric} with ${formatCount(best.params)} parameters (${best.trial}, threshold ${best.threshold})`;
}

export function sweepRows(sweeps: SweepInfo[]): SweepRow[] {
  return sweeps.map(({ sweepDir, model, sweep, runs }) => {
    const done = sweep.trials.filter((t) => t.status === 'done').length;
    const failed = sweep.trials.some((t) => t.status === 'error');
    const active = sweep.trials.some((t) => t.status === 'running' || t.status === 'pending');
    const best = [...sweep.front].sort((a, b) => a.error - b.error)[0];
    const axes = sweep.axes.map((a) => `${a.name} × ${a.values.length}`).join(', ');
    return {
      id: `sweep:${sweepDir}`,
      label: `${model} · sweep`,
      description: [`${done}/${sweep.trials.length} trials`, `${sweep.front.length} on the front`].join(' · '),
      tooltip: [sweepDir, axes, ...(best ? [`best on the front: ${bestText(sweep, best)}`] : [])].join('\n'),
      state: active ? 'running' : failed ? 'failed' : 'done',
      specPath: sweep.specPath,
      trials: sweep.trials.map((t) => {
        const info = runs[t.id];
        const row = info ? runRows([info])[0] : undefined;
        const points = t.result?.points ?? [];
        const measured = points.map((p) => `${formatCompression(p.compression)} @ ${p.threshold}`).join(', ');
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
