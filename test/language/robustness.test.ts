import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fuzz } from '../../scripts/fuzz.ts';

const COUNT = 20_000;

/**
 * The seeded fuzz of scripts/fuzz.ts over the parser, checker, formatter and every quick fix. `npm run fuzz --
 * --cases 200000 [--seed N]` runs the same checks on more cases; docs/reliability.md records the runs.
 */
it(`parse, check, format and every quick fix hold up on ${COUNT} seeded inputs`, () => {
  const report = fuzz(COUNT, 1);
  assert.equal(report.cases, COUNT);
  assert.deepEqual(
    report.failures.map((f) => f.message),
    [],
  );
});
