// node --import tsx scripts/auto-targets.ts [--only tabular|lenet|lenet-full] [--setting "<flags>"]… [options]
// Measures issue 27's targets ("Shrinking without guesswork") through the built CLI: every run is
// `node CLI train SPEC --json --out DIR --threads N <flags>`, read back from its `done` event, summary.json and
// kept-inputs.json (docs/trainer-protocol.md). Prints a markdown table per target with a verdict against the
// issue's numbers, and writes it with the raw rows to OUT (default out/auto-targets/: report.md, results.json).
//
//   tabular     each task of scripts/tabular-tasks.ts (generated into --tasks if missing) unpenalised
//               (--dropneuron 0 --l1 0) and with each --setting: test accuracy after pruning, hidden neurons kept,
//               inputs kept and which (informative or noise), compact params, wall time. Target: the informative
//               columns and at most two others kept, accuracy ≥ unpenalised − tolerance; on the named
//               12-column task ≤ 5 inputs, ≤ 600 compact params, accuracy ≥ unpenalised.
//   lenet       examples/lenet-300-100.dnn with --keep-prob 1 --epochs 15 --limit 20000, unpenalised and with each
//               --setting. Target: ≤ 1/4 of the parameters at ≤ 1 point below unpenalised.
//   lenet-full  (only when named) examples/lenet-300-100-small.dnn, all of MNIST, its own schedule, with each
//               --setting. Target: on or beyond the hand-tuned front of docs/results.md (≤ 1.75 % error at
//               ≤ 26.5 k compact params, or ≤ 1.68 % at ≤ 31 k). Long: about 12 minutes per run on 2 cores.
//
// Options: --setting "<flags>" (repeatable; e.g. "--dropneuron auto", "--dropneuron 0.05 --l1 0.001"; none: only
// the unpenalised runs), --no-baseline (skip the unpenalised runs: verdicts then need --reuse of earlier ones),
// --reuse (take a run whose folder under OUT already holds a finished result instead of training it again),
// --task NAME (repeatable: only these tabular tasks), --tasks DIR (default out/tabular/), --cli PATH (default
// dist/cli.js: build first with `node scripts/build.mjs`), --out DIR, --threads N (default 1: one thread, one run
// at a time), --markdown FILE (also write the report there).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DoneEvent, StartEvent, Summary } from '../protocol/events.ts';
import { writeTasks, type TaskManifest } from './tabular-tasks.ts';

const ROOT = join(import.meta.dirname, '..');

// A setting's value starts with a dash ("--dropneuron auto"), which parseArgs takes for a flag: join it to --setting.
const argv = process.argv.slice(2).flatMap((a, i, all) => (a === '--setting' ? [] : all[i - 1] === '--setting' ? [`--setting=${a}`] : [a]));
const { values: opts } = parseArgs({
  args: argv,
  options: {
    only: { type: 'string' },
    setting: { type: 'string', multiple: true },
    'no-baseline': { type: 'boolean' },
    reuse: { type: 'boolean' },
    task: { type: 'string', multiple: true },
    tasks: { type: 'string' },
    cli: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string' },
    markdown: { type: 'string' },
  },
});

const TARGETS = ['tabular', 'lenet', 'lenet-full'] as const;
type Target = (typeof TARGETS)[number];
if (opts.only !== undefined && !(TARGETS as readonly string[]).includes(opts.only)) {
  throw new Error(`--only: one of ${TARGETS.join(', ')}, not ${opts.only}`);
}
const only = opts.only as Target | undefined;
const settings = opts.setting ?? [];
const cli = resolve(opts.cli ?? join(ROOT, 'dist', 'cli.js'));
const outRoot = resolve(opts.out ?? join(ROOT, 'out', 'auto-targets'));
const tasksDir = resolve(opts.tasks ?? join(ROOT, 'out', 'tabular'));
const threads = opts.threads ?? '1';
if (!existsSync(cli)) throw new Error(`${cli} is missing: build it with \`node scripts/build.mjs\` (or name another with --cli)`);

const UNPENALISED = '--dropneuron 0 --l1 0';
const LENET_BASE = '--keep-prob 1 --epochs 15 --limit 20000';

/** One training run, as the harness read it back. */
interface RunResult {
  label: string;
  spec: string;
  flags: string[];
  runDir: string;
  /** Wall time of the whole CLI process (loading, training, pruning, exports), seconds. */
  wallSeconds: number;
  ok: boolean;
  error?: string;
  backend?: string;
  threads?: number;
  trainSamples?: number;
  testSamples?: number;
  /** The trainer's own `seconds` from the done event. */
  trainerSeconds?: number;
  summary?: Summary;
  keptInputs?: number[];
  inputsTotal?: number;
  /** Fields of the done event or summary this harness does not know (what `auto` adds: the λ found, validation…). */
  extra?: Record<string, unknown>;
}

const KNOWN_DONE = new Set(['v', 'type', 'stopped', 'epochsCompleted', 'seconds', 'summary', 'outputs']);
const KNOWN_SUMMARY = new Set([
  'metric',
  'beforePrune',
  'afterPrune',
  'layers',
  'inputs',
  'weightsKept',
  'weightsTotal',
  'density',
  'compression',
  'compactSizes',
  'compactParams',
  'collapsed',
  'fullParams',
  'damage',
  'exports',
  'exportError',
  'latency',
]);

function splitFlags(s: string): string[] {
  return s.trim().split(/\s+/).filter(Boolean);
}

function slug(s: string): string {
  return (
    s
      .replace(/--/g, '')
      .replace(/[^A-Za-z0-9.]+/g, '-')
      .replace(/^-|-$/g, '') || 'spec'
  );
}

/** Trains one run (or reads a finished one back with --reuse). */
async function train(label: string, spec: string, flags: string[], runDir: string): Promise<RunResult> {
  const resultFile = join(runDir, '..', `${slug(label)}.result.json`);
  if (opts.reuse && existsSync(resultFile)) {
    const earlier = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
    if (earlier.ok && JSON.stringify(earlier.flags) === JSON.stringify(flags) && earlier.spec === spec) {
      console.error(`reuse ${label}: ${runDir}`);
      return earlier;
    }
  }
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, '..'), { recursive: true });
  const args = [cli, 'train', spec, '--json', '--out', runDir, '--threads', threads, ...flags];
  console.error(`train ${label}: node ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (c) => done({ code: c, stdout: out, stderr: err }));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const result: RunResult = { label, spec, flags, runDir, wallSeconds, ok: false };
  let start: StartEvent | undefined;
  let done: DoneEvent | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const ev = JSON.parse(line) as { type: string; message?: string };
    if (ev.type === 'start') start = ev as StartEvent;
    else if (ev.type === 'done') done = ev as DoneEvent;
    else if (ev.type === 'error') result.error = ev.message ?? 'error event';
  }
  if (start) Object.assign(result, { backend: start.backend, threads: start.threads, trainSamples: start.trainSamples, testSamples: start.testSamples });
  if (!done || done.stopped) {
    // A usage error prints the CLI's help after its one line: take the line that says error, else the last.
    const lines = stderr.trim().split('\n');
    const line = lines.find((l) => /error/i.test(l)) ?? lines.pop() ?? '';
    result.error ??= `exit ${code}: ${line.trim().slice(0, 300) || 'no done event'}`;
    console.error(`  failed: ${result.error}`);
  } else {
    // summary.json and kept-inputs.json in the run folder are the record; the done event points at them.
    const summary = JSON.parse(readFileSync(done.outputs.summary, 'utf8')) as Summary;
    const kept = done.outputs.keptInputs ? (JSON.parse(readFileSync(done.outputs.keptInputs, 'utf8')) as { inputs: number[]; kept: number[] }) : undefined;
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(done)) if (!KNOWN_DONE.has(k)) extra[k] = v;
    for (const [k, v] of Object.entries(summary)) if (!KNOWN_SUMMARY.has(k)) extra[`summary.${k}`] = v;
    Object.assign(result, {
      ok: true,
      trainerSeconds: done.seconds,
      summary,
      keptInputs: kept?.kept,
      inputsTotal: kept ? kept.inputs.reduce((a, b) => a * b, 1) : summary.inputs.total,
      ...(Object.keys(extra).length ? { extra } : {}),
    });
    console.error(`  ${pct(summary.afterPrune)} after pruning, ${summary.compactParams} compact params, ${wallSeconds.toFixed(1)} s`);
  }
  writeFileSync(resultFile, JSON.stringify(result, null, 2) + '\n');
  return result;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const num = (x: number) => x.toLocaleString('en-US').replace(/,/g, ' ');
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
const yes = (b: boolean) => (b ? 'yes' : '**no**');

function hiddenSizes(s: Summary): string {
  // The compact model's sizes (dead neurons removed), hidden layers only: the last layer is the output.
  const names = s.layers.map((l) => l.name).slice(0, -1);
  return names.map((n) => s.compactSizes[n] ?? '?').join('-');
}

function extraText(r: RunResult): string {
  if (!r.extra) return '';
  const text = Object.entries(r.extra)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('; ');
  return text.length > 160 ? text.slice(0, 157) + '…' : text;
}

function failedRow(r: RunResult, columns: number): string {
  return `| ${r.label} | failed: ${(r.error ?? '').replace(/\|/g, '/')} |${' |'.repeat(columns - 2)}`;
}

const report: string[] = [];
const all: RunResult[] = [];
function out(line = '') {
  report.push(line);
  console.log(line);
}

async function tabular() {
  if (!existsSync(join(tasksDir, 'tasks.json'))) {
    console.error(`generating the tasks into ${tasksDir}`);
    writeTasks(tasksDir);
  }
  let tasks = JSON.parse(readFileSync(join(tasksDir, 'tasks.json'), 'utf8')) as TaskManifest[];
  if (opts.task) tasks = tasks.filter((t) => opts.task!.includes(t.name));
  const labels = [...(opts['no-baseline'] ? [] : ['unpenalised']), ...settings];
  const rows: { task: TaskManifest; runs: Map<string, RunResult> }[] = [];
  for (const task of tasks) {
    const spec = join(tasksDir, task.name, task.spec);
    const runs = new Map<string, RunResult>();
    for (const label of labels) {
      const flags = splitFlags(label === 'unpenalised' ? UNPENALISED : label);
      const r = await train(label, spec, flags, join(outRoot, 'tabular', task.name, slug(label)));
      runs.set(label, r);
      all.push(r);
    }
    if (opts['no-baseline'] && opts.reuse) {
      const file = join(outRoot, 'tabular', task.name, 'unpenalised.result.json');
      if (existsSync(file)) rows.push({ task, runs: new Map([['unpenalised', JSON.parse(readFileSync(file, 'utf8')) as RunResult], ...runs]) });
      else rows.push({ task, runs });
    } else rows.push({ task, runs });
  }

  const first = [...rows.flatMap((r) => [...r.runs.values()])].find((r) => r.ok);
  out(`### Target: your own CSV data (${rows.length} tabular tasks, 64-32 ReLU MLP, 40 epochs)`);
  out();
  out(
    `Backend ${first?.backend ?? '?'}, ${first?.threads ?? threads} thread(s); test = the last 20 % of each CSV's rows. ` +
      `Accuracy: test, after pruning at the spec's threshold 0.01. Hidden: the compact model's h1-h2. ` +
      `Inputs: the compact model's (kept-inputs.json); informative: of the task's informative columns; noise: the others kept. ` +
      `Target per task: all informative kept, ≤ 2 noise columns, accuracy ≥ unpenalised − tolerance (1 point).`,
  );
  out();
  const header =
    '| task | run | test acc. | Δ vs unpen. | hidden kept | inputs kept | informative kept | noise kept | compact params | wall s (× unpen.) | target met | notes |';
  out(header);
  out('|' + ' --- |'.repeat(header.split('|').length - 2));
  const verdicts = new Map<string, { met: number; of: number; named?: string }>();
  for (const { task, runs } of rows) {
    const base = runs.get('unpenalised');
    for (const [label, r] of runs) {
      if (!r.ok || !r.summary) {
        out(failedRow({ ...r, label: `${task.name} | ${label}` }, 11));
        continue;
      }
      const s = r.summary;
      const acc = s.afterPrune;
      const kept = r.keptInputs ?? [];
      const informativeKept = task.informativeColumns.filter((c) => kept.includes(c)).length;
      const noiseKept = kept.filter((c) => !task.informativeColumns.includes(c));
      const tolerance = s.damage?.tolerance ?? 1;
      const baseAcc = base?.ok && base.summary ? base.summary.afterPrune : undefined;
      let met = '—';
      if (label !== 'unpenalised' && baseAcc !== undefined) {
        const ok = informativeKept === task.informative && noiseKept.length <= 2 && 100 * acc >= 100 * baseAcc - tolerance;
        met = yes(ok);
        const v = verdicts.get(label) ?? { met: 0, of: 0 };
        v.of++;
        if (ok) v.met++;
        if (task.name === 'issue-12c-3i-3k') {
          const named = kept.length <= 5 && s.compactParams <= 600 && acc >= baseAcc;
          v.named =
            `${yes(named)} (${kept.length} inputs ≤ 5: ${yes(kept.length <= 5)}; ${num(s.compactParams)} params ≤ 600: ${yes(s.compactParams <= 600)}; ` +
            `${pct(acc)} ≥ unpenalised ${pct(baseAcc)}: ${yes(acc >= baseAcc)})`;
          met += `; named: ${yes(named)}`;
        }
        verdicts.set(label, v);
      }
      const delta = baseAcc !== undefined && label !== 'unpenalised' ? signed(100 * (acc - baseAcc)) : '';
      const ratio = base?.ok && label !== 'unpenalised' ? ` (${(r.wallSeconds / base.wallSeconds).toFixed(2)}×)` : '';
      out(
        `| ${task.name} | ${label} | ${pct(acc)} | ${delta} | ${hiddenSizes(s)} | ${kept.length}/${r.inputsTotal} | ${informativeKept}/${task.informative} | ` +
          `${noiseKept.length}${noiseKept.length ? ` (${noiseKept.map((c) => `x${c}`).join(',')})` : ''} | ${num(s.compactParams)} | ${r.wallSeconds.toFixed(1)}${ratio} | ${met} | ${extraText(r)} |`,
      );
    }
  }
  out();
  for (const [label, v] of verdicts) {
    out(`- \`${label}\`: ${v.met} of ${v.of} tasks meet the per-task target${v.named ? `; the named 12-column task's target: ${v.named}` : ''}.`);
  }
  if (verdicts.size) out();
}

async function lenet() {
  const spec = join(ROOT, 'examples', 'lenet-300-100.dnn');
  const labels = [...(opts['no-baseline'] ? [] : ['unpenalised']), ...settings];
  const runs = new Map<string, RunResult>();
  for (const label of labels) {
    const flags = splitFlags(`${LENET_BASE} ${label === 'unpenalised' ? UNPENALISED : label}`);
    const r = await train(label, spec, flags, join(outRoot, 'lenet-300-100', slug(label)));
    runs.set(label, r);
    all.push(r);
  }
  if (!runs.has('unpenalised') && opts.reuse) {
    // The earlier unpenalised run goes first, as if trained now (its wall time is from then).
    const file = join(outRoot, 'lenet-300-100', 'unpenalised.result.json');
    if (existsSync(file)) {
      const earlier = [...runs];
      runs.clear();
      runs.set('unpenalised', JSON.parse(readFileSync(file, 'utf8')) as RunResult);
      for (const [k, v] of earlier) runs.set(k, v);
    }
  }
  const base = runs.get('unpenalised');
  const baseAcc = base?.ok && base.summary ? base.summary.afterPrune : undefined;
  const first = [...runs.values()].find((r) => r.ok);
  out(`### Target: LeNet-300-100, keep_prob 1, 15 epochs on a 20 000-image slice`);
  out();
  out(
    `examples/lenet-300-100.dnn with \`${LENET_BASE}\`; backend ${first?.backend ?? '?'}, ${first?.threads ?? threads} thread(s); ` +
      `test: the 10 000 MNIST test images. Target: compact model ≤ 1/4 of the parameters (≥ 4× smaller) at ≤ 1 point below unpenalised.`,
  );
  out();
  out(
    '| run | acc. before pruning | acc. after pruning | Δ vs unpen. | neurons fc1-fc2 | inputs | compact params | × smaller | wall s (× unpen.) | target met | notes |',
  );
  out('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [label, r] of runs) {
    if (!r.ok || !r.summary) {
      out(failedRow(r, 11));
      continue;
    }
    const s = r.summary;
    const smaller = s.fullParams / Math.max(1, s.compactParams);
    let met = '—';
    if (label !== 'unpenalised' && baseAcc !== undefined) {
      met = `${yes(smaller >= 4 && 100 * (baseAcc - s.afterPrune) <= 1)} (≥ 4×: ${yes(smaller >= 4)}; ≤ 1 point: ${yes(100 * (baseAcc - s.afterPrune) <= 1)})`;
    }
    const delta = baseAcc !== undefined && label !== 'unpenalised' ? signed(100 * (s.afterPrune - baseAcc)) : '';
    const ratio = base?.ok && label !== 'unpenalised' ? ` (${(r.wallSeconds / base.wallSeconds).toFixed(2)}×)` : '';
    out(
      `| ${label} | ${pct(s.beforePrune)} | ${pct(s.afterPrune)} | ${delta} | ${hiddenSizes(s)} | ${s.inputs.kept} | ${num(s.compactParams)} | ` +
        `${smaller.toFixed(1)} | ${r.wallSeconds.toFixed(1)}${ratio} | ${met} | ${extraText(r)} |`,
    );
  }
  out();
}

async function lenetFull() {
  const spec = join(ROOT, 'examples', 'lenet-300-100-small.dnn');
  out(`### Target: LeNet-300-100, all of MNIST, the small spec's schedule`);
  out();
  out(
    `examples/lenet-300-100-small.dnn with each setting. Target: ≤ 1.75 % error at ≤ 26 500 compact params, or ≤ 1.68 % at ≤ 31 000 (docs/results.md's front).`,
  );
  out();
  out('| run | test error | neurons fc1-fc2 | inputs | compact params | wall s | target met | notes |');
  out('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const label of settings.length ? settings : ['']) {
    const r = await train(label || 'spec', spec, splitFlags(label), join(outRoot, 'lenet-300-100-small', slug(label)));
    all.push(r);
    if (!r.ok || !r.summary) {
      out(failedRow(r, 8));
      continue;
    }
    const s = r.summary;
    const err = 100 * (1 - s.afterPrune);
    const met = (err <= 1.75 && s.compactParams <= 26_500) || (err <= 1.68 && s.compactParams <= 31_000);
    out(
      `| ${r.label} | ${err.toFixed(2)} % | ${hiddenSizes(s)} | ${s.inputs.kept} | ${num(s.compactParams)} | ${r.wallSeconds.toFixed(1)} | ${yes(met)} | ${extraText(r)} |`,
    );
  }
  out();
}

async function main() {
  mkdirSync(outRoot, { recursive: true });
  out(`## Issue 27 targets: ${settings.length ? settings.map((s) => `\`${s}\``).join(', ') : 'unpenalised only'}`);
  out();
  out(`CLI: ${cli}; ${new Date().toISOString().slice(0, 10)}.`);
  out();
  if (!only || only === 'tabular') await tabular();
  if (!only || only === 'lenet') await lenet();
  if (only === 'lenet-full') await lenetFull();
  writeFileSync(join(outRoot, 'results.json'), JSON.stringify(all, null, 2) + '\n');
  writeFileSync(join(outRoot, 'report.md'), report.join('\n') + '\n');
  if (opts.markdown) writeFileSync(resolve(opts.markdown), report.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
