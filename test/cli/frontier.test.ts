import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import type { SweepFile } from '../../protocol/sweep.ts';
import { anchoredModel, LENET_300_100, LENET_5_CAFFE } from '../../cli/sweep/anchors.ts';
import { frontierSpec, type FrontierPoint } from '../../cli/sweep/frontier.ts';
import { placeLabels } from '../../cli/sweep/labelLayout.ts';
import { RECORD_CHARTS, recordFiles, recordPoints, recordSvg } from '../../cli/sweep/recordCharts.ts';
import { ROOT } from '../helpers/cli.ts';

const RESULTS = join(ROOT, 'docs', 'results');
const layersOf = (example: string) => analyze(readFileSync(join(ROOT, 'examples', example), 'utf8')).model!.layers;
const record = (name: string) => JSON.parse(readFileSync(join(RESULTS, name), 'utf8')) as SweepFile;
const anchor = (model: typeof LENET_300_100, short: string) => model.anchors.find((a) => a.label.startsWith(`${short} `))!;

/** What the spec draws, by data set. */
function data(spec: unknown, name: string): Record<string, unknown>[] {
  return (spec as { data: { name: string; values: Record<string, unknown>[] }[] }).data.find((d) => d.name === name)!.values;
}

describe('the published anchors (cli/sweep/anchors.ts)', () => {
  it('count LeNet-300-100’s parameters as the issue does: L0’s 266-88-33 is 26 773', () => {
    assert.equal(anchor(LENET_300_100, 'L0').params, 26_773);
    assert.equal(anchor(LENET_300_100, 'DropNeuron').params, 542 * 83 + 83 + 83 * 61 + 61 + 61 * 10 + 10);
    assert.deepEqual(
      LENET_300_100.anchors.map((a) => [a.label, a.error]),
      [
        ['DropNeuron 542-83-61', 0.0183],
        ['L0 266-88-33', 0.016],
        ['SBP 245-160-55', 0.016],
        ['VIB 97-71-33', 0.016],
        ['BC-GHS 311-86-14', 0.018],
      ],
    );
  });

  it('count LeNet-5-Caffe’s by fc1’s inputs read; the trainer’s compact model keeps every position of a kept conv2 filter', () => {
    // The record's A: 20-17-234-193. The anchors' rule: fc1 reads 234 inputs.
    assert.equal(LENET_5_CAFFE.params([20, 17, 234, 193]), 25 * 20 + 20 + 25 * 20 * 17 + 17 + 234 * 193 + 193 + 193 * 10 + 10);
    assert.equal(LENET_5_CAFFE.params([20, 17, 234, 193]), 56_332);
    // The trainer's count in the record (63 666) is the same rule with 17 filters × 16 positions = 272 inputs:
    // this fails when either count changes.
    for (const name of ['lenet-5-caffe-a.json', 'lenet-5-caffe-b.json']) {
      const r = record(name) as SweepFile & { trials: { anchorSizes: { conv1: number; conv2: number; fc1: number } }[] };
      const s = r.trials[0]!.anchorSizes;
      assert.equal(LENET_5_CAFFE.params([s.conv1, s.conv2, s.conv2 * 16, s.fc1]), r.front[0]!.params, name);
    }
    assert.deepEqual(
      LENET_5_CAFFE.anchors.map((a) => [a.label, a.error, a.target ?? false]),
      [
        ['L0 20-25-45-462', 0.009, false],
        ['L0-sep 9-18-65-25', 0.01, true],
        ['SBP 3-18-284-283', 0.009, false],
        ['BC-GHS 5-10-76-16', 0.01, true],
      ],
    );
  });

  it('tell each model from a spec’s layers, as `dropneuron sweep` checks them', () => {
    assert.equal(anchoredModel(layersOf('lenet-5-caffe.dnn')), LENET_5_CAFFE);
    assert.equal(anchoredModel(layersOf('lenet-300-100.dnn')), LENET_300_100);
    assert.equal(anchoredModel(layersOf('lenet-300-100-l0.dnn')), LENET_300_100);
    // LeNet-5 (not Caffe's): other sizes, no anchors.
    assert.equal(anchoredModel(layersOf('lenet-5.dnn')), undefined);
    assert.equal(LENET_300_100.matches([{ kind: 'dense', weightShape: [784, 10] }]), false);
  });
});

describe('frontier.svg’s spec', () => {
  const point = (trial: string, error: number, params: number, onFront = false): FrontierPoint => ({
    trial,
    threshold: 0.01,
    error,
    params,
    onFront,
    flaws: [],
  });

  it('marks every anchor of the model, the targets as boxes, and says what the anchors’ errors are', () => {
    const spec = frontierSpec([point('a', 0.02, 60_000, true)], 'accuracy', LENET_5_CAFFE.anchors);
    assert.deepEqual(
      data(spec, 'refs').map((r) => [r.label, r.error]),
      LENET_5_CAFFE.anchors.map((a) => [a.label, 100 * a.error]),
    );
    assert.deepEqual(
      data(spec, 'targets').map((t) => t.label),
      ['L0-sep 9-18-65-25', 'BC-GHS 5-10-76-16'],
    );
    assert.deepEqual(
      data(spec, 'labels').map((l) => l.lines),
      LENET_5_CAFFE.anchors.map((a) => [a.label]),
    );
    assert.deepEqual(
      data(spec, 'front').map((f) => f.error),
      [2],
    );
    assert.match(JSON.stringify((spec as { title: unknown }).title), /best test error seen during training/);
  });

  it('without anchors, draws none and says nothing of them', () => {
    const spec = frontierSpec([point('a', 0.02, 1000, true)], 'accuracy', []);
    assert.deepEqual(data(spec, 'refs'), []);
    assert.doesNotMatch(JSON.stringify((spec as { title: unknown }).title), /during training/);
  });

  it('with labelled points, writes points of about one size as one label, a line each, highest error first', () => {
    const spec = frontierSpec(
      [point('B', 0.0199, 31_297), point('E1', 0.0178, 31_297, true), point('D', 0.0196, 32_083), point('C', 0.026, 25_031)],
      'accuracy',
      [],
      {
        labelPoints: true,
      },
    );
    assert.deepEqual(
      data(spec, 'labels').map((l) => l.lines),
      [['C  2.60 %'], ['B  1.99 %', 'D  1.96 %', 'E1  1.78 %']],
    );
  });
});

describe('frontier.svg with a point that has no error (a failed measurement)', () => {
  it('still draws, labelling the others', () => {
    const p = (trial: string, error: number): FrontierPoint => ({ trial, threshold: 0, error, params: 5000, onFront: false, flaws: ['nan'] });
    const spec = frontierSpec([p('a', NaN), p('b', 0.02)], 'accuracy', LENET_300_100.anchors, { labelPoints: true });
    assert.deepEqual(
      data(spec, 'labels')
        .map((l) => l.lines as string[])
        .filter((lines) => lines[0]!.startsWith('b')),
      [['b  2.00 %']],
    );
    for (const l of data(spec, 'labels')) assert.ok(Number.isFinite(l.left) && Number.isFinite(l.top), JSON.stringify(l));
  });
});

describe('label placement', () => {
  const box = (l: { left: number; top: number }, chars: number, lines = 1) => ({ x0: l.left, y0: l.top, x1: l.left + chars * 5.5, y1: l.top + 12 * lines });
  const apart = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) => a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;

  it('keeps the preferred side when it is free, even where another side is free too', () => {
    // The seed's label once went below for a rounding error of 1e-13 in the cost of the side it preferred.
    const [placed] = placeLabels(
      [{ x0: 511.8, x1: 511.8, y0: 330.8, y1: 330.8, lines: ['DropNeuron 542-83-61'], prefer: 'right' }],
      [{ x: 511.8, y: 330.8 }],
      [],
      696,
      400,
    );
    assert.deepEqual(placed, { left: 518.8, top: 324.8 });
  });

  it('sends two labels of neighbouring points different ways, off each other and off the points', () => {
    const points = [
      { x: 300, y: 200 },
      { x: 320, y: 200 },
    ];
    const placed = placeLabels(
      points.map((p) => ({ x0: p.x, x1: p.x, y0: p.y, y1: p.y, lines: ['L0 266-88-33'], prefer: 'right' as const })),
      points,
      [],
      600,
      400,
    );
    const [a, b] = placed.map((l) => box(l, 12));
    assert.ok(apart(a!, b!), JSON.stringify(placed));
    for (const p of points) for (const l of [a!, b!]) assert.ok(apart(l, { x0: p.x - 3, y0: p.y - 3, x1: p.x + 3, y1: p.y + 3 }), JSON.stringify(placed));
  });
});

describe('the structured-pruning record’s charts', () => {
  it('find every round of the committed records, in order', () => {
    assert.deepEqual(
      recordFiles(RESULTS, RECORD_CHARTS[0]!)
        .map((f) => f.round)
        .slice(0, 8),
      ['A', 'B', 'C', 'D', 'E1', 'E2', 'F', 'G'],
    );
  });

  it('draw every run at its shipped error, named by round and setting; LeNet-300-100’s params are the trainer’s', () => {
    const points = recordPoints(RESULTS, RECORD_CHARTS[0]!);
    const a4 = points.find((p) => p.trial === 'A inputs_weight=4')!;
    assert.deepEqual([a4.error, a4.params], [record('lenet-300-100-l0-a.json').trials[0]!.result!.points[0]!.error, 22_624]);
    assert.ok(points.some((p) => p.trial === 'G cosine'));
    assert.ok(points.some((p) => p.trial === 'E1'));
    const runs = RECORD_CHARTS[0]!.prefix;
    const trials = recordFiles(RESULTS, RECORD_CHARTS[0]!).reduce(
      (n, f) => n + record(f.path.slice(RESULTS.length + 1)).trials.filter((t) => t.status === 'done').length,
      0,
    );
    assert.equal(points.length, trials, `every finished trial of ${runs}*.json`);
    // Dense layers: the anchors' rule from the kept sizes is the trainer's own count, point for point.
    const own = recordFiles(RESULTS, RECORD_CHARTS[0]!).flatMap((f) =>
      record(f.path.slice(RESULTS.length + 1)).trials.flatMap((t) => (t.result?.points ?? []).map((p) => p.params)),
    );
    assert.deepEqual(
      points.map((p) => p.params),
      own,
    );
  });

  it('count LeNet-5-Caffe’s runs by the anchors’ rule, from the sizes the record gives', () => {
    const a = recordPoints(RESULTS, RECORD_CHARTS[1]!).find((p) => p.trial === 'A')!;
    assert.equal(a.params, 56_332);
  });

  it('draw each model’s anchors and runs in its SVG', async () => {
    const svg = await recordSvg(RESULTS, RECORD_CHARTS[1]!);
    for (const a of LENET_5_CAFFE.anchors) assert.ok(svg.includes(a.label), a.label);
    assert.match(svg, /A {2}0\.69 %/);
  });
});
