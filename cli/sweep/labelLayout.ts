/**
 * Where a chart's labels go so that they do not cover each other or the points: each label tries the four sides
 * of its point (its preferred side first), then the four corners, and takes the place that overlaps least what
 * is already placed, the biggest labels first. Pixels; Vega does not measure text headless (`renderer: 'none'`), so a line's width is
 * estimated from its length.
 */
export type LabelPlace = 'right' | 'left' | 'above' | 'below';

export interface LabelRequest {
  /** What the label names, in pixels of the plot: a point, or the box around a column of points. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  lines: readonly string[];
  /** Tried first; the other sides follow. */
  prefer?: LabelPlace | undefined;
}

/** The label's top-left corner, in pixels of the plot; drawn left-aligned, top baseline. */
export interface PlacedLabel {
  left: number;
  top: number;
}

export const LABEL_FONT_SIZE = 10;
export const LABEL_LINE_HEIGHT = 12;
/** A sans-serif character at 10 px is about this wide on average (a little over, so estimates err wide). */
const CHAR_WIDTH = 5.5;
/** The gap between a point and its label. */
const GAP = 7;
/** Half the side of the box a point's marker covers. */
const MARKER = 6;
/** Text over text (or over the legend) is unreadable; text over a marker only crowded: it costs this many times more. */
const TEXT_OVER_TEXT = 4;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function overlap(a: Box, b: Box): number {
  return Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
}

/** A side, or a corner (tried after the sides): a label there starts or ends a gap from the point. */
type Spot = LabelPlace | 'above-right' | 'below-right' | 'above-left' | 'below-left';

function candidate(r: LabelRequest, spot: Spot, w: number, h: number): Box {
  const [vertical, horizontal] = spot.includes('-') ? (spot.split('-') as [string, string]) : spot === 'above' || spot === 'below' ? [spot, ''] : ['', spot];
  const left = horizontal === 'right' ? r.x1 + GAP : horizontal === 'left' ? r.x0 - GAP - w : (r.x0 + r.x1 - w) / 2;
  const top = vertical === 'above' ? r.y0 - GAP - h : vertical === 'below' ? r.y1 + GAP : (r.y0 + r.y1 - h) / 2;
  return { x0: left, y0: top, x1: left + w, y1: top + h };
}

const SIDES: readonly LabelPlace[] = ['right', 'left', 'above', 'below'];
const CORNERS: readonly Spot[] = ['above-right', 'below-right', 'above-left', 'below-left'];

/**
 * Places every label (the result is in the requests' order). `points` are the markers (and the samples of lines)
 * no label should cover, `keepOut` boxes such as the legend's; `width` and `height` the plot's, outside which a
 * label costs as much as over another.
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  points: readonly { x: number; y: number }[],
  keepOut: readonly Box[],
  width: number,
  height: number,
): PlacedLabel[] {
  const taken: (Box & { weight: number })[] = [
    ...keepOut.map((b) => ({ ...b, weight: TEXT_OVER_TEXT })),
    ...points.map((p) => ({ x0: p.x - MARKER, y0: p.y - MARKER, x1: p.x + MARKER, y1: p.y + MARKER, weight: 1 })),
  ];
  const sized = requests.map((r, i) => ({ r, i, w: Math.max(...r.lines.map((l) => l.length)) * CHAR_WIDTH, h: r.lines.length * LABEL_LINE_HEIGHT }));
  const placed: PlacedLabel[] = new Array<PlacedLabel>(requests.length);
  for (const { r, i, w, h } of [...sized].sort((a, b) => b.w * b.h - a.w * a.h)) {
    const order: Spot[] = [...(r.prefer ? [r.prefer, ...SIDES.filter((s) => s !== r.prefer)] : SIDES), ...CORNERS];
    let best = candidate(r, order[0]!, w, h);
    let bestCost = Infinity;
    for (const spot of order) {
      const box = candidate(r, spot, w, h);
      const inside = Math.max(0, Math.min(box.x1, width) - Math.max(box.x0, 0)) * Math.max(0, Math.min(box.y1, height) - Math.max(box.y0, 0));
      const cost = taken.reduce((sum, t) => sum + t.weight * overlap(box, t), 0) + TEXT_OVER_TEXT * (w * h - inside);
      // Less by more than rounding: a tie keeps the earlier side, the preferred one first.
      if (cost < bestCost - 1e-6) {
        best = box;
        bestCost = cost;
      }
    }
    taken.push({ ...best, weight: TEXT_OVER_TEXT });
    placed[i] = { left: best.x0, top: best.y0 };
  }
  return placed;
}
