/**
 * Rows of the two-step walk T² = (D⁻¹W)² for a block of cells, sparsified to at most `maxPartners` per
 * row (refine.ts), and the squared feature distances of a CSR's pairs: the refinement's affinity build
 * as kernels that the kernel pool runs on blocks of cells. Each row depends on its own cell only, so
 * the result does not depend on the split or the thread count.
 */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';
import { nthLargest } from '../linalg/select.js';
import { walkRowEngine, type EngineSparsify } from './two-step-wasm.js';
import { radixPlan, type SparsifyPasses } from './sparsify-wasm.js';
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
  const engine = t.wasm === false || 8 * (hi - lo) < rowSum.length ? null : walkRowEngine(indptr, indices, values, rowSum, capped);
  const acc = engine ? engine.acc : new Float64Array(n);
  const mark = engine ? engine.mark : new Int32Array(n).fill(-1);
  const touched = engine ? engine.touched : new Int32Array(n);
  const work = capped ? sparsifyWork(n, engine?.sparsify) : null;
  const sorter = new ColumnSorter(n);
  let e = 0;
  for (let i = lo; i < hi; i++) {
    if (!(rowSum[i]! > 0)) continue;
    let t: number;
    if (engine) t = engine.row(i);
    else t = accumulateRow(i, indptr, indices, values, rowSum, acc, mark, touched);
    let row: Int32Array = touched;
    if (t > maxPartners) {
      // Sparsified in contiguous arrays (acc is cleared on the row); the kept values go back to acc for the output.
      const { keptCols, keptVals } = work!;
      t = sparsifyRow(touched, acc, t, maxPartners, work!);
      for (let s = 0; s < t; s++) acc[keptCols[s]!] = keptVals[s]!;
      row = keptCols;
    }
    counts[i - lo] = t;
    row = engine?.sparsify ? engine.sparsify.sortColumns(row, t) : sorter.sort(row, t); // rows leave sorted by column: the assembly then needs no sort
    for (let s = 0; s < t; s++) {
      const l = row[s]!;
      cols[e] = l;
      vals[e++] = acc[l]!;
      acc[l] = 0;
    }
  }
  // The bound is tight for sparsified rows (within ~1 % on mouse10k): views then, not copies of ~12 bytes a pair.
  const fit = <A extends Int32Array | Float64Array>(a: A): A => (e >= 0.9 * bound ? (a.subarray(0, e) as A) : (a.slice(0, e) as A));
  return { lo, counts, cols: fit(cols), vals: fit(vals) };
}


/**
 * Sorts columns in [0, n) by least-significant-digit radix sort: a pass per digit of ≤ 8 bits (two at
 * 10k–65k cells), each a counting sort, stable. A row's 128 kept columns took ~4 µs in the typed array's
 * sort (branch mispredictions) on mouse10k; this has no data-dependent branches. The walk engine has the
 * same sort in WebAssembly (sparsify-wasm.ts: radix), used where it runs.
 */
export class ColumnSorter {
  readonly #bits: number;
  readonly #passes: number;
  readonly #count: Int32Array;
  #spare: Int32Array;
  constructor(n: number) {
    ({ passes: this.#passes, bits: this.#bits } = radixPlan(n));
    this.#count = new Int32Array((1 << this.#bits) + 1);
    this.#spare = new Int32Array(0);
  }

  /** a[0..t) sorted ascending: in a itself or in a buffer of this sorter's (returned; valid until the next call). */
  sort(a: Int32Array, t: number): Int32Array {
    if (this.#spare.length < t) this.#spare = new Int32Array(Math.max(t, 2 * this.#spare.length));
    const count = this.#count;
    const digits = count.length - 1;
    const mask = digits - 1;
    let from = a, to = this.#spare;
    for (let p = 0, shift = 0; p < this.#passes; p++, shift += this.#bits) {
      count.fill(0);
      for (let s = 0; s < t; s++) count[((from[s]! >>> shift) & mask) + 1]!++;
      for (let d = 0; d < digits; d++) count[d + 1]! += count[d]!;
      for (let s = 0; s < t; s++) {
        const v = from[s]!;
        to[count[(v >>> shift) & mask]!++] = v;
      }
      [from, to] = [to, from];
    }
    return from;
  }
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
 * Scratch for `sparsifyRow` on rows of up to `size` entries: the row's values, candidates' positions and
 * values, the kept entries, a flag; `passes`: the loops over the whole row in WebAssembly (the walk engine's,
 * two-step-wasm.ts: the arrays are then views of its memory and the row must be its touched / acc), or
 * null for the JavaScript loops below (the same bits).
 */
export interface SparsifyWork {
  readonly vals: Float64Array;
  readonly pos: Int32Array;
  readonly scratch: Float64Array;
  readonly keptCols: Int32Array;
  readonly keptVals: Float64Array;
  readonly flag: Int32Array;
  readonly passes: SparsifyPasses | null;
}

export function sparsifyWork(size: number, engine: EngineSparsify | null = null): SparsifyWork {
  if (engine) return engine;
  return { vals: new Float64Array(size), pos: new Int32Array(size + 1), scratch: new Float64Array(size), keptCols: new Int32Array(size), keptVals: new Float64Array(size), flag: new Int32Array(1), passes: null };
}

/**
 * Sparsifies one row of T² to at most k entries without changing its mass: the k/2 largest are kept as they
 * are, and the tail — little mass per pair but, summed, the long-range pull that holds the global layout
 * together (dropping it lowered mouse10k's DEMaP from 0.72 to 0.57) — is replaced by k/2 systematic draws
 * proportional to value, each worth tailMass/(k/2). Deterministic (fixed offset, positions in row order).
 * The row is cols[0..t) (distinct) with values acc[cols[s]] (finite: products of graph weights); acc is
 * cleared there, and cols is overwritten. The kept entries go to w.keptCols / w.keptVals, the largest in
 * row order, then the drawn ones. Returns their number. t > k; `w`: for rows of at least t entries.
 */
export function sparsifyRow(cols: Int32Array, acc: Float64Array, t: number, k: number, w: SparsifyWork): number {
  const { vals, pos, scratch, keptCols, keptVals, flag, passes } = w;
  const h = k >> 1;
  // Candidates for the k/2 largest, listed by position as the row is gathered: the values ≥ a guess — a high
  // quantile of every 8th value, aimed at about 1.5·h of them — or, if fewer than h pass, all.
  let guess = Infinity;
  if (h > 0) {
    let sampled = 0;
    for (let s = 0; s < t; s += 8) scratch[sampled++] = acc[cols[s]!]!;
    const rank = (3 * h) >> 4;
    guess = rank >= 1 && rank < sampled ? (passes ? passes.largest(sampled, rank) : nthLargest(scratch, sampled, rank)) : -Infinity;
  }
  let c = passes ? passes.gather(t, guess) : gatherRow(cols, acc, vals, pos, t, guess);
  if (c < h) {
    for (let s = 0; s < t; s++) pos[s] = s;
    c = t;
  }
  // Kept: the values above tau (the h-th largest: every value outside the candidates is below it), then those
  // equal to it up to k/2 in all, first come first kept; their positions stay in pos[0..kept).
  let kept = 0;
  if (h > 0) {
    for (let q = 0; q < c; q++) scratch[q] = vals[pos[q]!]!;
    const tau = passes ? passes.largest(c, h - 1) : nthLargest(scratch, c, h - 1);
    let ties = h;
    for (let q = 0; q < c; q++) if (scratch[q]! > tau) ties--;
    for (let q = 0; q < c; q++) {
      const s = pos[q]!;
      const v = vals[s]!;
      if (v > tau || (v === tau && ties-- > 0)) {
        keptCols[kept] = cols[s]!;
        keptVals[kept] = v;
        pos[kept++] = s;
      }
    }
  }
  // The tail, with its running sum (the sum the draws need, in the same order) in place of its values.
  pos[kept] = t;
  const mass = passes ? passes.tail(kept, t) : tailRow(cols, vals, pos, kept, flag);
  const m = t - kept;
  const draws = k - kept;
  if (draws <= 0 || !(mass > 0)) return kept;
  const step = mass / draws;
  // Draws up to a tail entry: round(cum / step), half up, cum the tail's running sum; an entry gets those it
  // adds. Most add none: while cum is below `next` — a relative margin of 1e-9, far above rounding error
  // (1e-16), for a non-decreasing sum, a normal finite step and before ≥ 0 — the rounding provably still
  // gives `before`, so the division is done only near a draw.
  const fast = flag[0] === 1 && step > 1e-290 && step < 1e290;
  if (passes) return passes.draws(m, kept, draws, step, fast, NEXT_MARGIN);
  return drawRow(cols, vals, keptCols, keptVals, m, kept, draws, step, fast);
}

/** The row gathered from acc (cleared) into vals; the positions of the values ≥ guess in pos; returns their number. */
function gatherRow(cols: Int32Array, acc: Float64Array, vals: Float64Array, pos: Int32Array, t: number, guess: number): number {
  let c = 0;
  for (let s = 0; s < t; s++) {
    const l = cols[s]!;
    const v = acc[l]!;
    acc[l] = 0;
    vals[s] = v;
    pos[c] = s;
    if (v >= guess) c++;
  }
  return c;
}

/**
 * The entries between the kept positions pos[0..kept) (pos[kept] = the row's length) moved to the front of
 * cols / vals, each value replaced by the tail's running sum; returns the sum; flag[0] = 1 if no value was
 * below 0 (or NaN), else 0.
 */
function tailRow(cols: Int32Array, vals: Float64Array, pos: Int32Array, kept: number, flag: Int32Array): number {
  let m = 0, mass = 0, rising = 1;
  for (let q = 0, s = 0; q <= kept; q++, s++) {
    for (const end = pos[q]!; s < end; s++) {
      const v = vals[s]!;
      mass += v;
      if (!(v >= 0)) rising = 0;
      cols[m] = cols[s]!;
      vals[m++] = mass;
    }
  }
  flag[0] = rising;
  return mass;
}

/** The draws over the running sums vals[0..m), appended to keptCols / keptVals from `kept` on; returns the new count. */
function drawRow(cols: Int32Array, vals: Float64Array, keptCols: Int32Array, keptVals: Float64Array, m: number, kept: number, draws: number, step: number, fast: boolean): number {
  let before = 0;
  let next = fast ? 0.5 * step * NEXT_MARGIN : -Infinity;
  for (let s = 0; s < m; s++) {
    const cum = vals[s]!;
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
