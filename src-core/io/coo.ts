/**
 * Coordinate (row, col, value) entries collected in growable typed arrays, then turned into CSR
 * with a counting sort: O(nnz + nRows), never a dense array. Columns are sorted within each row;
 * repeated (row, col) pairs are summed (scipy's COO→CSR convention) and counted.
 */
import { matrixFloat32, matrixInt32, matrixSlice } from '../compute/matrix-arrays.js';
import type { CsrMatrix } from './dataset.js';

export class CooBuilder {
  private rows: Int32Array;
  private cols: Int32Array;
  private vals: Float32Array;
  private n = 0;
  /** Capacity never grows past `maxEntries` (callers check the count before pushing). */
  constructor(initialCapacity: number, private readonly maxEntries: number = 2 ** 31 - 1) {
    const cap = Math.max(16, Math.min(initialCapacity, maxEntries));
    this.rows = new Int32Array(cap);
    // columns and values become the CSR's own arrays (toCsr): allocated where PCA's threads can read them
    this.cols = matrixInt32(cap);
    this.vals = matrixFloat32(cap);
  }

  get length(): number {
    return this.n;
  }

  push(row: number, col: number, value: number): void {
    if (this.n === this.rows.length) this.grow();
    this.rows[this.n] = row;
    this.cols[this.n] = col;
    this.vals[this.n] = value;
    this.n++;
  }

  /** Appends a block of entries with one row index per entry. */
  pushMany(rows: ArrayLike<number>, cols: ArrayLike<number>, vals: ArrayLike<number>, count: number): void {
    while (this.n + count > this.rows.length) this.grow();
    for (let k = 0; k < count; k++) {
      this.rows[this.n + k] = rows[k]!;
      this.cols[this.n + k] = cols[k]!;
      this.vals[this.n + k] = vals[k]!;
    }
    this.n += count;
  }

  private grow(): void {
    const cap = Math.min(this.maxEntries, Math.max(16, this.rows.length * 2));
    if (cap <= this.rows.length) throw new Error(`COO builder full at ${this.rows.length} entries`);
    const r = new Int32Array(cap); r.set(this.rows.subarray(0, this.n)); this.rows = r;
    const c = matrixInt32(cap); c.set(this.cols.subarray(0, this.n)); this.cols = c;
    const v = matrixFloat32(cap); v.set(this.vals.subarray(0, this.n)); this.vals = v;
  }

  /**
   * Builds the CSR matrix and releases the builder's arrays. The entries are put in row order in
   * place (a counting sort that swaps each entry straight into its row's bucket, O(nnz)), so the
   * column and value arrays become the CSR's own: peak memory is the COO arrays, not COO + CSR.
   */
  toCsr(nRows: number, nCols: number): { matrix: CsrMatrix; duplicatesSummed: number } {
    const nnz = this.n;
    const rows = this.rows, cols = this.cols, vals = this.vals;
    this.rows = new Int32Array(0); this.cols = new Int32Array(0); this.vals = new Float32Array(0); this.n = 0;
    const indptr = matrixInt32(nRows + 1);
    let sorted = true;
    for (let k = 0; k < nnz; k++) {
      const r = rows[k]!;
      indptr[r + 1]!++;
      if (k > 0 && r < rows[k - 1]!) sorted = false;
    }
    for (let i = 0; i < nRows; i++) indptr[i + 1]! += indptr[i]!;
    if (!sorted) permuteIntoRows(nRows, indptr, rows, cols, vals);
    // keep the arrays when little of them is unused, rather than holding two copies while trimming
    const trim = <T extends Int32Array | Float32Array>(a: T): T => (a.length - nnz <= a.length / 8 ? (a.subarray(0, nnz) as T) : matrixSlice(a, 0, nnz));
    const merged = sortAndMergeRows(nRows, indptr, trim(cols), trim(vals));
    return { matrix: { kind: 'csr', nRows, nCols, indptr: merged.indptr, indices: merged.indices, data: merged.data }, duplicatesSummed: merged.duplicates };
  }
}

/**
 * In-place bucket permutation ("American flag" counting sort): afterwards entry k lies in the bucket
 * of its row, rows ascending. Each swap moves one entry to its final bucket, so it is O(nnz).
 */
function permuteIntoRows(nRows: number, indptr: Int32Array, rows: Int32Array, cols: Int32Array, vals: Float32Array): void {
  const next = indptr.slice(0, nRows);
  for (let b = 0; b < nRows; b++) {
    const end = indptr[b + 1]!;
    while (next[b]! < end) {
      const k = next[b]!;
      const r = rows[k]!;
      if (r === b) { next[b] = k + 1; continue; }
      const dst = next[r]!++;
      const tr = rows[dst]!; rows[dst] = r; rows[k] = tr;
      const tc = cols[dst]!; cols[dst] = cols[k]!; cols[k] = tc;
      const tv = vals[dst]!; vals[dst] = vals[k]!; vals[k] = tv;
    }
  }
}

/** Sorts column indices within each row (stable for sorted rows: no work) and sums repeats. */
export function sortAndMergeRows(nRows: number, indptr: Int32Array, indices: Int32Array, data: Float32Array): { indptr: Int32Array; indices: Int32Array; data: Float32Array; duplicates: number } {
  let needsMerge = false;
  for (let i = 0; i < nRows; i++) {
    const a = indptr[i]!, b = indptr[i + 1]!;
    let sorted = true;
    for (let p = a + 1; p < b; p++) {
      if (indices[p]! < indices[p - 1]!) { sorted = false; break; }
      if (indices[p] === indices[p - 1]) needsMerge = true;
    }
    if (!sorted) {
      const order = Array.from({ length: b - a }, (_, t) => a + t).sort((x, y) => indices[x]! - indices[y]! || x - y);
      const ci = order.map((p) => indices[p]!), cv = order.map((p) => data[p]!);
      for (let t = 0; t < ci.length; t++) { indices[a + t] = ci[t]!; data[a + t] = cv[t]!; }
      for (let p = a + 1; p < b; p++) if (indices[p] === indices[p - 1]) { needsMerge = true; break; }
    }
  }
  if (!needsMerge) return { indptr, indices, data, duplicates: 0 };
  let w = 0, dup = 0;
  const out = matrixInt32(nRows + 1);
  for (let i = 0; i < nRows; i++) {
    const a = indptr[i]!, b = indptr[i + 1]!;
    for (let p = a; p < b; p++) {
      if (p > a && indices[p] === indices[w - 1] && w > out[i]!) { data[w - 1]! += data[p]!; dup++; }
      else { indices[w] = indices[p]!; data[w] = data[p]!; w++; }
    }
    out[i + 1] = w;
  }
  return { indptr: out, indices: matrixSlice(indices, 0, w), data: matrixSlice(data, 0, w), duplicates: dup };
}
