import { dirname } from 'node:path';
import { format as formatLog } from 'node:util';
import {
  CancellationToken,
  CodeActionKind,
  CodeActionRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CompletionRequest,
  createConnection,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  InlayHintRequest,
  LSPErrorCodes,
  PrepareRenameRequest,
  ProposedFeatures,
  RenameRequest,
  ResponseError,
  SemanticTokensRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type CodeLensParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type DefinitionParams,
  type DocumentFormattingParams,
  type DocumentRangeFormattingParams,
  type Hover,
  type HoverParams,
  type InitializeResult,
  type InlayHint,
  type InlayHintParams,
  type Location,
  type PrepareRenameParams,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  ActiveRunsRequest,
  BackendsRequest,
  DeleteRunRequest,
  LayersRequest,
  PruneRequest,
  ExportModelRequest,
  type ExportModelParams,
  type ExportModelResult,
  RunEventsRequest,
  ResumeRequest,
  RunsRequest,
  ShrinkRequest,
  SweepPointRequest,
  SweepsRequest,
  StopRequest,
  TrainRequest,
  type BackendsParams,
  type DeleteRunParams,
  type DeleteRunResult,
  type LayersParams,
  type LiveRun,
  type PruneParams,
  type PruneReply,
  type ResumeParams,
  type RunEventsParams,
  type RunsParams,
  type ShrinkParams,
  type ShrinkResult,
  type SweepInfo,
  type SweepPointParams,
  type SweepPointResult,
  type SweepsParams,
  type StopParams,
  type TrainParams,
  type ThresholdCurveParams,
  type TrainResult,
  ThresholdCurveRequest,
  SpecForDataRequest,
  ImportModelRequest,
  type ImportModelParams,
  type ImportModelResult,
  type SpecForDataParams,
  type SpecForDataResult,
} from '../../protocol/lsp.ts';
import type { Analysis } from '../../language/index.ts';
import { listDataFolder } from '../../store/dataFiles.ts';
import { dataDiagnostics, type DataDiagnostic } from '../../store/dataDiagnostics.ts';
import { readRun } from '../../store/runFolder.ts';
import { backendsReport } from './backends.ts';
import { CliRunner } from './cliRunner.ts';
import { codeActions, shrinkToRun } from './codeActions.ts';
import { codeLenses } from './codeLens.ts';
import { complete, type ListFolder } from './completion.ts';
import { Configuration } from './config.ts';
import { definition } from './definition.ts';
import { DataWatch } from './dataWatch.ts';
import { DiagnosticsPublisher } from './diagnostics.ts';
import { DocumentStore } from './documents.ts';
import { formatEdits } from './formatting.ts';
import { FrameGuard } from './frames.ts';
import { hover } from './hover.ts';
import { inlayHints } from './inlayHints.ts';
import {
  codeActionParams,
  documentParams,
  optionalUriParams,
  positionParams,
  pruneParams,
  exportModelParams,
  rangeParams,
  renameParams,
  runDirParams,
  shrinkParams,
  specForDataParams,
  trainParams,
  uriParams,
  type ParamsCheck,
} from './params.ts';
import { exportRun } from './exportRun.ts';
import { readThresholdCurve } from '../../store/thresholdCurve.ts';
import { pruneRun } from './prune.ts';
import { prepareRename, rename } from './rename.ts';
import { layerInfos } from './layers.ts';
import { specForData } from './specForData.ts';
import { importModel, importModelParams } from './importModel.ts';
import { filePath } from './paths.ts';
import { runEvents, workspaceRuns } from './runs.ts';
import { specNotOpen, sweepPointEdits, sweepPointParams, sweepsParams, workspaceSweeps } from './sweeps.ts';
import { LEGEND, semanticTokens } from './semanticTokens.ts';
import { documentSymbols, foldingRanges } from './symbols.ts';
import { Training } from './training.ts';

let shutdownReceived = false;

/** Leaves with a line on stderr (the editor's output channel shows it), so that the client restarts the server. */
function exitCorrupt(reason: string): never {
  process.stderr.write(
    `dropneuron-language-server: the message stream from the client is corrupt (${reason}); exiting so that the client restarts the server\n`,
  );
  process.exit(1);
}

/**
 * Over stdio (how the editor starts it), the server reads its input through a FrameGuard, and a reader error
 * (a body that is not JSON) ends the process as well: a corrupt stream means exit, never a server that waits
 * forever and answers nothing. Other transports (--node-ipc, --socket, --pipe) keep vscode-languageserver's own setup.
 */
function createServerConnection(): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all);
  const input = process.stdin.pipe(new FrameGuard(exitCorrupt));
  const reader = new StreamMessageReader(input);
  reader.onError((error) => exitCorrupt(error.message));
  // What vscode-languageserver does for the stdio streams it opens itself: the client closing stdin ends the server.
  const end = (): never => process.exit(shutdownReceived ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  const created = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  // And its console patch: stdout carries the protocol, so anything printed with console goes to the client's log.
  const log = (...args: unknown[]): void => created.console.log(formatLog(...args));
  Object.assign(console, {
    log,
    info: log,
    debug: log,
    warn: (...args: unknown[]) => created.console.warn(formatLog(...args)),
    error: (...args: unknown[]) => created.console.error(formatLog(...args)),
  });
  return created;
}

const connection = createServerConnection();
const store = new DocumentStore();
const config = new Configuration(connection);
const diagnostics = new DiagnosticsPublisher(connection, store);
/** Workspace folder paths, for the Runs view's workspace-wide listing and which run folders are the editor's. */
let roots: string[] = [];
const cli = new CliRunner(config);
const training = new Training(connection, store, config, cli, () => roots);
let canRefreshInlayHints = false;
let canRefreshCodeLenses = false;
/** Watches the data files open specs read (set up once the client's capabilities are known). */
let dataWatch: DataWatch | undefined;
let supportsWorkspaceFolders = false;

const cancelled = (): ResponseError<void> => new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');

/** Lets pending messages in (a cancellation, newer edits) before or after long work. */
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Every handler runs through here. Params that fail their check are answered with the empty result and logged;
 * a request cancelled before it starts is answered as cancelled; a bug in a feature is logged and answered with
 * the empty result, never thrown to the connection (intended ResponseErrors, like a refused rename, pass through).
 */
function guard<P, R>(
  name: string,
  fallback: R,
  check: ParamsCheck,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
  /** The answer to params that fail `check`, where it can say what was wrong (default: `fallback`). */
  badParams: (problem: string) => R = () => fallback,
): (params: P, token?: CancellationToken) => Promise<R> {
  return async (params: P, token: CancellationToken = CancellationToken.None) => {
    const problem = check(params);
    if (problem) {
      connection.console.warn(`${name}: ${problem}; answered with an empty result`);
      return badParams(problem);
    }
    if (token.isCancellationRequested) throw cancelled();
    try {
      return await handler(params, token);
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
  canRefreshCodeLenses = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  const watching = params.capabilities.workspace?.didChangeWatchedFiles;
  dataWatch = new DataWatch(connection, !!watching?.dynamicRegistration, !!watching?.relativePatternSupport, (uri) => diagnostics.schedule(uri, true));
  supportsWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
  roots = fileFolders(params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      // `"` and `/` open a data path's list of files (the quote is closed by the editor as it is typed).
      completionProvider: { triggerCharacters: [' ', '=', '"', '/'] },
      hoverProvider: true,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
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
diagnostics.onDataPaths = (uri, paths) => dataWatch?.set(uri, paths);
connection.onDidChangeWatchedFiles((params) => dataWatch?.changed((params?.changes ?? []).map((c) => c.uri)));

/**
 * A document feature: its params checked, then the document's current analysis. A version not analysed yet
 * costs a parse and check of the whole text, so the handler first lets pending messages in (newer edits, whose
 * version is then the one analysed; a cancellation, which then ends the request), and again after the analysis.
 * A document past the size limit has nothing to offer: every feature answers its empty result.
 */
const withDocument = <P extends { textDocument: { uri: string } }, R>(
  name: string,
  fallback: R,
  check: ParamsCheck,
  fn: (entry: NonNullable<ReturnType<DocumentStore['get']>>, params: P, token: CancellationToken) => R | Promise<R>,
) =>
  guard<P, R>(name, fallback, check, async (params, token) => {
    const uri = params.textDocument.uri;
    if (store.isTooLarge(uri)) return fallback;
    const fresh = !store.isAnalysed(uri);
    if (fresh) {
      await yieldToMessages();
      if (token.isCancellationRequested) throw cancelled();
    }
    const entry = store.get(uri);
    if (!entry) return fallback;
    if (fresh) {
      await yieldToMessages();
      if (token.isCancellationRequested) throw cancelled();
    }
    return fn(entry, params, token);
  });

/** The folders a spec's data paths name, read from its own folder; none for a spec not saved as a file. */
function dataFolders(uri: string): ListFolder | undefined {
  const path = filePath(uri);
  return path === undefined ? undefined : (folder, hidden) => listDataFolder(dirname(path), folder, hidden);
}

/** The diagnostics of the data files a saved spec names, with their fixes; none where the check fails (the file system is outside the language's guarantee). */
function dataDiagnosticsOf(uri: string, analysis: Analysis): DataDiagnostic[] {
  const path = filePath(uri);
  if (path === undefined) return [];
  try {
    return dataDiagnostics(analysis, path);
  } catch (error) {
    connection.console.error(`checking the data files of ${uri} failed: ${(error as Error).stack ?? String(error)}`);
    return [];
  }
}

// The standard requests are registered by their RequestType rather than through connection.onHover & co: those
// wrappers read params.workDoneToken before any handler runs, so null params threw there, out of the guard's reach.
connection.onRequest(
  CompletionRequest.type,
  withDocument<CompletionParams, CompletionItem[]>('completion', [], positionParams, ({ analysis, document }, p) =>
    complete(analysis, p.position, dataFolders(document.uri)),
  ),
);
connection.onRequest(
  HoverRequest.type,
  withDocument<HoverParams, Hover | null>('hover', null, positionParams, ({ analysis, document }, p) =>
    hover(analysis, p.position, training.latestRun(document.uri), filePath(document.uri)),
  ),
);
connection.onRequest(
  InlayHintRequest.type,
  withDocument<InlayHintParams, InlayHint[]>('inlayHints', [], rangeParams, async ({ analysis, document }, p) =>
    (await config.get(document.uri)).inlayHints.enabled ? inlayHints(analysis, p.range, training.latestRun(document.uri)) : [],
  ),
);
connection.onRequest(
  CodeLensRequest.type,
  withDocument<CodeLensParams, CodeLens[]>('codeLens', [], documentParams, ({ analysis, document }) =>
    codeLenses(document.uri, analysis, training.latestRun(document.uri)),
  ),
);
connection.onRequest(
  CodeActionRequest.type,
  withDocument<CodeActionParams, CodeAction[]>('codeActions', [], codeActionParams, ({ analysis, document }, p) =>
    codeActions(document.uri, analysis, p, training.latestRun(document.uri), () => dataDiagnosticsOf(document.uri, analysis)),
  ),
);
connection.onRequest(
  DocumentFormattingRequest.type,
  withDocument<DocumentFormattingParams, TextEdit[]>('formatting', [], documentParams, ({ document }) => formatEdits(document.getText())),
);
connection.onRequest(
  DocumentRangeFormattingRequest.type,
  withDocument<DocumentRangeFormattingParams, TextEdit[]>('rangeFormatting', [], rangeParams, ({ document }, p) => formatEdits(document.getText(), p.range)),
);
connection.onRequest(
  DocumentSymbolRequest.type,
  withDocument('symbols', [], documentParams, ({ analysis }) => documentSymbols(analysis)),
);
connection.onRequest(
  FoldingRangeRequest.type,
  withDocument('folding', [], documentParams, ({ analysis }) => foldingRanges(analysis)),
);
connection.onRequest(
  PrepareRenameRequest.type,
  withDocument<PrepareRenameParams, ReturnType<typeof prepareRename>>('prepareRename', null, positionParams, ({ analysis }, p) =>
    prepareRename(analysis, p.position),
  ),
);
connection.onRequest(
  RenameRequest.type,
  withDocument<RenameParams, WorkspaceEdit | null>('rename', null, renameParams, ({ analysis, document }, p) =>
    rename(document.uri, analysis, p.position, p.newName),
  ),
);
connection.onRequest(
  DefinitionRequest.type,
  withDocument<DefinitionParams, Location | null>('definition', null, positionParams, ({ analysis, document }, p) =>
    definition(document.uri, analysis, p.position),
  ),
);
connection.onRequest(
  SemanticTokensRequest.type,
  withDocument('semanticTokens', { data: [] }, documentParams, ({ analysis }) => semanticTokens(analysis)),
);

/** Train and Resume answer malformed params by naming the problem, not as a busy server (issue 26). */
const paramsRefused = (problem: string): TrainResult => ({ started: false, reason: 'params', message: `The request was malformed: ${problem}.` });

connection.onRequest(
  TrainRequest,
  guard<TrainParams, TrainResult>(
    'train',
    { started: false, reason: 'busy', message: 'the server could not start the trainer (see its log)' },
    trainParams,
    (p) => training.train(p),
    paramsRefused,
  ),
);
connection.onRequest(
  StopRequest,
  guard<StopParams, { stopped: boolean }>('stop', { stopped: false }, uriParams, (p) => ({ stopped: training.stop(p.uri) })),
);
connection.onRequest(
  ActiveRunsRequest,
  guard<unknown, LiveRun[]>(
    'activeRuns',
    [],
    () => undefined,
    () => training.liveRuns(),
  ),
);
connection.onRequest(
  ResumeRequest,
  guard<ResumeParams, TrainResult>(
    'resume',
    { started: false, reason: 'busy', message: 'The server could not resume the run: Show Log has why.' },
    runDirParams,
    (p) => training.resume(p.runDir),
    paramsRefused,
  ),
);
connection.onRequest(
  RunsRequest,
  guard<RunsParams, ReturnType<typeof workspaceRuns>>('runs', [], optionalUriParams, (p) => (p.uri ? training.runs(p.uri) : workspaceRuns(roots))),
);
connection.onRequest(
  RunEventsRequest,
  guard<RunEventsParams, ReturnType<typeof runEvents>>('runEvents', [], runDirParams, (p) => runEvents(p.runDir)),
);
connection.onRequest(
  DeleteRunRequest,
  guard<DeleteRunParams, DeleteRunResult>(
    'deleteRun',
    { deleted: false, message: 'the server could not delete the run (see its log)' },
    runDirParams,
    async (p) => {
      const result = await training.deleteRun(p.runDir);
      if (result.deleted && canRefreshInlayHints) void connection.languages.inlayHint.refresh();
      if (result.deleted && canRefreshCodeLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
      return result;
    },
  ),
);
connection.onRequest(
  LayersRequest,
  guard<LayersParams, ReturnType<typeof layerInfos>>('layers', [], uriParams, (p) => {
    if (store.isTooLarge(p.uri)) return [];
    const entry = store.get(p.uri);
    return entry ? layerInfos(entry.analysis, training.latestRun(p.uri)) : [];
  }),
);
connection.onRequest(
  ShrinkRequest,
  guard<ShrinkParams, ShrinkResult>('shrink', { edits: [] }, shrinkParams, (p) => {
    if (store.isTooLarge(p.uri)) return { edits: [] };
    const entry = store.get(p.uri);
    if (!entry) return { edits: [] };
    const run = p.runDir ? readRun(p.runDir)?.result : training.latestRun(p.uri);
    const summary = run?.done?.summary;
    return { edits: shrinkToRun(entry.analysis, run), ...(summary ? { summary } : {}) };
  }),
);
connection.onRequest(
  SpecForDataRequest,
  guard<SpecForDataParams, SpecForDataResult>('specForData', { problem: 'the server could not read the file (see its log)' }, specForDataParams, (p) =>
    specForData(p),
  ),
);
connection.onRequest(
  ImportModelRequest,
  // In a child process with the trainer's Node: the importer is part of the trainer (server/src/importModel.ts).
  guard<ImportModelParams, ImportModelResult>('importModel', { problem: 'the server could not import the model (see its log)' }, importModelParams, (p) =>
    importModel(cli, p),
  ),
);
connection.onRequest(
  BackendsRequest,
  guard<BackendsParams, Awaited<ReturnType<typeof backendsReport>>>(
    'backends',
    { error: 'the server could not list the backends (see its log)' },
    optionalUriParams,
    (p) => backendsReport(cli, p.uri),
  ),
);
connection.onRequest(
  PruneRequest,
  // In a child process with the Node that runs the trainer, as training is (server/src/cliRunner.ts says why).
  guard<PruneParams, PruneReply>('prune', { error: 'the server could not prune the run (see its log)' }, pruneParams, (p) => pruneRun(cli, p)),
);
connection.onRequest(
  ExportModelRequest,
  guard<ExportModelParams, ExportModelResult>(
    'exportModel',
    { message: 'the server could not export the model (see its log)' },
    exportModelParams,
    // In a child process with the trainer's Node, as pruning is (server/src/exportRun.ts).
    (p) => exportRun(cli, p),
  ),
);
connection.onRequest(
  SweepsRequest,
  guard<SweepsParams, SweepInfo[]>('sweeps', [], sweepsParams, (p) => workspaceSweeps(roots, p.specPath)),
);
connection.onRequest(
  SweepPointRequest,
  guard<SweepPointParams, SweepPointResult>('sweepPoint', { edits: [], message: 'the server could not read the spec (see its log)' }, sweepPointParams, (p) => {
    if (store.isTooLarge(p.uri)) return { edits: [], message: 'The spec is too large to edit.' };
    const entry = store.get(p.uri);
    if (!entry) return specNotOpen(p.uri);
    // Sizes at another threshold than the run's own are measured as `dropneuron prune` measures them.
    return sweepPointEdits(entry.analysis, p, (runDir, threshold) => pruneRun(cli, { runDir, thresholds: threshold !== undefined ? [threshold] : [] }));
  }),
);
connection.onRequest(
  ThresholdCurveRequest,
  guard<ThresholdCurveParams, ReturnType<typeof readThresholdCurve>>('thresholdCurve', null, runDirParams, (p) => readThresholdCurve(p.runDir)),
);
connection.onDidChangeConfiguration(() => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
});
training.onFinished = () => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
  // The lens above the model says the latest run.
  if (canRefreshCodeLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
};
connection.onShutdown(() => {
  shutdownReceived = true;
  // Runs outlive the server (a window reload, a restart): the next server re-attaches to them.
  training.detach();
});
connection.onInitialized(() => {
  // Runs an earlier server started (before a window reload) that are still training.
  void training.reattach().catch((error: unknown) => connection.console.error(`re-attaching to runs failed: ${(error as Error).stack ?? String(error)}`));
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
