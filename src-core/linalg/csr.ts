/**
 * Sparse symmetric graph matrices in CSR form with float64 values (graph weights, Laplacians).
 * Float64 because heat-kernel values span many orders of magnitude.
 */
export interface Csr64 {
  readonly n: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** Y = A · X for a block X of `b` column vectors stored row-major (n × b). */
export function csrMulBlock(a: Csr64, x: Float64Array, b: number, y: Float64Array = new Float64Array(a.n * b)): Float64Array {
  const { n, indptr, indices, values } = a;
  y.fill(0);
  for (let i = 0; i < n; i++) {
    const yi = i * b;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const v = values[p]!;
      const xj = indices[p]! * b;
      for (let c = 0; c < b; c++) y[yi + c] += v * x[xj + c]!;
    }
  }
  return y;
}

/**
 * The transpose of a CSR matrix (nRows × nCols, any value type) by counting sort: its rows are visited in
 * order, so each row of the transpose comes out sorted by column, and repeated entries stay adjacent, in
 * row order (the caller merges them if it needs to).
 */
export function transposeCsrArrays<V extends Float32Array | Float64Array>(
  nRows: number,
  nCols: number,
  indptr: ArrayLike<number>,
  indices: Int32Array,
  values: V,
  makeValues: (length: number) => V,
): { indptr: Int32Array; indices: Int32Array; values: V } {
  const nnz = indptr[nRows]!;
  const tPtr = new Int32Array(nCols + 1);
  for (let q = 0; q < nnz; q++) tPtr[indices[q]! + 1]!++;
  for (let j = 0; j < nCols; j++) tPtr[j + 1]! += tPtr[j]!;
  const fill = tPtr.slice(0, nCols);
  const tIdx = new Int32Array(nnz);
  const tVals = makeValues(nnz);
  for (let i = 0; i < nRows; i++)
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
      const p = fill[indices[q]!]!++;
      tIdx[p] = i;
      tVals[p] = values[q]!;
    }
  return { indptr: tPtr, indices: tIdx, values: tVals };
}

/**
 * The entries (i, j) of `a` for which `keep(i, j)` holds, in their order (rows stay sorted). `i32` / `f64`
 * allocate the arrays (e.g. a kernel pool's shared memory).
 */
export function filterCsr(
  a: Csr64,
  keep: (i: number, j: number) => boolean,
  i32: (length: number) => Int32Array = (l) => new Int32Array(l),
  f64: (length: number) => Float64Array = (l) => new Float64Array(l),
): Csr64 {
  const n = a.n;
  const indptr = i32(n + 1);
  for (let i = 0; i < n; i++) {
    let kept = 0;
    for (let q = a.indptr[i]!; q < a.indptr[i + 1]!; q++) if (keep(i, a.indices[q]!)) kept++;
    indptr[i + 1] = indptr[i]! + kept;
  }
  const indices = i32(indptr[n]!);
  const values = f64(indptr[n]!);
  let e = 0;
  for (let i = 0; i < n; i++)
    for (let q = a.indptr[i]!; q < a.indptr[i + 1]!; q++)
      if (keep(i, a.indices[q]!)) {
        indices[e] = a.indices[q]!;
        values[e++] = a.values[q]!;
      }
  return { n, indptr, indices, values };
}

/**
 * Builds CSR from unsorted (row, col, value) triplets, summing duplicates in triplet order. Two stable
 * counting sorts (by column, then by row) instead of a comparison sort per row: linear in the triplets.
 */
export function csrFromTriplets(n: number, rows: Int32Array, cols: Int32Array, vals: Float64Array, count = rows.length): Csr64 {
  for (let e = 0; e < count; e++) {
    const r = rows[e]!, c = cols[e]!;
    if (!(r >= 0 && r < n && c >= 0 && c < n)) throw new RangeError(`csrFromTriplets: triplet ${e} (${r}, ${c}) is outside ${n} × ${n}`);
  }
  // Pass 1: the triplets' order sorted by column (stable).
  const colPtr = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) colPtr[cols[e]! + 1]!++;
  for (let j = 0; j < n; j++) colPtr[j + 1]! += colPtr[j]!;
  const byCol = new Int32Array(count);
  for (let e = 0; e < count; e++) byCol[colPtr[cols[e]!]!++] = e;
  // Pass 2: placed by row in that order, so each row's columns ascend and equal columns keep triplet order.
  const indptr = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) indptr[rows[e]! + 1]!++;
  for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
  const fill = indptr.slice(0, n);
  const idx = new Int32Array(count);
  const val = new Float64Array(count);
  for (let q = 0; q < count; q++) {
    const e = byCol[q]!;
    const p = fill[rows[e]!]!++;
    idx[p] = cols[e]!;
    val[p] = vals[e]!;
  }
  // Merge duplicates in place (they are adjacent within a row).
  const outPtr = new Int32Array(n + 1);
  let w = 0;
  for (let i = 0; i < n; i++) {
    let last = -1;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      if (idx[p] === last) val[w - 1]! += val[p]!;
      else {
        last = idx[p]!;
        idx[w] = last;
        val[w++] = val[p]!;
      }
    }
    outPtr[i + 1] = w;
  }
  return { n, indptr: outPtr, indices: w === count ? idx : idx.slice(0, w), values: w === count ? val : val.slice(0, w) };
}

