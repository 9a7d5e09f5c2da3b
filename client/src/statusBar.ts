import * as vscode from 'vscode';
import type { TrainerEvent } from '../../protocol/events.ts';
import type { RunRecord, RunStore } from './runStore.ts';
import { statusView } from './statusView.ts';

/**
 * A live run's epochs redraw the item at most this often. On ort a small run ends ten epochs a second, and each
 * redraw replaces the label's elements: a click whose press and release straddle one is lost (CI saw Stop do
 * nothing), and a label that changes ten times a second cannot be read anyway.
 */
const EPOCH_REDRAW_MS = 1_000;

/** One status bar item over every run of the window (statusView), redrawn on each of their events (epochs at most once a second). */
export class TrainingStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dropneuron.status', vscode.StatusBarAlignment.Left, 50);
  private last: RunRecord | undefined;
  private recent: RunRecord | undefined;
  private readonly subscription: { dispose(): void };
  private drawn = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly runs: RunStore) {
    this.item.name = 'DropNeuron Training';
    this.subscription = runs.onEvent((run, event) => this.update(run, event));
  }

  update(run: RunRecord, event?: TrainerEvent): void {
    if (run.status !== 'running' || event?.type === 'done' || event?.type === 'error') this.last = run;
    else if (event?.type === 'epoch') this.recent = run;
    const wait = this.drawn + EPOCH_REDRAW_MS - Date.now();
    // Anything but an epoch (a start, the end, an error) shows at once; an epoch within the second, at its end.
    if (event?.type !== 'epoch' || wait <= 0) return this.render();
    this.pending ??= setTimeout(() => this.render(), wait);
  }

  render(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.drawn = Date.now();
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
    clearTimeout(this.pending);
    this.subscription.dispose();
    this.item.dispose();
  }
}
