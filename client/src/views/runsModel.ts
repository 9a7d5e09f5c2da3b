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
