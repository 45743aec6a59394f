/**
 * 100k-cell affinity graphs for `bench/analysis.ts` (see its header): mouse10k ×10 (densified copies,
 * approximate kNN) and the synthetic branching tree (exact kNN).
 */
import { alphaDecayAffinity } from '../src-core/graph/affinity.js';
import { knnExact } from '../src-core/graph/knn.js';
import type { KnnResult } from '../src-core/graph/kdtree.js';
import { openDataset } from '../src-core/io/open.js';
import type { Csr64 } from '../src-core/linalg/csr.js';
import { createRng } from '../src-core/linalg/random.js';
import { DEFAULTS } from '../src-core/pipeline/params.js';
import { preprocess } from '../src-core/preprocess/index.js';
import { branchingTree } from '../src-core/synthetic/tree.js';
import { fixtureData } from '../test/helpers/paths.js';

export const KSEARCH = 2 * DEFAULTS.knn;

export const affinity = (knn: KnnResult): Csr64 => alphaDecayAffinity(knn, { k: DEFAULTS.knn, decay: DEFAULTS.decay });

/** 10k mouse cells → 50 PCs → `copies` jittered copies, with approximate kNN from the base kNN. */
export async function tiledMouse(copies: number): Promise<{ graph: Csr64; buildMs: number }> {
  const t0 = performance.now();
  const ds = await openDataset(fixtureData('mouse10k'));
  const pcs = preprocess(ds).matrix;
  const { nRows: n0, nCols: d } = pcs;
  const base = await knnExact(pcs.data, n0, d, KSEARCH);
  const rng = createRng(7);
  const n = n0 * copies;
  const pts = new Float32Array(n * d);
  // Copy 0 is the data; copy t > 0 of cell i lies on the segment to one of its 10 nearest neighbours
  // (a denser sample of the same manifold, not noise off it).
  for (let t = 0; t < copies; t++) {
    for (let i = 0; i < n0; i++) {
      const j = t === 0 ? i : base.indices[i * KSEARCH + rng.int(DEFAULTS.knn)]!;
      const u = t === 0 ? 0 : 0.5 * rng.next();
      for (let c = 0; c < d; c++) pts[(t * n0 + i) * d + c] = (1 - u) * pcs.data[i * d + c]! + u * pcs.data[j * d + c]!;
    }
  }
  const indices = new Int32Array(n * KSEARCH);
  const distances = new Float32Array(n * KSEARCH);
  const candIdx: number[] = [];
  const candDist: number[] = [];
  for (let t = 0; t < copies; t++) {
    for (let i = 0; i < n0; i++) {
      const q = t * n0 + i;
      candIdx.length = 0;
      candDist.length = 0;
      for (let p = -1; p < KSEARCH; p++) {
        const b = p < 0 ? i : base.indices[i * KSEARCH + p]!;
        for (let u = 0; u < copies; u++) {
          const v = u * n0 + b;
          if (v === q) continue;
          let s = 0;
          for (let c = 0; c < d; c++) {
            const diff = pts[q * d + c]! - pts[v * d + c]!;
            s += diff * diff;
          }
          candIdx.push(v);
          candDist.push(Math.sqrt(s));
        }
      }
      const order = candIdx.map((_, k) => k).sort((a, b) => candDist[a]! - candDist[b]!);
      for (let k = 0; k < KSEARCH; k++) {
        indices[q * KSEARCH + k] = candIdx[order[k]!]!;
        distances[q * KSEARCH + k] = candDist[order[k]!]!;
      }
    }
  }
  const graph = affinity({ n, k: KSEARCH, indices, distances });
  return { graph, buildMs: performance.now() - t0 };
}

export async function treeGraph(n: number): Promise<{ graph: Csr64; buildMs: number }> {
  const t0 = performance.now();
  const tree = branchingTree(n, { branches: 10, dim: 20, seed: 3 });
  const knn = await knnExact(tree.points, n, tree.dim, KSEARCH);
  return { graph: affinity(knn), buildMs: performance.now() - t0 };
}

