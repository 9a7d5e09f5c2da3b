import { format } from '../../language/index.ts';
import { tryReadSpecFile, writeAtomic } from '../../store/files.ts';

export interface FmtOptions {
  write?: boolean;
  check?: boolean;
}

/**
 * Prints the formatted file, or with --write rewrites it in place (atomically), or with --check
 * exits 1 when it is not formatted. Exit 2 for a file that cannot be read or parsed.
 */
export function runFmt(files: string[], options: FmtOptions, out: (text: string) => void, err: (line: string) => void): number {
  let status = 0;
  for (const file of files) {
    const read = tryReadSpecFile(file);
    if ('error' in read) {
      err(`dropneuron: ${read.error}`);
      status = 2;
      continue;
    }
    const text = read.text;
    const result = format(text);
    if (!result.ok) {
      err(`dropneuron: ${file}: cannot format: ${result.reason}`);
      status = 2;
      continue;
    }
    if (options.check) {
      if (result.text !== text) {
        err(`${file}: expected formatted text, found differences (run \`dropneuron fmt --write ${file}\`)`);
        status = Math.max(status, 1);
      }
    } else if (options.write) {
      if (result.text !== text) writeAtomic(file, result.text);
    } else {
      out(result.text);
    }
  }
  return status;
}
