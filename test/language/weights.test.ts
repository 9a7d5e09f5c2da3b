import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, format } from '../../language/index.ts';

const spec = (line: string): string => `model m {
  data mnist
${line}
  dense out 10
}
`;

describe('the `weights` statement', () => {
  it('puts the path, as written, into the checked model; a spec without one has none', () => {
    const analysis = analyze(spec('  weights "imported/m.safetensors"'));
    assert.deepEqual(
      analysis.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(analysis.model?.weights, 'imported/m.safetensors');
    assert.equal(analyze(spec('')).model?.weights, undefined);
  });

  it('is a statement of its own: no unknown-statement error, and the formatter keeps it as written', () => {
    const text = spec('  weights    "m.safetensors"');
    // DNN220 (no penalty) is about the spec's blocks, not this line.
    assert.deepEqual(
      analyze(text)
        .diagnostics.map((d) => d.code)
        .filter((c) => c !== 'DNN220'),
      [],
    );
    const formatted = format(text);
    assert.ok(formatted.ok);
    assert.match(formatted.text, /^ {2}weights "m\.safetensors"$/m);
  });

  it('leaves a bad path out of the model: unquoted, empty, twice (the first counts)', () => {
    assert.equal(analyze(spec('  weights model')).model?.weights, undefined);
    assert.equal(analyze(spec('  weights ""')).model?.weights, undefined);
    assert.equal(analyze(spec('  weights "a.safetensors"\n  weights "b.safetensors"')).model?.weights, 'a.safetensors');
  });
});
