import { join } from 'node:path';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { train } from '/work/main/trainer/src/run.ts';
import { SMALL_MNIST } from '/work/main/test/trainer/helpers.ts';
async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'full2-'));
  writeFileSync(join(dir, 's.dnn'), SMALL_MNIST);
  for (const threads of [1, 2]) {
    const t0 = performance.now();
    const r = await train({ specPath: join(dir, 's.dnn'), outDir: join(dir, 'run' + threads), overrides: { train: { threads, backend: 'wasm' } }, emit: (e) => { if (e.type === 'epoch') console.log(threads, e.epoch, e.loss.total, e.testMetric, e.seconds.toFixed(2)); if (e.type === 'error') console.log(e); if (e.type === 'start') console.log('start threads', e.threads); } });
    console.log(threads, r.type, ((performance.now() - t0) / 1000).toFixed(1), 's');
  }
  rmSync(dir, { recursive: true });
}
void main();
