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
import { SpecDocument } from '../../server/src/textDocument.ts';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fuzzCases, random } from '../../scripts/fuzz.ts';

const COUNT = 5_000;

/**
 * Every feature handler at random positions over mutated documents: none may throw (the server's guard
 * would hide it, so this calls the handlers directly). A rename may refuse with a ResponseError.
 */
it(`every handler survives ${COUNT} mutated documents at random positions`, () => {
  const rand = random(7);
  const uri = 'file:///fuzz.dnn';
  let index = 0;
  for (const { text } of fuzzCases(COUNT, 11)) {
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

/**
 * The server's line-array document against vscode-languageserver-textdocument's, on random documents and random
 * incremental edits (mixed line breaks, breaks typed into breaks, reversed and out-of-range positions, whole
 * replacements): the same text, line count, offsets and positions after every edit.
 */
it('the line-array document matches TextDocument over 3 000 random edits', () => {
  const rand = random(23);
  const pieces = ['a', 'bc', ' ', '\n', '\r', '\r\n', '\n\n', '\r\r', 'dense 10\n', '', 'é😀'];
  const piece = (n: number): string => Array.from({ length: n }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
  const position = (lines: number): { line: number; character: number } => ({
    line: Math.floor(rand() * (lines + 2)) - (rand() < 0.05 ? 2 : 0),
    character: Math.floor(rand() * 8) - (rand() < 0.05 ? 3 : 0),
  });
  for (let doc = 0; doc < 100; doc++) {
    const text = piece(Math.floor(rand() * 30));
    let expected = text;
    const ours = new SpecDocument('file:///x.dnn', 'dnn', 1, text);
    for (let k = 0; k < 30; k++) {
      const change =
        rand() < 0.03
          ? { text: piece(Math.floor(rand() * 10)) }
          : { range: { start: position(ours.lineCount), end: position(ours.lineCount) }, text: piece(Math.floor(rand() * 4)) };
      // The oracle is a TextDocument made afresh from the text before each edit: one updated incrementally goes
      // wrong after an edit at positions past the end (it patches its line offsets with out-of-range line numbers).
      const theirs = TextDocument.create('file:///x.dnn', 'dnn', k + 1, expected);
      TextDocument.update(theirs, [change], k + 2);
      expected = theirs.getText();
      ours.update([change], k + 2);
      const where = `document ${doc}, edit ${k}: ${JSON.stringify(change)}`;
      assert.equal(ours.getText(), expected, where);
      const fresh = TextDocument.create('file:///x.dnn', 'dnn', 1, expected);
      assert.equal(ours.lineCount, fresh.lineCount, where);
      assert.equal(ours.length, fresh.getText().length, where);
      for (let q = 0; q < 5; q++) {
        const p = position(ours.lineCount);
        assert.equal(ours.offsetAt(p), fresh.offsetAt(p), `${where}; offsetAt ${JSON.stringify(p)}`);
        const offset = Math.floor(rand() * (ours.length + 3)) - 1;
        assert.deepEqual(ours.positionAt(offset), fresh.positionAt(offset), `${where}; positionAt ${offset}`);
        const line = Math.floor(rand() * (ours.lineCount + 2)) - 1;
        assert.deepEqual(ours.getLineRange(line), fresh.getLineRange(line), `${where}; getLineRange ${line}`);
        assert.equal(ours.getEOLCharacters(line), fresh.getEOLCharacters(line), `${where}; getEOLCharacters ${line}`);
      }
    }
  }
});
