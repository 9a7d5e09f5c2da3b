import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ActiveRunsRequest } from '../../protocol/lsp.ts';
import type { RunStore } from './runStore.ts';

const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/**
 * Starts the bundled language server over stdio. A crashed server is restarted up to three times in three
 * minutes; after that the user is told, with a link to the log.
 */
export async function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const restarts: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dnn' },
      { scheme: 'untitled', language: 'dnn' },
    ],
    outputChannel: log,
    // The extension shows its own run progress (notification + status bar), richer than LSP progress.
    initializationOptions: { clientRendersTrainingProgress: true },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        restarts.push(now);
        while (restarts.length && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length <= MAX_RESTARTS) {
          log.warn(`the DropNeuron language server stopped; restarting (${restarts.length}/${MAX_RESTARTS})`);
          return { action: CloseAction.Restart };
        }
        void vscode.window
          .showErrorMessage(`The DropNeuron language server stopped ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted.`, 'Show Log')
          .then((choice) => choice && log.show());
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };
  const client = new LanguageClient('dropneuron', 'DropNeuron', serverOptions, clientOptions);
  await client.start();
  return client;
}

/**
 * Runs outlive the window and the server (see server/src/training.ts): each time the server (re)starts, the
 * client asks which runs it follows and brings its records up to date: a reloaded window shows a run that
 * kept training, live, with a Stop that works; a run this window followed whose trainer is gone is interrupted.
 */
export function followLiveRuns(client: LanguageClient, runs: RunStore, log: vscode.LogOutputChannel, changed: () => void): vscode.Disposable {
  const sync = async (): Promise<void> => {
    try {
      const live = await client.sendRequest(ActiveRunsRequest, {});
      for (const run of live) {
        runs.restore(run);
        log.info(`following the run in ${run.runDir ?? run.runId}, still training`);
      }
      runs.settle(live);
      changed();
    } catch (error) {
      log.warn(`could not ask the server for the runs in progress: ${(error as Error).message}`);
    }
  };
  void sync();
  return client.onDidChangeState((e) => {
    if (e.newState === State.Running) void sync();
  });
}
