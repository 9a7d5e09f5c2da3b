// npm run record-charts [-- RESULTS_DIR]
// Draws the structured-pruning record's charts (cli/sweep/recordCharts.ts) from the sweep records in docs/results/
// (or RESULTS_DIR) into <model>-record.svg there. A script, as reproduce.ts is: it writes the repository's docs.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RECORD_CHARTS, recordSvg } from '../cli/sweep/recordCharts.ts';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'docs', 'results'));
  for (const chart of RECORD_CHARTS) {
    const path = join(dir, chart.file);
    writeFileSync(path, `${await recordSvg(dir, chart)}\n`);
    console.log(`wrote ${path}`);
  }
}

// No top-level await: tsx runs this file as CommonJS.
void main();
