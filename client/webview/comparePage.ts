/** Draws the compare page: each run's curves overlaid, one colour per run, and a table of settings and results. */
import { axis, baseOptions, draw, series, theme } from './charts.ts';
import { compareRows } from './compareModel.ts';
import type { StatsState } from './viewModel.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export function renderCompare(runs: { title: string; state: StatsState }[]): void {
  const t = theme();
  $('title').textContent = `Comparing ${runs.length} runs`;
  $('subtitle').textContent = [...new Set(runs.map((r) => r.state.model).filter(Boolean))].join(' · ');
  const epochs = [...new Set(runs.flatMap((r) => r.state.rows.map((row) => row.epoch)))].sort((a, b) => a - b);
  const colour = (i: number): string => t.palette[i % t.palette.length]!;
  // Each run on the shared epoch axis; an epoch a run did not reach is a gap.
  const line = (pick: (s: StatsState, epoch: number) => number | undefined) =>
    runs.map((r, i) =>
      series(
        r.title,
        epochs.map((e) => pick(r.state, e) ?? null),
        colour(i),
      ),
    );
  const row = (s: StatsState, epoch: number) => s.rows.find((r) => r.epoch === epoch);
  const metrics = new Set(runs.map((r) => r.state.metric));
  const accuracy = metrics.size === 1 && metrics.has('accuracy');
  $('compare-metric-caption').textContent = accuracy ? 'Test accuracy after pruning (%)' : 'Test metric after pruning';
  draw(
    'compare-metric',
    {
      type: 'line',
      data: {
        labels: epochs,
        datasets: line((s, e) => {
          const v = row(s, e)?.testMetric;
          return v === undefined ? undefined : accuracy ? 100 * v : v;
        }),
      },
      options: baseOptions(t, {
        x: axis(t, 'epoch'),
        y: accuracy ? axis(t, 'accuracy (%)', { type: 'linear' }) : axis(t, 'error (log)', { type: 'logarithmic' }),
      }),
    },
    t,
  );
  draw(
    'compare-loss',
    {
      type: 'line',
      data: { labels: epochs, datasets: line((s, e) => row(s, e)?.dataLoss) },
      options: baseOptions(t, { x: axis(t, 'epoch'), y: axis(t, 'data loss', { type: 'linear' }) }),
    },
    t,
  );
  draw(
    'compare-density',
    {
      type: 'line',
      data: {
        labels: epochs,
        datasets: line((s, e) => {
          const v = row(s, e)?.density;
          return v === undefined ? undefined : 100 * v;
        }),
      },
      options: baseOptions(t, {
        x: axis(t, 'epoch'),
        y: axis(t, 'weights kept (%)', { type: 'linear', min: 0, ticks: { color: t.foreground, callback: (v: number | string) => `${v} %` } }),
      }),
    },
    t,
  );

  const table = $('compare-table');
  const head = document.createElement('tr');
  head.append(cell('th', ''));
  runs.forEach((r, i) => {
    const th = cell('th', r.title);
    th.dataset.run = String(i);
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour(i);
    th.prepend(swatch);
    head.append(th);
  });
  const body: HTMLTableRowElement[] = [head];
  let group = '';
  for (const r of compareRows(runs.map((x) => x.state))) {
    if (r.group !== group) {
      group = r.group;
      const tr = document.createElement('tr');
      tr.className = 'group';
      const th = cell('th', group);
      th.colSpan = runs.length + 1;
      tr.append(th);
      body.push(tr);
    }
    const tr = document.createElement('tr');
    tr.dataset.row = r.label;
    if (!r.same) tr.classList.add('differs');
    tr.append(cell('th', r.label), ...r.values.map((v) => cell('td', v)));
    body.push(tr);
  }
  table.replaceChildren(...body);
}

function cell(tag: 'th' | 'td', text: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  return c;
}
