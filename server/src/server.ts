import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { codeActions } from './codeActions.ts';
import { complete } from './completion.ts';
import { Configuration } from './config.ts';
import { definition } from './definition.ts';
import { DiagnosticsPublisher } from './diagnostics.ts';
import { DocumentStore } from './documents.ts';
import { formatEdits } from './formatting.ts';
import { hover } from './hover.ts';
import { inlayHints } from './inlayHints.ts';
import { RunsRequest, StopRequest, TrainRequest, type RunsParams, type StopParams, type StopResult, type TrainParams, type TrainResult } from './protocol.ts';
import { prepareRename, rename } from './rename.ts';
import { LEGEND, semanticTokens } from './semanticTokens.ts';
import { documentSymbols, foldingRanges } from './symbols.ts';
import { Training } from './training.ts';

const connection = createConnection(ProposedFeatures.all);
const store = new DocumentStore();
const config = new Configuration(connection);
const diagnostics = new DiagnosticsPublisher(connection, store);
const training = new Training(connection, store, config);
let canRefreshInlayHints = false;

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
    },
    serverInfo: { name: 'dropneuron-language-server', version: '0.1.0' },
  };
});

store.documents.onDidOpen((e) => diagnostics.schedule(e.document.uri, true));
store.documents.onDidChangeContent((e) => diagnostics.schedule(e.document.uri));
store.documents.onDidClose((e) => diagnostics.clear(e.document.uri));

const withDocument = <P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, fn: (entry: NonNullable<ReturnType<DocumentStore['get']>>, params: P) => R | Promise<R>) =>
  guard<P, R>(name, fallback, (params) => {
    const entry = store.get(params.textDocument.uri);
    return entry ? fn(entry, params) : fallback;
  });

connection.onCompletion(withDocument('completion', [], ({ analysis }, p) => complete(analysis, p.position)));
connection.onHover(withDocument('hover', null, ({ analysis, document }, p) => hover(analysis, p.position, training.latestRun(document.uri))));
connection.languages.inlayHint.on(
  withDocument('inlayHints', [], async ({ analysis, document }, p) => ((await config.get(document.uri)).inlayHints.enabled ? inlayHints(analysis, p.range, training.latestRun(document.uri)) : [])),
);
connection.onCodeAction(withDocument('codeActions', [], ({ analysis, document }, p) => codeActions(document.uri, analysis, p, training.latestRun(document.uri))));
connection.onDocumentFormatting(withDocument('formatting', [], ({ document }) => formatEdits(document.getText())));
connection.onDocumentRangeFormatting(withDocument('rangeFormatting', [], ({ document }, p) => formatEdits(document.getText(), p.range)));
connection.onDocumentSymbol(withDocument('symbols', [], ({ analysis }) => documentSymbols(analysis)));
connection.onFoldingRanges(withDocument('folding', [], ({ analysis }) => foldingRanges(analysis)));
connection.onPrepareRename(withDocument('prepareRename', null, ({ analysis }, p) => prepareRename(analysis, p.position)));
connection.onRenameRequest(withDocument('rename', null, ({ analysis, document }, p) => rename(document.uri, analysis, p.position, p.newName)));
connection.onDefinition(withDocument('definition', null, ({ analysis, document }, p) => definition(document.uri, analysis, p.position)));
connection.languages.semanticTokens.on(withDocument('semanticTokens', { data: [] }, ({ analysis }) => semanticTokens(analysis)));

connection.onRequest(TrainRequest, guard<TrainParams, TrainResult>('train', { started: false, reason: 'busy', message: 'the server could not start the trainer (see its log)' }, (p) => training.train(p)));
connection.onRequest(StopRequest, guard<StopParams, StopResult>('stop', { stopped: false }, (p) => ({ stopped: training.stop(p.uri) })));
connection.onRequest(RunsRequest, guard('runs', [], (p: RunsParams) => training.runs(p.uri)));
connection.onDidChangeConfiguration(() => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
});
training.onFinished = () => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
};
connection.onShutdown(() => training.stopAll());

store.documents.listen(connection);
connection.listen();
