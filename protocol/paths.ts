/**
 * Whether the absolute path `child` lies strictly inside the absolute folder `parent`, on the strings alone (both
 * already resolved: the callers pass real paths, so a link cannot lead out). '/' and '\' both separate; a drive
 * letter's case does not count. Pure, so that the file store and the extension, which may not share a room, check
 * containment the same way.
 */
export function isWithin(child: string, parent: string): boolean {
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const windows = /^[a-zA-Z]:/.test(parent);
  const [c, p] = windows ? [norm(child).toLowerCase(), norm(parent).toLowerCase()] : [norm(child), norm(parent)];
  return c.startsWith(`${p}/`) && c.length > p.length + 1;
}
