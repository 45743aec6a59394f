/**
 * Rows of the two-step walk T² = (D⁻¹W)² for a block of cells, sparsified to at most `maxPartners` per
 * row (refine.ts), and the squared feature distances of a CSR's pairs: the refinement's affinity build
 * as kernels that the kernel pool runs on blocks of cells. Each row depends on its own cell only, so
 * the result does not depend on the split or the thread count.
 */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';
export interface TwoStepRowsTask {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Σ_j W_ij without the diagonal. */
  readonly rowSum: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly maxPartners: number;
}

/** Rows lo.. of T²: counts[r] partners of cell lo + r, then their columns (ascending within a row) and values, in row order. */
export interface TwoStepRows {
  readonly lo: number;
  readonly counts: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

export function twoStepRowsKernel(t: TwoStepRowsTask): TwoStepRows {
  const { indptr, indices, values, rowSum, lo, hi, maxPartners } = t;
  const n = rowSum.length;
  const capped = Number.isFinite(maxPartners);
  // Upper bound of the block's entries (Σ_i min(Σ_{j∈N(i)} |N(j)|, maxPartners)), so the output is allocated once.
  let bound = 0;
  for (let i = lo; i < hi; i++) {
    let row = 0;
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) row += indptr[indices[q]! + 1]! - indptr[indices[q]!]!;
    bound += capped ? Math.min(row, maxPartners) : row;
  }
  const counts = new Int32Array(hi - lo);
  const cols = new Int32Array(bound);
  const vals = new Float64Array(bound);
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const touched = new Int32Array(n);
  const scratch = new Float64Array(capped ? n : 0);
  const tail = new Int32Array(capped ? n : 0);
  let e = 0;
  for (let i = lo; i < hi; i++) {
    if (!(rowSum[i]! > 0)) continue;
    let t = 0;
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
      const j = indices[q]!;
      if (j === i || !(rowSum[j]! > 0)) continue;
      const f = values[q]! / rowSum[i]! / rowSum[j]!; // T_ij / Σ_l W_jl: one division per step, not per pair
      for (let r = indptr[j]!; r < indptr[j + 1]!; r++) {
        const l = indices[r]!;
        if (l === i || l === j) continue;
        if (mark[l] !== i) {
          mark[l] = i;
          acc[l] = 0;
          touched[t++] = l;
        }
        acc[l]! += f * values[r]!;
      }
    }
    if (t > maxPartners) t = sparsifyRow(touched, t, acc, maxPartners, scratch, tail);
    counts[i - lo] = t;
    touched.subarray(0, t).sort(); // rows leave sorted by column: the assembly then needs no sort
    for (let s = 0; s < t; s++) {
      const l = touched[s]!;
      cols[e] = l;
      vals[e++] = acc[l]!;
    }
  }
  return { lo, counts, cols: cols.slice(0, e), vals: vals.slice(0, e) };
}

export interface SupportDistancesTask {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  /** The points (compute/wasm-sqdist.ts: SIMD distances over memory every thread reads). */
  readonly store: PointStore;
  readonly lo: number;
  readonly hi: number;
  /** ‖x_i − x_j‖² for every stored pair of rows lo..hi (shared, written in place). */
  readonly out: Float64Array;
}

export function supportDistancesKernel(t: SupportDistancesTask): number {
  const { indptr, indices, out } = t;
  const eng = sqDistOf(t.store);
  eng.limits.fill(Infinity); // exact distances; this store is refineAffinities' own, nothing else sets its limits
  for (let i = t.lo; i < t.hi; i++)
    for (let q0 = indptr[i]!; q0 < indptr[i + 1]!; q0 += BATCH) {
      const count = Math.min(BATCH, indptr[i + 1]! - q0);
      for (let c = 0; c < count; c++) eng.rows[c] = indices[q0 + c]!;
      eng.batch(i, count);
      for (let c = 0; c < count; c++) out[q0 + c] = eng.out[c]!;
    }
  return t.hi - t.lo;
}

/**
 * Sparsifies one row of T² to at most k entries without changing its mass: the k/2 largest are kept as they
 * are, and the tail — little mass per pair but, summed, the long-range pull that holds the global layout
 * together (dropping it lowered mouse10k's DEMaP from 0.72 to 0.57) — is replaced by k/2 systematic draws
 * proportional to value, each worth tailMass/(k/2). Deterministic (fixed offset, positions in row order).
 * Rewrites acc for the drawn entries; returns the new row length in touched.
 */
export function sparsifyRow(touched: Int32Array, t: number, acc: Float64Array, k: number, scratch: Float64Array, tail: Int32Array): number {
  const h = k >> 1;
  for (let s = 0; s < t; s++) scratch[s] = -acc[touched[s]!]!;
  const tau = -selectKth(scratch, t, h - 1);
  let ties = h;
  for (let s = 0; s < t; s++) if (acc[touched[s]!]! > tau) ties--;
  let kept = 0, nTail = 0, mass = 0;
  for (let s = 0; s < t; s++) {
    const l = touched[s]!;
    const v = acc[l]!;
    if (v > tau || (v === tau && ties-- > 0)) touched[kept++] = l;
    else {
      tail[nTail++] = l;
      mass += v;
    }
  }
  const draws = k - kept;
  if (draws <= 0 || !(mass > 0)) return kept;
  const step = mass / draws;
  let cum = 0;
  for (let s = 0; s < nTail; s++) {
    const l = tail[s]!;
    const before = Math.floor(cum / step + 0.5);
    cum += acc[l]!;
    const hits = Math.min(draws, Math.floor(cum / step + 0.5)) - before;
    if (hits > 0) {
      acc[l] = hits * step;
      touched[kept++] = l;
    }
  }
  return kept;
}

/** The k-th smallest (0-based) of a[0..len) by quickselect; reorders a. */
function selectKth(a: Float64Array, len: number, k: number): number {
  let lo = 0, hi = len - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i++] = a[j]!;
        a[j--] = tmp;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}
