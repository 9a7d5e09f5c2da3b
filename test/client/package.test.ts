import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

/** node_modules/webgpu/dist/ folder per vsce target (scripts/package.mjs): the darwin targets share the universal build. */
const DAWN_FOLDERS = ['linux-x64', 'linux-arm64', 'darwin-universal', 'win32-x64', 'win32-arm64'];
const hostFolder = process.platform === 'darwin' ? 'darwin-universal' : `${process.platform}-${process.arch}`;
// Dawn's Linux builds need glibc: none on musl (Alpine), where the host .vsix is the universal one.
const glibc = !!(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const hostHasDawn = DAWN_FOLDERS.includes(hostFolder) && (process.platform !== 'linux' || glibc);
/** The platforms onnxruntime-node builds for (scripts/package.mjs ORT_TARGETS): each .vsix but darwin-x64's carries its binary. */
const ORT_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const hostHasOrt = ORT_PLATFORMS.includes(`${process.platform}-${process.arch}`) && (process.platform !== 'linux' || glibc);

/** Packs with scripts/package.mjs (the dist/ bundles as built; npm test builds first). */
function pack(out: string, target?: string): void {
  const args = [join(ROOT, 'scripts', 'package.mjs'), '--no-build', '--out', out, ...(target ? ['--target', target] : [])];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr + result.stdout);
}

function entries(vsix: string): string[] {
  const list = spawnSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  return list.stdout.trim().split('\n');
}

function readEntry(vsix: string, name: string): string {
  const read = spawnSync('python3', ['-c', 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())', vsix, name], {
    encoding: 'utf8',
  });
  assert.equal(read.status, 0, read.stderr);
  return read.stdout;
}

/** The platform folders of node_modules/webgpu/dist/ a .vsix holds. */
function dawnFolders(names: string[]): string[] {
  return [...new Set(names.map((n) => /^extension\/node_modules\/webgpu\/dist\/([^/]+)\//.exec(n)?.[1]).filter((f): f is string => !!f))].sort();
}

it('the .vsix installs a complete extension: manifest, bundles, grammar, this platform’s WebGPU, and a trainer that runs from it', (t) => {
  const dir = tempDir('dnn-vsix-', t);
  const vsix = join(dir, 'dropneuron.vsix');
  pack(vsix);
  const names = entries(vsix);
  assert.deepEqual(dawnFolders(names), hostHasDawn ? [hostFolder] : [], 'only this platform’s Dawn binary');
  if (hostHasDawn) assert.ok(names.includes(`extension/node_modules/webgpu/dist/${hostFolder}/dawn.node`), `expected ${hostFolder}/dawn.node in the .vsix`);
  for (const name of names) {
    assert.doesNotMatch(name, /\.map$|\.ts$|\/node_modules\/(debug|ms|@webgpu)\/|-threaded-simd\.wasm$/, 'nothing the run time does not load');
  }
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, join(dir, 'x')], { encoding: 'utf8' });
  assert.equal(unzip.status, 0, unzip.stderr);
  const ext = join(dir, 'x', 'extension');
  const manifest = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8')) as {
    main: string;
    activationEvents: string[];
    contributes: { commands: { command: string }[] };
  };
  for (const file of [
    manifest.main,
    'dist/server.js',
    'dist/cli.js',
    'media/webview.js',
    'media/stats.css',
    'syntaxes/dnn.tmLanguage.json',
    'examples/lenet-300-100.dnn',
    'node_modules/webgpu/index.js',
    'node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js',
  ]) {
    assert.ok(existsSync(join(ext, file)), `expected ${file} in the .vsix`);
  }
  assert.ok(!manifest.activationEvents.includes('*'), 'no activation on startup');
  assert.ok(!existsSync(join(ext, 'node_modules', 'typescript')), 'no dev dependencies in the .vsix');
  const spec = join(dir, 'tiny.dnn');
  writeFileSync(
    spec,
    'model tiny {\n  data mnist limit=300\n  dense h 16 relu\n  dense out 10\n}\nregularize {\n  dropneuron 0.001\n}\ntrain {\n  epochs 1\n  batch 100\n}\n',
  );
  const train = spawnSync(process.execPath, [join(ext, 'bin', 'dropneuron.js'), 'train', spec, '--json', '--out', join(dir, 'run')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout.trim().split('\n').at(-1)!, /"type":"done"/);

  if (!hostHasDawn) return;
  // Dawn from the .vsix loads (its binary and index.js, nothing else from node_modules), and finds an adapter where
  // there is a Vulkan driver: Mesa's lavapipe on CI (scripts/setup-vulkan.sh), a real GPU elsewhere.
  const expectAdapter = process.env.CI === 'true' || (process.platform === 'linux' && existsSync('/usr/share/vulkan/icd.d/lvp_icd.json'));
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      'import(process.argv[1]).then((m) => m.create([]).requestAdapter()).then((a) => console.log(JSON.stringify({ adapter: !!a })))',
      join(ext, 'node_modules', 'webgpu', 'index.js'),
    ],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(probe.status, 0, probe.stderr);
  const { adapter } = JSON.parse(probe.stdout.trim().split('\n').at(-1)!) as { adapter: boolean };
  if (expectAdapter) assert.ok(adapter, `expected a WebGPU adapter from the .vsix's Dawn, found none: ${probe.stderr}`);
  // The trainer from the .vsix: `dropneuron backends --json` loads tfjs' webgpu backend on Dawn.
  const backends = spawnSync(process.execPath, [join(ext, 'bin', 'dropneuron.js'), 'backends', '--json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(backends.status, 0, backends.stderr);
  const report = JSON.parse(backends.stdout) as { backends: { backend: string; loads: boolean; reason?: string }[] };
  const webgpu = report.backends.find((b) => b.backend === 'webgpu');
  assert.ok(webgpu, `expected webgpu among the backends, found ${report.backends.map((b) => b.backend).join(', ')}`);
  assert.doesNotMatch(webgpu.reason ?? '', /not installed|Cannot find/, 'the .vsix carries webgpu and tfjs-backend-webgpu');
  if (adapter) assert.ok(webgpu.loads, `expected the webgpu backend to load from the .vsix, found: ${webgpu.reason}`);
  // And ONNX Runtime's CPU kernels (the ort backend) where onnxruntime-node builds for this platform.
  const ort = report.backends.find((b) => b.backend === 'ort');
  if (hostHasOrt) assert.ok(ort?.loads, `expected the ort backend to load from the .vsix, found: ${ort?.reason}`);
});

it('a platform’s .vsix carries only that platform’s Dawn (win32-x64: dawn.node and its DirectX compilers) and ONNX Runtime', (t) => {
  const dir = tempDir('dnn-vsix-', t);
  const vsix = join(dir, 'dropneuron-win32-x64.vsix');
  pack(vsix, 'win32-x64');
  const names = entries(vsix);
  assert.deepEqual(dawnFolders(names), ['win32-x64']);
  assert.match(readEntry(vsix, 'extension.vsixmanifest'), /TargetPlatform="win32-x64"/, 'VS Code installs it on Windows x64 only');
  for (const file of ['dawn.node', 'd3dcompiler_47.dll', 'dxcompiler.dll']) {
    assert.ok(names.includes(`extension/node_modules/webgpu/dist/win32-x64/${file}`), `expected win32-x64/${file} in the .vsix`);
  }
  const ort = [...new Set(names.map((n) => /^extension\/node_modules\/onnxruntime-node\/bin\/napi-v6\/([^/]+\/[^/]+)\//.exec(n)?.[1]).filter(Boolean))];
  assert.deepEqual(ort, ['win32/x64']);
  assert.ok(names.includes('extension/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node'));
  const manifest = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  assert.doesNotMatch(manifest, /^!.*webgpu\/dist/m, '.vscodeignore alone (a plain vsce package, the universal .vsix) lets no Dawn binary in');
  assert.doesNotMatch(manifest, /^!.*onnxruntime-node\/bin/m, 'nor an ONNX Runtime binary');
});
