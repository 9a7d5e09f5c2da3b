import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { dropneuron } from '../helpers/cli.ts';
import { dnnFiles, EXAMPLES } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/tempDir.ts';

let dir: string;
before(() => {
  dir = tempDir('dnn-cli-');
});

describe('the language commands start fast', () => {
  // TensorFlow.js took 0.12 s of every `check` before the CLI loaded the trainer only for `train`.
  const counted = ['--require', join(import.meta.dirname, '..', 'helpers', 'count-tfjs.cjs')];
  for (const command of ['check', 'fmt']) {
    it(`\`${command}\` loads no TensorFlow.js module`, () => {
      const r = dropneuron([command, join(EXAMPLES, 'lenet-300-100.dnn')], { nodeArgs: counted });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /tensorflow modules loaded: 0\n/);
    });
  }

  it('`train` loads TensorFlow.js (the count above can see it)', () => {
    const r = dropneuron(['train', join(dir, 'missing.dnn')], { nodeArgs: counted });
    assert.match(r.stderr, /tensorflow modules loaded: [1-9]/);
  });
});

describe('dropneuron check', () => {
  it('exits 0 on every example and prints nothing but the DNN224 information where the seed’s dropout is kept', () => {
    const r = dropneuron(['check', ...dnnFiles(EXAMPLES).map((f) => f.path)]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    for (const line of lines) assert.match(line, /alexnet\.dnn:\d+:\d+: info DNN224 /);
  });

  it('prints file:line:col: severity CODE message and exits 1 on errors', () => {
    const file = join(dir, 'bad.dnn');
    writeFileSync(file, 'model m {\n  data mnist\n  dense fc1 300 reluu\n  dense out 10\n}\n');
    const r = dropneuron(['check', file]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stdout.trim(),
      `${file}:3:17: error DNN201 expected an activation (\`linear\`, \`relu\`, \`tanh\`, \`sigmoid\`, \`softmax\`, \`elu\` or \`softplus\`), found \`reluu\`; did you mean \`relu\`?`,
    );
  });

  it('exits 0 with warnings only', () => {
    const file = join(dir, 'warn.dnn');
    writeFileSync(file, 'model m {\n  data mnist\n  dense out 10 softmax\n}\nregularize {\n  l1 0.001\n}\n');
    const r = dropneuron(['check', file]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /warning DNN308/);
  });

  it('agrees with the editor on the data files: missing and truncated ones are DNN311 errors, exit 1 (it exited 0)', () => {
    const file = join(dir, 'files.dnn');
    writeFileSync(join(dir, 'short.idx'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 9, 1, 2]));
    writeFileSync(file, 'model m {\n  data idx "missing.idx" "short.idx"\n  input 4\n  dense out 10\n}\n');
    const r = dropneuron(['check', file]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.includes(' DNN311 '));
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0]!, /files\.dnn:2:12: error DNN311 .*missing\.idx/);
    assert.match(lines[1]!, /files\.dnn:2:26: error DNN311 .*short\.idx/);
  });

  it('--json prints machine-readable diagnostics', () => {
    const file = join(dir, 'bad-json.dnn');
    writeFileSync(file, 'model m {\n  data mnst\n  dense out 10\n}\n');
    const r = dropneuron(['check', '--json', file]);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string }[] }[];
    assert.deepEqual(
      report[0]!.diagnostics.map((d) => d.code),
      ['DNN202'],
    );
  });

  const badFiles: [string, () => string, RegExp][] = [
    ['a missing file', () => join(dir, 'nope.dnn'), /expected a \.dnn file, found no such file/],
    ['a directory', () => dir, /expected a \.dnn file, found a directory/],
    [
      'a binary file',
      () => (writeFileSync(join(dir, 'bin.dnn'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3])), join(dir, 'bin.dnn')),
      /found a binary file/,
    ],
    ['a file that is not UTF-8', () => (writeFileSync(join(dir, 'latin1.dnn'), Buffer.from([0x6d, 0xe9, 0xe9, 0x0a])), join(dir, 'latin1.dnn')), /not UTF-8/],
    ['a 10 MB file', () => (writeFileSync(join(dir, 'big.dnn'), 'x'.repeat(10 * 1024 * 1024)), join(dir, 'big.dnn')), /under 1 MB, found 10\.0 MB/],
  ];
  for (const [what, make, message] of badFiles) {
    it(`${what}: one clear line, non-zero exit, no stack trace`, () => {
      const r = dropneuron(['check', make()]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }

  it('an unknown command or option is a usage error, not a crash', () => {
    const r = dropneuron(['chekc', 'x.dnn']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command/);
  });
});

describe('dropneuron fmt', () => {
  const messy = 'model  x{\ndata mnist\n  dense 10}\nregularize{ l1 0.001\n}\n';
  const tidy = 'model x {\n  data mnist\n  dense 10\n}\n\nregularize {\n  l1 0.001\n}\n';

  it('prints the formatted text', () => {
    const file = join(dir, 'fmt-print.dnn');
    writeFileSync(file, messy);
    const r = dropneuron(['fmt', file]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, tidy);
  });

  it('--check exits 1 on unformatted text, 0 on formatted', () => {
    const file = join(dir, 'fmt-check.dnn');
    writeFileSync(file, messy);
    assert.equal(dropneuron(['fmt', '--check', file]).status, 1);
    writeFileSync(file, tidy);
    assert.equal(dropneuron(['fmt', '--check', file]).status, 0);
  });

  it('--write rewrites in place', () => {
    const file = join(dir, 'fmt-write.dnn');
    writeFileSync(file, messy);
    assert.equal(dropneuron(['fmt', '--write', file]).status, 0);
    assert.equal(readFileSync(file, 'utf8'), tidy);
  });

  it('refuses a file with syntax errors and leaves it untouched', () => {
    const file = join(dir, 'fmt-broken.dnn');
    writeFileSync(file, 'model x {\n  dense 300relu\n}\n');
    const r = dropneuron(['fmt', '--write', file]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot format: expected a file without syntax errors, found DNN101/);
    assert.equal(readFileSync(file, 'utf8'), 'model x {\n  dense 300relu\n}\n');
  });
});
