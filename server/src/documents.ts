import { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../../language/index.ts';

/**
 * Open documents and their analysis. Each version is parsed and checked once, on first use, and the
 * result is shared by every feature (diagnostics, completion, hover, ...).
 */
export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly cache = new Map<string, { version: number; analysis: Analysis }>();

  constructor() {
    this.documents.onDidClose((e) => this.cache.delete(e.document.uri));
  }

  get(uri: string): { document: TextDocument; analysis: Analysis } | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return { document, analysis: cached.analysis };
    const analysis = analyze(document.getText());
    this.cache.set(uri, { version: document.version, analysis });
    return { document, analysis };
  }
}
