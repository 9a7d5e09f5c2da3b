/**
 * The stats panel's HTML. Content-Security-Policy: nothing by default; scripts only with the nonce; styles
 * and images only from the extension's own resources; no inline styles or scripts, no eval, no network.
 */
export interface PageResources {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function statsHtml(r: PageResources, extraHead = ''): string {
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${r.nonce}'`,
    `style-src ${r.cspSource}`,
    `img-src ${r.cspSource} data:`,
    `font-src ${r.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escape(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escape(r.styleUri)}">
  <title>DropNeuron</title>
  ${extraHead}
</head>
<body>
  <header id="header">
    <h1 id="title">DropNeuron</h1>
    <span id="status" class="status" data-status="waiting">waiting for a run…</span>
    <button id="stop" class="secondary" hidden>Stop</button>
  </header>
  <p id="overrides" class="overrides" hidden></p>
  <section id="error" class="error" hidden></section>
  <section id="overview" class="cards"></section>
  <section class="grid">
    <figure class="chart"><figcaption>Loss per epoch</figcaption><canvas id="chart-loss"></canvas></figure>
    <figure class="chart"><figcaption id="metric-caption">Metric per epoch</figcaption><canvas id="chart-metric"></canvas></figure>
    <figure class="chart"><figcaption>Density (kept / total weights) and compression</figcaption><canvas id="chart-density"></canvas></figure>
    <figure class="chart"><figcaption>Neurons kept per layer</figcaption><canvas id="chart-neurons"></canvas></figure>
  </section>
  <section class="grid">
    <div>
      <h2>Layers</h2>
      <div id="layers" class="layers"></div>
    </div>
    <div id="mask-box" hidden>
      <h2>Inputs still read</h2>
      <canvas id="mask" width="28" height="28"></canvas>
      <p id="mask-caption" class="muted"></p>
    </div>
  </section>
  <section id="summary-box" hidden>
    <h2>Summary</h2>
    <p id="verdict" class="verdict"></p>
    <p id="collapsed" class="error" hidden></p>
    <table id="summary"></table>
    <div class="actions">
      <button id="open-compact">Open compact model folder</button>
      <button id="open-spec" class="secondary">Open pruned spec</button>
    </div>
  </section>
  <script nonce="${escape(r.nonce)}" src="${escape(r.scriptUri)}"></script>
</body>
</html>`;
}
