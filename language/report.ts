import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Fix, type RelatedInformation } from './diagnostics.ts';
import type { LineMap, Span } from './syntax/positions.ts';

/** At most this many diagnostics are kept per document; the rest are counted and summed up in one DNN310. */
export const MAX_DIAGNOSTICS = 500;

export interface ReportExtras {
  fix?: Fix;
  related?: { message: string; at: Span }[];
}

export interface ReporterOptions {
  /** Keep at most this many diagnostics (errors before warnings); count the rest. Default: MAX_DIAGNOSTICS. */
  limit?: number;
  /** Lines whose diagnostics are not kept or counted: a line with a syntax error gets only that error. */
  quietLines?: ReadonlySet<number>;
}

/**
 * Collects diagnostics for one document, turning spans into ranges once, here. Bounded: past its limit it
 * keeps errors in place of warnings and infos, and only counts the rest, so a file of 100 000 mistakes costs
 * the memory of 500.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  /** Whether any error was reported, kept, omitted or on a quiet line. */
  hasErrors = false;
  /** Diagnostics reported past the limit and not kept. */
  omitted = 0;
  /** The earliest start among the omitted diagnostics. */
  firstOmitted: Span | undefined;
  /** Every line that got a diagnostic, kept or not. */
  readonly reportedLines = new Set<number>();
  private readonly limit: number;
  private readonly quietLines: ReadonlySet<number> | undefined;
  private nonErrorsKept = 0;
  /** Where to look (backwards) for the next kept warning or info to give up for an error. */
  private evictFrom = -1;

  constructor(
    readonly lines: LineMap,
    options: ReporterOptions = {},
  ) {
    this.limit = Math.max(0, options.limit ?? MAX_DIAGNOSTICS);
    this.quietLines = options.quietLines;
  }

  report(code: DiagnosticCode, at: Span, message: string, extras: ReportExtras = {}): void {
    const severity = DIAGNOSTIC_CODES[code].severity;
    if (severity === 'error') this.hasErrors = true;
    const span = { start: at.start, end: at.end };
    const start = this.lines.positionAt(span.start);
    if (this.quietLines?.has(start.line)) return;
    this.reportedLines.add(start.line);
    if (this.diagnostics.length >= this.limit && !this.evictFor(severity)) {
      this.omit(span);
      return;
    }
    const diagnostic: Diagnostic = { code, severity, message, span, range: { start, end: this.lines.positionAt(span.end) } };
    if (extras.fix) diagnostic.fix = extras.fix;
    if (extras.related?.length) {
      diagnostic.related = extras.related.map((r): RelatedInformation => ({
        message: r.message,
        span: { start: r.at.start, end: r.at.end },
        range: this.lines.rangeOf(r.at),
      }));
    }
    if (severity !== 'error') this.nonErrorsKept++;
    this.diagnostics.push(diagnostic);
  }

  /** Makes room for an error by omitting the latest kept warning or info; false when there is none to give up. */
  private evictFor(severity: Diagnostic['severity']): boolean {
    if (severity !== 'error' || this.nonErrorsKept === 0) return false;
    if (this.evictFrom < 0 || this.evictFrom >= this.diagnostics.length) this.evictFrom = this.diagnostics.length - 1;
    while (this.evictFrom >= 0 && this.diagnostics[this.evictFrom]!.severity === 'error') this.evictFrom--;
    if (this.evictFrom < 0) return false;
    const [evicted] = this.diagnostics.splice(this.evictFrom, 1);
    this.nonErrorsKept--;
    this.omit(evicted!.span);
    return true;
  }

  private omit(span: Span): void {
    this.omitted++;
    if (!this.firstOmitted || span.start < this.firstOmitted.start) this.firstOmitted = span;
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
