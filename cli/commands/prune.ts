import Table from 'cli-table3';
import type { Summary } from '../../protocol/events.ts';
import { formatCompression, formatMetric, formatPercent } from '../../protocol/present.ts';
import type { PruneResult } from '../../protocol/prune.ts';
import { openRun, pruneAt, PruneError, writeVariant } from '../../trainer/src/prune/reprune.ts';

export interface PruneFlags {
  /** Thresholds to measure at; none: the run's own. */
  thresholds: number[];
  json?: boolean;
  write?: boolean;
}

/**
 * `dropneuron prune RUN_DIR`: the run's final weights pruned at other thresholds, without training — the
 * statistics of its summary at each, and with --write each variant's outputs beside the run's own. With
 * --json one PruneResult per line (what the sweep and the language server read).
 */
export async function runPrune(runDir: string, flags: PruneFlags, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  try {
    const run = await openRun(runDir);
    const own = run.model.regularize.threshold;
    if (run.done.stopped) err(`note: ${run.runDir} was stopped; its last checkpoint (epoch ${run.done.epochsCompleted}) is what gets pruned`);
    const results: PruneResult[] = [];
    for (const threshold of flags.thresholds.length ? flags.thresholds : [own]) {
      const { summary, pruned } = await pruneAt(run, threshold);
      const result: PruneResult = { v: 1, runDir: run.runDir, threshold, runThreshold: own, summary };
      if (flags.write) result.written = await writeVariant(run, threshold, summary, pruned);
      if (flags.json) out(JSON.stringify(result));
      results.push(result);
    }
    if (!flags.json) printResults(results, out);
    return 0;
  } catch (error) {
    if (!(error instanceof PruneError)) throw error;
    err(`dropneuron prune: ${error.message}`);
    return 1;
  }
}

/** "inputs 542/784, fc1 83/300": kept neurons, inputs first. */
function keptNeurons(s: Summary): string {
  return [`inputs ${s.inputs.kept}/${s.inputs.total}`, ...s.layers.map((l) => `${l.name} ${l.neuronsKept}/${l.neuronsTotal}`)].join(', ');
}

function printResults(results: PruneResult[], out: (line: string) => void): void {
  const first = results[0];
  if (!first) return;
  const metric = first.summary.metric;
  out(`${first.runDir}: trained with threshold ${first.runThreshold}; test ${metric} before pruning ${formatMetric(metric, first.summary.beforePrune)}`);
  // A run that held rows out is measured on them too (what a sweep chooses its front by): their column beside the test's.
  const validation = results.some((r) => r.summary.validationMetric !== undefined);
  const table = new Table({
    head: [
      'threshold',
      ...(validation ? [`validation ${metric} after pruning`, `test ${metric} after pruning`] : [`${metric} after pruning`]),
      'weights kept',
      'fewer non-zero weights',
      'neurons kept',
      'compact params',
    ],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    const s = r.summary;
    table.push([
      `${r.threshold}${r.threshold === r.runThreshold ? ' (the run’s)' : ''}`,
      ...(validation ? [s.validationMetric === undefined ? '—' : formatMetric(metric, s.validationMetric)] : []),
      formatMetric(metric, s.afterPrune),
      `${s.weightsKept.toLocaleString('en')} (${formatPercent(s.density)})`,
      formatCompression(s.compression),
      keptNeurons(s),
      s.compactParams.toLocaleString('en'),
    ]);
  }
  out(table.toString());
  for (const r of results) {
    if (r.summary.collapsed.length) out(`warning: at threshold ${r.threshold} every neuron of ${r.summary.collapsed.join(', ')} is pruned`);
    if (r.written) out(`threshold ${r.threshold}: wrote ${r.written.dir} (pruned spec ${r.written.prunedSpec})`);
  }
}
