/**
 * Checks and conversions for compressed sparse arrays read from files: validation of
 * indptr/indices against the declared shape (every bad value becomes an InputError naming the
 * dataset), CSC → CSR by a counting transpose (O(nnz), no densifying) and column subsetting.
 */
import { InputError } from '../errors.js';
import type { CsrMatrix } from './dataset.js';
import { sortAndMergeRows } from './coo.js';

/**
 * Validates a compressed array with `nOuter` pointers and inner indices < nInner.
 * `what` names the group (e.g. "/X") for messages.
 */
export function validateCompressed(
  indptr: ArrayLike<number>, indices: ArrayLike<number>, nnzData: number,
  nOuter: number, nInner: number, what: string, file: string, outerLabel: 'rows' | 'columns' = 'rows',
): void {
  if (indptr.length !== nOuter + 1) {
    throw new InputError(file, `${what}/indptr has ${indptr.length} entries but the shape needs ${nOuter + 1} (one more than the ${nOuter} ${outerLabel})`);
  }
  if (indices.length !== nnzData) {
    throw new InputError(file, `${what}/indices has ${indices.length} entries but ${what}/data has ${nnzData}`);
  }
  if (indptr[0] !== 0) throw new InputError(file, `${what}/indptr must start at 0, starts at ${indptr[0]}`);
  for (let i = 0; i < nOuter; i++) {
    if (!(indptr[i + 1]! >= indptr[i]!)) throw new InputError(file, `${what}/indptr decreases at position ${i + 1}`);
  }
  if (indptr[nOuter] !== nnzData) {
    throw new InputError(file, `${what}/indptr ends at ${indptr[nOuter]} but there are ${nnzData} stored values`);
  }
  for (let p = 0; p < indices.length; p++) {
    const j = indices[p]!;
    if (!(j >= 0 && j < nInner && Number.isInteger(j))) {
      throw new InputError(file, `${what}/indices[${p}] = ${j} is outside 0..${nInner - 1}`);
    }
  }
}

function toInt32(a: ArrayLike<number>): Int32Array {
  if (a instanceof Int32Array) return a;
  return Int32Array.from(a as ArrayLike<number>);
}

/** Builds a CSR matrix from validated arrays (indices sorted within rows, repeats summed). */
export function csrFromArrays(nRows: number, nCols: number, indptr: ArrayLike<number>, indices: ArrayLike<number>, data: Float32Array): { matrix: CsrMatrix; duplicatesSummed: number } {
  const ip = toInt32(indptr);
  const ix = toInt32(indices);
  const m = sortAndMergeRows(nRows, ip === indptr ? ip.slice() : ip, ix === indices ? ix.slice() : ix, data);
  return { matrix: { kind: 'csr', nRows, nCols, indptr: m.indptr, indices: m.indices, data: m.data }, duplicatesSummed: m.duplicates };
}

/**
 * CSC (nRows × nCols stored column by column) → CSR, by counting entries per row: O(nnz + nRows).
 * Produces sorted column indices because columns are visited in order.
 */
export function cscToCsr(nRows: number, nCols: number, colptr: ArrayLike<number>, rowIndices: ArrayLike<number>, data: Float32Array): CsrMatrix {
  const nnz = data.length;
  const indptr = new Int32Array(nRows + 1);
  for (let p = 0; p < nnz; p++) indptr[rowIndices[p]! + 1]!++;
  for (let i = 0; i < nRows; i++) indptr[i + 1]! += indptr[i]!;
  const next = indptr.slice(0, nRows);
  const indices = new Int32Array(nnz);
  const out = new Float32Array(nnz);
  for (let j = 0; j < nCols; j++) {
    for (let p = colptr[j]!; p < colptr[j + 1]!; p++) {
      const q = next[rowIndices[p]!]!++;
      indices[q] = j;
      out[q] = data[p]!;
    }
  }
  return { kind: 'csr', nRows, nCols, indptr, indices, data: out };
}

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
