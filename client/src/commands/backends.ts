import * as vscode from 'vscode';
import { showBackends } from '../backendsPicker.ts';
import type { CommandDeps } from './deps.ts';

/** "Show Backends" (backendsPicker.ts): what the trainer's machine can train on, and the editor's runs' choice. */
export function registerBackendsCommand({ client }: CommandDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand('dropneuron.showBackends', () => showBackends(client))];
}
