import { DiagnosticSeverity, DiagnosticTag, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { Diagnostic as DnnDiagnostic } from '../../language/index.ts';
import { dataDiagnostics, dataPaths } from '../../store/dataDiagnostics.ts';
import { codeHref } from './codeDocs.ts';
import type { DocumentStore } from './documents.ts';
import { filePath } from './paths.ts';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toLspDiagnostic(uri: string, d: DnnDiagnostic): Diagnostic {
  const diagnostic: Diagnostic = {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: codeHref(d.code) },
    source: 'dropneuron',
    message: d.message,
  };
  if (d.code === 'DNN221') diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (d.related) diagnostic.relatedInformation = d.related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
  return diagnostic;
}

/**
 * Publishes each document's diagnostics shortly after its last change, debounced per document: a storm of edits
 * is analysed once, for its last version, not once per edit. Clears them on close. The language keeps at most
 * 500 diagnostics per document and sums up the rest in one. A spec saved as a file also gets its data files
 * checked (DNN311, dataCheck.ts); `onDataPaths` hears which files each document reads, so that they can be watched.
 */
export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  onDataPaths: (uri: string, paths: string[]) => void = () => {};

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly delayMs = 150,
  ) {}

  schedule(uri: string, immediately = false): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    const publish = (): void => {
      this.timers.delete(uri);
      const entry = this.store.get(uri);
      if (!entry) return;
      const path = filePath(uri);
      let fromFiles: DnnDiagnostic[] = [];
      try {
        fromFiles = path ? dataDiagnostics(entry.analysis, path) : [];
        this.onDataPaths(uri, path ? dataPaths(entry.analysis, path) : []);
      } catch (error) {
        // The file system is outside the language's guarantee: a check that fails costs its diagnostics, not the server.
        this.connection.console.error(`checking the data files of ${uri} failed: ${(error as Error).stack ?? String(error)}`);
      }
      void this.connection.sendDiagnostics({
        uri,
        version: entry.document.version,
        diagnostics: [...entry.analysis.diagnostics, ...fromFiles].map((d) => toLspDiagnostic(uri, d)),
      });
    };
    if (immediately) publish();
    else this.timers.set(uri, setTimeout(publish, this.delayMs));
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.onDataPaths(uri, []);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}
