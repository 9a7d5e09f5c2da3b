import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

/**
 * The lines appended to a file since the last read: how the server follows a run folder's `events.jsonl` (a run
 * re-attached after a reload) and `trainer.log` (the trainer's stderr). Polled, not watched: file watching
 * differs by platform and file system, and a run's events come seconds apart. A line is returned once it is
 * complete; a file that shrank (rewritten) is read again from its start.
 */
export class FileTail {
  private partial = '';

  constructor(
    readonly path: string,
    private offset = 0,
  ) {}

  /** Follows `path` from its current end: only lines appended from now on. */
  static fromEnd(path: string): FileTail {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      // Not there yet: every line it gets is new.
    }
    return new FileTail(path, size);
  }

  read(): string[] {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return [];
    }
    if (size < this.offset) {
      this.offset = 0;
      this.partial = '';
    }
    if (size === this.offset) return [];
    const buffer = Buffer.alloc(size - this.offset);
    const fd = openSync(this.path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const lines = (this.partial + buffer.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter((l) => l.trim());
  }
}

/** The last `count` lines of a text file ('' when it cannot be read). */
export function lastLines(path: string, count: number): string {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .slice(-count)
      .join('\n');
  } catch {
    return '';
  }
}
