/** The Layers view's rows, as a pure function of the checked spec and its latest run. */
import { formatShape, groupDigits, type Analysis } from '../../../language/index.ts';
import type { Summary } from '../../../trainer/src/protocol.ts';

export interface LayerRow {
  /** Stable id for tests and tree state: `layer:<name>`. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** `warning`: the run removed most of the layer's neurons. */
  icon: 'layer' | 'warning' | 'kept';
  line: number;
}


export function layerRows(analysis: Analysis, summary?: Summary): LayerRow[] {
  const model = analysis.model;
  if (!model) return [];
  return model.layers.map((layer) => {
    const shape = layer.outputShape ? formatShape(layer.outputShape) : '[?]';
    const base = `${layer.kind} → ${shape}${layer.params ? ` · ${groupDigits(layer.params)} params` : ''}`;
    const stats = summary?.layers.find((l) => l.name === layer.name);
    let description = base;
    let icon: LayerRow['icon'] = 'layer';
    if (stats) {
      const share = stats.neuronsTotal ? stats.neuronsKept / stats.neuronsTotal : 0;
      description = `${layer.kind} ${stats.neuronsTotal} → ${stats.neuronsKept} kept (${(100 * share).toFixed(1)} %)`;
      icon = share < 0.5 ? 'warning' : 'kept';
    }
    const compact = summary?.compactSizes[layer.name];
    const tooltip = [
      `${layer.name}: ${base}`,
      stats ? `Latest run: ${stats.neuronsKept}/${stats.neuronsTotal} neurons kept, density ${(100 * stats.density).toFixed(1)} %` : 'Not trained yet',
      // The compact model keeps only neurons that are both fed and read, which can be fewer: it is what "Shrink Layers" writes.
      ...(stats && compact !== undefined && compact !== stats.neuronsKept ? [`Compact model: ${compact} (what Shrink Layers to Trained Sizes writes)`] : []),
    ].join('\n');
    return { id: `layer:${layer.name}`, label: layer.name, description, tooltip, icon, line: layer.statement.range.start.line };
  });
}
