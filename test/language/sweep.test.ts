import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver/node';
import { analyze, format } from '../../language/index.ts';
import { codeLenses, SWEEP_COMMAND } from '../../server/src/codeLens.ts';
import { complete } from '../../server/src/completion.ts';
import { hover } from '../../server/src/hover.ts';
import { cursor } from '../server/client.ts';

const MODEL = 'model m {\n  data mnist\n  input 784\n  dense fc1 30 relu\n  dense out 10\n}\n\n';

describe('the `sweep` block', () => {
  it('gives the checked model each setting’s values, in order, checked as in its own block', () => {
    const a = analyze(`${MODEL}sweep {\n  dropneuron 0.001 3e-3 0.01\n  threshold 0.005 0.01\n  optimizer adam sgd\n  batch 64\n}\n`);
    assert.deepEqual(
      a.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.deepEqual(
      a.model?.sweep?.map((s) => [s.name, s.values]),
      [
        ['dropneuron', [0.001, 0.003, 0.01]],
        ['threshold', [0.005, 0.01]],
        ['optimizer', ['adam', 'sgd']],
        ['batch', [64]],
      ],
    );
  });

  it('does not change what `train` trains: the spec’s own settings stay', () => {
    const a = analyze(`${MODEL}regularize {\n  dropneuron 0.002\n}\nsweep {\n  dropneuron 0.001 0.01\n}\n`);
    assert.equal(a.model?.regularize.dropneuron, 0.002);
  });

  it('keeps the valid values of a line with a bad one, and says which is bad', () => {
    const a = analyze(`${MODEL}sweep {\n  keep_prob 0.5 0 1\n}\n`);
    assert.deepEqual(a.model?.sweep?.[0]?.values, [0.5, 1]);
    assert.deepEqual(
      a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
      ['DNN211'],
    );
  });

  it('a spec without one has no sweep', () => {
    assert.equal(analyze(MODEL).model?.sweep, undefined);
  });

  it('formats like the other blocks and formats again to itself', () => {
    const formatted = format(`${MODEL}sweep{\n    dropneuron   0.001    0.003 # try these\n threshold 0.01\n}\n`);
    assert.ok(formatted.ok);
    assert.match(formatted.text, /\nsweep \{\n {2}dropneuron 0\.001 0\.003 {2}# try these\n {2}threshold 0\.01\n\}\n$/);
    assert.deepEqual(format(formatted.text), formatted);
  });

  it('completion offers the block, the settings not yet listed, and an enum’s other choices after each value', () => {
    const top = cursor(`${MODEL}|`);
    assert.ok(complete(analyze(top.text), top.position).some((i) => i.label === 'sweep'));
    const line = cursor(`${MODEL}sweep {\n  l1 0.1\n  |\n}\n`);
    const labels = complete(analyze(line.text), line.position).map((i) => i.label);
    assert.ok(labels.includes('dropneuron') && labels.includes('learning_rate') && labels.includes('threshold'), labels.join(' '));
    assert.ok(!labels.includes('l1'), 'l1 is already listed');
    const value = cursor(`${MODEL}sweep {\n  optimizer adam |\n}\n`);
    const choices = complete(analyze(value.text), value.position).map((i) => i.label);
    assert.ok(choices.includes('sgd') && !choices.includes('adam'), choices.join(' '));
  });

  it('hover explains the block, each setting and what a value in a sweep does', () => {
    const block = cursor(`${MODEL}sw|eep {\n  threshold 0.01\n}\n`);
    assert.match((hover(analyze(block.text), block.position, undefined)?.contents as MarkupContent).value, /trains every combination as its own run/);
    const threshold = cursor(`${MODEL}sweep {\n  thres|hold 0.01\n}\n`);
    assert.match((hover(analyze(threshold.text), threshold.position, undefined)?.contents as MarkupContent).value, /re-prunes every trained run/);
    const l1 = cursor(`${MODEL}sweep {\n  l|1 0.01\n}\n`);
    assert.match((hover(analyze(l1.text), l1.position, undefined)?.contents as MarkupContent).value, /L1 penalty[\s\S]*trains a run of its own/);
  });

  it('a CodeLens above the block starts the sweep, saying how many runs it trains', () => {
    const uri = 'file:///w/m.dnn';
    const text = `${MODEL}sweep {\n  dropneuron 0.001 0.003 0.01\n  optimizer adam sgd\n  threshold 0.01 0.02\n}\n`;
    const lens = codeLenses(uri, analyze(text), undefined).find((l) => l.command?.command === SWEEP_COMMAND);
    assert.equal(lens?.command?.title, 'Sweep with DropNeuron: 6 runs × 2 thresholds');
    assert.deepEqual(lens?.command?.arguments, [uri]);
    assert.equal(lens?.range.start.line, 7);
    assert.equal(codeLenses(uri, analyze(MODEL), undefined).filter((l) => l.command?.command === SWEEP_COMMAND).length, 0);
  });
});
