/**
 * Rows of the two-step walk T² = (D⁻¹W)² for a block of cells, sparsified to at most `maxPartners` per
 * row (refine.ts), and the squared feature distances of a CSR's pairs: the refinement's affinity build
 * as kernels that the kernel pool runs on blocks of cells. Each row depends on its own cell only, so
 * the result does not depend on the split or the thread count.
 */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';
import { filterCsr } from '../linalg/csr.js';
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
  const { rowSum, lo, hi, maxPartners } = t;
  const n = rowSum.length;
  // The walk never stays put: self-loops take no part (rowSum leaves them out too), so the loops below need no test for them.
  const { indptr, indices, values } = hasSelfLoop(t.indptr, t.indices, n) ? filterCsr({ n, indptr: t.indptr, indices: t.indices, values: t.values }, (i, j) => i !== j) : t;
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
  // acc is all zero between rows (each row clears what it touched), so a first visit needs no reset.
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const touched = new Int32Array(n);
  // A row to sparsify: its values in first-visit order, the k/2 largest (heap), and the tail's columns and running sums.
  const rowVals = new Float64Array(capped ? n : 0);
  const heap = new Float64Array(capped ? Math.max(0, maxPartners >> 1) : 0);
  const tailCols = new Int32Array(capped ? n : 0);
  const tailCum = new Float64Array(capped ? n : 0);
  let e = 0;
  for (let i = lo; i < hi; i++) {
    if (!(rowSum[i]! > 0)) continue;
    let t = 0;
    // Paths back to i land in acc[i], which is never listed (marked as seen) and cleared below.
    mark[i] = i;
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
      const j = indices[q]!;
      if (!(rowSum[j]! > 0)) continue;
      const f = values[q]! / rowSum[i]! / rowSum[j]!; // T_ij / Σ_l W_jl: one division per step, not per pair
      const end = indptr[j + 1]!;
      for (let r = indptr[j]!; r < end; r++) {
        const l = indices[r]!;
        // Lists l on its first visit without a branch: mark[l] ≤ i, so (mark[l] − i) >> 31 is −1 exactly when l is new.
        touched[t] = l;
        t -= (mark[l]! - i) >> 31;
        mark[l] = i;
        acc[l]! += f * values[r]!;
      }
    }
    acc[i] = 0;
    if (t > maxPartners) {
      // Sparsified in contiguous arrays (one pass over the scattered acc); the kept values go back to acc for the output.
      for (let s = 0; s < t; s++) {
        const l = touched[s]!;
        rowVals[s] = acc[l]!;
        acc[l] = 0;
      }
      t = sparsifyRow(touched, rowVals, t, maxPartners, heap, tailCols, tailCum);
      for (let s = 0; s < t; s++) acc[touched[s]!] = rowVals[s]!;
    }
    counts[i - lo] = t;
    touched.subarray(0, t).sort(); // rows leave sorted by column: the assembly then needs no sort
    for (let s = 0; s < t; s++) {
      const l = touched[s]!;
      cols[e] = l;
      vals[e++] = acc[l]!;
      acc[l] = 0;
    }
  }
  return { lo, counts, cols: cols.slice(0, e), vals: vals.slice(0, e) };
}

function hasSelfLoop(indptr: Int32Array, indices: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let q = indptr[i]!; q < indptr[i + 1]!; q++) if (indices[q] === i) return true;
  return false;
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
 * The row is cols[0..t) with values vals[0..t) (finite: products of graph weights); the kept entries are
 * written over its start, the largest in row order, then the drawn ones. Returns their number. Scratch:
 * heap (at least k/2), tailCols and tailCum (at least t).
 */
export function sparsifyRow(cols: Int32Array, vals: Float64Array, t: number, k: number, heap: Float64Array, tailCols: Int32Array, tailCum: Float64Array): number {
  const h = k >> 1;
  const tau = h > 0 ? kthLargest(vals, t, h, heap) : NaN;
  // Values above tau are all in the heap: the ones equal to tau fill the rest of the k/2, first come first kept.
  let ties = h;
  for (let s = 0; s < h; s++) if (heap[s]! > tau) ties--;
  let kept = 0, nTail = 0, mass = 0, rising = true;
  for (let s = 0; s < t; s++) {
    const v = vals[s]!;
    if (v > tau || (v === tau && ties-- > 0)) {
      cols[kept] = cols[s]!;
      vals[kept++] = v;
    } else {
      if (!(v >= 0)) rising = false;
      tailCols[nTail] = cols[s]!;
      tailCum[nTail++] = mass += v;
    }
  }
  const draws = k - kept;
  if (draws <= 0 || !(mass > 0)) return kept;
  const step = mass / draws;
  // Draws up to entry s: round(tailCum[s] / step), half up; an entry gets those its running sum adds. Most add
  // none: while the sum is below `next` — a relative margin of 1e-9, far above rounding error (1e-16), for a
  // non-decreasing sum, a normal finite step and before ≥ 0 — the rounding provably still gives `before`, so
  // the division is done only near a draw.
  const fast = rising && step > 1e-290 && step < 1e290;
  let before = 0;
  let next = fast ? 0.5 * step * NEXT_MARGIN : -Infinity;
  for (let s = 0; s < nTail; s++) {
    const cum = tailCum[s]!;
    if (cum < next) continue;
    const after = Math.floor(cum / step + 0.5);
    const hits = Math.min(draws, after) - before;
    if (hits > 0) {
      cols[kept] = tailCols[s]!;
      vals[kept++] = hits * step;
    }
    before = after;
    next = fast && before >= 0 ? (before + 0.5) * step * NEXT_MARGIN : -Infinity;
  }
  return kept;
}

const NEXT_MARGIN = 1 - 1e-9;

/**
 * The h-th largest of vals[0..t) (t ≥ h ≥ 1), by a min-heap of the h largest seen: after the first
 * few hundred entries almost every one is below the heap's least and costs one comparison. Leaves that heap
 * (the h largest values, with repeats) in heap[0..h).
 */
function kthLargest(vals: Float64Array, t: number, h: number, heap: Float64Array): number {
  for (let s = 0; s < h; s++) heap[s] = vals[s]!;
  for (let p = (h >> 1) - 1; p >= 0; p--) siftDown(heap, h, p, heap[p]!);
  for (let s = h; s < t; s++) {
    const v = vals[s]!;
    if (v > heap[0]!) siftDown(heap, h, 0, v);
  }
  return heap[0]!;
}

/** Puts v at position p of the min-heap heap[0..h) and moves it down to its place. */
function siftDown(heap: Float64Array, h: number, p: number, v: number): void {
  for (;;) {
    let c = 2 * p + 1;
    if (c >= h) break;
    if (c + 1 < h && heap[c + 1]! < heap[c]!) c++;
    if (!(heap[c]! < v)) break;
    heap[p] = heap[c]!;
    p = c;
  }
  heap[p] = v;
}
