import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Fix, type RelatedInformation } from './diagnostics.ts';
import type { LineMap, Span } from './syntax/positions.ts';

export interface ReportExtras {
  fix?: Fix;
  related?: { message: string; at: Span }[];
}

/** Collects diagnostics for one document, turning spans into ranges once, here. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly lines: LineMap) {}

  report(code: DiagnosticCode, at: Span, message: string, extras: ReportExtras = {}): Diagnostic {
    const span = { start: at.start, end: at.end };
    const diagnostic: Diagnostic = {
      code,
      severity: DIAGNOSTIC_CODES[code].severity,
      message,
      span,
      range: this.lines.rangeOf(span),
    };
    if (extras.fix) diagnostic.fix = extras.fix;
    if (extras.related?.length) {
      diagnostic.related = extras.related.map((r): RelatedInformation => ({
        message: r.message,
        span: { start: r.at.start, end: r.at.end },
        range: this.lines.rangeOf(r.at),
      }));
    }
    this.diagnostics.push(diagnostic);
    return diagnostic;
  }

  /** A fix that replaces one span with new text. */
  replace(title: string, at: Span, newText: string): Fix {
    const span = { start: at.start, end: at.end };
    return { title, edits: [{ span, range: this.lines.rangeOf(span), newText }] };
  }

  /** A fix that deletes whole lines [fromLine, toLine] including the final line break. */
  deleteLines(title: string, fromLine: number, toLine: number): Fix {
    const start = this.lines.lineStarts[fromLine] ?? this.lines.text.length;
    const end = this.lines.lineStarts[toLine + 1] ?? this.lines.text.length;
    return this.replace(title, { start, end }, '');
  }
}
