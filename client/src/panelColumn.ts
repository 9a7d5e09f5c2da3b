import * as vscode from 'vscode';

/** The view types of the extension's panels: run stats, compare, sweep. */
const PANEL_VIEW_TYPES = ['dropneuron.stats', 'dropneuron.compare', 'dropneuron.sweep'];

/**
 * Where a new panel of any kind opens: in the group that already holds one of the extension's panels (restored
 * ones after a reload included: the tabs are asked, not this window's objects), else beside the active editor,
 * the spec's. A sweep panel opened from a terminal made a third group with Beside alone.
 */
export function panelColumn(): vscode.ViewColumn {
  for (const group of vscode.window.tabGroups.all) {
    const holds = group.tabs.some(
      (tab) =>
        tab.input instanceof vscode.TabInputWebview &&
        PANEL_VIEW_TYPES.some((t) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(t)),
    );
    if (holds) return group.viewColumn;
  }
  return vscode.ViewColumn.Beside;
}
