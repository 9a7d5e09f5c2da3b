import * as vscode from 'vscode';
import { analyze } from '../../../language/index.ts';
import type { Summary } from '../../../trainer/src/protocol.ts';
import { layerRows, type LayerRow } from './layersModel.ts';

const ICONS: Record<LayerRow['icon'], vscode.ThemeIcon> = {
  layer: new vscode.ThemeIcon('symbol-field'),
  kept: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow')),
};

/** The active spec's layers: shapes and parameters, and after a run, kept/total neurons. */
export class LayersView implements vscode.TreeDataProvider<LayerRow> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private document: vscode.TextDocument | undefined;

  constructor(private readonly latestSummary: (uri: string) => Summary | undefined) {}

  setDocument(document: vscode.TextDocument | undefined): void {
    this.document = document;
    this.changed.fire();
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(row: LayerRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = ICONS[row.icon];
    item.contextValue = 'layer';
    if (this.document) {
      const position = new vscode.Position(row.line, 0);
      item.command = { title: 'Reveal layer', command: 'vscode.open', arguments: [this.document.uri, { selection: new vscode.Range(position, position) }] };
    }
    return item;
  }

  getChildren(): LayerRow[] {
    const document = this.document;
    if (!document) return [];
    return layerRows(analyze(document.getText()), this.latestSummary(document.uri.toString()));
  }
}
