// Apart from connection.ts, which loads ioredis: the sweep command shows the address without loading the queue.

/** A `--queue` URL as logs and displays may show it: without its password. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
