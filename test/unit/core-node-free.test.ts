/**
 * The numeric core is host-agnostic: nothing that src-core/{graph,heat,embed,linalg,pipeline,preprocess,
 * interpolate,quality} loads at run time — directly or through any chain of imports — is a Node module.
 * Node-only engines (helper threads, Dawn, files) are lent by the hosts (src-core/compute/engines.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { importEdges, sourcesUnder, type ImportEdge } from '../helpers/imports.js';

const NUMERIC = ['graph', 'heat', 'embed', 'linalg', 'pipeline', 'preprocess', 'interpolate', 'quality'].map((f) => `src-core/${f}/`);
const NODE = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const runtime = importEdges(['src-core']).filter((e) => !e.typeOnly);
const byFile = new Map<string, ImportEdge[]>();
for (const e of runtime) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);

const numericFiles = sourcesUnder(NUMERIC);

/** The chain of imports from `start` to a Node module, or null. */
function chainToNode(start: string): string[] | null {
  const seen = new Set<string>([start]);
  const queue: { file: string; path: string[] }[] = [{ file: start, path: [start] }];
  while (queue.length > 0) {
    const { file, path } = queue.shift()!;
    for (const e of byFile.get(file) ?? []) {
      if (NODE.has(e.specifier) || NODE.has(e.specifier.split('/')[0]!)) return [...path, e.specifier];
      if (e.to !== null && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push({ file: e.to, path: [...path, e.to] });
      }
    }
  }
  return null;
}

test('the scan follows imports across folders and would see a Node import', () => {
  for (const d of NUMERIC) assert.ok(numericFiles.some((f) => f.startsWith(d)), `files found in ${d}`);
  assert.ok(runtime.some((e) => e.from === 'src-core/pipeline/pipeline.ts' && e.to === 'src-core/compute/backend.ts'), 'pipeline → compute/backend is followed');
  // The Node engines themselves are found (they are what hosts install).
  assert.deepEqual(chainToNode('src-core/compute/node-engines.ts')?.slice(0, 2), ['src-core/compute/node-engines.ts', 'src-core/compute/cpu-pool.ts']);
});

test('no Node module is reachable from the numeric folders', () => {
  const chains: string[] = [];
  for (const file of numericFiles) {
    const chain = chainToNode(file);
    if (chain) chains.push(chain.join(' → '));
  }
  assert.equal(chains.join('\n'), '');
});
