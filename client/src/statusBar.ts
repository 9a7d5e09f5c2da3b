import * as vscode from 'vscode';
import type { TrainerEvent } from '../../protocol/events.ts';
import { formatBackend, formatCompression, formatKeptLayers, formatMetric } from '../../protocol/present.ts';
import type { RunRecord } from './runStore.ts';

/** One status bar item: the run in progress (click to stop), then its result (click for the stats). */
export class TrainingStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dropneuron.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'DropNeuron Training';
  }

  update(run: RunRecord, event: TrainerEvent): void {
    switch (event.type) {
      case 'start':
        this.item.text = `$(loading~spin) DropNeuron: starting ${event.model} on ${formatBackend(event)}`;
        this.item.tooltip = 'Click to stop training after the current batch';
        this.item.command = { title: 'Stop Training', command: 'dropneuron.stop', arguments: [run.uri] };
        break;
      case 'epoch': {
        this.item.text = `$(loading~spin) DropNeuron: epoch ${event.epoch}/${event.epochs} · ${formatMetric(event.metric, event.testMetric)} · ${formatKeptLayers(event.layers)}`;
        break;
      }
      case 'done': {
        const s = event.summary;
        this.item.text = `$(${event.stopped ? 'debug-stop' : 'check'}) DropNeuron: ${formatMetric(s.metric, s.afterPrune)} · ${formatCompression(s.compression)}`;
        this.item.tooltip = 'Click to show the training stats';
        this.item.command = { title: 'Show Training Stats', command: 'dropneuron.showStats' };
        break;
      }
      case 'error':
        this.item.text = '$(error) DropNeuron: training failed';
        this.item.tooltip = event.message;
        this.item.command = { title: 'Show Training Stats', command: 'dropneuron.showStats' };
        break;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
