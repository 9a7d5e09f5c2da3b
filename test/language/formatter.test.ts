import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { format, parse } from '../../language/index.ts';
import { meaning } from '../helpers/dump.ts';
import { dnnFiles, EXAMPLES, FIXTURES } from '../helpers/fixtures.ts';

const all = [...dnnFiles(EXAMPLES), ...dnnFiles(join(FIXTURES, 'parser', 'ok')), ...dnnFiles(join(FIXTURES, 'parser', 'err'))];

describe('formatter', () => {
  for (const file of all) {
    it(`${file.name}: idempotent and meaning-preserving`, () => {
      const first = format(file.text);
      if (!first.ok) {
        // Only files with syntax errors may be refused.
        assert.ok(parse(file.text).diagnostics.length > 0, `expected ${file.name} to format, found: ${first.reason}`);
        return;
      }
      const second = format(first.text);
      assert.ok(second.ok, `expected formatted text to format again, found: ${!second.ok && second.reason}`);
      assert.equal(second.text, first.text, 'format(format(x)) must equal format(x)');
      assert.deepEqual(meaning(parse(first.text).tree), meaning(parse(file.text).tree));
      assert.deepEqual(
        parse(first.text).tree.comments.map((c) => c.text.trimEnd()),
        parse(file.text).tree.comments.map((c) => c.text.trimEnd()),
        'comments kept in order',
      );
    });
  }

  it('examples are already formatted', () => {
    for (const file of dnnFiles(EXAMPLES)) {
      const result = format(file.text);
      assert.ok(result.ok && result.text === file.text, `expected examples/${file.name} to be formatted`);
    }
  });

  it('lays out a messy spec canonically', () => {
    const result = format(
      'model  x{\ndata mnist   # the data\n  input 784 # shape\n\n\n\n     dense fc1 30 relu keep_prob = 0.5\n  dense 10}\n# tail\nregularize{ dropneuron 0.0005\n}\n',
    );
    assert.ok(result.ok);
    assert.equal(
      result.text,
      'model x {\n  data mnist  # the data\n  input 784   # shape\n\n  dense fc1 30 relu keep_prob=0.5\n  dense 10\n}\n\n# tail\nregularize {\n  dropneuron 0.0005\n}\n',
    );
  });

  it('keeps CRLF line endings', () => {
    const result = format('model x {\r\n  data mnist\r\n  dense 10\r\n}\r\n');
    assert.ok(result.ok);
    assert.equal(result.text, 'model x {\r\n  data mnist\r\n  dense 10\r\n}\r\n');
  });

  it('refuses a file with syntax errors, naming the first one', () => {
    const result = format('model x {\n  dense 300relu\n}\n');
    assert.ok(!result.ok);
    assert.match(result.reason, /DNN101 on line 2/);
  });
});
