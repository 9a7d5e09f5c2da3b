import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRun, type RunInfo } from '../../../trainer/src/runFolder.ts';
import { runRows, type RunRow } from './runsModel.ts';

type Node = { row: RunRow; info: RunInfo } | { child: RunRow['children'][number] };

const STATE_ICONS: Record<RunRow['state'], vscode.ThemeIcon> = {
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  running: new vscode.ThemeIcon('loading~spin'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
};

/** Past runs of the workspace's specs, read from their run folders; each expands to its layers' kept sizes. */
export class RunsView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('child' in node) {
      const item = new vscode.TreeItem(node.child.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.child.id;
      item.description = node.child.description;
      item.iconPath = new vscode.ThemeIcon('symbol-field');
      return item;
    }
    const item = new vscode.TreeItem(node.row.label, node.row.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.row.id;
    item.description = node.row.description;
    item.tooltip = node.row.tooltip;
    item.iconPath = STATE_ICONS[node.row.state];
    item.contextValue = node.info.finished ? 'run.finished' : 'run';
    item.resourceUri = vscode.Uri.file(node.info.runDir);
    item.command = { title: 'Show Training Stats', command: 'dropneuron.showStats', arguments: [node] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node && 'row' in node) return node.row.children.map((child) => ({ child }));
    if (node) return [];
    const manifests = await vscode.workspace.findFiles('**/.dropneuron/runs/*/run.json', '**/node_modules/**', 500);
    const infos = manifests.map((m) => readRun(path.dirname(m.fsPath))?.info).filter((i): i is RunInfo => !!i);
    const byDir = new Map(infos.map((i) => [`run:${i.runDir}`, i]));
    return runRows(infos).map((row) => ({ row, info: byDir.get(row.id)! }));
  }
}

export type RunNode = Node;
