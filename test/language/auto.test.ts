import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompletionItemKind, type MarkupContent } from 'vscode-languageserver/node';
import { analyze, format } from '../../language/index.ts';
import { expandTrials } from '../../cli/sweep/expand.ts';
import { complete } from '../../server/src/completion.ts';
import { hover } from '../../server/src/hover.ts';
import { cursor } from '../server/client.ts';

const MODEL = 'model m {\n  data mnist\n  input 784\n  dense fc1 30 relu\n  dense out 10\n}\n\n';

/** A snippet's text as the editor inserts it with every tab stop left at its default. */
function expandSnippet(snippet: string): string {
  return snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1');
}

describe('`dropneuron auto` and the settings it uses', () => {
  it('checks into regularize.auto with dropneuron 1, the unit a layer’s dropneuron= weighs', () => {
    const a = analyze(`${MODEL.replace('dense fc1 30 relu', 'dense fc1 30 relu dropneuron=0.5')}regularize {\n  dropneuron auto\n}\n`);
    assert.deepEqual(a.diagnostics, []);
    const m = a.model!;
    assert.deepEqual([m.regularize.auto, m.regularize.dropneuron], [true, 1]);
    assert.deepEqual(
      m.layers.map((l) => l.reg.dropneuron),
      [0.5, 1],
    );
    // A λ is a λ: auto is off.
    const fixed = analyze(`${MODEL}regularize {\n  dropneuron 0.003\n}\n`).model!;
    assert.deepEqual([fixed.regularize.auto, fixed.regularize.dropneuron], [false, 0.003]);
  });

  it('inputs_weight, group_scale and validation reach the checked model, with their defaults when unwritten', () => {
    const m = analyze(`${MODEL}regularize {\n  dropneuron auto\n  inputs_weight 4\n  group_scale sqrt\n}\ntrain {\n  validation 0.1\n}\n`).model!;
    assert.deepEqual([m.regularize.inputsWeight, m.regularize.groupScale, m.train.validation], [4, 'sqrt', 0.1]);
    const plain = analyze(MODEL).model!;
    assert.deepEqual([plain.regularize.inputsWeight, plain.regularize.groupScale, plain.train.validation, plain.regularize.auto], [1, 'none', 0, false]);
  });

  it('auto is a penalty (no DNN220) and DNN224 names it', () => {
    const auto = analyze(`${MODEL}regularize {\n  dropneuron auto\n  keep_prob 0.5\n}\n`);
    assert.deepEqual(
      auto.diagnostics.map((d) => d.code),
      ['DNN224'],
    );
    assert.match(auto.diagnostics[0]!.message, /with DropNeuron \(λ auto\)/);
    assert.ok(analyze(MODEL).diagnostics.some((d) => d.code === 'DNN220'));
  });

  it('a sweep tries auto beside fixed λs, each trial with its own overrides', () => {
    const m = analyze(`${MODEL}sweep {\n  dropneuron 0.001 auto\n}\n`).model!;
    assert.deepEqual(m.sweep?.[0]?.values, [0.001, 'auto']);
    const trials = expandTrials('/w/m.dnn', [{ name: 'dropneuron', values: m.sweep![0]!.values }], {});
    assert.deepEqual(
      trials.map((t) => [t.id, t.overrides]),
      [
        ['dropneuron=0.001', { regularize: { dropneuron: 0.001 } }],
        ['dropneuron=auto', { regularize: { dropneuron: 'auto' } }],
      ],
    );
    assert.equal(analyze(MODEL, trials[1]!.overrides).model?.regularize.auto, true);
  });

  it('the formatter keeps `auto` and the new settings as written', () => {
    const text = `${MODEL}regularize{\n    dropneuron    auto\n  inputs_weight 2\n group_scale sqrt\n}\ntrain {\n validation   5000\n}\n`;
    const formatted = format(text);
    assert.ok(formatted.ok);
    assert.match(formatted.text, /\nregularize \{\n {2}dropneuron auto\n {2}inputs_weight 2\n {2}group_scale sqrt\n\}\n\ntrain \{\n {2}validation 5000\n\}\n$/);
    assert.deepEqual(format(formatted.text), formatted);
  });

  it('completion offers `auto` as a value of dropneuron, with its meaning', () => {
    const at = cursor(`${MODEL}regularize {\n  dropneuron |\n}\n`);
    const items = complete(analyze(at.text), at.position);
    assert.deepEqual(
      items.map((i) => i.label),
      ['auto'],
    );
    assert.equal(items[0]!.kind, CompletionItemKind.EnumMember);
    assert.match((items[0]!.documentation as MarkupContent).value, /finds λ itself/);
  });

  it('hover on `auto` explains it; on a layer under auto, its weight on the found λ', () => {
    const word = cursor(`${MODEL}regularize {\n  dropneuron au|to\n}\n`);
    assert.match((hover(analyze(word.text), word.position, undefined)?.contents as MarkupContent).value, /^\*\*dropneuron auto\*\* — The run finds λ itself/);
    const layer = cursor(`${MODEL.replace('dense fc1', 'dense f|c1')}regularize {\n  dropneuron auto\n}\n`);
    assert.match((hover(analyze(layer.text), layer.position, undefined)?.contents as MarkupContent).value, /dropneuron auto · keep_prob 1/);
  });

  it('new specs default to auto: the LeNet snippet and the regularize block’s, without dropout', () => {
    const empty = complete(analyze(''), { line: 0, character: 0 });
    const lenet = empty.find((i) => i.label === 'LeNet-300-100 spec')!;
    const block = empty.find((i) => i.label === 'regularize')!;
    for (const snippet of [String(lenet.insertText), String(block.insertText)]) {
      assert.match(snippet, /dropneuron \$\{\d+:auto\}/);
      assert.doesNotMatch(snippet, /keep_prob/);
    }
    // The snippet as inserted is a clean spec that finds its own λ.
    const spec = analyze(expandSnippet(String(lenet.insertText)));
    assert.deepEqual(spec.diagnostics, []);
    assert.equal(spec.model?.regularize.auto, true);
  });
});
