import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import Table from 'cli-table3';
import { penaltyOf, type DoneEvent, type StartEvent, type TrainerEvent } from '../../protocol/events.ts';
import {
  DAMAGE_REMEDIES,
  formatBackend,
  formatCount,
  formatDamage,
  formatExportLines,
  formatInputNames,
  formatKeptLayers,
  formatMetric,
  formatOverrides,
  formatPart,
  formatPercent,
  formatPoints,
  formatSizeHeadline,
  formatStrength,
  summaryKept,
} from '../../protocol/present.ts';
import type { TrainingOverrides } from '../../protocol/settings.ts';
import { train } from '../../trainer/src/run.ts';

export interface TrainFlags {
  overrides: TrainingOverrides;
  out?: string;
  replace?: boolean;
  resume?: string;
  json?: boolean;
}

/**
 * `dropneuron train`: a progress bar per epoch and the seed's summary table; with --json the event
 * stream instead (what the language server reads). SIGINT, SIGTERM or a {"type":"stop"} line on stdin
 * stop after the current batch and still write the outputs.
 */
export async function runTrain(file: string | undefined, flags: TrainFlags): Promise<number> {
  let stop = false;
  const requestStop = (): void => {
    if (stop) process.exit(130); // a second Ctrl-C: the user means it
    stop = true;
    if (!flags.json) process.stderr.write('\nstopping after this batch...\n');
  };
  process.on('SIGINT', requestStop);
  process.on('SIGTERM', requestStop);
  const stdin = flags.json ? createInterface({ input: process.stdin }) : undefined;
  stdin?.on('line', (line) => {
    try {
      if ((JSON.parse(line) as { type?: string }).type === 'stop') requestStop();
    } catch {
      process.stderr.write(`dropneuron: expected a JSON command on stdin, found ${JSON.stringify(line.slice(0, 80))}\n`);
    }
  });

  const view = flags.json ? jsonView() : terminalView();
  const result = await train({
    specPath: file ?? '',
    overrides: flags.overrides,
    ...(flags.out !== undefined ? { outDir: flags.out } : {}),
    ...(flags.resume !== undefined ? { resumeDir: flags.resume } : {}),
    ...(flags.replace ? { replace: true } : {}),
    emit: view.emit,
    onBatch: view.onBatch,
    shouldStop: () => stop,
  });
  stdin?.close();
  process.off('SIGINT', requestStop);
  process.off('SIGTERM', requestStop);
  return result.type === 'done' ? 0 : 1;
}

interface View {
  emit: (event: TrainerEvent) => void;
  onBatch: (epoch: number, batch: number, batches: number) => void;
}

function jsonView(): View {
  // The language server starts the trainer detached, so that a run outlives a window reload: when the server
  // goes, stdout's reader goes with it. The run folder's log holds every event, so a write nobody reads is
  // dropped instead of ending the run with EPIPE.
  process.stdout.on('error', () => {});
  return { emit: (event) => void process.stdout.write(JSON.stringify(event) + '\n'), onBatch: () => {} };
}

function terminalView(): View {
  let bar: SingleBar | undefined;
  let start: StartEvent | undefined;
  const out = (line: string): void => void process.stdout.write(line + '\n');
  return {
    onBatch: (epoch, batch, batches) => {
      if (!bar) {
        bar = new SingleBar(
          {
            format: `epoch ${epoch}/${start?.epochs ?? '?'} {bar} {value}/{total} batches | {eta_formatted} left`,
            hideCursor: true,
            clearOnComplete: true,
            stopOnComplete: true,
            etaBuffer: 50,
            noTTYOutput: false,
          },
          Presets.shades_classic,
        );
        bar.start(batches, 0);
      }
      bar.update(batch);
      if (batch === batches) bar = undefined;
    },
    emit: (event) => {
      switch (event.type) {
        case 'start': {
          start = event;
          out(
            `training ${event.model} (${event.params.toLocaleString('en')} parameters) on ${formatBackend(event)}${event.backendSkipped.length ? ` (skipped ${event.backendSkipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})` : ''}`,
          );
          if (event.overrides) out(`overriding the spec: ${formatOverrides(event.overrides)}`);
          for (const warning of event.warnings ?? []) out(`warning: ${warning}`);
          const finetune = event.settings.finetune ? ` (the last ${event.settings.finetune} fine-tuning the pruned network)` : '';
          const validation = event.validationSamples ? `${event.validationSamples} validation / ` : '';
          out(
            `${event.trainSamples} training / ${validation}${event.testSamples} test samples, ${event.epochs} epoch${event.epochs === 1 ? '' : 's'}${finetune} of batch ${event.batch}; run folder ${event.runDir}`,
          );
          break;
        }
        case 'epoch': {
          bar?.stop();
          bar = undefined;
          const layers = formatKeptLayers(event.layers, ', ');
          const validation = event.validationMetric !== undefined ? `  validation ${formatMetric(event.metric, event.validationMetric)}` : '';
          // dropneuron auto: the λ this epoch trained with and the stage the search is in after it.
          const auto = event.auto
            ? `  λ ${formatStrength(event.auto.lambda)} (${event.auto.stage}${event.auto.next !== event.auto.lambda ? `, next ${formatStrength(event.auto.next)}` : ''})`
            : '';
          out(
            `epoch ${event.epoch}/${event.epochs}${event.phase === 'finetune' ? ' (fine-tune)' : ''}  ${event.seconds.toFixed(1)} s  loss ${event.loss.total.toFixed(4)} (data ${event.loss.data.toFixed(4)}, penalty ${penaltyOf(event.loss).toFixed(4)})  ` +
              `test ${event.metric} ${formatMetric(event.metric, event.testMetric)}${validation}  density ${formatPercent(event.density)}  neurons ${layers}${auto}`,
          );
          break;
        }
        case 'done':
          bar?.stop();
          printSummary(event, start, out);
          break;
        case 'error':
          bar?.stop();
          process.stderr.write(`dropneuron: ${event.message}\n`);
          break;
      }
    },
  };
}

/** A strength as the terminal prints it: three significant digits at most (0.010660199 → "0.0107"). */

/** The run's summary as the terminal prints it, after its last epoch. */
export function printSummary(done: DoneEvent, start: StartEvent | undefined, out: (line: string) => void): void {
  const s = done.summary;
  if (done.stopped) out(`stopped after ${done.epochsCompleted} finished epoch${done.epochsCompleted === 1 ? '' : 's'}`);
  // Neurons kept are the compact model's sizes (one rule: protocol/kept.ts): one column, as in the panel.
  const table = new Table({ head: ['layer', 'kept (compact model)', 'inputs read', 'non-zero weights', 'density'], style: { head: [], border: [] } });
  table.push(['inputs', formatPart(s.inputs.kept, s.inputs.total), '', '', '']);
  const kept = summaryKept(s);
  s.layers.forEach((l, i) => {
    table.push([
      `${l.name} (${l.kind})`,
      formatPart(kept[i]!.kept, l.neuronsTotal),
      `${formatCount(l.inputsKept)} / ${formatCount(l.inputsTotal)}`,
      `${formatCount(l.weightsKept)} / ${formatCount(l.weightsTotal)}`,
      formatPercent(l.density),
    ]);
  });
  table.push([
    'total',
    `${formatCount(s.compactParams)} parameters`,
    '',
    `${formatCount(s.weightsKept)} / ${formatCount(s.weightsTotal)}`,
    formatPercent(s.density),
  ]);
  out(table.toString());
  if (s.keptInputNames) out(`inputs read: ${formatInputNames(s.keptInputNames)}`);
  // The panel's line: the model the user gets first, then the sparse-weight figure, named so.
  out(formatSizeHeadline(s));
  if (s.collapsed.length) {
    out(`warning: every neuron of ${s.collapsed.join(', ')} was pruned, so the output no longer depends on the input; lower \`dropneuron\` or \`threshold\``);
  }
  const validation = s.validationMetric !== undefined ? `; validation ${s.metric} after pruning ${formatMetric(s.metric, s.validationMetric)}` : '';
  out(`test ${s.metric} before pruning ${formatMetric(s.metric, s.beforePrune)}, after pruning ${formatMetric(s.metric, s.afterPrune)}${validation}`);
  if (s.auto) {
    const fixed = formatOverrides(s.auto.settings);
    out(
      `dropneuron auto settled on λ ${formatStrength(s.auto.lambda)} (the unpenalised network's validation ${s.metric}: ${formatMetric(s.metric, s.auto.reference)})` +
        (fixed ? `; to train it again with a fixed λ, set ${fixed} in the spec` : ''),
    );
  }
  if (s.guidance) out(`note: ${s.guidance}`);
  const damage = formatDamage(s);
  if (s.damage?.exceeded && damage) {
    out(
      `warning: ${damage}, more than the tolerance of ${formatPoints(s.damage.tolerance)}; ${DAMAGE_REMEDIES} (the pruned spec's sizes are not worth shrinking to)`,
    );
  }
  const exported = formatExportLines(s);
  if (exported.length)
    out(`the compact model, exported to ${done.outputs.compact ?? join(done.outputs.runDir, 'compact')}:\n${exported.map((line) => `  ${line}`).join('\n')}`);
  if (start) out(`trained on ${formatBackend(start)} in ${done.seconds.toFixed(1)} s`);
  out(`outputs: ${done.outputs.runDir} (pruned spec ${done.outputs.prunedSpec})`);
}
