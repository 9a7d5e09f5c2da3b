import * as vscode from 'vscode';
import type { TrainerEvent } from '../../protocol/events.ts';
import type { RunRecord, RunStore } from './runStore.ts';
import { statusView } from './statusView.ts';

/** One status bar item over every run of the window (statusView), redrawn on each of their events. */
export class TrainingStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dropneuron.status', vscode.StatusBarAlignment.Left, 50);
  private last: RunRecord | undefined;
  private recent: RunRecord | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly runs: RunStore) {
    this.item.name = 'DropNeuron Training';
    this.subscription = runs.onEvent((run, event) => this.update(run, event));
  }

  update(run: RunRecord, event?: TrainerEvent): void {
    if (run.status !== 'running' || event?.type === 'done' || event?.type === 'error') this.last = run;
    else if (event?.type === 'epoch') this.recent = run;
    this.render();
  }

  render(): void {
    const view = statusView(this.runs.live(), this.last, this.recent);
    if (!view) return;
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
    this.item.backgroundColor = view.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : view.warning
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
