/**
 * `frontier.svg`: every point of a sweep, kept parameters (log) against test error, the Pareto front joined,
 * and — for LeNet-300-100 — the paper's reference points. Drawn by Vega, headless (`renderer: 'none'`).
 */
import type { Spec } from 'vega';
import type { Metric } from '../../protocol/events.ts';
import type { FrontPoint } from '../../protocol/sweep.ts';

export interface FrontierPoint extends FrontPoint {
  onFront: boolean;
  /** Why the point is broken (`pointFlaws`' tags): drawn as a cross, never on the front; empty when sound. */
  flaws: string[];
}

export interface ReferencePoint {
  label: string;
  error: number;
  params: number;
}

/** Parameters of a dense 784-…-10 network's compact model with these kept sizes (inputs first). */
function denseParams(sizes: number[]): number {
  let params = 0;
  for (let i = 1; i < sizes.length; i++) params += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return params;
}

/** The paper's LeNet-300-100 results (the DropNeuron seed, and L0 regularisation), as points of the same axes. */
export const LENET_300_100_REFERENCES: readonly ReferencePoint[] = [
  { label: 'DropNeuron paper 542-83-61', error: 0.0183, params: denseParams([542, 83, 61, 10]) },
  { label: 'L0 266-88-33', error: 0.016, params: denseParams([266, 88, 33, 10]) },
];

/** Whether a model's weighted layers are LeNet-300-100's: dense 784 → 300 → 100 → 10. */
export function isLenet300100(layers: readonly { kind: string; weightShape?: number[] | undefined }[]): boolean {
  const shapes = layers.filter((l) => l.weightShape).map((l) => (l.kind === 'dense' ? l.weightShape!.join('x') : l.kind));
  return shapes.join(' ') === '784x300 300x100 100x10';
}

/** The Vega spec of the chart (exported for tests: what is drawn is data, not pixels). */
export function frontierSpec(points: readonly FrontierPoint[], metric: Metric, references: readonly ReferencePoint[]): Spec {
  const percent = metric === 'accuracy';
  const y = (e: number): number => (percent ? 100 * e : e);
  const rows = points.map((p) => ({
    label: `${p.trial} @ ${p.threshold}${p.flaws.length ? ` (broken: ${p.flaws.join(', ')})` : ''}`,
    params: p.params,
    error: y(p.error),
    front: p.onFront,
    broken: p.flaws.length > 0,
  }));
  const broken = rows.filter((r) => r.broken).length;
  const front = rows.filter((r) => r.front).sort((a, b) => a.params - b.params);
  const refs = references.map((r) => ({ label: r.label, params: r.params, error: y(r.error) }));
  const all = [...rows, ...refs];
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 560,
    height: 360,
    padding: 8,
    background: 'white',
    title: {
      text: `Sweep: ${percent ? 'test error' : `test ${metric}`} against kept parameters (${points.length} points, ${front.length} on the front${broken ? `, ${broken} broken` : ''})`,
    },
    data: [
      { name: 'points', values: rows },
      { name: 'front', values: front },
      { name: 'refs', values: refs },
      { name: 'all', values: all },
    ],
    scales: [
      { name: 'x', type: 'log', domain: { data: 'all', field: 'params' }, range: 'width', nice: true, zero: false },
      { name: 'y', type: 'linear', domain: { data: 'all', field: 'error' }, range: 'height', nice: true, zero: false },
      {
        name: 'color',
        type: 'ordinal',
        domain: ['trial', 'Pareto front', ...(broken ? ['broken'] : []), ...(refs.length ? ['reference'] : [])],
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
          },
        },
      },
      {
        type: 'text',
        from: { data: 'refs' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'params' },
            y: { scale: 'y', field: 'error' },
            dx: { value: 8 },
            dy: { value: -6 },
            text: { field: 'label' },
            fontSize: { value: 10 },
            fill: { value: '#1c7ed6' },
          },
        },
      },
    ],
  };
}

/** The chart as SVG text. Vega is loaded here, when a sweep draws its front. */
export async function frontierSvg(points: readonly FrontierPoint[], metric: Metric, references: readonly ReferencePoint[]): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(frontierSpec(points, metric, references)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
