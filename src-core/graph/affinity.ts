/**
 * Adaptive-bandwidth alpha-decay affinity (PHATE's kernel): a_ij = exp(-(d_ij / ε_i)^decay) with ε_i the
 * distance from i to its k-th neighbour, symmetrised as W = (A + Aᵀ)/2. With decay = 40 the kernel is
 * nearly a hard k-NN indicator with a soft edge, so it is robust to density differences; weights below
 * `threshold` are dropped to keep the graph sparse.
 */
import type { Csr64 } from '../linalg/csr.js';
import { csrFromTriplets } from '../linalg/csr.js';
import type { KnnResult } from './kdtree.js';

export interface AffinityOptions {
  /** Bandwidth neighbour: ε_i = distance to the k-th neighbour. */
  readonly k: number;
  readonly decay: number;
  readonly threshold?: number;
}

export function alphaDecayAffinity(knn: KnnResult, options: AffinityOptions): Csr64 {
  const { n, k: kSearch, indices, distances } = knn;
  const k = Math.min(options.k, kSearch);
  const thr = options.threshold ?? 1e-4;
  const rows = new Int32Array(2 * n * kSearch);
  const cols = new Int32Array(2 * n * kSearch);
  const vals = new Float64Array(2 * n * kSearch);
  let e = 0;
  for (let i = 0; i < n; i++) {
    let eps = distances[i * kSearch + k - 1]!;
    if (!(eps > 0)) {
      // Duplicated points: fall back to the first positive neighbour distance.
      for (let p = k; p < kSearch && !(eps > 0); p++) eps = distances[i * kSearch + p]!;
      if (!(eps > 0)) eps = 1e-12;
    }
    for (let p = 0; p < kSearch; p++) {
      const a = Math.exp(-Math.pow(distances[i * kSearch + p]! / eps, options.decay));
      if (a < thr) continue;
      const j = indices[i * kSearch + p]!;
      rows[e] = i;
      cols[e] = j;
      vals[e++] = a / 2;
      rows[e] = j;
      cols[e] = i;
      vals[e++] = a / 2;
    }
  }
  return csrFromTriplets(n, rows, cols, vals, e);
}
