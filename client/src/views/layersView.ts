import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LayersRequest } from '../../../protocol/lsp.ts';
import { layerRows, type LayerRow } from './layersModel.ts';

const ICONS: Record<LayerRow['icon'], vscode.ThemeIcon> = {
  layer: new vscode.ThemeIcon('symbol-field'),
  kept: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow')),
};

/** Typing refreshes the view at most this often: each refresh is a request to the server. */
const REFRESH_DELAY_MS = 150;

/**
 * The active spec's layers: shapes and parameters, and after a run, kept/total neurons. The server answers
 * (it has the spec analysed already, unsaved edits included, and knows the latest run); the view only draws.
 */
export class LayersView implements vscode.TreeDataProvider<LayerRow> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private document: vscode.TextDocument | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** The spec shown. */
  get shown(): vscode.TextDocument | undefined {
    return this.document;
  }

  setDocument(document: vscode.TextDocument | undefined): void {
    this.document = document;
    this.changed.fire();
  }

  refresh(): void {
    this.changed.fire();
  }

  /** A refresh after a quiet moment: for edits, which come a keystroke at a time. */
  refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(), REFRESH_DELAY_MS);
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

  async getChildren(): Promise<LayerRow[]> {
    const document = this.document;
    if (!document) return [];
    return layerRows(await this.client.sendRequest(LayersRequest, { uri: document.uri.toString() }));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
  }
}
