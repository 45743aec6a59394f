/**
 * The electron-builder configuration (package.json "build"): installer targets per platform, identity,
 * file associations, icons (real PNGs of the right size), and `files` globs that include everything the
 * packaged app loads (main, preload, compute worker, renderer, assets) and leave out tests and sources.
 * electron-builder itself is not a dependency (it downloads Electron and packaging tools), so the config
 * is checked here, and `npm run dist:linux` etc. fetch it with npx when someone builds installers.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { projectRoot } from '../helpers/paths.js';

interface BuildConfig {
  appId: string;
  productName: string;
  electronVersion: string;
  directories: { output: string };
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  files: string[];
  fileAssociations: { ext: string; name: string; role?: string }[];
  linux: { target: string[]; icon: string; maintainer?: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
}
interface Pkg {
  main: string;
  scripts: Record<string, string>;
  build: BuildConfig;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}

const root = projectRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Pkg;
const build = pkg.build;

/** electron-builder's glob subset used in `files`: `**`, `*`, and `!` exclusions, last match wins. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
function included(path: string): boolean {
  let inc = false;
  for (const g of build.files) {
    const neg = g.startsWith('!');
    if (globToRegExp(neg ? g.slice(1) : g).test(path)) inc = !neg;
  }
  return inc;
}

function pngSize(file: string): { width: number; height: number; colourType: number } {
  const b = readFileSync(file);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} has the PNG signature`);
  assert.equal(b.toString('ascii', 12, 16), 'IHDR');
  // Walk the chunks: IDAT data must inflate to height × (1 + width × 4) bytes for 8-bit RGBA.
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const colourType = b[25]!;
  const idat: Buffer[] = [];
  let off = 8;
  let sawEnd = false;
  while (off < b.length) {
    const len = b.readUInt32BE(off);
    const type = b.toString('ascii', off + 4, off + 8);
    if (type === 'IDAT') idat.push(b.subarray(off + 8, off + 8 + len));
    if (type === 'IEND') sawEnd = true;
    off += 12 + len;
  }
  assert.ok(sawEnd, `${file} ends with IEND`);
  assert.equal(inflateSync(Buffer.concat(idat)).length, height * (1 + width * 4), `${file} pixel data is complete`);
  return { width, height, colourType };
}

describe('electron-builder config', () => {
  it('names the app and targets Linux AppImage + deb, macOS dmg, Windows nsis', () => {
    assert.equal(build.appId, 'org.isotherm.app');
    assert.equal(build.productName, 'Isotherm');
    assert.match(build.electronVersion, /^\d+\.\d+\.\d+$/);
    assert.deepEqual([...build.linux.target].sort(), ['AppImage', 'deb']);
    assert.deepEqual(build.mac.target, ['dmg']);
    assert.deepEqual(build.win.target, ['nsis']);
    assert.ok(build.linux.maintainer, 'deb needs a maintainer');
    assert.equal(pkg.main, 'dist/electron/main.js');
    for (const s of ['dist:linux', 'dist:mac', 'dist:win']) assert.match(pkg.scripts[s] ?? '', /npm run build && npx --yes electron-builder@\d/, s);
    assert.match(pkg.scripts.build ?? '', /build:preload/);
  });

  it('associates .h5ad, .arrow, .feather, .parquet and .mtx', () => {
    assert.deepEqual(build.fileAssociations.map((a) => a.ext).sort(), ['arrow', 'feather', 'h5ad', 'mtx', 'parquet']);
    for (const a of build.fileAssociations) {
      assert.ok(a.name.length > 0, a.ext);
      assert.equal(a.role, 'Viewer');
    }
  });

  it('has icons: RGBA PNGs of 512×512 and 256×256', () => {
    const icons = join(root, 'assets', 'icons');
    for (const size of [512, 256]) {
      const file = join(icons, `${size}x${size}.png`);
      assert.ok(existsSync(file), file);
      assert.deepEqual(pngSize(file), { width: size, height: size, colourType: 6 });
    }
    assert.equal(build.linux.icon, 'assets/icons');
    assert.ok(existsSync(join(root, build.mac.icon)) && pngSize(join(root, build.mac.icon)).width >= 512, 'macOS icon ≥ 512 px (electron-builder makes the .icns)');
    assert.ok(existsSync(join(root, build.win.icon)) && pngSize(join(root, build.win.icon)).width >= 256, 'Windows icon ≥ 256 px (electron-builder makes the .ico)');
  });

  it('packages everything the app loads, and no tests, sources or source maps', () => {
    for (const p of [
      'package.json',
      'dist/electron/main.js',
      'dist/electron/app.js',
      'dist/electron/preload.cjs',
      'dist/host/compute-worker.js',
      'dist/host/compute-thread.js',
      'dist/host/renderer-files.js',
      'dist/host/local-api.js',
      'dist/src-core/pipeline/pipeline.js',
      'dist/renderer/index.html',
      'dist/renderer/app.js',
      'dist/renderer/app.css',
      'assets/icons/512x512.png',
      'assets/demo/hsmm.h5ad',
    ]) assert.ok(included(p), `${p} is packaged`);
    for (const p of ['dist/test/unit/electron-main.test.js', 'electron/main.ts', 'src-core/api.ts', 'dist/renderer/app.js.map', 'renderer/src/App.svelte', 'test/fixtures/data/x.h5ad', 'release/Isotherm.AppImage']) {
      assert.ok(!included(p), `${p} is left out`);
    }
    // The main entry and the preload the window is given are what the build produces.
    assert.ok(included(pkg.main));
  });

  it('packs the app into an asar archive and unpacks what the compute worker loads', () => {
    assert.equal(build.asar, true);
    // The worker thread's ES-module loader, the wasm readers, Dawn and h5wasm (the demo) need real files:
    // everything the compute worker imports is unpacked (host/worker-url.ts maps the worker's URL there).
    const unpacked = (p: string): boolean => build.asarUnpack.some((g) => globToRegExp(g).test(p));
    for (const p of ['dist/host/compute-thread.js', 'dist/host/local-api.js', 'dist/src-core/io/open.js', 'assets/demo/hsmm.h5ad', 'node_modules/h5wasm/dist/node/hdf5_hl.js', 'node_modules/webgpu/dist/linux-x64.dawn.node']) {
      assert.ok(unpacked(p), `${p} is unpacked`);
    }
    // The window's code stays in the archive (integrity-checked; only-load-from-asar).
    for (const p of ['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/renderer/app.js', 'package.json']) assert.ok(!unpacked(p), `${p} stays in app.asar`);
  });

  it('sets the Electron fuses: no RunAsNode, NODE_OPTIONS or inspect arguments; cookie encryption; asar integrity and only-load-from-asar', () => {
    assert.deepEqual(build.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('keeps tfjs-node-gpu optional and electron / electron-builder out of the dependencies', () => {
    assert.ok(pkg.optionalDependencies['@tensorflow/tfjs-node-gpu']);
    assert.equal(pkg.dependencies['@tensorflow/tfjs-node-gpu'], undefined);
    for (const name of ['electron', 'electron-builder']) {
      assert.equal(pkg.dependencies[name], undefined, name);
      assert.equal(pkg.devDependencies[name], undefined, name);
    }
  });
});
