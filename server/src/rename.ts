import { ResponseError, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { Analysis, Token } from '../../language/index.ts';
import { layerIndex, locate } from './locate.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The name under the cursor that can be renamed: a layer's name or the model's name. */
function nameAt(analysis: Analysis, position: Position): { token: Token; taken: (name: string) => boolean } | undefined {
  const where = locate(analysis, position);
  const model = analysis.model;
  if (!where.token || !model) return undefined;
  if (where.layer?.nameToken === where.token) {
    const byName = layerIndex(analysis).byName;
    return { token: where.token, taken: (name) => (byName.get(name) ?? []).some((l) => l !== where.layer) };
  }
  if (model.block.header[0] === where.token) return { token: where.token, taken: () => false };
  return undefined;
}

export function prepareRename(analysis: Analysis, position: Position): { range: Range; placeholder: string } | null {
  const found = nameAt(analysis, position);
  return found ? { range: found.token.range, placeholder: found.token.text } : null;
}

/**
 * Renames a layer (or the model). In v1 nothing else in a spec refers to a layer by name, so the edit is the
 * name itself; the new name must be a valid, unused name.
 */
export function rename(uri: string, analysis: Analysis, position: Position, newName: string): WorkspaceEdit {
  const found = nameAt(analysis, position);
  if (!found) throw new ResponseError(-32803, 'expected a layer or model name under the cursor, found none');
  if (!NAME.test(newName)) throw new ResponseError(-32803, `expected a name of letters, digits, - and _, found ${JSON.stringify(newName)}`);
  if (found.taken(newName)) throw new ResponseError(-32803, `expected a new layer name, found \`${newName}\`, which another layer has`);
  return { changes: { [uri]: [{ range: found.token.range, newText: newName }] } };
}
