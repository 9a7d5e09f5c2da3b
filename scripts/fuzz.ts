// npm run fuzz -- [--cases N] [--seed S] [--keep K]: the language core's seeded fuzz. `npm test` runs the same
// checks on 20 000 cases (test/language/robustness.test.ts); this runs as many as asked, prints a summary and each
// failure (its case index, kind, problem and input), and exits 1 if there is any. docs/reliability.md records runs.
//
// What each case holds the core to:
// - scan, parse, check and format never throw; every span and range lies inside the document; the tokens cover
//   the text in order; at most MAX_DIAGNOSTICS diagnostics (+ one DNN310), each "expected X, found Y" and short;
// - every quick fix stays inside the document, its edits do not overlap, the fixed text analyses, and the fix
//   removes its own diagnostic: no diagnostic of its code is left where it was, unless the code's count went
//   down (one of three duplicates removed leaves the next in its place);
// - formatting is idempotent and keeps the meaning (the same blocks, statements and arguments) and the comments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze, format, LineMap, MAX_DIAGNOSTICS, parse, type Diagnostic, type DocumentNode, type Range, type TextEdit } from '../language/index.ts';
import { Rng } from '../trainer/src/rng.ts';

/** Longer than any message the checker writes: messages quote long words cut short, they never copy them. */
const MAX_MESSAGE = 1000;

const EXAMPLES = join(import.meta.dirname, '..', 'examples');

/** The trainer's seeded PRNG (mulberry32) as a function: a failing case is reproduced from its seed and index. */
export function random(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** The language's words, its punctuation and the characters around it, numbers at the edges of their ranges. */
const WORDS = [
  ...['model', 'regularize', 'train', 'sweep', 'data', 'input', 'task', 'dense', 'conv', 'maxpool', 'avgpool', 'lrn', 'flatten', 'dropout'],
  ...['mnist', 'synthetic', 'idx', 'csv', 'sparse-regression', 'relu', 'softmax', 'l1', 'l2', 'keep_prob', 'dropneuron', 'threshold'],
  ...['epochs', 'batch', 'optimizer', 'adam', 'backend', 'wasm', 'stride', 'padding', 'same', 'classify', 'autoencode', 'learning_rate'],
  ...['{', '}', '=', '#', '"', '"x.idx"', '"a\\', '"a\\\\', '\\', '\n', '\n', '\n', '\r\n', '\r', ' ', '  ', '\t'],
  ...['300', '0', '-1', '1e-4', '0.5', '1e309', '1e300', '10', '100000', '2.5', '28x28x1', '5x5', '0x0', '3x', 'x3', '300relu', '300relu@'],
  ...['@', '\u0000', '\uffff', '😀', 'é', '\u2028', '=1', 'a=', 'keep_prob=0', '}}', '{{', '= ='],
];

/** Numbers at and past the edges of every range: what the range checks and their fixes are tried with. */
const EDGE_NUMBERS = ['0', '-1', '1', '0.5', '2.5', '1e300', '-1e300', '1e-300', '1e309', '10', '100000', '1e12', '4294967296', '60001', '0.01', '.5'];

export type FuzzKind = 'bytes' | 'words' | 'mutated' | 'numbers';

/**
 * The cases, in a fixed rotation: random characters, soups of the language's words, examples with random edits,
 * and examples with their numbers replaced by edge values (so that every range check and its fix is tried).
 */
export function* fuzzCases(count: number, seed = 1): Generator<{ kind: FuzzKind; text: string }> {
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const examples = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.dnn'))
    .sort()
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8'));
  for (let i = 0; i < count; i++) {
    const kind = (['bytes', 'words', 'mutated', 'mutated', 'numbers'] as const)[i % 5];
    let s = '';
    if (kind === 'bytes') {
      const n = Math.floor(rand() * 200);
      for (let k = 0; k < n; k++) s += String.fromCharCode(rand() < 0.8 ? Math.floor(rand() * 128) : Math.floor(rand() * 0xffff));
    } else if (kind === 'words') {
      const n = Math.floor(rand() * 80);
      for (let k = 0; k < n; k++) s += pick(WORDS) + (rand() < 0.6 ? ' ' : '');
    } else if (kind === 'mutated') {
      s = pick(examples);
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (s.length + 1));
        const op = rand();
        if (op < 0.35) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 10));
        else if (op < 0.75) s = s.slice(0, at) + pick(WORDS) + s.slice(at);
        else if (op < 0.9) s = s.slice(0, at);
        else s = s.slice(0, at) + s.slice(at).replace(/\n/, '');
      }
    } else {
      s = pick(examples).replace(/(?<=[\s=])\d+(?:\.\d+)?(?:e-?\d+)?(?=[\s#]|$)/gm, (n) => (rand() < 0.3 ? pick(EDGE_NUMBERS) : n));
    }
    yield { kind, text: s };
  }
}

function inside(range: Range, lines: LineMap): string | undefined {
  for (const p of [range.start, range.end]) {
    if (!(p.line >= 0 && p.line < lines.lineCount)) return `line ${p.line} outside 0..${lines.lineCount - 1}`;
    const length = lines.lineEnd(p.line) - lines.lineStarts[p.line]!;
    if (!(p.character >= 0 && p.character <= length)) return `character ${p.character} outside line ${p.line} of length ${length}`;
  }
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  return ordered ? undefined : 'range ends before it starts';
}

/** Where an offset goes when the (sorted) edits are applied; a point inside a replaced span goes to its start. */
function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const e of edits) {
    if (offset < e.span.start || (offset === e.span.start && e.span.start === e.span.end)) break;
    if (offset < e.span.end) return e.span.start + shift;
    shift += e.newText.length - (e.span.end - e.span.start);
  }
  return offset + shift;
}

function applySorted(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}

/** Whether the fix of `d`, applied to `text`, stays inside it and removes `d`. Returns the problem, or undefined. */
function checkFix(text: string, d: Diagnostic, all: readonly Diagnostic[]): string | undefined {
  const fix = d.fix!;
  const edits = [...fix.edits].sort((a, b) => a.span.start - b.span.start);
  for (let k = 0; k < edits.length; k++) {
    const e = edits[k]!;
    if (!(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= text.length)) return `${d.code} fix "${fix.title}" edits outside the document`;
    if (k > 0 && e.span.start < edits[k - 1]!.span.end) return `${d.code} fix "${fix.title}" has overlapping edits`;
  }
  const after = analyze(applySorted(text, edits)).diagnostics;
  const count = (ds: readonly Diagnostic[]): number => ds.filter((x) => x.code === d.code).length;
  if (count(after) < count(all)) return undefined;
  const at = mapOffset(d.span.start, edits);
  const left = after.find((x) => x.code === d.code && x.span.start === at);
  return left ? `${d.code} fix "${fix.title}" leaves its diagnostic in place: ${JSON.stringify(d.message)} → ${JSON.stringify(left.message)}` : undefined;
}

/** Structure without positions: what "means the same" compares for the formatter. */
function meaning(tree: DocumentNode): string {
  return JSON.stringify(
    tree.blocks.map((b) => [
      b.keyword.text,
      b.header.map((h) => h.text),
      b.statements.map((s) => [s.head.text, s.args.map((a) => (a.kind === 'value' ? a.token.text : `${a.key.text}=${a.value?.text ?? ''}`))]),
    ]),
  );
}

/** Every check on one input: the first problem found, or undefined. */
export function checkOne(text: string): string | undefined {
  const analysis = analyze(text);
  const lines = new LineMap(text);
  let previousEnd = 0;
  for (const t of analysis.tokens) {
    if (t.start < previousEnd || t.end < t.start || t.end > text.length) return `token ${t.kind} at ${t.start}-${t.end} out of order`;
    if (text.slice(t.start, t.end) !== t.text) return `token ${t.kind} at ${t.start} does not hold its own text`;
    previousEnd = t.end;
  }
  if (analysis.diagnostics.length > MAX_DIAGNOSTICS + 1) return `${analysis.diagnostics.length} diagnostics, more than ${MAX_DIAGNOSTICS} + 1`;
  for (const d of analysis.diagnostics) {
    if (!(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length)) return `${d.code} span outside the document`;
    const outside = inside(d.range, lines);
    if (outside) return `${d.code} range: ${outside}`;
    if (d.message.length > MAX_MESSAGE) return `${d.code} message of ${d.message.length} characters`;
    if (!/expected .+, found /s.test(d.message)) return `${d.code} message is not "expected X, found Y": ${d.message}`;
    for (const r of d.related ?? []) {
      const bad = inside(r.range, lines);
      if (bad) return `${d.code} related range: ${bad}`;
    }
    if (d.fix) {
      const problem = checkFix(text, d, analysis.diagnostics);
      if (problem) return problem;
    }
  }
  const formatted = format(text);
  if (formatted.ok) {
    const again = format(formatted.text);
    if (!again.ok || again.text !== formatted.text) return 'formatting is not idempotent';
    const before = parse(text).tree;
    const after = parse(formatted.text).tree;
    if (meaning(after) !== meaning(before)) return 'formatting changed the meaning';
    const comments = (t: DocumentNode): string => JSON.stringify(t.comments.map((c) => c.text.trimEnd()));
    if (comments(after) !== comments(before)) return 'formatting lost or moved comments';
  }
  return undefined;
}

export interface FuzzFailure {
  index: number;
  kind: FuzzKind;
  text: string;
  problem: string;
  /** The failure as one readable paragraph, with the input (cut at 2 000 characters). */
  message: string;
}

export interface FuzzReport {
  cases: number;
  failures: FuzzFailure[];
  byKind: Record<FuzzKind, number>;
  ms: number;
}

/** Runs `count` seeded cases; keeps up to `keep` failures (a throw is one). */
export function fuzz(count: number, seed = 1, keep = 20, onProgress?: (done: number) => void): FuzzReport {
  const started = performance.now();
  const failures: FuzzFailure[] = [];
  const byKind: Record<FuzzKind, number> = { bytes: 0, words: 0, mutated: 0, numbers: 0 };
  let index = 0;
  for (const { kind, text } of fuzzCases(count, seed)) {
    byKind[kind]++;
    let problem: string | undefined;
    try {
      problem = checkOne(text);
    } catch (error) {
      problem = `threw: ${(error as Error).stack ?? String(error)}`;
    }
    if (problem && failures.length < keep) {
      const input = JSON.stringify(text.length > 2000 ? text.slice(0, 2000) + '…' : text);
      failures.push({ index, kind, text, problem, message: `case #${index} (${kind}, seed ${seed}): ${problem}\ninput: ${input}` });
    }
    index++;
    onProgress?.(index);
  }
  return { cases: index, failures, byKind, ms: performance.now() - started };
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  const text = inline ? inline.slice(name.length + 3) : at >= 0 ? process.argv[at + 1] : undefined;
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`expected --${name} to be a whole number ≥ 1, found ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

if (process.argv[1]?.endsWith('fuzz.ts')) {
  const cases = option('cases', 20_000);
  const seed = option('seed', 1);
  const keep = option('keep', 20);
  console.log(`fuzzing the language core: ${cases} cases, seed ${seed}; node ${process.version}`);
  const report = fuzz(cases, seed, keep, (done) => {
    if (done % 50_000 === 0) console.log(`  ${done} cases…`);
  });
  const kinds = Object.entries(report.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const found = report.failures.length ? `${report.failures.length}${report.failures.length === keep ? '+' : ''} failures` : 'no failures';
  console.log(`${report.cases} cases (${kinds}) in ${(report.ms / 1000).toFixed(1)} s: ${found}`);
  for (const failure of report.failures) console.log(`\n${failure.message}`);
  process.exit(report.failures.length ? 1 : 0);
}
