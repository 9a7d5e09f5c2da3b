/**
 * The extension API suite's entry point: VS Code's extension host loads this module (`--extensionTestsPath`)
 * and calls `run()`; a resolved promise is a pass, a rejected one a failure. Mocha's spec output goes to the
 * extension host's console and, line by line, to the file named by DROPNEURON_VSCODE_TEST_REPORT (the runner,
 * scripts/test-vscode.mjs, prints it: code-server's extension host has no terminal of its own).
 */
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const report = process.env['DROPNEURON_VSCODE_TEST_REPORT'];
  const write = (line: string): void => {
    console.log(line);
    if (report) appendFileSync(report, `${line}\n`);
  };
  // The spec reporter prints through Base.consoleLog.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => write(format(...args));
  // The runner's passes pick their tests by title: DROPNEURON_VSCODE_TEST_GREP, inverted by ..._INVERT=1.
  const grep = process.env['DROPNEURON_VSCODE_TEST_GREP'];
  const invert = process.env['DROPNEURON_VSCODE_TEST_INVERT'] === '1';
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, ...(grep ? { grep, invert } : {}) });
  const dir = join(__dirname, 'suite');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.suite.js'))
    .sort())
    mocha.addFile(join(dir, file));
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  write(`DROPNEURON_VSCODE_TEST_RESULT ${JSON.stringify({ failures })}`);
  if (failures > 0) throw new Error(`${failures} test${failures === 1 ? '' : 's'} failed`);
}
