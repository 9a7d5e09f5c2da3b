import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunsRequest, type RunInfo } from '../../../protocol/lsp.ts';
import type { RunNode } from '../views/runsView.ts';
import { activeSpec } from './spec.ts';

/** The run of a Runs view row (a node that is a run, not a sweep, a trial or a layer). */
export function runOf(node: RunNode | undefined): RunInfo | undefined {
  return node && 'row' in node ? node.info : undefined;
}

/** A run as a quick pick's row: its folder's name and how it ended. */
const runItem = (r: RunInfo) => ({
  label: r.runDir.split(path.sep).pop()!,
  description: r.finished ? (r.stopped ? 'stopped' : 'finished') : 'unfinished',
  run: r,
});

/** A run of the spec `document`: its only run, or the one the user picks from its runs. */
export async function pickRun(client: LanguageClient, document: vscode.TextDocument | undefined): Promise<RunInfo | undefined> {
  if (!document) return undefined;
  const list = await client.sendRequest(RunsRequest, { uri: document.uri.toString() });
  if (list.length <= 1) return list[0];
  const choice = await vscode.window.showQuickPick(list.map(runItem), { title: 'DropNeuron runs of this spec' });
  return choice?.run;
}

/** Runs of the spec `document` the user picks (several at once), all of them when it has two; undefined if dismissed. */
export async function pickRuns(client: LanguageClient, document: vscode.TextDocument | undefined): Promise<RunInfo[] | undefined> {
  if (!document) return [];
  const list = await client.sendRequest(RunsRequest, { uri: document.uri.toString() });
  if (list.length <= 2) return list;
  const choice = await vscode.window.showQuickPick(list.map(runItem), {
    title: `DropNeuron: runs of ${path.basename(document.uri.fsPath)} to compare`,
    canPickMany: true,
  });
  return choice?.map((c) => c.run);
}

/** The run folder a command acts on: the Runs view row's, else a run of the active spec (picked when it has several). */
export async function runDirOf(client: LanguageClient, node: RunNode | undefined): Promise<string | undefined> {
  return runOf(node)?.runDir ?? (await pickRun(client, activeSpec()))?.runDir;
}
