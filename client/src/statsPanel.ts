import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord, RunStore } from './runStore.ts';
import { isInside } from '../../protocol/files.ts';
import { statsHtml } from './statsHtml.ts';
import { isFromWebview, type ToWebview } from '../webview/messages.ts';

/**
 * The stats panel beside the editor. One panel, showing one run at a time; it survives hide/show and
 * window reloads through the webview's own state and a serializer (no retainContextWhenHidden).
 */
export class StatsPanel {
  static readonly viewType = 'dropneuron.stats';
  private static current: StatsPanel | undefined;
  private run: RunRecord | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows a run: opened mid-run, the panel replays the events so far, then follows. */
  static show(context: vscode.ExtensionContext, runs: RunStore, run: RunRecord, onStop: (run: RunRecord) => void): StatsPanel {
    if (StatsPanel.current) {
      StatsPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        StatsPanel.viewType,
        'DropNeuron Stats',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        StatsPanel.options(context),
      );
      StatsPanel.current = new StatsPanel(panel, context, runs, onStop);
    }
    StatsPanel.current.showRun(run);
    return StatsPanel.current;
  }

  static register(context: vscode.ExtensionContext, runs: RunStore, onStop: (run: RunRecord) => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(StatsPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        // The webview restores its own content from its saved state; here it gets its HTML and handlers back.
        panel.webview.options = StatsPanel.options(context);
        StatsPanel.current?.panel.dispose();
        StatsPanel.current = new StatsPanel(panel, context, runs, onStop);
      },
    });
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')] };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    runs: RunStore,
    onStop: (run: RunRecord) => void,
  ) {
    const media = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', file)).toString();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'dropneuron.svg');
    panel.webview.html = statsHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('webview.js'),
      styleUri: media('stats.css'),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      runs.onEvent((run, event) => {
        if (run === this.run) this.post({ type: 'event', runId: run.runId, event });
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isFromWebview(message)) return; // only the typed union is accepted
        switch (message.type) {
          case 'ready':
            if (this.run) this.showRun(this.run);
            return;
          case 'stop':
            if (this.run) onStop(this.run);
            return;
          case 'openFolder':
          case 'openFile': {
            // Only paths really inside the shown run's folder (links followed): the webview does not choose what to open.
            const runDir = this.run?.runDir;
            const target = path.resolve(message.path);
            if (!runDir || !isInside(target, runDir)) return;
            const uri = vscode.Uri.file(target);
            void (message.type === 'openFile' ? vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One }) : revealFolder(uri));
          }
        }
      }),
    );
  }

  private showRun(run: RunRecord): void {
    this.run = run;
    this.panel.title = `DropNeuron · ${run.events.find((e) => e.type === 'start')?.model ?? 'run'}`;
    this.post({ type: 'reset', runId: run.runId, title: this.panel.title, events: run.events });
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (StatsPanel.current === this) StatsPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
  }
}

export async function revealFolder(uri: vscode.Uri): Promise<void> {
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri);
  if (inWorkspace) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}
