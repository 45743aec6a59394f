/**
 * Column subsetting of CSR matrices read from files (10x genome and feature-type selection).
 * Reading and validating compressed arrays from HDF5 is in h5-matrix.ts.
 */
import type { CsrMatrix } from './dataset.js';

/** Keeps the columns whose `keep` flag is set, renumbering them; O(nnz). */
export function selectCsrColumns(m: CsrMatrix, keep: readonly boolean[]): CsrMatrix {
  const newIndex = new Int32Array(m.nCols).fill(-1);
  let nNew = 0;
  for (let j = 0; j < m.nCols; j++) if (keep[j]) newIndex[j] = nNew++;
  if (nNew === m.nCols) return m;
  const indptr = new Int32Array(m.nRows + 1);
  let w = 0;
  const indices = new Int32Array(m.indices.length);
  const data = new Float32Array(m.data.length);
  for (let i = 0; i < m.nRows; i++) {
    for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) {
      const nj = newIndex[m.indices[p]!]!;
      if (nj >= 0) { indices[w] = nj; data[w] = m.data[p]!; w++; }
    }
    indptr[i + 1] = w;
  }
  return { kind: 'csr', nRows: m.nRows, nCols: nNew, indptr, indices: indices.slice(0, w), data: data.slice(0, w) };
}
