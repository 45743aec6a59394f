/**
 * The row-wise parts of the alpha-decay affinity (affinity.ts), as kernels over row blocks:
 * `affinityRowsKernel` keeps each row's edges (weight, pruning), `sortRowsKernel` orders the rows of
 * the symmetrised matrix by column and merges the two halves of each edge. Each writes only its rows.
 */

export interface AffinityRowsTask {
  readonly n: number;
  /** Neighbours per row in the kNN lists. */
  readonly kSearch: number;
  /** Bandwidth neighbour: ε_i = distance to the k-th neighbour. */
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float32Array;
  readonly decay: number;
  readonly threshold: number;
  readonly prune: boolean;
  readonly lo: number;
  readonly hi: number;
}

export interface KeptEdges {
  /** Kept edges per row of the block. */
  readonly counts: Int32Array;
  readonly cols: Int32Array;
  /** a_ij = exp(−(d_ij/ε_i)^decay). */
  readonly vals: Float64Array;
}

let stamp = new Int32Array(0);

export function affinityRowsKernel(t: AffinityRowsTask): KeptEdges {
  const { n, kSearch, k, indices, distances, decay, threshold, prune } = t;
  // stamp[x] === i + 1 marks x ∈ N_k(i) while row i is processed (per thread, so rows from earlier
  // blocks on this thread never collide: every row has its own mark).
  if (stamp.length < n) stamp = new Int32Array(n);
  const counts = new Int32Array(t.hi - t.lo);
  const cols = new Int32Array((t.hi - t.lo) * kSearch);
  const vals = new Float64Array((t.hi - t.lo) * kSearch);
  let e = 0;
  // r = d/ε above rMax gives a = exp(−r^decay) < threshold: skipped without pow and exp (with a margin,
  // so that rows near the cut-off are decided by the same arithmetic as always).
  const rMax = Math.pow(-Math.log(threshold), 1 / decay) * (1 + 1e-6);
  for (let i = t.lo; i < t.hi; i++) {
    let eps = distances[i * kSearch + k - 1]!;
    if (!(eps > 0)) {
      // Duplicated points: fall back to the first positive neighbour distance.
      for (let p = k; p < kSearch && !(eps > 0); p++) eps = distances[i * kSearch + p]!;
      if (!(eps > 0)) eps = 1e-12;
    }
    if (prune) for (let p = 0; p < k; p++) stamp[indices[i * kSearch + p]!] = i + 1;
    const before = e;
    for (let p = 0; p < kSearch; p++) {
      const r = distances[i * kSearch + p]! / eps;
      if (r > rMax) continue;
      const a = Math.exp(-Math.pow(r, decay));
      if (a < threshold) continue;
      const j = indices[i * kSearch + p]!;
      if (prune && p > 0 && !supported(i, j)) continue;
      cols[e] = j;
      vals[e++] = a;
    }
    counts[i - t.lo] = e - before;
  }
  return { counts, cols: cols.slice(0, e), vals: vals.slice(0, e) };

  /** True when i ∈ N_k(j) (mutual) or N_k(i) ∩ N_k(j) ≠ ∅; needs row i stamped. */
  function supported(i: number, j: number): boolean {
    for (let q = 0; q < k; q++) {
      const x = indices[j * kSearch + q]!;
      if (x === i || stamp[x] === i + 1) return true;
    }
    return false;
  }
}

export interface SortRowsTask {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Out: entries of each row after merging duplicates (kept at the row's start). */
  readonly merged: Int32Array;
  readonly lo: number;
  readonly hi: number;
}

/** Sorts rows [lo, hi) by column, stably, and sums entries with the same column. */
export function sortRowsKernel(t: SortRowsTask): number {
  const { indptr, indices, values, merged } = t;
  let total = 0;
  for (let i = t.lo; i < t.hi; i++) {
    const a = indptr[i]!;
    const b = indptr[i + 1]!;
    if (b - a <= 96) insertionSort(indices, values, a, b);
    else keySort(indices, values, a, b);
    let w = a;
    for (let p = a; p < b; p++) {
      if (w > a && indices[w - 1] === indices[p]) values[w - 1]! += values[p]!;
      else {
        indices[w] = indices[p]!;
        values[w++] = values[p]!;
      }
    }
    merged[i] = w - a;
    total += w - a;
  }
  return total;
}

function insertionSort(idx: Int32Array, val: Float64Array, a: number, b: number): void {
  for (let p = a + 1; p < b; p++) {
    const c = idx[p]!;
    const v = val[p]!;
    let q = p - 1;
    while (q >= a && idx[q]! > c) {
      idx[q + 1] = idx[q]!;
      val[q + 1] = val[q]!;
      q--;
    }
    idx[q + 1] = c;
    val[q + 1] = v;
  }
}

/** Long rows: sort by the key column·len + position (stable), then permute. */
function keySort(idx: Int32Array, val: Float64Array, a: number, b: number): void {
  const len = b - a;
  const keys = new Float64Array(len);
  for (let p = 0; p < len; p++) keys[p] = idx[a + p]! * len + p;
  keys.sort();
  const ci = idx.slice(a, b);
  const cv = val.slice(a, b);
  for (let p = 0; p < len; p++) {
    const from = keys[p]! % len;
    idx[a + p] = ci[from]!;
    val[a + p] = cv[from]!;
  }
}
