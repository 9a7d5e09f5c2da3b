import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyze, format, LineMap, type Range } from '../../language/index.ts';
import { fuzzCorpus } from '../helpers/corpus.ts';

const COUNT = 20_000;

function assertInside(range: Range, lines: LineMap, what: string): void {
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line < lines.lineCount, `${what}: line ${p.line} outside 0..${lines.lineCount - 1}`);
    const length = lines.lineEnd(p.line) - lines.lineStarts[p.line]!;
    assert.ok(p.character >= 0 && p.character <= length, `${what}: character ${p.character} outside line ${p.line} of length ${length}`);
  }
  assert.ok(
    range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character),
    `${what}: range ends before it starts`,
  );
}

it(`parse + check + format never throw and keep every range inside the document (${COUNT} inputs)`, () => {
  let index = 0;
  for (const text of fuzzCorpus(COUNT)) {
    try {
      const analysis = analyze(text);
      const lines = new LineMap(text);
      for (const d of analysis.diagnostics) {
        assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `${d.code} span outside the document`);
        assertInside(d.range, lines, d.code);
        for (const edit of d.fix?.edits ?? []) {
          assert.ok(edit.span.start >= 0 && edit.span.start <= edit.span.end && edit.span.end <= text.length, `${d.code} fix outside the document`);
          // Applying a fix must give text that still analyses without throwing.
          analyze(text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end));
        }
        for (const r of d.related ?? []) assertInside(r.range, lines, `${d.code} related`);
      }
      const formatted = format(text);
      if (formatted.ok) {
        const again = format(formatted.text);
        assert.ok(again.ok && again.text === formatted.text, 'formatting must be idempotent');
      }
    } catch (error) {
      throw new Error(`fuzz input #${index} failed: ${JSON.stringify(text)}\n${(error as Error).stack}`, { cause: error });
    }
    index++;
  }
});
