import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { URI } from 'vscode-uri';
import type { Location, Position } from 'vscode-languageserver/node';
import type { Analysis } from '../../language/index.ts';
import { locate } from './locate.ts';

/** Go to definition: a data file path opens that file; a layer name goes to its declaration. */
export function definition(uri: string, analysis: Analysis, position: Position): Location | null {
  const where = locate(analysis, position);
  const token = where.token;
  if (!token) return null;
  if (token.kind === 'string' && where.statement?.head.text === 'data') {
    const base = URI.parse(uri);
    if (base.scheme !== 'file') return null;
    const path = token.content ?? '';
    const file = isAbsolute(path) ? path : resolve(dirname(base.fsPath), path);
    return existsSync(file) ? { uri: URI.file(file).toString(), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : null;
  }
  if (where.layer?.nameToken === token) return { uri, range: token.range };
  return null;
}
