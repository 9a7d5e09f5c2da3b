/** The Layers view's rows, as a pure function of the server's layer infos (the checked spec and its latest run). */
import { formatShape, groupDigits } from '../../../language/index.ts';
import type { LayerInfo } from '../../../protocol/lsp.ts';
import { formatPercent } from '../../../protocol/present.ts';

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

export function layerRows(layers: readonly LayerInfo[]): LayerRow[] {
  return layers.map((layer) => {
    const shape = layer.outputShape ? formatShape(layer.outputShape) : '[?]';
    const base = `${layer.kind} → ${shape}${layer.params ? ` · ${groupDigits(layer.params)} params` : ''}`;
    const stats = layer.kept;
    let description = base;
    let icon: LayerRow['icon'] = 'layer';
    const stale = layer.trainedSize !== undefined;
    if (stats && !stale) {
      const share = stats.total ? stats.kept / stats.total : 0;
      description = `${layer.kind} ${stats.total} → ${stats.kept} kept (${formatPercent(share, 1)})`;
      icon = share < 0.5 ? 'warning' : 'kept';
    } else if (stats) {
      // The spec changed since the run (Shrink wrote its sizes): show the spec, and the run only as history.
      description = `${base} · was ${stats.total}`;
    }
    if (layer.imported !== undefined && !stats) description = `${description} · imported`;
    const compact = layer.compactSize;
    const tooltip = [
      `${layer.name}: ${base}`,
      ...(layer.imported !== undefined ? [`Imported: its weights come from ${layer.imported} (the spec's \`weights\`); training starts from them`] : []),
      !stats
        ? 'Not trained yet'
        : stale
          ? `The latest run trained ${stats.total} neurons and kept ${stats.kept}; the spec has changed since. Train again to see what these sizes keep.`
          : `Latest run: ${stats.kept}/${stats.total} neurons kept, density ${formatPercent(stats.density, 1)}`,
      // Kept is the compact model's size (protocol/kept.ts); they differ only for a layer that lost every neuron, which the
      // compact model holds as one zero placeholder: what "Shrink Layers" writes.
      ...(stats && !stale && compact !== undefined && compact !== stats.kept ? [`Compact model: ${compact} (what Shrink Layers to Trained Sizes writes)`] : []),
    ].join('\n');
    return { id: `layer:${layer.name}`, label: layer.name, description, tooltip, icon, line: layer.line };
  });
}
