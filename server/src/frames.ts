import { Transform, type TransformCallback } from 'node:stream';

/** The largest message the server reads: a 2 MB spec is about 4 MB of JSON; nothing a client sends comes near. */
export const MAX_CONTENT_LENGTH = 64 * 1024 * 1024;
/** A frame's header block (`Content-Length: N\r\n` and perhaps `Content-Type: ...\r\n`) is a few dozen bytes. */
export const MAX_HEADER_LENGTH = 8 * 1024;

/**
 * Passes the client's byte stream through unchanged while following its LSP framing (`Content-Length: N`,
 * optional other headers, a blank line, N bytes of body), and calls `onCorrupt` once, passing nothing further on,
 * when the framing cannot be right: a header block without a terminator in 8 KB, a header line without `:`, no
 * `Content-Length`, one that is not a whole number, or one above MAX_CONTENT_LENGTH.
 *
 * Without it, vscode-jsonrpc's reader waits forever for the 99 999 999 999 bytes of `Content-Length: 99999999999`
 * (or loses its place after a header it rejects) and the server stops answering without exiting, so the
 * editor never restarts it. With it, the server exits and the client's restart policy takes over.
 */
export class FrameGuard extends Transform {
  /** Header text read so far (latin1: headers are ASCII). */
  private header = '';
  /** Body bytes still to come in the current frame. */
  private remaining = 0;
  private corrupt = false;

  constructor(private readonly onCorrupt: (reason: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.corrupt) return callback();
    const problem = this.follow(chunk);
    if (problem) {
      this.corrupt = true;
      this.onCorrupt(problem);
      return callback();
    }
    callback(null, chunk);
  }

  /** Advances the framing state over one chunk; returns what is wrong, if anything. */
  private follow(chunk: Buffer): string | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        this.remaining -= n;
        at += n;
        continue;
      }
      // Reading a header block: at most MAX_HEADER_LENGTH + its terminator, which may straddle chunks.
      const room = MAX_HEADER_LENGTH + 4 - this.header.length;
      const text = this.header + chunk.toString('latin1', at, Math.min(chunk.length, at + room));
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (text.length > MAX_HEADER_LENGTH)
          return `expected a header block under ${MAX_HEADER_LENGTH} bytes ending in a blank line, found ${text.length} bytes without one`;
        at += text.length - this.header.length;
        this.header = text;
        continue;
      }
      at += end + 4 - this.header.length;
      this.header = '';
      const length = contentLength(text.slice(0, end));
      if (typeof length === 'string') return length;
      this.remaining = length;
    }
    return undefined;
  }
}

/** The body length a header block declares, or what is wrong with it. */
function contentLength(block: string): number | string {
  let length: number | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `expected header lines of the form \`Name: value\`, found ${JSON.stringify(line.slice(0, 80))}`;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,16}$/.test(value)) return `expected a Content-Length of a whole number of bytes, found ${JSON.stringify(value.slice(0, 80))}`;
    length = Number(value);
    if (length > MAX_CONTENT_LENGTH) return `expected a Content-Length of at most ${MAX_CONTENT_LENGTH} bytes (64 MB), found ${value}`;
  }
  return length ?? `expected a Content-Length header, found ${JSON.stringify(block.slice(0, 80))}`;
}
