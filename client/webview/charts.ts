/**
 * Chart.js as the pages use it: the theme's colours read from VS Code's CSS variables at every draw, and
 * charts that follow a theme switch live (VS Code sets the variables on <html> and a theme class on <body>;
 * a MutationObserver sees either change and the page draws again with the new colours).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';

// Filler: the band between two lines (the auto run's tolerance band).
Chart.register(LineController, LineElement, BarController, BarElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Filler, Legend, Tooltip);

const charts = new Map<string, Chart>();

export function css(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  palette: string[];
  danger: string;
}

/** The colours of the theme now showing (read afresh each time: the theme may have changed since). */
export function theme(): Theme {
  return {
    foreground: css('--vscode-foreground', '#cccccc'),
    muted: css('--vscode-descriptionForeground', '#9d9d9d'),
    grid: css('--vscode-editorWidget-border', css('--vscode-widget-border', 'rgba(128,128,128,0.3)')),
    palette: [
      css('--vscode-charts-blue', '#3794ff'),
      css('--vscode-charts-orange', '#d18616'),
      css('--vscode-charts-green', '#89d185'),
      css('--vscode-charts-purple', '#b180d7'),
      css('--vscode-charts-yellow', '#cca700'),
      css('--vscode-charts-red', '#f14c4c'),
    ],
    danger: css('--vscode-charts-red', css('--vscode-errorForeground', '#f14c4c')),
  };
}

/** Calls `redraw` whenever VS Code switches the colour theme under the page. */
export function onThemeChange(redraw: () => void): void {
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    // One redraw for the burst of attribute changes a theme switch makes.
    requestAnimationFrame(() => {
      scheduled = false;
      redraw();
    });
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });
}

/** A scale's options, loosely typed: Chart.js's deep option types do not survive spreading under exactOptionalPropertyTypes. */
export type Axis = Record<string, unknown>;

/** An axis in the theme's colours, titled with its quantity and unit. */
export function axis(t: Theme, title: string, extra: Axis = {}): Axis {
  return {
    title: { display: !!title, text: title, color: t.muted },
    ticks: { color: t.foreground },
    grid: { color: t.grid },
    border: { color: t.grid },
    ...extra,
  };
}

/** Draws (or redraws, in place) the chart on canvas `id`: a new chart only when its kind of scales changed. */
export function draw(id: string, config: ChartConfiguration, t: Theme): Chart {
  Chart.defaults.color = t.foreground;
  Chart.defaults.borderColor = t.grid;
  const shape = JSON.stringify(Object.entries(config.options?.scales ?? {}).map(([k, v]) => [k, (v as { type?: string }).type]));
  const existing = charts.get(id);
  if (
    existing &&
    (existing.config as { type?: string }).type === (config as { type?: string }).type &&
    (existing as Chart & { __shape?: string }).__shape === shape
  ) {
    existing.data = config.data;
    existing.options = config.options ?? {};
    existing.update('none');
    return existing;
  }
  existing?.destroy();
  const chart = new Chart(document.getElementById(id) as HTMLCanvasElement, config);
  (chart as Chart & { __shape?: string }).__shape = shape;
  charts.set(id, chart);
  return chart;
}

/** The common options: no animation, the size of its box, one tooltip for all series at an epoch. */
export function baseOptions(t: Theme, scales: Record<string, Axis>): ChartConfiguration['options'] {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { labels: { color: t.foreground, boxWidth: 12, boxHeight: 2 } } },
    scales: scales as NonNullable<NonNullable<ChartConfiguration['options']>['scales']>,
  };
}

export function series(label: string, data: (number | null)[], color: string, options: Partial<ChartDataset<'line'>> = {}): ChartDataset<'line'> {
  return {
    type: 'line',
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    pointRadius: data.length > 30 ? 0 : 2,
    spanGaps: true,
    ...options,
  };
}
