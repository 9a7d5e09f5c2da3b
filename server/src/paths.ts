import { URI } from 'vscode-uri';

/** The file-system path of a `file:` URI; undefined for any other scheme or a malformed URI. */
export function filePath(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}
