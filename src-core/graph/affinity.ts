/**
 * Adaptive-bandwidth alpha-decay affinity (PHATE's kernel): a_ij = exp(-(d_ij / ε_i)^decay) with ε_i the
 * distance from i to its k-th neighbour, symmetrised as W = (A + Aᵀ)/2. With decay = 40 the kernel is
 * nearly a hard k-NN indicator with a soft edge, so it is robust to density differences; weights below
 * `threshold` are dropped to keep the graph sparse.
 *
 * Short circuits: on a noisy manifold a point's k-th neighbour can sit on another sheet (a kNN edge across
 * two layers of a Swiss roll). Such an edge is one-sided and unsupported: j does not count i among its k
 * neighbours and the two neighbourhoods share no point. Edges that are neither mutual nor share a single
 * neighbour are dropped (`pruneUnsupported`, default on); each point's nearest neighbour is always kept so
 * no point is cut off. Within one sheet, neighbourhoods of neighbours overlap, so real edges survive.
 */
import type { Csr64 } from '../linalg/csr.js';
import { csrFromTriplets } from '../linalg/csr.js';
import type { KnnResult } from '../linalg/neighbours.js';

export interface AffinityOptions {
  /** Bandwidth neighbour: ε_i = distance to the k-th neighbour. */
  readonly k: number;
  readonly decay: number;
  readonly threshold?: number;
  /** Drop edges that are neither mutual nor share a neighbour (see above). Default true. */
  readonly pruneUnsupported?: boolean;
}

export function alphaDecayAffinity(knn: KnnResult, options: AffinityOptions): Csr64 {
  const { n, k: kSearch, indices, distances } = knn;
  const k = Math.min(options.k, kSearch);
  const thr = options.threshold ?? 1e-4;
  const prune = options.pruneUnsupported ?? true;
  // stamp[x] === i marks x ∈ N_k(i) while row i is processed.
  const stamp = new Int32Array(n).fill(-1);
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
    if (prune) for (let p = 0; p < k; p++) stamp[indices[i * kSearch + p]!] = i;
    for (let p = 0; p < kSearch; p++) {
      const a = Math.exp(-Math.pow(distances[i * kSearch + p]! / eps, options.decay));
      if (a < thr) continue;
      const j = indices[i * kSearch + p]!;
      if (prune && p > 0 && !supported(i, j)) continue;
      rows[e] = i;
      cols[e] = j;
      vals[e++] = a / 2;
      rows[e] = j;
      cols[e] = i;
      vals[e++] = a / 2;
    }
  }
  return csrFromTriplets(n, rows, cols, vals, e);

  /** True when i ∈ N_k(j) (mutual) or N_k(i) ∩ N_k(j) ≠ ∅; needs row i stamped. */
  function supported(i: number, j: number): boolean {
    for (let q = 0; q < k; q++) {
      const x = indices[j * kSearch + q]!;
      if (x === i || stamp[x] === i) return true;
    }
    return false;
  }
}
