import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelColumn } from './panelColumn.ts';
import { compareHtml } from './statsHtml.ts';
import { isFromWebview, type RunEvents, type ToWebview } from '../webview/messages.ts';

/**
 * The compare panel: two or more runs (picked together in the Runs view) with their curves overlaid and
 * their settings and results side by side. One panel: comparing again replaces what it shows.
 */
export class ComparePanel {
  static readonly viewType = 'dropneuron.compare';
  private static current: ComparePanel | undefined;
  private runs: RunEvents[] = [];

  static show(context: vscode.ExtensionContext, runs: RunEvents[]): ComparePanel {
    if (ComparePanel.current) ComparePanel.current.panel.reveal(ComparePanel.current.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    else
      ComparePanel.current = new ComparePanel(
        vscode.window.createWebviewPanel(
          ComparePanel.viewType,
          'DropNeuron · compare',
          { viewColumn: panelColumn(), preserveFocus: true },
          ComparePanel.options(context),
        ),
        context,
      );
    ComparePanel.current.showRuns(runs);
    return ComparePanel.current;
  }

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        // The page restores the runs from its saved state; here it gets its HTML and handlers back.
        panel.webview.options = ComparePanel.options(context);
        ComparePanel.current?.panel.dispose();
        ComparePanel.current = new ComparePanel(panel, context);
      },
    });
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')] };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
  ) {
    const media = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', file)).toString();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'dropneuron.svg');
    panel.webview.html = compareHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('webview.js'),
      styleUri: media('stats.css'),
    });
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isFromWebview(message) && message.type === 'ready' && this.runs.length) this.post({ type: 'compare', runs: this.runs });
      }),
    ];
    panel.onDidDispose(() => {
      if (ComparePanel.current === this) ComparePanel.current = undefined;
      for (const s of subscriptions) s.dispose();
    });
  }

  private showRuns(runs: RunEvents[]): void {
    this.runs = runs;
    this.panel.title = `DropNeuron · compare ${runs.length} runs`;
    this.post({ type: 'compare', runs });
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }
}
