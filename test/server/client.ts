import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeParams,
  type MessageConnection,
  WorkDoneProgress,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers/cli.ts';

export interface Notification {
  method: string;
  params: unknown;
}

/**
 * A real LSP client connection to the built server (`node dist/server.js --stdio`), recording every
 * notification it receives and answering the server's own requests (progress creation, configuration).
 */
export class TestClient {
  readonly connection: ProtocolConnection;
  readonly notifications: Notification[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private waiters: { test: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  settings: unknown = null;

  /** `cwd`: the server's working folder (where a relative path in a request would lead). */
  constructor(options: { cwd?: string } = {}) {
    this.child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    (this.connection as unknown as MessageConnection).onNotification((method: string, params: unknown) => this.record({ method, params }));
    // jsonrpc routes $/progress to a handler per token rather than to the star handler.
    this.connection.onRequest('window/workDoneProgress/create', (params: { token: string | number }) => {
      this.connection.onProgress(WorkDoneProgress.type, params.token, (value) => this.record({ method: '$/progress', params: { token: params.token, value } }));
      return null;
    });
    this.connection.onRequest('workspace/configuration', () => [this.settings]);
    this.connection.onRequest('workspace/inlayHint/refresh', () => null);
    this.connection.listen();
  }

  private record(n: Notification): void {
    this.notifications.push(n);
    this.waiters = this.waiters.filter((w) => (w.test(n) ? (w.resolve(n), false) : true));
  }

  /** `configuration`: answer workspace/configuration with `settings`; `folders`: the workspace folders (paths). */
  async initialize(configuration = false, folders: string[] = []): Promise<void> {
    const params: InitializeParams = {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: folders.map((path) => ({ uri: pathToFileURL(path).toString(), name: basename(path) })),
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration, inlayHint: { refreshSupport: true } },
        textDocument: { hover: { contentFormat: ['markdown'] } },
      },
    };
    await this.connection.sendRequest(InitializeRequest.type, params);
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Resolves with the first notification (already received or future) that passes `test`. */
  waitFor(test: (n: Notification) => boolean, timeoutMs = 60_000): Promise<Notification> {
    const seen = this.notifications.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for a notification; got ${this.notifications.map((n) => n.method).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({ test, resolve: (n) => (clearTimeout(timer), resolve(n)) });
    });
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dnn', version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async close(): Promise<void> {
    // A server already gone never answers `shutdown`, and its pending request may never settle: wait for the
    // answer, the process's end or 5 s, whichever comes first, so that a test file's `after` cannot hang its run.
    const gone = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }

  get alive(): boolean {
    // A server ended by a signal (close() kills one that has not exited yet) has no exit code, only a signal.
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** Splits a fixture with a `|` cursor marker into its text and the cursor position. */
export function cursor(marked: string): { text: string; position: { line: number; character: number } } {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = marked.slice(0, at).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1]!.length } };
}
