import { CodeActionKind, createConnection, ProposedFeatures, ResponseError, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import {
  BackendsRequest,
  DeleteRunRequest,
  LayersRequest,
  RunEventsRequest,
  RunsRequest,
  ShrinkRequest,
  StopRequest,
  TrainRequest,
  type ShrinkParams,
  type ShrinkResult,
  type TrainParams,
  type TrainResult,
} from '../../protocol/lsp.ts';
import { readRun } from '../../protocol/runFolder.ts';
import { codeActions, shrinkToRun } from './codeActions.ts';
import { complete } from './completion.ts';
import { Configuration } from './config.ts';
import { definition } from './definition.ts';
import { DiagnosticsPublisher } from './diagnostics.ts';
import { DocumentStore } from './documents.ts';
import { formatEdits } from './formatting.ts';
import { hover } from './hover.ts';
import { inlayHints } from './inlayHints.ts';
import { prepareRename, rename } from './rename.ts';
import { layerInfos } from './layers.ts';
import { filePath } from './paths.ts';
import { runEvents, workspaceRuns } from './runs.ts';
import { LEGEND, semanticTokens } from './semanticTokens.ts';
import { documentSymbols, foldingRanges } from './symbols.ts';
import { Training } from './training.ts';

const connection = createConnection(ProposedFeatures.all);
const store = new DocumentStore();
const config = new Configuration(connection);
const diagnostics = new DiagnosticsPublisher(connection, store);
const training = new Training(connection, store, config);
let canRefreshInlayHints = false;
/** Workspace folder paths, for the Runs view's workspace-wide listing. */
let roots: string[] = [];
let supportsWorkspaceFolders = false;

/**
 * Every handler runs through here: a bug in a feature is logged and answered with an empty result,
 * never thrown to the connection (intended ResponseErrors, like a refused rename, pass through).
 */
function guard<P, R>(name: string, fallback: R, handler: (params: P) => R | Promise<R>): (params: P) => Promise<R> {
  return async (params: P) => {
    try {
      return await handler(params);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      connection.console.error(`${name} failed: ${(error as Error).stack ?? String(error)}`);
      return fallback;
    }
  };
}

connection.onInitialize((params): InitializeResult => {
  config.supported = !!params.capabilities.workspace?.configuration;
  // A client that draws its own run progress (the VS Code extension) asks for no LSP progress.
  const options = params.initializationOptions as { clientRendersTrainingProgress?: boolean } | undefined;
  training.useWorkDoneProgress = !options?.clientRendersTrainingProgress;
  canRefreshInlayHints = !!params.capabilities.workspace?.inlayHint?.refreshSupport;
  supportsWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
  roots = fileFolders(params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', '='] },
      hoverProvider: true,
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      renameProvider: { prepareProvider: true },
      definitionProvider: true,
      semanticTokensProvider: { legend: LEGEND, full: true },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dropneuron-language-server', version: '0.1.0' },
  };
});

store.documents.onDidOpen((e) => diagnostics.schedule(e.document.uri, true));
store.documents.onDidChangeContent((e) => diagnostics.schedule(e.document.uri));
store.documents.onDidClose((e) => diagnostics.clear(e.document.uri));

const withDocument = <P extends { textDocument: { uri: string } }, R>(
  name: string,
  fallback: R,
  fn: (entry: NonNullable<ReturnType<DocumentStore['get']>>, params: P) => R | Promise<R>,
) =>
  guard<P, R>(name, fallback, (params) => {
    const entry = store.get(params.textDocument.uri);
    return entry ? fn(entry, params) : fallback;
  });

connection.onCompletion(withDocument('completion', [], ({ analysis }, p) => complete(analysis, p.position)));
connection.onHover(withDocument('hover', null, ({ analysis, document }, p) => hover(analysis, p.position, training.latestRun(document.uri))));
connection.languages.inlayHint.on(
  withDocument('inlayHints', [], async ({ analysis, document }, p) =>
    (await config.get(document.uri)).inlayHints.enabled ? inlayHints(analysis, p.range, training.latestRun(document.uri)) : [],
  ),
);
connection.onCodeAction(
  withDocument('codeActions', [], ({ analysis, document }, p) => codeActions(document.uri, analysis, p, training.latestRun(document.uri))),
);
connection.onDocumentFormatting(withDocument('formatting', [], ({ document }) => formatEdits(document.getText())));
connection.onDocumentRangeFormatting(withDocument('rangeFormatting', [], ({ document }, p) => formatEdits(document.getText(), p.range)));
connection.onDocumentSymbol(withDocument('symbols', [], ({ analysis }) => documentSymbols(analysis)));
connection.onFoldingRanges(withDocument('folding', [], ({ analysis }) => foldingRanges(analysis)));
connection.onPrepareRename(withDocument('prepareRename', null, ({ analysis }, p) => prepareRename(analysis, p.position)));
connection.onRenameRequest(withDocument('rename', null, ({ analysis, document }, p) => rename(document.uri, analysis, p.position, p.newName)));
connection.onDefinition(withDocument('definition', null, ({ analysis, document }, p) => definition(document.uri, analysis, p.position)));
connection.languages.semanticTokens.on(withDocument('semanticTokens', { data: [] }, ({ analysis }) => semanticTokens(analysis)));

connection.onRequest(
  TrainRequest,
  guard<TrainParams, TrainResult>('train', { started: false, reason: 'busy', message: 'the server could not start the trainer (see its log)' }, (p) =>
    training.train(p),
  ),
);
connection.onRequest(
  StopRequest,
  guard('stop', { stopped: false }, (p) => ({ stopped: training.stop(p.uri) })),
);
connection.onRequest(
  RunsRequest,
  guard('runs', [], (p) => (p.uri ? training.runs(p.uri) : workspaceRuns(roots))),
);
connection.onRequest(
  RunEventsRequest,
  guard('runEvents', [], (p) => runEvents(p.runDir)),
);
connection.onRequest(
  DeleteRunRequest,
  guard('deleteRun', { deleted: false, message: 'the server could not delete the run (see its log)' }, async (p) => {
    const result = await training.deleteRun(p.runDir);
    if (result.deleted && canRefreshInlayHints) void connection.languages.inlayHint.refresh();
    return result;
  }),
);
connection.onRequest(
  LayersRequest,
  guard('layers', [], (p) => {
    const entry = store.get(p.uri);
    return entry ? layerInfos(entry.analysis, training.latestRun(p.uri)) : [];
  }),
);
connection.onRequest(
  ShrinkRequest,
  guard<ShrinkParams, ShrinkResult>('shrink', { edits: [] }, (p) => {
    const entry = store.get(p.uri);
    if (!entry) return { edits: [] };
    const run = p.runDir ? readRun(p.runDir)?.result : training.latestRun(p.uri);
    return { edits: shrinkToRun(entry.analysis, run) };
  }),
);
connection.onRequest(
  BackendsRequest,
  guard('backends', { error: 'the server could not list the backends (see its log)' }, (p) => training.backends(p.uri)),
);
connection.onDidChangeConfiguration(() => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
});
training.onFinished = () => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
};
connection.onShutdown(() => training.stopAll());
connection.onInitialized(() => {
  // Folders added or removed later change what the Runs view lists.
  if (!supportsWorkspaceFolders) return;
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const removed = new Set(fileFolders(e.removed.map((f) => f.uri)));
    roots = [...roots.filter((r) => !removed.has(r)), ...fileFolders(e.added.map((f) => f.uri))];
  });
});

function fileFolders(uris: string[]): string[] {
  return uris.flatMap((u) => filePath(u) ?? []);
}

store.documents.listen(connection);
connection.listen();
