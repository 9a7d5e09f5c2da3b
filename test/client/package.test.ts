import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../trainer/helpers.ts';

it('the .vsix installs a complete extension: manifest, bundles, grammar, and a trainer that runs from it', () => {
  const dir = tempDir('dnn-vsix-');
  const vsix = join(dir, 'dropneuron.vsix');
  const pack = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--out', vsix], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr + pack.stdout);
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, join(dir, 'x')], { encoding: 'utf8' });
  assert.equal(unzip.status, 0, unzip.stderr);
  const ext = join(dir, 'x', 'extension');
  const manifest = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8')) as {
    main: string;
    activationEvents: string[];
    contributes: { commands: { command: string }[] };
  };
  for (const file of [
    manifest.main,
    'dist/server.js',
    'dist/cli.js',
    'media/webview.js',
    'media/stats.css',
    'syntaxes/dnn.tmLanguage.json',
    'examples/lenet-300-100.dnn',
  ]) {
    assert.ok(existsSync(join(ext, file)), `expected ${file} in the .vsix`);
  }
  assert.ok(!manifest.activationEvents.includes('*'), 'no activation on startup');
  assert.ok(!existsSync(join(ext, 'node_modules', 'typescript')), 'no dev dependencies in the .vsix');
  const spec = join(dir, 'tiny.dnn');
  writeFileSync(
    spec,
    'model tiny {\n  data mnist limit=300\n  dense h 16 relu\n  dense out 10\n}\nregularize {\n  dropneuron 0.001\n}\ntrain {\n  epochs 1\n  batch 100\n}\n',
  );
  const train = spawnSync(process.execPath, [join(ext, 'bin', 'dropneuron.js'), 'train', spec, '--json', '--out', join(dir, 'run')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout.trim().split('\n').at(-1)!, /"type":"done"/);
});
