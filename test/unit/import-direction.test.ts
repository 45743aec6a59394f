/**
 * The layers import downwards only (docs/architecture.md):
 *   renderer ─┐             cli ─┐     electron ─┐
 *             │ (types)          ├──▶ host ──────┤
 *             └──────────────────┴───────────────┴──▶ src-core
 * Nothing imports renderer/; cli/ and electron/ do not import each other; host/ imports neither; src-core/
 * imports none of them; the renderer takes only types from host/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importEdges, topFolder, type ImportEdge } from '../helpers/imports.js';

const LAYERS = ['src-core', 'host', 'cli', 'electron', 'renderer'] as const;
const edges = importEdges([...LAYERS, 'test', 'bench']);
const local = edges.filter((e) => e.to !== null);

const show = (list: readonly ImportEdge[]): string => list.map((e) => `${e.from} → ${e.specifier}${e.typeOnly ? ' (types)' : ''}`).join('\n');

/** Which top folders each layer may import at run time. */
const ALLOWED: Record<(typeof LAYERS)[number], readonly string[]> = {
  'src-core': ['src-core'],
  host: ['host', 'src-core'],
  cli: ['cli', 'host', 'src-core'],
  electron: ['electron', 'host', 'src-core'],
  renderer: ['renderer', 'src-core'],
};

test('the scan sees the code base (a check that cannot fail is no check)', () => {
  for (const layer of LAYERS) assert.ok(local.some((e) => topFolder(e.from) === layer), `imports found in ${layer}/`);
  assert.ok(local.some((e) => e.from === 'cli/serve.ts' && e.to === 'host/validate.ts'), 'cli/serve.ts → host/validate.ts is seen');
  assert.ok(edges.some((e) => e.from === 'renderer/src/App.svelte' && e.to === 'src-core/api.ts' && e.typeOnly), 'type imports in .svelte files are seen');
});

test('each layer imports only the layers below it', () => {
  const bad = local.filter((e) => {
    const from = topFolder(e.from) as (typeof LAYERS)[number];
    if (!(from in ALLOWED)) return false;
    const to = topFolder(e.to!);
    if (ALLOWED[from].includes(to)) return false;
    // The renderer may name host types (erased at build time), nothing else of host/.
    return !(from === 'renderer' && to === 'host' && e.typeOnly);
  });
  assert.equal(show(bad), '', 'imports against the layering');
});

test('nothing outside renderer/ imports it; cli/ and electron/ do not import each other', () => {
  assert.equal(show(local.filter((e) => topFolder(e.to!) === 'renderer' && topFolder(e.from) !== 'renderer')), '');
  assert.equal(show(local.filter((e) => topFolder(e.from) === 'cli' && topFolder(e.to!) === 'electron')), '');
  assert.equal(show(local.filter((e) => topFolder(e.from) === 'electron' && topFolder(e.to!) === 'cli')), '');
});
