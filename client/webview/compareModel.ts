/**
 * The compare page's table, as a pure function of the runs' states: one row per setting or result, one
 * column per run. A row whose values all agree is marked, so the eye goes to what differs. No DOM.
 */
import { PENALTY_TERM_NAMES, PENALTY_TERMS } from '../../language/penalties.ts';
import { formatCompression, formatCount, formatMetric, formatOverrides, formatPart, formatShare } from '../../protocol/present.ts';
import type { StatsState } from './viewModel.ts';

export interface CompareRow {
  label: string;
  group: 'settings' | 'results';
  values: string[];
  /** Every run has the same value. */
  same: boolean;
}

type Cell = (s: StatsState) => string | undefined;

const SETTINGS: [string, Cell][] = [
  ['epochs', (s) => (s.epochs !== undefined ? String(s.epochs) : undefined)],
  ['batch', (s) => (s.batch !== undefined ? String(s.batch) : undefined)],
  ['learning rate', (s) => s.settings && String(s.settings.learningRate)],
  ['optimizer', (s) => s.settings?.optimizer],
  ...PENALTY_TERM_NAMES.map((t): [string, Cell] => [PENALTY_TERMS[t].label, (s) => s.settings && String(s.settings[t])]),
  ['threshold', (s) => s.settings && String(s.settings.threshold)],
  ['keep prob', (s) => s.settings && String(s.settings.keepProb)],
  ['seed', (s) => s.settings && String(s.settings.seed)],
  ['backend', (s) => s.backend],
  ['overrides', (s) => formatOverrides(s.overrides) || undefined],
];

const RESULTS: [string, Cell][] = [
  ['status', (s) => s.status],
  ['epochs run', (s) => (s.rows.length ? String(s.rows[s.rows.length - 1]!.epoch) : undefined)],
  [
    'test before pruning',
    (s) => {
      const v = s.summary?.beforePrune ?? s.rows.at(-1)?.testMetricUnpruned;
      return v !== undefined ? formatMetric(s.metric, v) : undefined;
    },
  ],
  [
    'test after pruning',
    (s) => {
      const v = s.summary?.afterPrune ?? s.rows.at(-1)?.testMetric;
      return v !== undefined ? formatMetric(s.metric, v) : undefined;
    },
  ],
  ['pruning damage', (s) => s.summary?.damage && `${s.summary.damage.exceeded ? '⚠ ' : ''}${costText(s)}`],
  [
    'weights kept',
    (s) => (s.summary ? formatPart(s.summary.weightsKept, s.summary.weightsTotal) : s.rows.length ? formatShare(s.rows.at(-1)!.density) : undefined),
  ],
  ['compression', (s) => (s.summary ? formatCompression(s.summary.compression) : s.rows.length ? formatCompression(s.rows.at(-1)!.compression) : undefined)],
  ['compact params', (s) => s.summary && `${formatCount(s.summary.compactParams)} of ${formatCount(s.summary.fullParams)}`],
  ['inputs read', (s) => s.inputs && formatPart(s.inputs.kept, s.inputs.total)],
];

function costText(s: StatsState): string {
  // The trainer gives the cost in points for every metric: accuracy lost, or the error's rise, × 100.
  return `${s.summary!.damage!.cost.toFixed(2)} points`;
}

export function compareRows(states: readonly StatsState[]): CompareRow[] {
  const layerNames = [...new Set(states.flatMap((s) => s.layers.map((l) => l.name)))];
  const layerRows: [string, Cell][] = layerNames.map((name) => [
    `${name} neurons`,
    (s) => {
      const l = s.layers.find((x) => x.name === name);
      return l && `${formatCount(l.total)} → ${formatCount(l.kept)}`;
    },
  ]);
  const rows = (group: CompareRow['group'], cells: [string, Cell][]): CompareRow[] =>
    cells
      .map(([label, cell]) => {
        const values = states.map((s) => cell(s) ?? '—');
        return { label, group, values, same: values.every((v) => v === values[0]) };
      })
      .filter((r) => r.values.some((v) => v !== '—'));
  return [...rows('settings', SETTINGS), ...rows('results', [...RESULTS, ...layerRows])];
}
