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

function csp(r: PageResources): string {
  return [`default-src 'none'`, `script-src 'nonce-${r.nonce}'`, `style-src ${r.cspSource}`, `img-src ${r.cspSource} data:`, `font-src ${r.cspSource}`].join(
    '; ',
  );
}

/** The page around a body: the same head, CSP and script for the stats and the compare page (main.ts tells them apart by `data-page`). */
function page(r: PageResources, extraHead: string, kind: 'stats' | 'compare', body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escape(csp(r))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escape(r.styleUri)}">
  <title>DropNeuron</title>
  ${extraHead}
</head>
<body data-page="${kind}">
${body}
  <script nonce="${escape(r.nonce)}" src="${escape(r.scriptUri)}"></script>
</body>
</html>`;
}

/** One run's panel. */
export function statsHtml(r: PageResources, extraHead = ''): string {
  return page(
    r,
    extraHead,
    'stats',
    `  <header id="header">
    <h1 id="title">DropNeuron</h1>
    <span id="subtitle" class="subtitle"></span>
    <span id="status" class="status" data-status="waiting">waiting for a run…</span>
    <span class="spacer"></span>
    <button id="resume" hidden>Resume</button>
    <button id="stop" class="secondary" hidden>Stop</button>
  </header>
  <p id="overrides" class="overrides" hidden></p>
  <section id="damage" class="banner warning" role="alert" hidden>
    <p id="damage-text" class="banner-title"></p>
    <ul id="damage-remedies"></ul>
  </section>
  <section id="guidance" class="banner warning" role="status" hidden>
    <p id="guidance-text" class="banner-title"></p>
  </section>
  <section id="interrupted" class="banner" hidden></section>
  <section id="error" class="error" role="alert" hidden></section>
  <section id="overview" class="cards"></section>
  <section id="auto-box" hidden>
    <h2 id="auto-title">dropneuron auto</h2>
    <p id="auto-verdict" class="verdict"></p>
    <div class="grid">
      <figure class="chart"><figcaption>DropNeuron λ per epoch (log scale)</figcaption><div class="canvas"><canvas id="chart-lambda"></canvas></div></figure>
      <figure class="chart"><figcaption id="validation-caption">Validation metric per epoch, and the tolerance band</figcaption><div class="canvas"><canvas id="chart-validation"></canvas></div></figure>
    </div>
    <div id="use-settings-box" class="actions" hidden>
      <button id="use-settings">Use these settings</button>
      <span id="use-settings-detail" class="muted"></span>
    </div>
  </section>
  <section id="charts" class="grid">
    <figure class="chart"><figcaption>Loss per epoch</figcaption><div class="canvas"><canvas id="chart-loss"></canvas></div></figure>
    <figure class="chart"><figcaption id="metric-caption">Metric per epoch</figcaption><div class="canvas"><canvas id="chart-metric"></canvas></div></figure>
    <figure class="chart"><figcaption>Non-zero weights: their share (%) and how many times fewer (×)</figcaption><div class="canvas"><canvas id="chart-density"></canvas></div></figure>
    <figure class="chart"><figcaption>Neurons kept per layer</figcaption><div class="canvas"><canvas id="chart-neurons"></canvas></div></figure>
  </section>
  <section id="network" class="grid">
    <div>
      <h2>What the network became</h2>
      <div id="layers" class="layers"></div>
    </div>
    <figure id="norms-box" class="chart" hidden><figcaption id="norms-caption">Neuron norms</figcaption><div class="canvas"><canvas id="chart-norms"></canvas></div></figure>
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
    <ul id="exports" class="muted"></ul>
    <div class="actions">
      <button id="open-compact">Open compact model folder</button>
      <button id="export-model" class="secondary">Export compact model…</button>
      <button id="open-spec" class="secondary">Open pruned spec</button>
    </div>
  </section>
  <section id="threshold-box" hidden>
    <h2>Another threshold</h2>
    <div class="grid threshold-grid">
      <figure class="chart"><figcaption id="threshold-caption">Test error and kept parameters by threshold</figcaption><div class="canvas"><canvas id="chart-threshold"></canvas></div></figure>
      <div class="threshold-controls">
        <label for="threshold-slider" class="muted">Threshold <output id="threshold-value" for="threshold-slider"></output></label>
        <input id="threshold-slider" type="range" min="0" step="1">
        <p id="threshold-verdict" class="verdict"></p>
        <p id="threshold-source" class="muted"></p>
        <table id="threshold-layers"></table>
        <div class="actions">
          <button id="use-threshold">Use this threshold</button>
          <button id="export-at" class="secondary">Export compact model here</button>
        </div>
      </div>
    </div>
  </section>`,
  );
}

/** The compare panel: two or more runs' curves overlaid, and their settings and results side by side. */
export function compareHtml(r: PageResources, extraHead = ''): string {
  return page(
    r,
    extraHead,
    'compare',
    `  <header id="header">
    <h1 id="title">Comparing runs</h1>
    <span id="subtitle" class="subtitle"></span>
  </header>
  <section class="grid">
    <figure class="chart"><figcaption id="compare-metric-caption">Test metric after pruning</figcaption><div class="canvas"><canvas id="compare-metric"></canvas></div></figure>
    <figure class="chart"><figcaption>Data loss per epoch</figcaption><div class="canvas"><canvas id="compare-loss"></canvas></div></figure>
    <figure class="chart"><figcaption>Weights kept (%)</figcaption><div class="canvas"><canvas id="compare-density"></canvas></div></figure>
  </section>
  <h2>Settings and results</h2>
  <div class="table-scroll"><table id="compare-table" class="compare"></table></div>`,
  );
}
