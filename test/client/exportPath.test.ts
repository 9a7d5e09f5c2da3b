import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { suggestedExportPath } from '../../client/src/exportPath.ts';
import { modelFormat } from '../../protocol/modelFormats.ts';

// Export's save dialog suggested the run's own compact/model.onnx, which the export then overwrote (issue 29).
describe('where Export Compact Model… suggests the file (client/src/exportPath.ts)', () => {
  const run = join('/w', 'specs', '.dropneuron', 'runs', 'lenet-300-100-20261206-101500');
  it('beside the spec, named after the model: a file format’s file, a folder format’s folder', () => {
    assert.equal(suggestedExportPath(run, modelFormat('onnx')), join('/w', 'specs', 'lenet-300-100-compact.onnx'));
    assert.equal(suggestedExportPath(`${run}-2`, modelFormat('onnx')), join('/w', 'specs', 'lenet-300-100-compact.onnx'));
    assert.equal(suggestedExportPath(run, modelFormat('tfjs')), join('/w', 'specs', 'lenet-300-100-compact-tfjs'));
  });
  it('a run folder elsewhere (--out): beside it, after its name; never inside the run', () => {
    const path = suggestedExportPath(join('/w', 'out', 'trial-3'), modelFormat('onnx'));
    assert.equal(path, join('/w', 'out', 'trial-3-compact.onnx'));
    assert.ok(!suggestedExportPath(run, modelFormat('onnx')).startsWith(run));
  });
});
