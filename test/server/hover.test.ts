import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { analyze } from '../../language/index.ts';
import { hover } from '../../server/src/hover.ts';
import { dnnFiles, FIXTURES } from '../helpers/fixtures.ts';
import { assertGolden } from '../helpers/golden.ts';
import { cursor } from './client.ts';

/** `null`, or the hovered range (line:character, zero-based) and the markdown shown. */
function dumpHover(result: Hover | null): string {
  if (!result) return 'null';
  const r = result.range;
  const at = r ? `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}` : 'no range';
  return `range ${at}\n\n${(result.contents as MarkupContent).value}`;
}

describe('hover fixtures (test/fixtures/hover, golden)', () => {
  for (const file of dnnFiles(join(FIXTURES, 'hover'))) {
    it(file.name, () => {
      const { text, position } = cursor(file.text);
      assertGolden(file.path.replace(/\.dnn$/, '.golden'), dumpHover(hover(analyze(text), position, undefined)));
    });
  }
});
