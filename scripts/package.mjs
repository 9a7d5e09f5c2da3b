// Packs the extension into .vsix files, one per platform, VS Code's convention for native code: each platform's
// .vsix carries only that platform's Dawn binary (node_modules/webgpu/dist/<platform>/, 19–39 MB unpacked), and
// a universal .vsix carries none (its trainer falls back to the CPU backends). VS Code, and Remote-SSH on the
// remote side, installs the build made for the platform it runs on, or the universal one where there is none.
//
//   node scripts/package.mjs                  this machine's platform → dropneuron.vsix (npm run package)
//   node scripts/package.mjs --target T       T (linux-x64, …, or universal) → dist-vsix/dropneuron-T.vsix
//                                             (universal → dist-vsix/dropneuron.vsix)
//   node scripts/package.mjs --all            every target and the universal one → dist-vsix/ (npm run package:all)
//   --out FILE                                where a single .vsix goes
//   --no-build                                pack the dist/ bundles as they are (tests)
//
// It builds once, then runs vsce per target with a generated ignore file: .vscodeignore (an allow-list) plus the
// one line that lets the target's Dawn folder in. node_modules itself is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DAWN = join(ROOT, 'node_modules', 'webgpu', 'dist');
const OUT_DIR = join(ROOT, 'dist-vsix');

/** vsce target → the folder of node_modules/webgpu/dist/ it carries (webgpu's index.js loads `${platform}-${arch}`, arch `universal` on macOS). */
export const TARGETS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-universal',
  'darwin-arm64': 'darwin-universal',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};

/**
 * vsce target → the folder of node_modules/onnxruntime-node/bin/napi-v6/ it carries (its binding loads
 * `${platform}/${arch}`); none for darwin-x64, which onnxruntime-node 1.30 does not build: that .vsix trains on wasm.
 */
export const ORT_TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
const ORT = join(ROOT, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');

/** The vsce target for this machine, or null where Dawn has no build for it (the universal .vsix then). */
export function hostTarget() {
  const target = `${process.platform}-${process.arch}`;
  if (!(target in TARGETS)) return null;
  // Dawn's Linux builds need glibc (≥ 2.34); on musl (Alpine, vsce's alpine-* targets) they cannot load.
  if (process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime) return null;
  return target;
}

/** Names of the entries of a .zip, with their uncompressed sizes, from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`expected a zip file, found no end of central directory in ${file}`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size: buf.readUInt32LE(at + 24) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function dirSize(dir) {
  return readdirSync(dir).reduce((sum, name) => {
    const stat = statSync(join(dir, name));
    return sum + (stat.isDirectory() ? dirSize(join(dir, name)) : stat.size);
  }, 0);
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Packs one .vsix: `target` null is the universal one. Returns its size and the Dawn folders it holds. */
function pack(target, out) {
  const base = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  const folder = target && TARGETS[target];
  if (folder && !existsSync(join(DAWN, folder, 'dawn.node'))) {
    throw new Error(`expected ${relative(ROOT, join(DAWN, folder, 'dawn.node'))} (from the webgpu package) to pack ${target}, found none: run npm install`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dnn-vscodeignore-'));
  const ignoreFile = join(tmp, '.vscodeignore');
  const ort = target && ORT_TARGETS[target];
  if (ort && !existsSync(join(ORT, ort, 'onnxruntime_binding.node'))) {
    throw new Error(
      `expected ${relative(ROOT, join(ORT, ort, 'onnxruntime_binding.node'))} (from onnxruntime-node) to pack ${target}, found none: run npm install`,
    );
  }
  const lines = [
    ...(folder ? [`# ${target}: its Dawn binary`, `!node_modules/webgpu/dist/${folder}/**`] : []),
    ...(ort ? [`# ${target}: its ONNX Runtime binary`, `!node_modules/onnxruntime-node/bin/napi-v6/${ort}/**`] : []),
  ];
  writeFileSync(ignoreFile, `${base.trimEnd()}\n${lines.map((l) => `${l}\n`).join('')}`);
  mkdirSync(dirname(out), { recursive: true });
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = ['package', '--ignoreFile', ignoreFile, '--out', out, ...(target ? ['--target', target] : [])];
  const result = spawnSync(process.execPath, [vsce, ...args], { cwd: ROOT, encoding: 'utf8' });
  rmSync(tmp, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`vsce ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);

  // Check what went in: exactly the target's Dawn folder, complete, and no other platform's.
  const entries = zipEntries(out);
  const dawn = new Set(entries.map((e) => /^extension\/node_modules\/webgpu\/dist\/([^/]+)\//.exec(e.name)?.[1]).filter(Boolean));
  const expected = folder ? [folder] : [];
  if ([...dawn].sort().join() !== expected.join()) {
    throw new Error(`expected ${out} to hold the Dawn folders [${expected}], found [${[...dawn]}]`);
  }
  const dawnBytes = entries.filter((e) => e.name.startsWith(`extension/node_modules/webgpu/dist/${folder}/`)).reduce((s, e) => s + e.size, 0);
  if (folder && dawnBytes !== dirSize(join(DAWN, folder))) throw new Error(`expected all of node_modules/webgpu/dist/${folder} in ${out}`);
  // And exactly the target's ONNX Runtime folder, complete.
  const ortFolders = new Set(
    entries.map((e) => /^extension\/node_modules\/onnxruntime-node\/bin\/napi-v6\/([^/]+\/[^/]+)\//.exec(e.name)?.[1]).filter(Boolean),
  );
  if ([...ortFolders].join() !== (ort ?? '')) throw new Error(`expected ${out} to hold the ONNX Runtime folders [${ort ?? ''}], found [${[...ortFolders]}]`);
  const ortBytes = entries.filter((e) => e.name.startsWith(`extension/node_modules/onnxruntime-node/bin/napi-v6/${ort}/`)).reduce((s, e) => s + e.size, 0);
  if (ort && ortBytes !== dirSize(join(ORT, ort))) throw new Error(`expected all of node_modules/onnxruntime-node/bin/napi-v6/${ort} in ${out}`);
  return { target: target ?? 'universal', out, bytes: statSync(out).size, files: entries.length, dawn: folder ?? null, dawnBytes, ort: ort ?? null, ortBytes };
}

function main() {
  const { values } = parseArgs({
    options: { target: { type: 'string' }, all: { type: 'boolean' }, out: { type: 'string' }, 'no-build': { type: 'boolean' } },
  });
  if (values.all && (values.target || values.out)) throw new Error('expected --all alone, or --target [--out]');
  if (values.target && values.target !== 'universal' && !(values.target in TARGETS)) {
    throw new Error(`expected --target to be one of ${[...Object.keys(TARGETS), 'universal'].join(', ')}, found ${values.target}`);
  }

  let jobs;
  if (values.all) {
    jobs = [...Object.keys(TARGETS).map((t) => [t, join(OUT_DIR, `dropneuron-${t}.vsix`)]), [null, join(OUT_DIR, 'dropneuron.vsix')]];
  } else if (values.target) {
    const target = values.target === 'universal' ? null : values.target;
    jobs = [[target, values.out ? resolve(values.out) : join(OUT_DIR, target ? `dropneuron-${target}.vsix` : 'dropneuron.vsix')]];
  } else {
    const target = hostTarget();
    if (!target) console.error(`package: Dawn has no build for ${process.platform}-${process.arch}; packing the universal .vsix (CPU backends only)`);
    jobs = [[target, values.out ? resolve(values.out) : join(ROOT, 'dropneuron.vsix')]];
  }

  if (!values['no-build']) {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  for (const [target, out] of jobs) {
    const r = pack(target, out);
    const dawn = [
      r.dawn ? `Dawn ${r.dawn} ${mb(r.dawnBytes)} unpacked` : 'no Dawn (CPU backends)',
      r.ort ? `ONNX Runtime ${r.ort} ${mb(r.ortBytes)} unpacked` : 'no ONNX Runtime (wasm for every network)',
    ].join(', ');
    const shown = relative(process.cwd(), r.out).startsWith('..') ? r.out : relative(process.cwd(), r.out);
    console.log(`${shown}: ${r.target}, ${r.bytes} bytes (${mb(r.bytes)}), ${r.files} files, ${dawn}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`package: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
