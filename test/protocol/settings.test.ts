import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { analyze, REGULARIZE_SETTINGS, TRAIN_SETTINGS, type ValueSpec } from '../../language/index.ts';
import { addSettingOptions, settingOverrides } from '../../cli/trainOptions.ts';
import {
  mergeOverrides,
  OVERRIDABLE_SETTINGS,
  overrideArgs,
  overridesFromRecord,
  overrideOf,
  RUN_OPTIONS,
  specValueOf,
  withOverride,
  type TrainingOverrides,
} from '../../protocol/settings.ts';
import { settingsOverrides, DEFAULT_SETTINGS } from '../../server/src/config.ts';
import { Rng } from '../../trainer/src/rng.ts';

/** The CLI's own parser for `train`'s setting flags, as cli/main.ts builds it. */
function parseFlags(args: string[]): TrainingOverrides {
  const command = addSettingOptions(new Command().exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return settingOverrides(command);
}

/** Values a setting accepts: its bounds, its default, its choices, its words (`auto`), a fraction and a count. */
function validValues(spec: ValueSpec): (number | string)[] {
  if (spec.type === 'enum') return Object.keys(spec.values);
  if (spec.type === 'string') return ['x'];
  const words = Object.keys(spec.words ?? {});
  const fallback = 'default' in spec && spec.default !== undefined ? [spec.default] : [];
  if (spec.countOrFraction) return [...new Set([spec.min ?? 0, 0.25, 7, ...fallback, ...words])];
  const low = spec.min === undefined ? 0 : spec.minExclusive ? spec.min + (spec.integer ? 1 : 0.25) : spec.min;
  return [...new Set([low, spec.max ?? low + (spec.integer ? 7 : 3.5), ...fallback, ...words])];
}

describe('the one table of overridable settings', () => {
  it('holds every regularize and train setting of the vocabulary and every run option, each once', () => {
    const names = OVERRIDABLE_SETTINGS.map((s) => s.name);
    assert.deepEqual(names, [...Object.keys(REGULARIZE_SETTINGS), ...Object.keys(TRAIN_SETTINGS), ...Object.keys(RUN_OPTIONS)]);
    assert.equal(new Set(OVERRIDABLE_SETTINGS.map((s) => s.flag)).size, names.length);
  });

  it("every setting round-trips: overrides → the server's trainer arguments → the CLI's parser → the same overrides", () => {
    for (const setting of OVERRIDABLE_SETTINGS) {
      for (const value of validValues(setting.spec)) {
        const overrides = withOverride({}, setting, value);
        assert.deepEqual(parseFlags(overrideArgs(overrides)), overrides, `${setting.flag} ${value}`);
      }
    }
  });

  it('random combinations round-trip too', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      let overrides: TrainingOverrides = {};
      for (const setting of OVERRIDABLE_SETTINGS) {
        if (rng.next() < 0.5) continue;
        const values = validValues(setting.spec);
        overrides = withOverride(overrides, setting, values[Math.floor(rng.next() * values.length)]!);
      }
      assert.deepEqual(parseFlags(overrideArgs(overrides)), overrides);
    }
  });

  it("the CLI refuses a value outside a setting's range with the range it expects", () => {
    assert.throws(() => parseFlags(['--keep-prob', '0']), /expected a number in \(0, 1\], found "0"/);
    assert.throws(() => parseFlags(['--epochs', '2.5']), /expected a whole number ≥ 1/);
    assert.throws(() => parseFlags(['--optimizer', 'adamw']), /Allowed choices are adam, sgd, momentum, rmsprop/);
    assert.throws(() => parseFlags(['--dropneuron', 'automatic']), /expected a number ≥ 0 or `auto`, found "automatic"/);
    assert.throws(() => parseFlags(['--validation', '2.5']), /expected a fraction in \[0, 1\) or a whole number ≥ 1, found "2.5"/);
    assert.throws(() => parseFlags(['--inputs-weight', '0']), /expected a number > 0/);
    assert.throws(() => parseFlags(['--group-scale', 'log']), /Allowed choices are none, sqrt/);
  });

  it("dropneuron auto and the means it uses: flags, the editor's overrides and the checked model agree", () => {
    const flags = parseFlags(['--dropneuron', 'auto', '--inputs-weight', '4', '--group-scale', 'sqrt', '--validation', '0.1']);
    assert.deepEqual(flags, { regularize: { dropneuron: 'auto', inputsWeight: 4, groupScale: 'sqrt' }, train: { validation: 0.1 } });
    const editor = overridesFromRecord({ dropneuron: 'auto', inputs_weight: 4, group_scale: 'sqrt', validation: 0.1 });
    assert.deepEqual(editor, { overrides: flags, problems: [] });
    assert.deepEqual(overridesFromRecord({ dropneuron: 'atuo' }).problems, ['`dropneuron`: expected a number ≥ 0 or `auto`, found "atuo"']);
    const spec = 'model m {\n  data mnist\n  dense out 10\n}\nregularize {\n  dropneuron 0.01\n}\n';
    const auto = analyze(spec, flags).model!;
    assert.deepEqual(
      [auto.regularize.auto, auto.regularize.dropneuron, auto.regularize.inputsWeight, auto.regularize.groupScale, auto.train.validation],
      [true, 1, 4, 'sqrt', 0.1],
    );
    // A number over a spec's `auto` turns the search off again.
    const fixed = analyze(spec.replace('0.01', 'auto'), parseFlags(['--dropneuron', '0.02'])).model!;
    assert.deepEqual([fixed.regularize.auto, fixed.regularize.dropneuron], [false, 0.02]);
  });

  it("the editor's settings become the same overrides: dropneuron.trainer.overrides by the spec's names, epochs and backend", () => {
    const { overrides, problems } = overridesFromRecord({ learning_rate: 0.02, keep_prob: '0.5', finetune: 2, limit: 100, backend: 'cpu' });
    assert.deepEqual(problems, []);
    assert.deepEqual(overrides, { train: { learningRate: 0.02, finetune: 2, backend: 'cpu' }, regularize: { keepProb: 0.5 }, limit: 100 });
    assert.deepEqual(overridesFromRecord({ lr: 1, epochs: 0, init: 'he' }).problems.length, 3);
    const legacy = settingsOverrides({ ...DEFAULT_SETTINGS, trainer: { ...DEFAULT_SETTINGS.trainer, epochs: 3, backend: 'wasm' } });
    // Later sources win setting by setting: the request's own overrides over the settings over the legacy ones.
    const merged = mergeOverrides(legacy, overrides, { train: { epochs: 1 } });
    assert.deepEqual(
      [
        overrideOf(
          merged,
          OVERRIDABLE_SETTINGS.find((s) => s.name === 'epochs')!,
        ),
        merged.train?.backend,
        merged.train?.learningRate,
      ],
      [1, 'cpu', 0.02],
    );
  });

  it('the value each setting takes in a spec when nothing overrides it: written, default, `auto`; none for run options', () => {
    const model = analyze(
      'model m {\n  data mnist\n  input 784\n  dense out 10\n}\nregularize {\n  l1 0.0001\n  dropneuron auto\n}\ntrain {\n  epochs 40\n}\n',
    ).model!;
    const value = (name: string) =>
      specValueOf(
        model,
        OVERRIDABLE_SETTINGS.find((s) => s.name === name)!,
      );
    assert.deepEqual(['l1', 'dropneuron', 'epochs', 'l2', 'update', 'batch', 'limit'].map(value), [
      0.0001,
      'auto',
      40,
      0,
      'gradient',
      TRAIN_SETTINGS.batch.default,
      undefined,
    ]);
  });

  it("package.json's dropneuron.trainer.overrides lists exactly the table's settings", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { properties?: Record<string, unknown> }> } };
    };
    const schema = pkg.contributes.configuration.properties['dropneuron.trainer.overrides']!;
    assert.deepEqual(
      Object.keys(schema.properties ?? {}),
      OVERRIDABLE_SETTINGS.map((s) => s.name),
    );
  });
});
