import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { dataDiagnostics, dataPaths } from '../../store/dataDiagnostics.ts';
import { tempDir } from '../helpers/tempDir.ts';

// A spec's `weights` file in the editor and `dropneuron check`: DNN313 where it does not fit (issue 30).

/** A safetensors file of zeros: an 8-byte header length, the JSON header, the float32 data. */
function safetensors(path: string, tensors: Record<string, number[]>): void {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, Buffer.alloc(offset)]));
}

const SPEC =
  'model m {\n  data mnist limit=100\n  input 784\n  weights "start.safetensors"\n  dense h 4 relu\n  dense out 10\n}\nregularize {\n  l1 0.001\n}\n';

describe('the weights file’s diagnostics (DNN313)', () => {
  it('a missing file on its path; a tensor of another shape on its layer; a file that fits, nothing; the file is watched', () => {
    const dir = tempDir();
    const spec = join(dir, 'm.dnn');
    const check = () => dataDiagnostics(analyze(SPEC), spec).map((d) => [d.code, d.range.start.line, d.message.replace(dir, 'DIR')]);
    const [missing] = check();
    assert.deepEqual(missing!.slice(0, 2), ['DNN313', 3]);
    assert.match(String(missing![2]), /start\.safetensors: expected the spec's weights file, found no file there/);
    safetensors(join(dir, 'start.safetensors'), { 'h.weight': [4, 784], 'h.bias': [4], 'out.weight': [10, 5], 'out.bias': [10] });
    const [shape, ...rest] = check();
    assert.equal(rest.length, 0);
    assert.deepEqual(shape!.slice(0, 2), ['DNN313', 5], 'on the `out` layer');
    assert.match(String(shape![2]), /out\.weight/);
    safetensors(join(dir, 'start.safetensors'), { 'h.weight': [4, 784], 'h.bias': [4], 'out.weight': [10, 4], 'out.bias': [10] });
    assert.deepEqual(check(), []);
    assert.ok(dataPaths(analyze(SPEC), spec).includes(join(dir, 'start.safetensors')), 'an edited weights file is checked again');
  });
});
