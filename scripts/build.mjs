// One esbuild invocation for every entry point: the extension, the language server, the trainer and the CLI.
// Types are checked separately by `tsc --noEmit` (npm run typecheck); esbuild only strips and bundles.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  cli: 'cli/main.ts',
  server: 'server/src/server.ts',
  extension: 'client/src/extension.ts',
  // The trainer's data-parallel worker thread (trainer/src/parallel/pool.ts starts it beside cli.js).
  trainerWorker: 'trainer/src/parallel/worker.ts',
};

const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

// The stats webview runs in a browser context: its own bundle, Chart.js included (no remote scripts).
if (existsSync('client/webview/main.ts')) {
  await build({
    // The sweep panel's page is its own bundle (media/sweep.js): it shares charts.ts, not the stats page's code.
    entryPoints: { webview: 'client/webview/main.ts', ...(existsSync('client/webview/sweepPage.ts') ? { sweep: 'client/webview/sweepPage.ts' } : {}) },
    // Beside stats.css in media/: the webview may load only from there (localResourceRoots).
    outdir: 'media',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
}

await build({
  entryPoints: present,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Native and wasm-backed packages (TensorFlow.js, Dawn) must be resolved at run time from node_modules, not inlined.
  external: ['vscode', '@tensorflow/*', 'webgpu'],
  // Vega (the sweep's frontier.svg) is inlined, with vega-canvas's browser build: its Node build awaits the optional
  // `canvas` at the top level, which a CommonJS bundle cannot hold, and SVG needs no canvas.
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
  // ES-module dependencies (tinyglobby's fdir) read import.meta.url, which a CommonJS bundle lacks: give it the file's URL.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
});
