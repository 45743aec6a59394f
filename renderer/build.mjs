// Builds the renderer (Svelte 5 + D3 + WebGL2) into dist/renderer/ with esbuild; offline, no network.
// Svelte components are compiled by svelte/compiler through a small esbuild plugin (TypeScript inside
// <script lang="ts"> is handled by Svelte itself); plain .ts modules go through esbuild's TS loader.
import { build } from 'esbuild';
import { compile } from 'svelte/compiler';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, '..', 'dist', 'renderer');
const production = !process.argv.includes('--dev');

/** @type {import('esbuild').Plugin} */
const sveltePlugin = {
  name: 'svelte',
  setup(b) {
    b.onLoad({ filter: /\.svelte$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const filename = relative(here, args.path);
      try {
        const out = compile(source, { filename, generate: 'client', css: 'injected', runes: true, dev: !production });
        const warnings = out.warnings.map((w) => ({ text: `${w.code}: ${w.message}`, location: w.start ? { file: filename, line: w.start.line, column: w.start.column } : null }));
        return { contents: out.js.code, loader: 'js', warnings, resolveDir: dirname(args.path) };
      } catch (e) {
        const loc = e.start ? { file: filename, line: e.start.line, column: e.start.column } : null;
        return { errors: [{ text: e.message, location: loc }] };
      }
    });
  },
};

await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: { app: resolve(here, 'src', 'main.ts'), bench: resolve(here, 'src', 'bench.ts') },
  bundle: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  outdir,
  minify: production,
  sourcemap: true,
  conditions: ['svelte', 'browser', 'production'],
  mainFields: ['svelte', 'browser', 'module', 'main'],
  plugins: [sveltePlugin],
  logLevel: 'warning',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
});
if (result.errors.length) process.exit(1);
for (const f of ['index.html', 'bench.html']) await copyFile(resolve(here, f), resolve(outdir, f));
await copyFile(resolve(here, 'app.css'), resolve(outdir, 'app.css'));
