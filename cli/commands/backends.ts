import Table from 'cli-table3';
import type { BackendsReport } from '../../protocol/lsp.ts';
import { formatAdapter, formatAutoBackend, formatBackendReady } from '../../protocol/present.ts';
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
  const table = new Table({ head: ['backend', 'loads', 'details'], style: { head: [], border: [] } });
  for (const b of report.backends) {
    table.push([
      b.backend,
      b.loads ? 'yes' : 'no',
      b.loads ? (b.adapter ? formatAdapter(b.adapter) : formatBackendReady(b.backend, report)) : (b.reason ?? ''),
    ]);
  }
  out(table.toString());
  out(
    report.adapters.length
      ? `WebGPU adapters: ${report.adapters.map(formatAdapter).join('; ')}`
      : 'WebGPU adapters: none (no Vulkan, Metal or D3D12 driver found)',
  );
  const auto = formatAutoBackend(report);
  out(auto ? `backend auto trains on: ${auto}` : 'backend auto finds nothing that loads: install @tensorflow/tfjs-backend-wasm (npm install)');
}
