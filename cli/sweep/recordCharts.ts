/**
 * The structured-pruning record's charts (issue 28; docs/results.md, "The structured-pruning record"): every
 * run of the committed sweep records `docs/results/lenet-300-100-l0-*.json` and `lenet-5-caffe-*.json` at its
 * shipped test error, labelled with its round (the file's suffix) and, in a round of several trials, the trial's
 * setting; beside them the published results of anchors.ts, the targets as dashed boxes. The sweep's own chart
 * (frontier.ts) draws them. Run: `npm run record-charts` (writes `docs/results/<model>-record.svg`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paretoFront, type SweepFile, type SweepTrialEntry, type SweepValue } from '../../protocol/sweep.ts';
import { LENET_300_100, LENET_5_CAFFE, type AnchoredModel } from './anchors.ts';
import { frontierSvg, type FrontierPoint } from './frontier.ts';

/** A record's trial as committed: the sweep entry and what the record added beside it. */
type RecordTrial = SweepTrialEntry & { anchorSizes?: { conv1: number; conv2: number; fc1Inputs: number; fc1: number } };

export interface RecordChart {
  model: AnchoredModel;
  /** Record files: the round is what follows this prefix. */
  prefix: string;
  /** The chart's file in the results folder. */
  file: string;
  /** The sizes a run kept, in `model.sizesAre`'s order. */
  sizes(trial: RecordTrial, point: { kept?: Record<string, number> | undefined }): number[];
}

export const RECORD_CHARTS: readonly RecordChart[] = [
  {
    model: LENET_300_100,
    prefix: 'lenet-300-100-l0-',
    file: 'lenet-300-100-record.svg',
    sizes: (_trial, point) => ['inputs', 'fc1', 'fc2'].map((name) => point.kept?.[name] ?? NaN),
  },
  {
    model: LENET_5_CAFFE,
    prefix: 'lenet-5-caffe-',
    file: 'lenet-5-caffe-record.svg',
    // As the anchors count: the record's own count, since the run's `kept` has conv2's filters, not fc1's inputs.
    sizes: (trial) => {
      const s = trial.anchorSizes;
      return s ? [s.conv1, s.conv2, s.fc1Inputs, s.fc1] : [NaN];
    },
  },
];

/** A trial's setting as a label: a word says itself (`cosine`), a number needs its name (`inputs_weight=8`). */
function settingName(settings: Record<string, SweepValue>): string {
  return Object.entries(settings)
    .map(([name, value]) => (typeof value === 'string' ? value : `${name}=${value}`))
    .join(' ');
}

/** The record files of a chart, by round: `lenet-5-caffe-b.json` is round B. */
export function recordFiles(dir: string, chart: RecordChart): { round: string; path: string }[] {
  const pattern = new RegExp(`^${chart.prefix.replace(/[-.]/g, '\\$&')}([a-z][a-z0-9]*)\\.json$`);
  return readdirSync(dir)
    .flatMap((name) => {
      const round = pattern.exec(name)?.[1];
      return round ? [{ round: round.toUpperCase(), path: join(dir, name) }] : [];
    })
    .sort((a, b) => a.round.localeCompare(b.round, 'en', { numeric: true }));
}

/**
 * Every finished run of the records as a chart point: its params counted from its sizes by the anchors' rule
 * (`model.params`), so that runs and anchors are counted alike; named by round, and by trial where a round has
 * several. A run whose sizes are missing is an error, not a point left out.
 */
export function recordPoints(dir: string, chart: RecordChart): FrontierPoint[] {
  const points = recordFiles(dir, chart).flatMap(({ round, path }) => {
    const record = JSON.parse(readFileSync(path, 'utf8')) as SweepFile & { trials: RecordTrial[] };
    const done = record.trials.filter((t) => t.status === 'done' && t.result?.points.length);
    return done.flatMap((t) =>
      t.result!.points.map((p) => {
        const sizes = chart.sizes(t, p);
        if (sizes.some(Number.isNaN)) throw new Error(`${path}: expected the sizes of trial ${t.id} (${chart.model.sizesAre}), found ${sizes.join('-')}`);
        const several = done.length > 1 ? ` ${settingName(t.settings)}` : '';
        const threshold = t.result!.points.length > 1 ? ` @ ${p.threshold}` : '';
        return {
          trial: `${round}${several}${threshold}`,
          threshold: p.threshold,
          error: p.error,
          params: chart.model.params(sizes),
          onFront: false,
          flaws: [],
        };
      }),
    );
  });
  const front = paretoFront(points);
  return points.map((p) => ({ ...p, onFront: front.includes(p) }));
}

/** The chart of one model's record, as SVG text. */
export async function recordSvg(dir: string, chart: RecordChart): Promise<string> {
  const points = recordPoints(dir, chart);
  const targets = chart.model.anchors.filter((a) => a.target).map((a) => a.label.split(' ')[0]);
  return frontierSvg(points, 'accuracy', chart.model.anchors, {
    title: `${chart.model.name}: the structured-pruning record's runs against the published results`,
    subtitle: [
      `● a run's shipped network: its test error, its settings chosen on validation (orange: the runs' Pareto front)`,
      `◆ published: the best test error seen during training; dashed boxes: the targets ${targets.join(' and ')}`,
      `sizes: ${chart.model.sizesAre}; parameters counted from the sizes,`,
      'by one rule for the runs and the published results',
    ],
    pointName: 'run',
    labelPoints: true,
    // Fifteen LeNet-300-100 runs between 1.5 and 2.9 %, most of them at 25–55 k parameters: their labels need the height.
    height: 600,
  });
}
