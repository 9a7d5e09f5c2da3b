import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

export function dnnFiles(dir: string): { name: string; path: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dnn'))
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}
