import { basename, dirname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, type Connection, type Disposable, type FileSystemWatcher } from 'vscode-languageserver/node';
import { filePath } from './paths.ts';

/**
 * Watches the data files that open specs read, the LSP way: the server asks the client to watch them (a dynamic
 * `workspace/didChangeWatchedFiles` registration) and hears `workspace/didChangeWatchedFiles` when one is created,
 * changed or deleted; `recheck` then publishes the diagnostics of every spec that reads it again. The registration
 * follows the open specs: it is replaced whenever the set of files they read changes, and holds one watcher per file.
 */
export class DataWatch {
  /** Which files each open spec reads. */
  private readonly reads = new Map<string, string[]>();
  private key = '';
  /** Registrations are made one after another, so that an older one never replaces a newer one. */
  private queue: Promise<Disposable | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly connection: Connection,
    /** Whether the client takes dynamic registrations of file watchers (`workspace.didChangeWatchedFiles.dynamicRegistration`). */
    private readonly canRegister: boolean,
    /** Whether it takes relative patterns (LSP 3.17); else each file is watched by a `**\/NAME` glob. */
    private readonly relativePatterns: boolean,
    private readonly recheck: (uri: string) => void,
  ) {}

  /** The files a spec reads now (none when it closes). */
  set(uri: string, paths: string[]): void {
    if (paths.length) this.reads.set(uri, paths);
    else this.reads.delete(uri);
    const all = [...new Set([...this.reads.values()].flat())].sort();
    const key = all.join('\n');
    if (key === this.key || !this.canRegister) return;
    this.key = key;
    this.queue = this.queue.then(async (previous) => {
      previous?.dispose();
      if (all.length === 0) return undefined;
      try {
        return await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: all.map((p) => this.watcher(p)) });
      } catch (error) {
        this.connection.console.warn(`could not ask the editor to watch the data files (${(error as Error).message}); they are checked again on each edit`);
        return undefined;
      }
    });
  }

  /** A `workspace/didChangeWatchedFiles` notification: every spec that reads one of the files is checked again. */
  changed(uris: readonly string[]): void {
    const paths = new Set(uris.flatMap((u) => filePath(u) ?? []));
    for (const [uri, reads] of this.reads) if (reads.some((p) => paths.has(p))) this.recheck(uri);
  }

  private watcher(path: string): FileSystemWatcher {
    if (!this.relativePatterns) return { globPattern: `**/${basename(path)}` };
    // The file's folder may not exist yet (`data/` not made): watch from the nearest folder a spec lives in when the
    // file is below it, so that the watch starts on a folder that exists.
    const base = [...this.reads.keys()]
      .flatMap((u) => filePath(u) ?? [])
      .map((spec) => dirname(spec))
      .find((dir) => !relative(dir, path).startsWith('..'));
    const from = base ?? dirname(path);
    return { globPattern: { baseUri: pathToFileURL(from).toString(), pattern: relative(from, path).split(sep).join('/') } };
  }
}
