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
import type { KnnResult } from '../linalg/neighbours.js';
import { affinityRowsKernel, sortRowsKernel, type AffinityRowsTask, type KeptEdges } from './affinity-kernel.js';

export interface AffinityOptions {
  /** Bandwidth neighbour: ε_i = distance to the k-th neighbour. */
  readonly k: number;
  readonly decay: number;
  readonly threshold?: number;
  /** Drop edges that are neither mutual nor share a neighbour (see above). Default true. */
  readonly pruneUnsupported?: boolean;
}

export function alphaDecayAffinity(knn: KnnResult, options: AffinityOptions): Csr64 {
  const task = rowsTask(knn, options, 0, knn.n);
  const kept = affinityRowsKernel(task);
  const half = symmetricHalves(knn.n, [{ lo: 0, kept }], (l) => new Int32Array(l), (l) => new Float64Array(l));
  sortRowsKernel({ ...half, lo: 0, hi: knn.n });
  return compact(knn.n, half);
}

/** The row kernel's task for rows [lo, hi). */
export function rowsTask(knn: KnnResult, options: AffinityOptions, lo: number, hi: number): AffinityRowsTask {
  return {
    n: knn.n,
    kSearch: knn.k,
    k: Math.min(options.k, knn.k),
    indices: knn.indices,
    distances: knn.distances,
    decay: options.decay,
    threshold: options.threshold ?? 1e-4,
    prune: options.pruneUnsupported ?? true,
    lo,
    hi,
  };
}

export interface Halves {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  readonly merged: Int32Array;
}

/**
 * W = (A + Aᵀ)/2 before merging: row i holds (j, a_ij/2) for its kept edges, then (j, a_ji/2) for the
 * rows j that kept i, in ascending order of the blocks' rows (so a stable sort sums them in a fixed order).
 */
export function symmetricHalves(
  n: number,
  blocks: readonly { readonly lo: number; readonly kept: KeptEdges }[],
  i32: (length: number) => Int32Array,
  f64: (length: number) => Float64Array,
): Halves {
  const indptr = i32(n + 1);
  for (const { lo, kept } of blocks) {
    let e = 0;
    for (let r = 0; r < kept.counts.length; r++) {
      const c = kept.counts[r]!;
      indptr[lo + r + 1]! += c;
      for (let q = 0; q < c; q++) indptr[kept.cols[e++]! + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
  const total = indptr[n]!;
  const indices = i32(total);
  const values = f64(total);
  const fill = indptr.slice(0, n);
  for (const { lo, kept } of blocks) {
    let e = 0;
    for (let r = 0; r < kept.counts.length; r++) {
      const i = lo + r;
      for (let q = 0; q < kept.counts[r]!; q++, e++) {
        const j = kept.cols[e]!;
        const a = kept.vals[e]! / 2;
        let p = fill[i]!++;
        indices[p] = j;
        values[p] = a;
        p = fill[j]!++;
        indices[p] = i;
        values[p] = a;
      }
    }
  }
  return { indptr, indices, values, merged: i32(n) };
}

/** The merged rows as a compact CSR. */
export function compact(
  n: number,
  h: Halves,
  i32: (length: number) => Int32Array = (l) => new Int32Array(l),
  f64: (length: number) => Float64Array = (l) => new Float64Array(l),
): Csr64 {
  const indptr = i32(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + h.merged[i]!;
  const indices = i32(indptr[n]!);
  const values = f64(indptr[n]!);
  for (let i = 0; i < n; i++) {
    const from = h.indptr[i]!;
    const len = h.merged[i]!;
    indices.set(h.indices.subarray(from, from + len), indptr[i]!);
    values.set(h.values.subarray(from, from + len), indptr[i]!);
  }
  return { n, indptr, indices, values };
}
