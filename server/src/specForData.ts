import { modelNameOf, tableSpec } from '../../language/index.ts';
import type { SpecForDataParams, SpecForDataResult } from '../../protocol/lsp.ts';
import { tableFacts } from '../../store/tableFacts.ts';

/** New Spec from Data File…: the user's CSV file read (store/tableFacts.ts), a spec written for it (language/tableSpec.ts). */
export function specForData(p: SpecForDataParams): SpecForDataResult {
  const facts = tableFacts(p.path, p.folder);
  if ('problem' in facts) return facts;
  return { text: tableSpec(facts), name: `${modelNameOf(facts.fileName)}.dnn` };
}
