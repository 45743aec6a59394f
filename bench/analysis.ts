/**
 * `npm run bench:analysis`: speed of the analysis core (src-core/analysis) and its agreement figures.
 *   1. Leiden on 100k-cell affinity graphs (time of clustering only; the graph is built first):
 *      - mouse10k ×10: the 10k-cell fixture (sqrt-normalised counts → 50 PCs) and 9 more copies, each
 *        cell moved a random fraction (< ½) of the way to one of its 10 nearest neighbours; kNN of a copy
 *        searched among the copies of its base cell's 20 neighbours and itself (a close approximation of
 *        exact kNN, fast to build);
 *      - tree: the synthetic branching tree (100k points, 20-D), exact kNN as the pipeline does it.
 *   2. Marker genes: a 10k-cell selection × 2,000 genes against the rest, synthetic log1p data at 10%
 *      non-zeros, total cells 20k / 50k / 100k; also a 10k-vs-10k second selection.
 *   3. pbmc68k_reduced: Leiden ARI vs the file's louvain at 11 clusters (seeds 0–4) and the
 *      CD14+ Monocyte markers.
 * Options: --runs R (median of R timings, default 3) --skip-tree --skip-markers
 * Run it under `flock /tmp/isotherm-bench.lock` on a shared machine; on a loaded machine the wall time
 * grows with the load, the CPU time much less.
 */
import { cpus } from 'node:os';
import { adjustedRandIndex, clusterGraph, piecesPerCluster, rankMarkers } from '../src-core/analysis/index.js';
import { initBackend } from '../src-core/compute/backend.js';
import { knnExact } from '../src-core/graph/knn.js';
import type { CsrMatrix } from '../src-core/io/dataset.js';
import { openDataset } from '../src-core/io/open.js';
import type { Csr64 } from '../src-core/linalg/csr.js';
import { createRng } from '../src-core/linalg/random.js';
import { fixtureData } from '../test/helpers/paths.js';
import { affinity, KSEARCH, tiledMouse, treeGraph } from './analysis-graphs.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time and CPU time (user + system of this process: less sensitive to other processes' load). */
function timed<T>(f: () => T): { value: T; ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

function leidenRow(name: string, graph: Csr64, buildMs: number, resolution: number): string {
  const times: number[] = [];
  const cpu: number[] = [];
  let last = clusterGraph(graph, { resolution });
  for (let r = 0; r < runs; r++) {
    const t = timed(() => clusterGraph(graph, { resolution }));
    times.push(t.ms);
    cpu.push(t.cpuMs);
    last = t.value;
  }
  const pieces = Math.max(...piecesPerCluster(graph, last.labels, last.nClusters));
  return `| ${name} | ${graph.n} | ${graph.indptr[graph.n]} | ${(buildMs / 1000).toFixed(1)} | ${resolution} | ${last.nClusters} | ${last.quality.toFixed(4)} | ${pieces} | ${(median(times) / 1000).toFixed(2)} | ${(Math.min(...times) / 1000).toFixed(2)} | ${(median(cpu) / 1000).toFixed(2)} |`;
}

/** Synthetic log1p expression: nCells × nGenes CSR, ~density non-zeros; genes 0..49 are higher in rows < selected. */
function syntheticExpression(nCells: number, nGenes: number, density: number, selected: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const rate = Float64Array.from({ length: nGenes }, () => 0.5 + 4 * rng.next());
  const indptr = new Int32Array(nCells + 1);
  const cap = Math.ceil(nCells * nGenes * density * 1.6) + nGenes;
  let indices: Int32Array = new Int32Array(cap);
  let data: Float32Array = new Float32Array(cap);
  let w = 0;
  for (let i = 0; i < nCells; i++) {
    for (let j = 0; j < nGenes; j++) {
      const boost = i < selected && j < 50 ? 3 : 1;
      if (rng.next() < density * boost) {
        if (w === indices.length) {
          indices = growInt(indices);
          data = growFloat(data);
        }
        indices[w] = j;
        data[w++] = Math.log1p(1 + Math.floor(rate[j]! * boost * rng.next() * 3));
      }
    }
    indptr[i + 1] = w;
  }
  return { kind: 'csr', nRows: nCells, nCols: nGenes, indptr, indices: indices.slice(0, w), data: data.slice(0, w) };
}
const growInt = (a: Int32Array): Int32Array => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};
const growFloat = (a: Float32Array): Float32Array => {
  const b = new Float32Array(a.length * 2);
  b.set(a);
  return b;
};

function markerRow(nCells: number, selection: number, versus: 'rest' | number): string {
  const genes = 2000;
  const x = syntheticExpression(nCells, genes, 0.1, selection, nCells);
  const names = Array.from({ length: genes }, (_, j) => `g${j}`);
  const a = Int32Array.from({ length: selection }, (_, i) => i);
  const b = versus === 'rest' ? null : Int32Array.from({ length: versus }, (_, i) => selection + i);
  const times: number[] = [];
  const cpu: number[] = [];
  let top = 0;
  for (let r = 0; r < runs; r++) {
    const t = timed(() => rankMarkers(x, names, a, b));
    times.push(t.ms);
    cpu.push(t.cpuMs);
    top = t.value.rows.slice(0, 50).filter((row) => row.gene < 50).length;
  }
  return `| ${nCells} | ${genes} | ${x.indices.length} | ${selection} | ${versus} | ${top}/50 | ${(median(times) / 1000).toFixed(2)} | ${(Math.min(...times) / 1000).toFixed(2)} | ${(median(cpu) / 1000).toFixed(2)} |`;
}

async function pbmc(): Promise<void> {
  const file = fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad');
  const ds = await openDataset(file);
  const x = ds.obsm['X_pca']!;
  const graph = affinity(await knnExact(x.data, x.nRows, x.nCols, KSEARCH));
  const louvain = ds.obs.find((c) => c.name === 'louvain');
  if (!louvain || louvain.kind !== 'categorical') throw new Error('no louvain column');
  console.log('\n## pbmc68k_reduced (700 cells, X_pca): Leiden vs the file\'s louvain (scanpy), 11 clusters\n');
  console.log('| seed | γ found | clusters | ARI vs louvain | time s |');
  console.log('|---|---|---|---|---|');
  for (const seed of [0, 1, 2, 3, 4]) {
    const t = timed(() => clusterGraph(graph, { targetClusters: 11, seed }));
    console.log(`| ${seed} | ${t.value.resolution.toFixed(4)} | ${t.value.nClusters} | ${adjustedRandIndex(t.value.labels, louvain.codes).toFixed(3)} | ${(t.ms / 1000).toFixed(3)} |`);
  }
  const raw = await openDataset(file, { useRaw: true });
  const bulk = raw.obs.find((c) => c.name === 'bulk_labels');
  if (!bulk || bulk.kind !== 'categorical') throw new Error('no bulk_labels column');
  const mono = bulk.categories.indexOf('CD14+ Monocyte');
  const rows = Int32Array.from(Array.from(bulk.codes.keys()).filter((i) => bulk.codes[i] === mono));
  const m = rankMarkers(raw.X, raw.featureNames, rows, null);
  console.log(`\nCD14+ Monocyte (${m.nA}) vs rest (${m.nB}), raw/X, top ten: ${m.rows.slice(0, 10).map((r) => r.name).join(', ')}`);
}

await initBackend('auto');
console.log(`# Isotherm analysis benchmark\n\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; median (and min) wall time of ${runs} runs, and median CPU time (user + system)\n`);
console.log('## Leiden (modularity, seed 0), time of clustering only\n');
console.log('| graph | n | nnz | graph build s | γ | clusters | modularity | max pieces per cluster | median s | min s | median CPU s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
{
  const m = await tiledMouse(10);
  for (const gamma of [1, 2]) console.log(leidenRow('mouse10k ×10 (densified)', m.graph, m.buildMs, gamma));
}
if (!args.includes('--skip-tree')) {
  const t = await treeGraph(100_000);
  console.log(leidenRow('branching tree, 20-D', t.graph, t.buildMs, 1));
}
if (!args.includes('--skip-markers')) {
  console.log('\n## Marker genes (Wilcoxon rank-sum + BH), synthetic log1p CSR, 10% non-zeros\n');
  console.log('| cells | genes | nnz | selection | vs | planted genes in top 50 | median s | min s | median CPU s |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const n of [20_000, 50_000, 100_000]) console.log(markerRow(n, 10_000, 'rest'));
  console.log(markerRow(20_000, 10_000, 10_000));
}
await pbmc();
