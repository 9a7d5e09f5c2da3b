import type { Analysis } from '../../language/index.ts';
import type { LayerInfo, RunResult } from '../../protocol/lsp.ts';
import { keptByLayer } from '../../protocol/present.ts';

/** The Layers view's data: each checked layer, and what the spec's latest run kept of it. */
export function layerInfos(analysis: Analysis, run: RunResult | undefined): LayerInfo[] {
  const kept = keptByLayer(run);
  const compact = run?.done?.summary.compactSizes ?? {};
  return (analysis.model?.layers ?? []).map((layer) => {
    const info: LayerInfo = { name: layer.name, kind: layer.kind, line: layer.statement.range.start.line, params: layer.params };
    if (layer.outputShape) info.outputShape = layer.outputShape;
    const stats = kept.get(layer.name);
    if (stats) info.kept = stats;
    // After Shrink the spec's size is the run's kept count, no longer the size it trained: say so, not "8 → 8".
    const size = layer.outputShape?.at(-1);
    if (stats && size !== undefined && size !== stats.total) info.trainedSize = stats.total;
    if (compact[layer.name] !== undefined) info.compactSize = compact[layer.name]!;
    // The layers whose weights come from the spec's `weights` file: the weighted ones.
    const weights = analysis.model?.weights;
    if (weights && layer.weightShape) info.imported = weights;
    return info;
  });
}
