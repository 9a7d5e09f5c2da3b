import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunsRequest, SweepsRequest, type RunInfo } from '../../../protocol/lsp.ts';
import { runRows, sweepRows, type RunRow, type SweepRow } from './runsModel.ts';

// A sweep's row, and a trial of it without a run folder yet; a trial with one is an ordinary run row.
type Node = { row: RunRow; info: RunInfo } | { child: RunRow['children'][number] } | { sweep: SweepRow } | { trial: SweepRow['trials'][number] };

const STATE_ICONS: Record<RunRow['state'], vscode.ThemeIcon> = {
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  running: new vscode.ThemeIcon('loading~spin'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  interrupted: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('charts.yellow')),
};

/** A finished run that is no plain success: the status bar's warning and information icons. */
const VERDICT_ICONS: Record<NonNullable<RunRow['verdict']>, vscode.ThemeIcon> = {
  damaged: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow')),
  guidance: new vscode.ThemeIcon('info'),
};

/** The icon of a run's row: its verdict's, else its state's. */
function runIcon(row: RunRow): vscode.ThemeIcon {
  return row.verdict ? VERDICT_ICONS[row.verdict] : STATE_ICONS[row.state];
}

/** How often a running run's row follows its epochs. */
const PROGRESS_REFRESH_MS = 2_000;

/** Past runs of the workspace's specs, as the server reads them from their run folders; each expands to its layers' kept sizes. */
export class RunsView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly client: LanguageClient) {}

  refresh(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.changed.fire();
  }

  /**
   * A refresh for a running run's epochs (its row's "7/30 epochs"), at most once per PROGRESS_REFRESH_MS: each is
   * a request to the server, which reads the run folders. Without it the row stayed at the epoch it was first read at.
   */
  refreshProgress(): void {
    this.pending ??= setTimeout(() => this.refresh(), PROGRESS_REFRESH_MS);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('sweep' in node) {
      const item = new vscode.TreeItem(
        node.sweep.label,
        node.sweep.trials.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      item.id = node.sweep.id;
      item.description = node.sweep.description;
      item.tooltip = node.sweep.tooltip;
      item.iconPath = new vscode.ThemeIcon('graph-scatter', node.sweep.state === 'failed' ? new vscode.ThemeColor('charts.red') : undefined);
      item.contextValue = 'sweep';
      item.command = { title: 'Show Sweep', command: 'dropneuron.showSweep', arguments: [node] };
      return item;
    }
    if ('trial' in node) {
      const item = new vscode.TreeItem(node.trial.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.trial.id;
      item.description = node.trial.description;
      item.iconPath = new vscode.ThemeIcon(node.trial.status === 'error' ? 'error' : node.trial.status === 'running' ? 'loading~spin' : 'circle-outline');
      return item;
    }
    if ('child' in node) {
      const item = new vscode.TreeItem(node.child.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.child.id;
      item.description = node.child.description;
      item.iconPath = new vscode.ThemeIcon('symbol-field');
      return item;
    }
    const item = new vscode.TreeItem(
      node.row.label,
      node.row.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.row.id;
    item.description = node.row.description;
    item.tooltip = node.row.tooltip;
    item.iconPath = runIcon(node.row);
    // `run.finished` offers Shrink, `run.interrupted` Resume; every `run…` offers Open Folder and Delete.
    item.contextValue = node.info.finished ? 'run.finished' : node.row.state === 'interrupted' ? 'run.interrupted' : 'run';
    item.resourceUri = vscode.Uri.file(node.info.runDir);
    item.command = { title: 'Show Training Stats', command: 'dropneuron.showStats', arguments: [node] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node && 'row' in node) return node.row.children.map((child) => ({ child }));
    if (node && 'sweep' in node) return node.sweep.trials.map((trial) => (trial.run ? trial.run : { trial }));
    if (node) return [];
    const [infos, sweeps] = await Promise.all([this.client.sendRequest(RunsRequest, {}), this.client.sendRequest(SweepsRequest, {})]);
    const byDir = new Map(infos.map((i) => [`run:${i.runDir}`, i]));
    return [...sweepRows(sweeps).map((sweep) => ({ sweep })), ...runRows(infos).map((row) => ({ row, info: byDir.get(row.id)! }))];
  }
}

export type RunNode = Node;
