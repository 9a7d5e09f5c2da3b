/**
 * The sweep panel: one per spec's sweep, beside the editor. It asks the server for the sweep (`dropneuron/sweeps`)
 * whenever sweep.json changes (a file watcher) and every few seconds while the sweep runs (a watcher can miss
 * changes in ignored folders), and shows every measured point, the front, and what each point can do: open its
 * trial's run, Apply its settings to the spec, or Shrink the spec to its sizes (both one undoable WorkspaceEdit).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { panelColumn } from './panelColumn.ts';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SweepsRequest, type SweepInfo } from '../../protocol/lsp.ts';
import { pointFlaws } from '../../protocol/sweep.ts';
import { applySweepPoint } from './specEdits.ts';
import { isFromSweepPage, type FromSweepPage, type ToSweepPage } from '../webview/sweepMessages.ts';
import type { RunNode } from './views/runsView.ts';
import { runRows } from './views/runsModel.ts';

/** How often an open panel asks again while a trial is pending or running. */
const POLL_MS = 2000;

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page: the same strict CSP as the stats panel (scripts only with the nonce, styles only from media/). */
export function sweepHtml(r: { cspSource: string; nonce: string; scriptUri: string; styleUris: string[] }): string {
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${r.nonce}'`,
    `style-src ${r.cspSource}`,
    `img-src ${r.cspSource} data:`,
    `font-src ${r.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escape(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${r.styleUris.map((u) => `  <link rel="stylesheet" href="${escape(u)}">`).join('\n')}
  <title>DropNeuron sweep</title>
</head>
<body data-page="sweep">
  <header id="header">
    <h1 id="title">Sweep</h1>
    <span id="status" class="status">waiting for the sweep’s first results…</span>
  </header>
  <figure class="chart sweep"><figcaption id="chart-caption">The test metric after pruning against parameters kept: each trial at each threshold; the front joined; broken points crossed</figcaption><div class="canvas"><canvas id="chart-sweep"></canvas></div></figure>
  <p id="chart-anchors" class="muted"></p>
  <h2>Points</h2>
  <p class="muted">Each trial at each threshold, smallest first; ★ marks the front. The metric is the test set’s after pruning. <span id="front-set"></span> ⚠ marks a broken point — at chance, a layer emptied, or pruning that cost more than the spec’s tolerance: it is never on the front, and is not offered to Apply or Shrink.</p>
  <div class="table-scroll"><table id="points"></table></div>
  <script nonce="${escape(r.nonce)}" src="${escape(r.scriptUri)}"></script>
</body>
</html>`;
}

export class SweepPanel {
  static readonly viewType = 'dropneuron.sweep';
  private static readonly panels = new Map<string, SweepPanel>();
  private info: SweepInfo | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * Reload Window brings the panel back with its sweep: the page keeps the last message (with the spec swept) in
   * its state, and this gives the restored panel its host side again. (The extension activates for it by
   * `onWebviewPanel:dropneuron.sweep` in package.json's activationEvents.)
   */
  static register(context: vscode.ExtensionContext, client: LanguageClient, refreshRuns: () => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(SweepPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const specPath = (state as { specPath?: unknown } | undefined)?.specPath;
        // A page saved before it knew its spec cannot say which sweep it showed: closed rather than left blank.
        if (typeof specPath !== 'string' || !specPath) return panel.dispose();
        panel.webview.options = SweepPanel.options(context);
        const key = path.resolve(specPath);
        SweepPanel.panels.get(key)?.panel.dispose();
        await new SweepPanel(panel, context, client, key, refreshRuns).refresh();
      },
    });
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')] };
  }

  /** Shows the sweep of `specPath` (a file path), in the panel already showing it or a new one. */
  static show(context: vscode.ExtensionContext, client: LanguageClient, specPath: string, refreshRuns: () => void): SweepPanel {
    const key = path.resolve(specPath);
    const open = SweepPanel.panels.get(key);
    if (open) {
      open.panel.reveal(open.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      void open.refresh();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      SweepPanel.viewType,
      `Sweep: ${path.basename(specPath)}`,
      { viewColumn: panelColumn(), preserveFocus: true },
      SweepPanel.options(context),
    );
    return new SweepPanel(panel, context, client, key, refreshRuns);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly specPath: string,
    /** The Runs view asks again: its sweep row shows the same trials. */
    private readonly refreshRuns: () => void,
  ) {
    SweepPanel.panels.set(specPath, this);
    const media = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', file)).toString();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'dropneuron.svg');
    panel.webview.html = sweepHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('sweep.js'),
      styleUris: [media('stats.css'), media('sweep.css')],
    });
    // The sweep folder lies beside the spec; a change to its sweep.json means a trial finished or started.
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.dirname(specPath)), '.dropneuron/sweeps/*/sweep.json'),
    );
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => void this.refresh()),
      watcher.onDidCreate(() => void this.refresh()),
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
    this.timer = setInterval(() => {
      if (this.running()) void this.refresh();
    }, POLL_MS);
  }

  /** Until sweep.json says every trial ended (or before it exists): the sweep may still be writing. */
  private running(): boolean {
    return !this.info || this.info.sweep.trials.some((t) => t.status === 'pending' || t.status === 'running');
  }

  async refresh(): Promise<void> {
    const sweeps = await this.client.sendRequest(SweepsRequest, { specPath: this.specPath });
    const before = JSON.stringify(this.info?.sweep);
    this.info = sweeps[0];
    if (JSON.stringify(this.info?.sweep) !== before) {
      this.post({ type: 'sweep', model: this.info?.model ?? path.basename(this.specPath), specPath: this.specPath, sweep: this.info?.sweep ?? null });
      this.refreshRuns();
    }
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromSweepPage(message)) return; // only the typed union is accepted
    if (message.type === 'ready') {
      this.info = undefined; // a reloaded page has lost nothing the host cannot send again
      return this.refresh();
    }
    // Only the shown sweep's trials and their measured thresholds: the page does not choose what to run or edit.
    const trial = this.info?.sweep.trials.find((t) => t.id === message.trial);
    if (!trial || !this.info) return;
    const run = this.info.runs[trial.id];
    if (message.type === 'open') {
      if (!run) return void vscode.window.showInformationMessage(`The trial ${trial.id} has no run folder yet.`);
      const node: RunNode = { row: runRows([run])[0]!, info: run };
      return void vscode.commands.executeCommand('dropneuron.showStats', node);
    }
    const point = trial.result?.points.find((p) => p.threshold === message.threshold);
    if (!point) return;
    // The page offers no Apply or Shrink on a broken point; the host holds to the same rule whatever it is sent.
    const flaws = pointFlaws(point);
    if (flaws.length)
      return void vscode.window.showWarningMessage(
        `Not applied: ${trial.id} at threshold ${point.threshold} is broken (${flaws.map((f) => f.reason).join('; ')}).`,
      );
    await this.applyPoint(message, trial.settings, run?.runDir ?? path.join(this.info.sweepDir, trial.runDir));
  }

  /** Apply or Shrink: the server's edits for the point, as one WorkspaceEdit (one Undo), in the spec's editor. */
  private async applyPoint(message: Extract<FromSweepPage, { threshold: number }>, settings: Record<string, number | string>, runDir: string): Promise<void> {
    const spec = vscode.Uri.file(this.info?.sweep.specPath ?? this.specPath);
    await applySweepPoint(this.client, spec, { action: message.type, runDir, settings, threshold: message.threshold }, 'nothing to change.');
  }

  private post(message: ToSweepPage): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    SweepPanel.panels.delete(this.specPath);
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
