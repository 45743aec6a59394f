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

/** Builds CSR from unsorted (row, col, value) triplets, summing duplicates. */
export function csrFromTriplets(n: number, rows: Int32Array, cols: Int32Array, vals: Float64Array, count = rows.length): Csr64 {
  const indptr = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) indptr[rows[e]! + 1]!++;
  for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
  const fill = indptr.slice(0, n);
  const idx = new Int32Array(count);
  const val = new Float64Array(count);
  for (let e = 0; e < count; e++) {
    const p = fill[rows[e]!]!++;
    idx[p] = cols[e]!;
    val[p] = vals[e]!;
  }
  // Sort each row by column and merge duplicates.
  const outPtr = new Int32Array(n + 1);
  let w = 0;
  const order: number[] = [];
  const rowIdx: number[] = [];
  const rowVal: number[] = [];
  for (let i = 0; i < n; i++) {
    // Copy the row out first: compaction writes over positions the sort order still refers to.
    order.length = 0;
    rowIdx.length = 0;
    rowVal.length = 0;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      order.push(rowIdx.length);
      rowIdx.push(idx[p]!);
      rowVal.push(val[p]!);
    }
    order.sort((x, y) => rowIdx[x]! - rowIdx[y]!);
    let last = -1;
    for (const q of order) {
      if (rowIdx[q] === last) val[w - 1]! += rowVal[q]!;
      else {
        idx[w] = rowIdx[q]!;
        val[w] = rowVal[q]!;
        last = rowIdx[q]!;
        w++;
      }
    }
    outPtr[i + 1] = w;
  }
  return { n, indptr: outPtr, indices: idx.slice(0, w), values: val.slice(0, w) };
}

