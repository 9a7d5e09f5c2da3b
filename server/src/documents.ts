import { TextDocuments } from 'vscode-languageserver/node';
import { analyze, MAX_SPEC_LENGTH, type Analysis } from '../../language/index.ts';
import { SpecDocument } from './textDocument.ts';

/**
 * Open documents and their analysis. Each version is parsed and checked once, on first use, and the result is
 * shared by every feature (diagnostics, completion, hover, ...). Only the latest version's analysis is kept: an
 * edit drops the previous one at once, so a storm of edits keeps one text and at most one analysis per document
 * alive, and versions that were never asked for are never analysed.
 */
export class DocumentStore {
  readonly documents = new TextDocuments<SpecDocument>({
    create: (uri, languageId, version, content) => new SpecDocument(uri, languageId, version, content),
    update: (document, changes, version) => document.update(changes, version),
  });
  private readonly cache = new Map<string, { version: number; analysis: Analysis }>();

  constructor() {
    this.documents.onDidClose((e) => this.cache.delete(e.document.uri));
    this.documents.onDidChangeContent((e) => {
      if (this.cache.get(e.document.uri)?.version !== e.document.version) this.cache.delete(e.document.uri);
    });
  }

  get(uri: string): { document: SpecDocument; analysis: Analysis } | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return { document, analysis: cached.analysis };
    const analysis = analyze(document.getText());
    this.cache.set(uri, { version: document.version, analysis });
    return { document, analysis };
  }

  /** Whether the document's current version is analysed already (asking for it costs nothing). */
  isAnalysed(uri: string): boolean {
    const document = this.documents.get(uri);
    return !!document && this.cache.get(uri)?.version === document.version;
  }

  /** Whether the document is past the spec size limit: the language refuses it whole (DNN309), so every feature has nothing to say. */
  isTooLarge(uri: string): boolean {
    const document = this.documents.get(uri);
    return !!document && document.length > MAX_SPEC_LENGTH;
  }
}
