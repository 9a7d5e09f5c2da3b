/** The Runs view's rows, as a pure function of run folders. */
import type { Metric } from '../../../protocol/events.ts';
import type { RunInfo } from '../../../protocol/lsp.ts';
import { formatCompression, formatMetric, formatOverrides } from '../../../protocol/present.ts';

export interface RunRow {
  /** Stable id: `run:<runDir>`. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  state: 'done' | 'stopped' | 'running' | 'failed';
  children: { id: string; label: string; description: string }[];
}

function metricText(metric: Metric | undefined, value: number | undefined): string {
  if (value === undefined) return '';
  return metric === 'accuracy' ? formatMetric(metric, value) : `${metric ?? ''} ${formatMetric(metric, value)}`;
}

export function runRows(runs: RunInfo[]): RunRow[] {
  return [...runs]
    .sort((a, b) => b.started.localeCompare(a.started))
    .map((run) => {
      const date = run.started.replace('T', ' ').slice(0, 16);
      const state: RunRow['state'] = run.finished ? (run.stopped ? 'stopped' : 'done') : 'running';
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
        tooltip: [
          run.runDir,
          `${state}${run.stopped ? ' (stopped early)' : ''}`,
          ...(run.overrides ? [`overriding the spec: ${formatOverrides(run.overrides)}`] : []),
        ].join('\n'),
        state,
        children: Object.entries(run.compactSizes ?? {}).map(([name, size]) => ({ id: `run:${run.runDir}:${name}`, label: name, description: `${size} kept` })),
      };
    });
}
