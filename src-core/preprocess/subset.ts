/**
 * Row and column subsets that keep the storage kind (CSR stays CSR), so filtering never densifies.
 */
import type { CsrMatrix, DenseMatrix, Matrix } from '../io/dataset.js';

/** Int32 row pointers unless the non-zero count overflows them (then float64, exact to 2^53). */
export function indptrArray(length: number, nnz: number): Int32Array | Float64Array {
  return nnz > 0x7fffffff ? new Float64Array(length) : new Int32Array(length);
}

/** Indices i in [0, n) where keep(i) is true, ascending. */
export function indicesWhere(n: number, keep: (i: number) => boolean): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (keep(i)) out[k++] = i;
  return out.slice(0, k);
}

/** The rows listed in `rows` (ascending or not), in that order. */
export function selectRows(m: Matrix, rows: Int32Array): Matrix {
  if (m.kind === 'dense') {
    const out = new Float32Array(rows.length * m.nCols);
    for (let r = 0; r < rows.length; r++) {
      const src = rows[r]! * m.nCols;
      out.set(m.data.subarray(src, src + m.nCols), r * m.nCols);
    }
    return { kind: 'dense', nRows: rows.length, nCols: m.nCols, data: out } satisfies DenseMatrix;
  }
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) nnz += m.indptr[rows[r]! + 1]! - m.indptr[rows[r]!]!;
  const indptr = indptrArray(rows.length + 1, nnz);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let q = 0;
  for (let r = 0; r < rows.length; r++) {
    const a = m.indptr[rows[r]!]!;
    const b = m.indptr[rows[r]! + 1]!;
    indices.set(m.indices.subarray(a, b), q);
    data.set(m.data.subarray(a, b), q);
    q += b - a;
    indptr[r + 1] = q;
  }
  return { kind: 'csr', nRows: rows.length, nCols: m.nCols, indptr, indices, data } satisfies CsrMatrix;
}

/** The columns listed in `cols` (ascending), renumbered 0..cols.length-1. */
export function selectColumns(m: Matrix, cols: Int32Array): Matrix {
  const newIndex = new Int32Array(m.nCols).fill(-1);
  for (let c = 0; c < cols.length; c++) newIndex[cols[c]!] = c;
  if (m.kind === 'dense') {
    const out = new Float32Array(m.nRows * cols.length);
    for (let i = 0; i < m.nRows; i++) {
      const src = i * m.nCols;
      const dst = i * cols.length;
      for (let c = 0; c < cols.length; c++) out[dst + c] = m.data[src + cols[c]!]!;
    }
    return { kind: 'dense', nRows: m.nRows, nCols: cols.length, data: out } satisfies DenseMatrix;
  }
  const total = m.indptr[m.nRows]!;
  let nnz = 0;
  for (let q = 0; q < total; q++) if (newIndex[m.indices[q]!]! >= 0) nnz++;
  const indptr = indptrArray(m.nRows + 1, nnz);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let w = 0;
  for (let i = 0; i < m.nRows; i++) {
    for (let q = m.indptr[i]!; q < m.indptr[i + 1]!; q++) {
      const c = newIndex[m.indices[q]!]!;
      if (c >= 0) {
        indices[w] = c;
        data[w] = m.data[q]!;
        w++;
      }
    }
    indptr[i + 1] = w;
  }
  return { kind: 'csr', nRows: m.nRows, nCols: cols.length, indptr, indices, data } satisfies CsrMatrix;
}
