import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RunStore } from '../runStore.ts';

/** What every command module gets from activation (extension.ts). */
export interface CommandDeps {
  context: vscode.ExtensionContext;
  client: LanguageClient;
  runs: RunStore;
  log: vscode.LogOutputChannel;
  refreshRuns: () => void;
  /** The Layers view asks the server again (after Shrink rewrote the sizes it shows). */
  refreshLayers?: () => void;
}
