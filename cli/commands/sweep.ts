import { dirname, join, resolve } from 'node:path';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { analyze } from '../../language/index.ts';
import type { TrainerEvent } from '../../protocol/events.ts';
import { tryReadSpecFile } from '../../store/files.ts';
import { formatCompression, formatMetric } from '../../protocol/present.ts';
import { namedOverrides, type TrainingOverrides } from '../../protocol/settings.ts';
import { frontSet, frontSetText, pointFlaws, type SweepAxis, type Trial, type TrialResult } from '../../protocol/sweep.ts';
import { displayUrl } from '../queue/address.ts';
import { defaultParallel, LocalExecutor, type TrialExecutor } from '../sweep/executor.ts';
import { expandTrials, mergeAxes } from '../sweep/expand.ts';
import { readSweepFile } from '../../store/sweepFile.ts';
import { isFinished, SweepFolder, sweepAnchors } from '../sweep/folder.ts';
import { anchoredModel } from '../sweep/anchors.ts';
import { formatDiagnostic } from './check.ts';

export interface SweepFlags {
  /** The `train` flags: shared by every trial. */
  overrides: TrainingOverrides;
  /** `--sweep NAME=V1,V2` flags: they replace the spec's `sweep` line of the same setting. */
  axes: SweepAxis[];
  parallel?: number;
  out?: string;
  json?: boolean;
  /** `redis://…`: the trials go to a queue's workers instead of this machine's processes. */
  queue?: string;
}

/** `.dropneuron/sweeps/<model>/` beside the spec: one folder per model, so running the sweep again resumes it. */
export function defaultSweepDir(specPath: string, model: string): string {
  return join(dirname(resolve(specPath)), '.dropneuron', 'sweeps', model);
}

/**
 * `dropneuron sweep SPEC`: every combination of the sweep's values trained as an ordinary run in the sweep
 * folder, N at a time, with one progress display; then sweep.json (every trial's results and the Pareto
 * front) and frontier.svg. Finished trials are skipped on a rerun and interrupted ones resume; Ctrl-C stops
 * them all (each after its current batch, resumable). Exit code: 0 when every trial finished, 1 on an error,
 * 130 when stopped.
 */
export async function runSweep(file: string, flags: SweepFlags, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const read = tryReadSpecFile(file);
  if ('error' in read) {
    err(`dropneuron sweep: ${read.error}`);
    return 1;
  }
  const { limit: _limit, ...specOverrides } = flags.overrides;
  const analysis = analyze(read.text, specOverrides);
  const model = analysis.model;
  if (analysis.hasErrors || !model) {
    for (const d of analysis.diagnostics.filter((d) => d.severity === 'error')) err(formatDiagnostic(file, d));
    return 1;
  }
  const axes = mergeAxes(
    (model.sweep ?? []).map((s) => ({ name: s.name, values: s.values })),
    flags.axes,
  ).filter((a) => a.values.length);
  if (!axes.length) {
    err(`dropneuron sweep: expected a \`sweep { … }\` block in ${file} or --sweep NAME=V1,V2 flags, found neither`);
    return 2;
  }
  const sweepDir = resolve(flags.out ?? defaultSweepDir(file, model.name));
  const trials = expandTrials(file, axes, flags.overrides);
  const anchored = anchoredModel(model.layers);
  const folder = new SweepFolder(
    sweepDir,
    resolve(file),
    axes,
    namedOverrides(flags.overrides),
    trials,
    readSweepFile(sweepDir),
    anchored && sweepAnchors(anchored),
  );
  folder.write();
  const todo = trials.filter((t) => !isFinished(folder.entry(t.id), t));
  const backend = model.train.backend;
  const parallel = flags.parallel ?? defaultParallel(backend);
  const thresholds = axes.find((a) => a.name === 'threshold')?.values.length ?? 0;
  const intro =
    `sweep of ${model.name}: ${trials.length} trial${trials.length === 1 ? '' : 's'} (${axes.map((a) => `${a.name} × ${a.values.length}`).join(', ')})` +
    (thresholds ? `, each measured at ${thresholds} threshold${thresholds === 1 ? '' : 's'} without retraining` : '') +
    `; ${trials.length - todo.length} already done; ${flags.queue ? `on the queue ${displayUrl(flags.queue)}` : `${Math.min(parallel, Math.max(todo.length, 1))} at a time`}; folder ${sweepDir}`;
  if (!flags.json) out(intro);

  const controller = new AbortController();
  const requestStop = (): void => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: the user means it
    controller.abort();
    if (!flags.json) err('\nstopping every trial after its current batch...');
  };
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  const display = flags.json ? jsonDisplay(out) : terminalDisplay(todo, out);
  let executor: TrialExecutor;
  if (flags.queue) {
    // Loaded here, not at the top: BullMQ is needed only by the queue.
    const { QueueExecutor } = await import('../queue/executor.ts');
    executor = new QueueExecutor(flags.queue, (line) => display.log(line));
  } else {
    executor = new LocalExecutor(parallel);
  }
  try {
    await executor.run(
      todo,
      sweepDir,
      {
        onEvent: (id, event) => {
          if (event.type === 'start' && folder.entry(id).status !== 'running') folder.started(id);
          display.event(id, event);
        },
        onDone: (id, result) => {
          folder.finished(id, result);
          display.done(id, result);
        },
      },
      controller.signal,
    );
  } catch (error) {
    display.stop();
    err(`dropneuron sweep: ${(error as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', requestStop);
    process.off('SIGTERM', requestStop);
  }
  display.stop();
  // Trials the stop kept from starting stay pending: the next run of the sweep starts them.
  folder.write();
  const metric = folder.entries.flatMap((e) => e.result?.points ?? [])[0]?.metric;
  let chart: string | undefined;
  try {
    chart = metric ? await folder.writeFrontier(metric, anchored?.anchors ?? []) : undefined;
  } catch (error) {
    // The results are in sweep.json whatever happens to the chart (Vega missing from a trimmed install).
    err(`dropneuron sweep: expected to draw ${join(sweepDir, 'frontier.svg')}, found: ${(error as Error).message}`);
  }
  if (!flags.json) printResults(folder, chart, out);
  else out(JSON.stringify({ sweep: join(sweepDir, 'sweep.json'), frontier: chart ?? null, front: folder.front(), frontSelectedOn: frontSet(folder.entries) }));
  const failed = folder.entries.filter((e) => e.status === 'error');
  for (const e of failed) err(`dropneuron sweep: trial ${e.id} failed: ${e.result?.message ?? 'unknown reason'}`);
  if (controller.signal.aborted) return 130;
  return failed.length ? 1 : 0;
}

interface Display {
  event(id: string, event: TrainerEvent): void;
  done(id: string, result: TrialResult): void;
  log(line: string): void;
  stop(): void;
}

/** One JSON line per trainer event and per trial result, each naming its trial. */
function jsonDisplay(out: (line: string) => void): Display {
  return {
    event: (trial, event) => out(JSON.stringify({ trial, event })),
    done: (trial, result) => out(JSON.stringify({ trial, result })),
    log: (line) => process.stderr.write(line + '\n'),
    stop: () => {},
  };
}

/** "accuracy 97.12 % at 0.01, 26,000 params": a trial's best point, for its line when it ends. */
function describeResult(result: TrialResult): string {
  if (result.status !== 'done') return result.status === 'stopped' ? 'stopped (resumes on the next run)' : `failed: ${result.message ?? ''}`;
  return result.points
    .map((p) => `${p.metric} ${formatMetric(p.metric, p.afterPrune)} with ${p.params.toLocaleString('en')} params at threshold ${p.threshold}`)
    .join('; ');
}

/**
 * One bar for the sweep (trials finished) and one per running trial (its epochs), on a terminal; a line per
 * finished trial elsewhere (a log, CI).
 */
function terminalDisplay(todo: readonly Trial[], out: (line: string) => void): Display {
  const tty = !!process.stdout.isTTY;
  const bars = tty
    ? new MultiBar({ format: '{name} {bar} {value}/{total} {unit}', hideCursor: true, clearOnComplete: true, autopadding: true }, Presets.shades_classic)
    : undefined;
  const overall = bars?.create(todo.length, 0, { name: 'sweep', unit: 'trials' });
  const running = new Map<string, SingleBar>();
  const line = (text: string): void => (bars ? bars.log(text + '\n') : out(text));
  return {
    event: (id, event) => {
      if (!bars) return;
      if (event.type === 'start') running.set(id, bars.create(event.epochs, event.startEpoch - 1, { name: id, unit: 'epochs' }));
      if (event.type === 'epoch') running.get(id)?.update(event.epoch);
    },
    done: (id, result) => {
      const bar = running.get(id);
      if (bar) bars?.remove(bar);
      running.delete(id);
      overall?.increment();
      line(`${result.status === 'done' ? '✓' : result.status === 'stopped' ? '■' : '✗'} ${id}: ${describeResult(result)}`);
    },
    log: line,
    stop: () => bars?.stop(),
  };
}

function printResults(folder: SweepFolder, chart: string | undefined, out: (line: string) => void): void {
  const front = folder.front();
  const onFront = (trial: string, threshold: number): boolean => front.some((f) => f.trial === trial && f.threshold === threshold);
  // The validation column only when a run held rows out: beside the test metric, as the front may be chosen on it.
  const validation = folder.entries.some((e) => e.result?.points.some((p) => p.validationMetric !== undefined));
  const head = ['trial', 'threshold', ...(validation ? ['validation metric'] : []), 'test metric', 'kept params', 'compression', 'front'];
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const e of folder.entries) {
    if (!e.result?.points.length) {
      table.push([e.id, '', e.status, ...head.slice(3).map(() => '')]);
      continue;
    }
    for (const p of e.result.points) {
      table.push([
        e.id,
        String(p.threshold),
        ...(validation ? [p.validationMetric === undefined ? '—' : `${p.metric} ${formatMetric(p.metric, p.validationMetric)}`] : []),
        `${p.metric} ${formatMetric(p.metric, p.afterPrune)}`,
        p.params.toLocaleString('en'),
        formatCompression(p.compression),
        onFront(e.id, p.threshold)
          ? '★'
          : pointFlaws(p).length
            ? `⚠ ${pointFlaws(p)
                .map((f) => f.tag)
                .join(', ')}`
            : '',
      ]);
    }
  }
  out(table.toString());
  const broken = folder.entries.flatMap((e) => e.result?.points ?? []).filter((p) => pointFlaws(p).length).length;
  out(
    `Pareto front: ${front.length} point${front.length === 1 ? '' : 's'} (no other point has both a lower error and fewer kept parameters)` +
      (broken ? `; ${broken} broken point${broken === 1 ? '' : 's'} (⚠: at chance, a layer emptied, or pruning past the tolerance) left off it` : ''),
  );
  out(frontSetText(folder.entries));
  out(`results: ${join(folder.dir, 'sweep.json')}${chart ? `; chart: ${chart}` : ''}`);
}
