import type { Connection } from 'vscode-languageserver/node';
import type { TrainerEvent } from '../../../protocol/events.ts';
import { epochPercent, formatBackend, formatKeptLayers, formatNamedMetric } from '../../../protocol/present.ts';
import type { ActiveRun } from './activeRuns.ts';

/** A run's LSP work-done progress (for clients that do not draw their own): its cancel stops the run. */
export async function startProgress(connection: Connection, run: ActiveRun, stop: () => void): Promise<void> {
  try {
    const progress = await connection.window.createWorkDoneProgress();
    if (run.finished) {
      progress.done();
      return;
    }
    run.progress = progress;
    progress.begin('DropNeuron training', 0, 'starting…', true);
    progress.token.onCancellationRequested(stop);
  } catch {
    // The client does not support server-initiated progress: the run events still flow.
  }
}

/** What an event says in the progress: the epoch, its metric and what is kept; the backend at the start. */
export function reportProgress(run: ActiveRun, event: TrainerEvent): void {
  if (event.type === 'epoch') {
    run.progress?.report(
      Math.round(epochPercent(event)),
      `epoch ${event.epoch}/${event.epochs} · ${formatNamedMetric(event.metric, event.testMetric)} · kept ${formatKeptLayers(event.layers)}`,
    );
  } else if (event.type === 'start') {
    run.progress?.report(0, `epoch ${event.startEpoch}/${event.epochs} on ${formatBackend(event)}…`);
  }
}
