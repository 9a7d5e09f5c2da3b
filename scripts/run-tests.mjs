// Runs every test/**/*.test.ts with node's built-in runner (TypeScript through tsx).
// Node 20's --test does not expand globs itself, so the file list is collected here.
//
// Tests must remove what they create (test/helpers/tempDir.ts). The run gets a temporary folder of its own
// (TMPDIR for every test process and what they start), so that other runs on the machine cannot confuse the
// count: a `dnn-*` entry left in it after the run fails the run, with the list.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'e2e' || name === 'bench') continue;
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}
const files = collect('test').filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error(`expected test files under test/, found none${only.length ? ` matching ${only.join(', ')}` : ''}`);
  process.exit(1);
}

const systemTemp = tmpdir();
const runTemp = mkdtempSync(join(systemTemp, 'dnn-test-run-'));
// tsx keeps its compile cache in the temporary folder (tsx-<uid>): share the system one, or every run starts cold.
for (const name of readdirSync(systemTemp)) {
  if (/^tsx-/.test(name)) symlinkSync(join(systemTemp, name), join(runTemp, name));
}
const env = { ...process.env, TMPDIR: runTemp, TMP: runTemp, TEMP: runTemp };
// No --test-force-exit: with it a file's process could end while tests it registers as it runs were still to come
// (CI saw the error goldens stop after 80 of their cases, and the run pass). test/server/dataCheck.test.ts, which CI
// twice saw never exit after its tests, guards itself instead.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env });

const left = existsSync(runTemp) ? readdirSync(runTemp).filter((name) => name.startsWith('dnn-')) : [];
rmSync(runTemp, { recursive: true, force: true });
if (left.length) {
  console.error(
    `expected the tests to remove every temporary folder they made (tempDir() in test/helpers/tempDir.ts), found ${left.length} left:\n${left.map((n) => `  ${n}`).join('\n')}`,
  );
  process.exit(1);
}
process.exit(result.status ?? 1);
