// node --import tsx scripts/tabular-tasks.ts [OUT_DIR] [--rows N]      (default OUT_DIR: out/tabular/, git-ignored)
// Writes the synthetic tabular classification tasks of issue 27's "your own CSV data" target: per task a folder
// OUT_DIR/<task>/ with train.csv (every row: the trainer holds out the last 20 % as its test set, `test_split` in
// docs/language.md), <task>.dnn (a 64-32 ReLU MLP, 40 epochs; scripts/auto-targets.ts overrides its `regularize`
// strengths per run with CLI flags) and manifest.json (which columns carry the label, how, the label noise).
// Deterministic: the same seed writes the same bytes. Inputs are standardised-scale (N(0, 1) or uniform with unit
// variance) so that no column wins or loses by its scale; the trainer does not normalise CSV columns.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../trainer/src/rng.ts';

/** How the informative columns z (a task's informative inputs, in the manifest's order) make the class. */
export type Rule =
  /** argmax_k (W z)_k: C linear scores, W ~ N(0, 1). */
  | 'linear'
  /** the quantile bin (C equal-count bins) of z1 + … + zm: thresholds of a sum. */
  | 'sum-threshold'
  /** the quantile bin of z1·z2 (+ z3 + … when m > 2): an interaction; with 2 classes, sign(z1·z2), an XOR. */
  | 'product'
  /** the quantile bin of Σ z²: rings around the origin, no single column separates anything. */
  | 'radial'
  /** argmax_k (W z + V p)_k with p the pairwise products z_i·z_j: linear terms plus interactions. */
  | 'mixed';

export interface TaskDef {
  name: string;
  /** What the task stands for (the manifest and the spec's header say it). */
  title: string;
  seed: number;
  columns: number;
  informative: number;
  classes: number;
  rule: Rule;
  /** Fraction of rows whose label is replaced by a different class, uniformly. */
  labelNoise: number;
}

/** The tasks. The first is the named one (12 columns, 3 informative, 3 classes, 3 % label noise). */
export const TASKS: TaskDef[] = [
  {
    name: 'issue-12c-3i-3k',
    title: "issue 27's named task: 12 columns, 3 carry a 3-class label (linear terms and interactions), 3 % label noise",
    seed: 27,
    columns: 12,
    informative: 3,
    classes: 3,
    rule: 'mixed',
    labelNoise: 0.03,
  },
  {
    name: 'user-8c-4i-3k',
    title: "the issue's new user's CSV: 8 columns, 4 carry a 3-class linear label, 2 % label noise",
    seed: 8,
    columns: 8,
    informative: 4,
    classes: 3,
    rule: 'linear',
    labelNoise: 0.02,
  },
  {
    name: 'xor-10c-2i-2k',
    title: '10 columns, 2 carry a 2-class XOR (sign of x·y), 3 % label noise',
    seed: 10,
    columns: 10,
    informative: 2,
    classes: 2,
    rule: 'product',
    labelNoise: 0.03,
  },
  {
    name: 'sum-16c-3i-4k',
    title: '16 columns, 3 carry a 4-class label by thresholds of their sum, 5 % label noise',
    seed: 16,
    columns: 16,
    informative: 3,
    classes: 4,
    rule: 'sum-threshold',
    labelNoise: 0.05,
  },
  {
    name: 'ring-14c-2i-3k',
    title: '14 columns, 2 carry a 3-class label by rings (thresholds of x² + y²), 2 % label noise',
    seed: 14,
    columns: 14,
    informative: 2,
    classes: 3,
    rule: 'radial',
    labelNoise: 0.02,
  },
  {
    name: 'mixed-20c-4i-5k',
    title: '20 columns, 4 carry a 5-class label (linear terms and interactions), 4 % label noise',
    seed: 20,
    columns: 20,
    informative: 4,
    classes: 5,
    rule: 'mixed',
    labelNoise: 0.04,
  },
];

export const DEFAULT_ROWS = 4000;
export const TEST_SPLIT = 0.2;

/** What manifest.json holds, per task. */
export interface TaskManifest extends TaskDef {
  rows: number;
  trainRows: number;
  testRows: number;
  testSplit: number;
  /** 0-based input indices (= CSV column indices: the target `y` is the last column) of the informative columns. */
  informativeColumns: number[];
  /** Their names in the CSV header. */
  informativeNames: string[];
  /** Rows whose label the noise replaced. */
  noisyLabels: number;
  /** Rows per class, all rows. */
  classCounts: number[];
  /** Accuracy of the rule itself on the test rows (what the label noise leaves: an upper bound for any model). */
  bayesTestAccuracy: number;
  csv: string;
  spec: string;
  /** The rule's coefficients (linear and mixed), for whoever wants to look. */
  coefficients?: { W: number[][]; V?: number[][] };
}

/** The trainer's seeded PRNG (mulberry32, trainer/src/rng.ts) as a function: the same seed gives the same stream on every platform. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

function normal(u: () => number): number {
  // Box–Muller; 1 − u() is in (0, 1], so the log is finite.
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Quantile thresholds that cut `values` into `k` equal-count bins. */
function quantileCuts(values: number[], k: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from({ length: k - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / k)]!);
}

function bin(v: number, cuts: number[]): number {
  let c = 0;
  while (c < cuts.length && v >= cuts[c]!) c++;
  return c;
}

function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export interface GeneratedTask {
  manifest: TaskManifest;
  csvText: string;
  specText: string;
}

export function generate(def: TaskDef, rows: number): GeneratedTask {
  const u = rng(def.seed);
  const n = def.columns;
  const m = def.informative;
  const C = def.classes;
  // Which columns are informative: a seeded pick, sorted (the order of z is the manifest's order).
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const informativeColumns = order.slice(0, m).sort((a, b) => a - b);
  // Noise columns: N(0, 1) or uniform with unit variance, alternating by a seeded coin, independent of the label.
  const uniformColumn = Array.from({ length: n }, () => u() < 0.5);
  for (const c of informativeColumns) uniformColumn[c] = false;

  const x: number[][] = [];
  for (let r = 0; r < rows; r++) {
    x.push(Array.from({ length: n }, (_, c) => (uniformColumn[c] ? (u() * 2 - 1) * Math.sqrt(3) : normal(u))));
  }
  const z = x.map((row) => informativeColumns.map((c) => row[c]!));

  let coefficients: TaskManifest['coefficients'];
  let clean: number[];
  const pairs: [number, number][] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) pairs.push([i, j]);
  if (def.rule === 'linear' || def.rule === 'mixed') {
    const W = Array.from({ length: C }, () => Array.from({ length: m }, () => normal(u)));
    const V = def.rule === 'mixed' ? Array.from({ length: C }, () => pairs.map(() => normal(u))) : undefined;
    coefficients = V ? { W, V } : { W };
    clean = z.map((zr) =>
      argmax(
        W.map((w, k) => {
          let s = 0;
          for (let i = 0; i < m; i++) s += w[i]! * zr[i]!;
          if (V) pairs.forEach(([i, j], p) => (s += V[k]![p]! * zr[i]! * zr[j]!));
          return s;
        }),
      ),
    );
  } else {
    const score = z.map((zr) => {
      if (def.rule === 'sum-threshold') return zr.reduce((a, b) => a + b, 0);
      if (def.rule === 'product') return zr[0]! * zr[1]! + zr.slice(2).reduce((a, b) => a + b, 0);
      return zr.reduce((a, b) => a + b * b, 0); // radial
    });
    const cuts = def.rule === 'product' && C === 2 ? [0] : quantileCuts(score, C);
    clean = score.map((s) => bin(s, cuts));
  }

  let noisyLabels = 0;
  const y = clean.map((c) => {
    if (u() >= def.labelNoise) return c;
    noisyLabels++;
    return (c + 1 + Math.floor(u() * (C - 1))) % C;
  });

  const testRows = Math.max(1, Math.round(rows * TEST_SPLIT));
  const trainRows = rows - testRows;
  let agree = 0;
  for (let r = trainRows; r < rows; r++) if (clean[r] === y[r]) agree++;
  const classCounts = Array.from({ length: C }, (_, k) => y.filter((v) => v === k).length);

  const header = [...Array.from({ length: n }, (_, c) => `x${c}`), 'y'].join(',');
  const lines = x.map((row, r) => [...row.map((v) => v.toFixed(4)), String(y[r])].join(','));
  const csvText = [header, ...lines].join('\n') + '\n';

  const specText = [
    `# ${def.title}.`,
    `# Generated by scripts/tabular-tasks.ts (seed ${def.seed}, ${rows} rows: ${trainRows} train, the last ${testRows} test);`,
    `# informative columns (0-based): ${informativeColumns.join(', ')}; the rest is noise. See manifest.json.`,
    `# The regularize strengths are overridden per run by scripts/auto-targets.ts (--dropneuron, --l1).`,
    `model ${def.name} {`,
    `  data csv "train.csv" target=y`,
    `  input ${n}`,
    `  task classify`,
    ``,
    `  dense h1 64 relu`,
    `  dense h2 32 relu`,
    `  dense out ${C}  # logits`,
    `}`,
    ``,
    `regularize {`,
    `  l1 0`,
    `  l2 0`,
    `  keep_prob 1`,
    `  dropneuron 0.03`,
    `  threshold 0.01`,
    `}`,
    ``,
    `train {`,
    `  epochs 40`,
    `  batch 32`,
    `  optimizer adam`,
    `  learning_rate 0.001`,
    `}`,
    ``,
  ].join('\n');

  const manifest: TaskManifest = {
    ...def,
    rows,
    trainRows,
    testRows,
    testSplit: TEST_SPLIT,
    informativeColumns,
    informativeNames: informativeColumns.map((c) => `x${c}`),
    noisyLabels,
    classCounts,
    bayesTestAccuracy: agree / testRows,
    csv: 'train.csv',
    spec: `${def.name}.dnn`,
    ...(coefficients ? { coefficients } : {}),
  };
  return { manifest, csvText, specText };
}

/** Writes every task under `outDir`; returns the manifests (also written to outDir/tasks.json). */
export function writeTasks(outDir: string, rows = DEFAULT_ROWS): TaskManifest[] {
  const manifests: TaskManifest[] = [];
  for (const def of TASKS) {
    const { manifest, csvText, specText } = generate(def, rows);
    const dir = join(outDir, def.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train.csv'), csvText);
    writeFileSync(join(dir, manifest.spec), specText);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    manifests.push(manifest);
  }
  writeFileSync(join(outDir, 'tasks.json'), JSON.stringify(manifests, null, 2) + '\n');
  return manifests;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values, positionals } = parseArgs({ options: { rows: { type: 'string' } }, allowPositionals: true });
  const outDir = resolve(positionals[0] ?? join(import.meta.dirname, '..', 'out', 'tabular'));
  const rows = values.rows ? Number(values.rows) : DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 10) throw new Error(`--rows: a whole number ≥ 10, not ${values.rows}`);
  for (const t of writeTasks(outDir, rows)) {
    console.log(
      `${join(outDir, t.name, t.spec)}: ${t.columns} columns, ${t.classes} classes, informative ${t.informativeColumns.join(',')} (${t.rule}), ` +
        `${t.noisyLabels} noisy labels, rule's own test accuracy ${(100 * t.bayesTestAccuracy).toFixed(1)} %`,
    );
  }
}
