import Table from 'cli-table3';
import type { BackendsReport } from '../../protocol/lsp.ts';
import { formatAdapter } from '../../protocol/present.ts';
import { probeBackends } from '../../trainer/src/backend.ts';

/** `dropneuron backends`: every backend, whether it loads here and why not, the GPUs WebGPU sees, and `auto`'s pick. */
export async function runBackends(options: { json?: boolean }, out: (line: string) => void): Promise<number> {
  const report = await probeBackends();
  if (options.json) {
    out(JSON.stringify(report, null, 2));
    return 0;
  }
  printReport(report, out);
  return 0;
}

function printReport(report: BackendsReport, out: (line: string) => void): void {
  // ort trains dense networks only (trainer/src/ort/support.ts): other specs go to the next backend that loads.
  const afterOrt = report.backends.slice(report.backends.findIndex((b) => b.backend === 'ort') + 1).find((b) => b.loads)?.backend;
  const ready = (backend: string): string => (backend === 'ort' ? `ready for dense networks (others train on ${afterOrt ?? 'the next backend'})` : 'ready');
  const table = new Table({ head: ['backend', 'loads', 'details'], style: { head: [], border: [] } });
  for (const b of report.backends) {
    table.push([b.backend, b.loads ? 'yes' : 'no', b.loads ? (b.adapter ? formatAdapter(b.adapter) : ready(b.backend)) : (b.reason ?? '')]);
  }
  out(table.toString());
  out(
    report.adapters.length
      ? `WebGPU adapters: ${report.adapters.map(formatAdapter).join('; ')}`
      : 'WebGPU adapters: none (no Vulkan, Metal or D3D12 driver found)',
  );
  const auto = report.auto === 'ort' && afterOrt ? `ort (dense networks; others on ${afterOrt})` : report.auto;
  out(auto ? `backend auto trains on: ${auto}` : 'backend auto finds nothing that loads: install @tensorflow/tfjs-backend-wasm (npm install)');
}
