/**
 * Rows of the two-step walk T² = (D⁻¹W)² for a block of cells, sparsified to at most `maxPartners` per
 * row (refine.ts), and the squared feature distances of a CSR's pairs: the refinement's affinity build
 * as kernels that the kernel pool runs on blocks of cells. Each row depends on its own cell only, so
 * the result does not depend on the split or the thread count.
 */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';
import { nthLargest } from '../linalg/select.js';
import { walkRowEngine } from './two-step-wasm.js';
/** W (no self-loops: the walk never stays put, refine.ts removes them) and the rows to compute. */
export interface TwoStepRowsTask {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Σ_j W_ij without the diagonal. */
  readonly rowSum: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly maxPartners: number;
  /** false: the accumulation in JavaScript even where WebAssembly runs (tests compare the two; the bits are the same). */
  readonly wasm?: boolean;
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
  // acc is all zero between rows (each row clears what it touched), so a first visit needs no reset.
  // The engine copies all of W; a block of fewer than n/8 rows would spend longer copying than it saves
  // (measured at 400k cells: 6,250-row blocks took twice as long as in JavaScript, n/8-row blocks the same).
  const engine = t.wasm === false || 8 * (hi - lo) < rowSum.length ? null : walkRowEngine(indptr, indices, values, rowSum);
  const acc = engine ? engine.acc : new Float64Array(n);
  const mark = engine ? engine.mark : new Int32Array(n).fill(-1);
  const touched = engine ? engine.touched : new Int32Array(n);
  // A row to sparsify: its values in first-visit order, scratch for the selection, and the kept entries.
  const rowVals = new Float64Array(capped ? n : 0);
  const scratch = new Float64Array(capped ? n : 0);
  const keptCols = new Int32Array(capped ? n : 0);
  const keptVals = new Float64Array(capped ? n : 0);
  let e = 0;
  for (let i = lo; i < hi; i++) {
    if (!(rowSum[i]! > 0)) continue;
    let t: number;
    if (engine) t = engine.row(i);
    else t = accumulateRow(i, indptr, indices, values, rowSum, acc, mark, touched);
    let row = touched;
    if (t > maxPartners) {
      // Sparsified in contiguous arrays (one pass over the scattered acc); the kept values go back to acc for the output.
      for (let s = 0; s < t; s++) {
        const l = touched[s]!;
        rowVals[s] = acc[l]!;
        acc[l] = 0;
      }
      t = sparsifyRow(touched, rowVals, t, maxPartners, scratch, keptCols, keptVals);
      for (let s = 0; s < t; s++) acc[keptCols[s]!] = keptVals[s]!;
      row = keptCols;
    }
    counts[i - lo] = t;
    row.subarray(0, t).sort(); // rows leave sorted by column: the assembly then needs no sort
    for (let s = 0; s < t; s++) {
      const l = row[s]!;
      cols[e] = l;
      vals[e++] = acc[l]!;
      acc[l] = 0;
    }
  }
  return { lo, counts, cols: cols.slice(0, e), vals: vals.slice(0, e) };
}


/**
 * Row i of T² (self pairs left out) into acc, its partners in first-visit order into touched; returns their
 * number. two-step-wasm.ts does the same operations in the same order.
 */
function accumulateRow(i: number, indptr: Int32Array, indices: Int32Array, values: Float64Array, rowSum: Float64Array, acc: Float64Array, mark: Int32Array, touched: Int32Array): number {
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
  return t;
}

export interface SupportDistancesTask {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  /** The points (compute/wasm-sqdist.ts: SIMD distances over memory every thread reads). */
  readonly store: PointStore;
  readonly lo: number;
  readonly hi: number;
  /** ‖x_i − x_j‖² for the stored pairs j > i of rows lo..hi (shared, written in place; the rest is left as it is). */
  readonly out: Float64Array;
}

/** The upper triangle's squared distances: ‖x_i − x_j‖² is the same number as ‖x_j − x_i‖², so a symmetric support needs no more. */
export function supportDistancesKernel(t: SupportDistancesTask): number {
  const { indptr, indices, out } = t;
  const eng = sqDistOf(t.store);
  eng.limits.fill(Infinity); // exact distances; this store is refineAffinities' own, nothing else sets its limits
  for (let i = t.lo; i < t.hi; i++) {
    let first = indptr[i]!;
    while (first < indptr[i + 1]! && indices[first]! <= i) first++; // rows are sorted: the upper part is a suffix
    for (let q0 = first; q0 < indptr[i + 1]!; q0 += BATCH) {
      const count = Math.min(BATCH, indptr[i + 1]! - q0);
      for (let c = 0; c < count; c++) eng.rows[c] = indices[q0 + c]!;
      eng.batch(i, count);
      for (let c = 0; c < count; c++) out[q0 + c] = eng.out[c]!;
    }
  }
  return t.hi - t.lo;
}

/**
 * Sparsifies one row of T² to at most k entries without changing its mass: the k/2 largest are kept as they
 * are, and the tail — little mass per pair but, summed, the long-range pull that holds the global layout
 * together (dropping it lowered mouse10k's DEMaP from 0.72 to 0.57) — is replaced by k/2 systematic draws
 * proportional to value, each worth tailMass/(k/2). Deterministic (fixed offset, positions in row order).
 * The row is cols[0..t) with values vals[0..t) (finite: products of graph weights), left as they are; the
 * kept entries go to keptCols / keptVals, the largest in row order, then the drawn ones. Returns their
 * number. `scratch`: at least t entries.
 */
export function sparsifyRow(cols: Int32Array, vals: Float64Array, t: number, k: number, scratch: Float64Array, keptCols: Int32Array, keptVals: Float64Array): number {
  const h = k >> 1;
  let tau = NaN, above = 0;
  if (h > 0) {
    const c = selectLargest(vals, t, h, scratch);
    tau = scratch[h - 1]!;
    for (let s = 0; s < c; s++) if (scratch[s]! > tau) above++;
  }
  // Kept: the values above tau, then those equal to it up to k/2 in all, first come first kept.
  let ties = h - above;
  let kept = 0, mass = 0, rising = true;
  for (let s = 0; s < t; s++) {
    const v = vals[s]!;
    if (v > tau || (v === tau && ties-- > 0)) {
      keptCols[kept] = cols[s]!;
      keptVals[kept++] = v;
    } else {
      mass += v;
      if (!(v >= 0)) rising = false;
    }
  }
  const draws = k - kept;
  if (draws <= 0 || !(mass > 0)) return kept;
  const step = mass / draws;
  // Draws up to a tail entry: round(cum / step), half up, cum the tail's running sum; an entry gets those it
  // adds. Most add none: while cum is below `next` — a relative margin of 1e-9, far above rounding error
  // (1e-16), for a non-decreasing sum, a normal finite step and before ≥ 0 — the rounding provably still
  // gives `before`, so the division is done only near a draw.
  const fast = rising && step > 1e-290 && step < 1e290;
  let before = 0, cum = 0;
  let next = fast ? 0.5 * step * NEXT_MARGIN : -Infinity;
  ties = h - above;
  for (let s = 0; s < t; s++) {
    const v = vals[s]!;
    if (v > tau || (v === tau && ties-- > 0)) continue; // kept above
    cum += v;
    if (cum < next) continue;
    const after = Math.floor(cum / step + 0.5);
    const hits = Math.min(draws, after) - before;
    if (hits > 0) {
      keptCols[kept] = cols[s]!;
      keptVals[kept++] = hits * step;
    }
    before = after;
    next = fast && before >= 0 ? (before + 0.5) * step * NEXT_MARGIN : -Infinity;
  }
  return kept;
}

const NEXT_MARGIN = 1 - 1e-9;

/**
 * Puts the h-th largest of vals[0..t) (t ≥ h ≥ 1) at a[h − 1], with every value at least as large in
 * a[0..c); returns c. Candidates are the values ≥ a guess — a high quantile of every 8th value, aimed at
 * about 1.5·h candidates — so that the exact selection runs on few; if fewer than h pass, on all.
 */
function selectLargest(vals: Float64Array, t: number, h: number, a: Float64Array): number {
  let sampled = 0;
  for (let s = 0; s < t; s += 8) a[sampled++] = vals[s]!;
  const rank = (3 * h) >> 4;
  const guess = rank >= 1 && rank < sampled ? nthLargest(a, sampled, rank) : -Infinity;
  let c = 0;
  for (let s = 0; s < t; s++) {
    const v = vals[s]!;
    a[c] = v;
    if (v >= guess) c++;
  }
  if (c < h) {
    for (let s = 0; s < t; s++) a[s] = vals[s]!;
    c = t;
  }
  nthLargest(a, c, h - 1);
  return c;
}
