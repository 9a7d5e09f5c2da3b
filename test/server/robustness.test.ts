import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { codeActions } from '../../server/src/codeActions.ts';
import { complete } from '../../server/src/completion.ts';
import { definition } from '../../server/src/definition.ts';
import { formatEdits } from '../../server/src/formatting.ts';
import { hover } from '../../server/src/hover.ts';
import { inlayHints } from '../../server/src/inlayHints.ts';
import { prepareRename, rename } from '../../server/src/rename.ts';
import { semanticTokens } from '../../server/src/semanticTokens.ts';
import { documentSymbols, foldingRanges } from '../../server/src/symbols.ts';
import { fuzzCorpus, random } from '../helpers/corpus.ts';

const COUNT = 5_000;

/**
 * Every feature handler at random positions over mutated documents: none may throw (the server's guard
 * would hide it, so this calls the handlers directly). A rename may refuse with a ResponseError.
 */
it(`every handler survives ${COUNT} mutated documents at random positions`, () => {
  const rand = random(7);
  const uri = 'file:///fuzz.dnn';
  let index = 0;
  for (const text of fuzzCorpus(COUNT, 11)) {
    const analysis = analyze(text);
    const lines = analysis.lines.lineCount;
    const run = undefined;
    try {
      for (let k = 0; k < 3; k++) {
        const line = Math.floor(rand() * (lines + 1));
        const position = { line, character: Math.floor(rand() * 120) };
        complete(analysis, position);
        hover(analysis, position, run);
        definition(uri, analysis, position);
        const prepared = prepareRename(analysis, position);
        if (prepared) rename(uri, analysis, position, 'renamed_layer');
        const range = { start: position, end: { line: line + 3, character: 0 } };
        codeActions(uri, analysis, { textDocument: { uri }, range, context: { diagnostics: [] } }, run);
        formatEdits(text, range);
      }
      inlayHints(analysis, { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, run);
      documentSymbols(analysis);
      foldingRanges(analysis);
      const tokens = semanticTokens(analysis).data;
      assert.equal(tokens.length % 5, 0);
    } catch (error) {
      throw new Error(`fuzz document #${index} failed: ${JSON.stringify(text)}\n${(error as Error).stack}`, { cause: error });
    }
    index++;
  }
});
