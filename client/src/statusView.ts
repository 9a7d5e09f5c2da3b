/**
 * What the status bar says about the window's runs: pure (no VS Code API), so that the tests read it without an editor.
 */
import {
  DAMAGE_REMEDIES,
  formatBackend,
  formatDamage,
  formatKeptLayers,
  formatMetric,
  formatNamedMetric,
  formatParamsShort,
  formatPoints,
} from '../../protocol/present.ts';
import type { RunRecord } from './runStore.ts';

/** A command as the status bar item takes it. */
export interface StatusCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

/** A run's model name, from its start event (the file name until then). */
export function runName(run: RunRecord): string {
  const start = run.events.find((e) => e.type === 'start');
  return start?.type === 'start' ? start.model : decodeURIComponent(run.uri.split('/').pop() ?? run.uri).replace(/\.dnn$/, '');
}

/** "epoch 3/10 · 91.20 % · fc1 83/300": where a live run stands, for one line. */
export function runProgress(run: RunRecord): string {
  const epoch = run.events.filter((e) => e.type === 'epoch').at(-1);
  if (epoch?.type === 'epoch')
    return `epoch ${epoch.epoch}/${epoch.epochs} · ${formatMetric(epoch.metric, epoch.testMetric)} · ${formatKeptLayers(epoch.layers)}`;
  const start = run.events.find((e) => e.type === 'start');
  return start?.type === 'start' ? `starting on ${formatBackend(start)}` : 'starting';
}

/** What the status bar shows: its text, tooltip, command and whether it warns. Pure, for the tests. */
export interface StatusView {
  text: string;
  tooltip: string;
  command?: StatusCommand;
  warning?: boolean;
  error?: boolean;
}

/**
 * The status bar's view of the runs: every live run summarised (one: its progress, click to stop; several: how
 * many and the latest's progress, click to pick one), else the outcome of the run that ended last: a pruning
 * that cost more than its tolerance is a warning, never a check mark; an interrupted run offers Resume.
 */
export function statusView(live: readonly RunRecord[], last: RunRecord | undefined, recent?: RunRecord): StatusView | undefined {
  if (live.length === 1) {
    const run = live[0]!;
    return {
      text: `$(loading~spin) DropNeuron: ${runProgress(run)}`,
      tooltip: `${runName(run)}: click to stop training after the current batch`,
      command: { title: 'Stop Training', command: 'dropneuron.stop', arguments: [run.uri] },
    };
  }
  if (live.length > 1) {
    // The run that moved last (an epoch just finished), so that the summary changes as the runs do.
    const latest = recent && live.includes(recent) ? recent : live.at(-1)!;
    const epoch = latest.events.filter((e) => e.type === 'epoch').at(-1);
    const kept = epoch?.type === 'epoch' ? ` · ${runName(latest)} ${formatKeptLayers(epoch.layers.slice(0, 1))}` : '';
    return {
      text: `$(sync~spin) DropNeuron: ${live.length} runs${kept}`,
      tooltip: `${live.map((r) => `${runName(r)}: ${runProgress(r)}`).join('\n')}\n\nClick to pick a run to show.`,
      command: { title: 'Show a Run', command: 'dropneuron.pickRun' },
    };
  }
  if (!last) return undefined;
  const end = last.events.filter((e) => e.type === 'done' || e.type === 'error').at(-1);
  if (last.status === 'interrupted') {
    return {
      text: `$(debug-disconnect) DropNeuron: ${runName(last)} interrupted`,
      tooltip: `${end?.type === 'error' ? end.message : 'The trainer stopped before the run finished.'}\n\nClick to resume it from its last checkpoint.`,
      command: { title: 'Resume Run', command: 'dropneuron.resumeRun', arguments: [last.runDir] },
      warning: true,
    };
  }
  if (end?.type === 'error') {
    return {
      text: '$(error) DropNeuron: training failed',
      tooltip: end.message,
      command: { title: 'Show Training Stats', command: 'dropneuron.showStats' },
      error: true,
    };
  }
  if (end?.type !== 'done') return undefined;
  const s = end.summary;
  const result = `${formatMetric(s.metric, s.afterPrune)} · ${formatParamsShort(s.compactParams)}`;
  const show = { title: 'Show Training Stats', command: 'dropneuron.showStats' };
  if (s.damage?.exceeded) {
    return {
      text: `$(warning) DropNeuron: ${result} · pruning cost ${formatPoints(s.damage.cost)}`,
      tooltip: `${runName(last)}: ${formatDamage(s) ?? ''}, more than the tolerance of ${formatPoints(s.damage.tolerance)}. To keep the accuracy, ${DAMAGE_REMEDIES}.\n\nClick to show the training stats.`,
      command: show,
      warning: true,
    };
  }
  // A run that pruned (almost) nothing or everything is no plain success: the trainer's guidance says what to try.
  const guidance = s.guidance ? `\n\n${s.guidance}\n\n` : ' ';
  return {
    text: `$(${end.stopped ? 'debug-stop' : s.guidance ? 'info' : 'check'}) DropNeuron: ${result}`,
    tooltip: `${runName(last)}: ${formatNamedMetric(s.metric, s.afterPrune)} after pruning.${guidance}Click to show the training stats.`,
    command: show,
  };
}
