/**
 * `frontier.svg`: every point of a sweep, kept parameters (log) against test error, the Pareto front joined,
 * and the published results of the model where it has them (anchors.ts), a target among them as a dashed box.
 * Drawn by Vega, headless (`renderer: 'none'`). The structured-pruning record's charts are the same chart with
 * each point labelled (recordCharts.ts).
 */
import type { Spec } from 'vega';
import type { Metric } from '../../protocol/events.ts';
import { ANCHOR_ERROR_NOTE, type FrontPoint } from '../../protocol/sweep.ts';
import { LABEL_FONT_SIZE, LABEL_LINE_HEIGHT, placeLabels, type LabelPlace, type LabelRequest } from './labelLayout.ts';

export interface FrontierPoint extends FrontPoint {
  onFront: boolean;
  /** Why the point is broken (`pointFlaws`' tags): drawn as a cross, never on the front; empty when sound. */
  flaws: string[];
}

export interface ReferencePoint {
  label: string;
  error: number;
  params: number;
  /** The side of the diamond its label tries first (labelLayout.ts may take another where that one is covered). */
  place?: LabelPlace;
  /** A target: drawn as a dashed box, "at most this size at most this error". */
  target?: boolean;
}

export interface FrontierOptions {
  /** Default: the sweep's title, its counts. */
  title?: string;
  /** Default, with references: that they are best-during-training test errors. One line each. */
  subtitle?: string | string[];
  /** What the legend calls a point (default `trial`). */
  pointName?: string;
  /** Writes each point's `trial` and error beside it; points at about the same size share one label, one line each. */
  labelPoints?: boolean;
  /** The plot's height in pixels (default 400): a chart with many labelled points needs the room. */
  height?: number;
}

const WIDTH = 600;
/** Room right of the plot that a label may take (the padding's right). */
const RIGHT = 100;
const HEIGHT = 400;

/** Points within this factor of each other's size share a label: on a log axis they stand in one column. */
const SAME_SIZE = 1.15;

/** One label per column of points: its lines top to bottom, highest error first as the points stand. */
function pointColumns<R extends { name: string; params: number; error: number }>(rows: readonly R[], unit: string): { points: R[]; lines: string[] }[] {
  const sorted = [...rows].sort((a, b) => a.params - b.params);
  const columns: R[][] = [];
  for (const r of sorted) {
    const last = columns.at(-1);
    if (last && r.params <= last[0]!.params * SAME_SIZE) last.push(r);
    else columns.push([r]);
  }
  return columns.map((c) => ({
    points: c,
    lines: [...c].sort((a, b) => b.error - a.error).map((r) => `${r.name}  ${r.error.toFixed(2)}${unit}`),
  }));
}

/**
 * The axes' domains, fixed here rather than by Vega so that the labels can be placed in pixels: whole decades
 * of parameters; the errors with a tenth of their span either side (a target's box keeps some height).
 */
function domains(all: readonly { params: number; error: number }[]): { x: [number, number]; y: [number, number] } {
  const params = all.map((p) => p.params).filter((p) => p > 0);
  const errors = all.map((p) => p.error).filter(Number.isFinite);
  const lo = params.length ? 10 ** Math.floor(Math.log10(Math.min(...params))) : 1;
  const hi = params.length ? Math.max(10 ** Math.ceil(Math.log10(Math.max(...params))), lo * 10) : 10;
  const [min, max] = errors.length ? [Math.min(...errors), Math.max(...errors)] : [0, 1];
  const pad = (max - min || Math.abs(max) || 1) / 10;
  return { x: [lo, hi], y: [min - pad, max + pad] };
}

/** The Vega spec of the chart (exported for tests: what is drawn is data, not pixels). */
export function frontierSpec(points: readonly FrontierPoint[], metric: Metric, references: readonly ReferencePoint[], options: FrontierOptions = {}): Spec {
  const percent = metric === 'accuracy';
  const y = (e: number): number => (percent ? 100 * e : e);
  const rows = points.map((p) => ({
    name: p.trial,
    label: `${p.trial} @ ${p.threshold}${p.flaws.length ? ` (broken: ${p.flaws.join(', ')})` : ''}`,
    params: p.params,
    error: y(p.error),
    front: p.onFront,
    broken: p.flaws.length > 0,
  }));
  const broken = rows.filter((r) => r.broken).length;
  const front = rows.filter((r) => r.front).sort((a, b) => a.params - b.params);
  const refs = references.map((r) => ({ label: r.label, params: r.params, error: y(r.error), place: r.place }));
  const targets = refs.filter((_, i) => references[i]!.target);
  const all = [...rows, ...refs];
  const domain = domains(all);
  const height = options.height ?? HEIGHT;
  const px = (p: { params: number; error: number }): { x: number; y: number } => ({
    x: (WIDTH * Math.log(p.params / domain.x[0])) / Math.log(domain.x[1] / domain.x[0]),
    y: (height * (domain.y[1] - p.error)) / (domain.y[1] - domain.y[0]),
  });
  // A point without a number to place (a failed measurement) is left out of the labels' layout.
  const finite = (p: { params: number; error: number }): boolean => p.params > 0 && Number.isFinite(p.params) && Number.isFinite(p.error);
  const columns = options.labelPoints ? pointColumns(rows.filter(finite), percent ? ' %' : '') : [];
  const boxOf = (ps: readonly { params: number; error: number }[]): Pick<LabelRequest, 'x0' | 'x1' | 'y0' | 'y1'> => {
    const at = ps.map(px);
    return {
      x0: Math.min(...at.map((p) => p.x)),
      x1: Math.max(...at.map((p) => p.x)),
      y0: Math.min(...at.map((p) => p.y)),
      y1: Math.max(...at.map((p) => p.y)),
    };
  };
  const requests: (LabelRequest & { fill: string })[] = [
    ...columns.map((c) => ({ ...boxOf(c.points), lines: c.lines, fill: '#343a40' })),
    ...refs.map((r) => ({ ...boxOf([r]), lines: [r.label], prefer: r.place, fill: '#1c7ed6' })),
  ];
  // The front's line is covered as its points are: sampled every few pixels.
  const line = front.map(px).flatMap((p, i, ps) => {
    const next = ps[i + 1];
    if (!next) return [p];
    const steps = Math.ceil(Math.hypot(next.x - p.x, next.y - p.y) / 6);
    return Array.from({ length: steps }, (_, k) => ({ x: p.x + ((next.x - p.x) * k) / steps, y: p.y + ((next.y - p.y) * k) / steps }));
  });
  const legendEntries = 2 + (broken ? 1 : 0) + (refs.length ? 1 : 0);
  const legend = { x0: WIDTH - 110, y0: 0, x1: WIDTH, y1: 8 + 16 * legendEntries };
  const placed = placeLabels(requests, [...all.filter(finite).map(px), ...line], [legend], WIDTH + RIGHT - 4, height);
  const labels = requests.map((r, i) => ({ lines: r.lines, fill: r.fill, ...placed[i]! }));
  const pointName = options.pointName ?? 'trial';
  const subtitle = options.subtitle ?? (refs.length ? `◆ published results: ${ANCHOR_ERROR_NOTE}` : []);
  const subtitleLines = typeof subtitle === 'string' ? [subtitle] : subtitle;
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: WIDTH,
    height,
    // Fixed margins, not Vega's "pad": headless, Vega estimates a text's width at 0.8 em a character, so a long
    // title would widen the picture by half again. The labels keep inside the plot (labelLayout.ts).
    autosize: { type: 'none' },
    padding: { left: 64, right: RIGHT, bottom: 44, top: 36 + 14 * subtitleLines.length },
    background: 'white',
    title: {
      text:
        options.title ??
        `Sweep: ${percent ? 'test error' : `test ${metric}`} against kept parameters (${points.length} points, ${front.length} on the front${broken ? `, ${broken} broken` : ''})`,
      ...(subtitleLines.length ? { subtitle: subtitleLines, subtitleColor: '#495057', subtitlePadding: 4 } : {}),
    },
    data: [
      { name: 'points', values: rows },
      { name: 'front', values: front },
      { name: 'refs', values: refs },
      { name: 'targets', values: targets },
      { name: 'labels', values: labels },
      { name: 'all', values: all },
    ],
    scales: [
      { name: 'x', type: 'log', domain: domain.x, range: 'width', nice: false, zero: false },
      { name: 'y', type: 'linear', domain: domain.y, range: 'height', nice: false, zero: false },
      {
        name: 'color',
        type: 'ordinal',
        domain: [pointName, 'Pareto front', ...(broken ? ['broken'] : []), ...(refs.length ? ['published'] : [])],
        range: ['#9aa5b1', '#d9480f', ...(broken ? ['#c92a2a'] : []), '#1c7ed6'],
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'kept parameters (compact model, log scale)', format: '~s', grid: true },
      { orient: 'left', scale: 'y', title: percent ? 'test error (%)' : `test ${metric}`, grid: true },
    ],
    legends: [{ fill: 'color', orient: 'top-right', symbolType: 'circle' }],
    marks: [
      {
        // A target: every network at most this size with at most this error beats it.
        type: 'rect',
        from: { data: 'targets' },
        encode: {
          enter: {
            x: { value: 0 },
            x2: { scale: 'x', field: 'params' },
            y: { scale: 'y', field: 'error' },
            y2: { signal: 'height' },
            fill: { value: '#1c7ed6' },
            fillOpacity: { value: 0.05 },
            stroke: { value: '#1c7ed6' },
            strokeDash: { value: [4, 3] },
            strokeOpacity: { value: 0.6 },
          },
        },
      },
      {
        type: 'line',
        from: { data: 'front' },
        encode: { enter: { x: { scale: 'x', field: 'params' }, y: { scale: 'y', field: 'error' }, stroke: { value: '#d9480f' }, strokeWidth: { value: 2 } } },
      },
      {
        type: 'symbol',
        from: { data: 'points' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'params' },
            y: { scale: 'y', field: 'error' },
            size: { signal: 'datum.broken ? 80 : 50' },
            // A broken point is a red cross: shown, so that the sweep's whole story is there, but never the front's.
            shape: { signal: "datum.broken ? 'cross' : 'circle'" },
            fill: { signal: "datum.broken ? '#c92a2a' : datum.front ? '#d9480f' : '#9aa5b1'" },
            tooltip: { field: 'label' },
          },
        },
      },
      {
        type: 'symbol',
        from: { data: 'refs' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'params' },
            y: { scale: 'y', field: 'error' },
            shape: { value: 'diamond' },
            size: { value: 90 },
            fill: { value: '#1c7ed6' },
            tooltip: { field: 'label' },
          },
        },
      },
      {
        // Every label at the place labelLayout.ts found for it, in pixels: one line per entry of `lines`.
        type: 'text',
        from: { data: 'labels' },
        encode: {
          enter: {
            x: { field: 'left' },
            y: { field: 'top' },
            align: { value: 'left' },
            baseline: { value: 'top' },
            text: { field: 'lines' },
            fontSize: { value: LABEL_FONT_SIZE },
            lineHeight: { value: LABEL_LINE_HEIGHT },
            fill: { field: 'fill' },
          },
        },
      },
    ],
  };
}

/** The chart as SVG text. Vega is loaded here, when a sweep draws its front. */
export async function frontierSvg(
  points: readonly FrontierPoint[],
  metric: Metric,
  references: readonly ReferencePoint[],
  options: FrontierOptions = {},
): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(frontierSpec(points, metric, references, options)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
