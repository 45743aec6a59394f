/**
 * Per-row / per-column sums and counts for dense or CSR matrices, computed in float64 without
 * densifying. Every QC, normalisation and gene-selection step is built on these.
 */
import type { Matrix } from '../io/dataset.js';

/** Sum of each row (library size when rows are cells and values are counts). */
export function rowSums(m: Matrix): Float64Array {
  const out = new Float64Array(m.nRows);
  if (m.kind === 'csr') {
    for (let i = 0; i < m.nRows; i++) {
      let s = 0;
      for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) s += m.data[p]!;
      out[i] = s;
    }
  } else {
    for (let i = 0; i < m.nRows; i++) {
      let s = 0;
      const base = i * m.nCols;
      for (let j = 0; j < m.nCols; j++) s += m.data[base + j]!;
      out[i] = s;
    }
  }
  return out;
}

/** Number of non-zero entries in each row (genes detected per cell). */
export function rowNonzeros(m: Matrix): Int32Array {
  const out = new Int32Array(m.nRows);
  if (m.kind === 'csr') {
    // Stored explicit zeros are not "detected": count only values that are non-zero.
    for (let i = 0; i < m.nRows; i++) {
      let c = 0;
      for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) if (m.data[p] !== 0) c++;
      out[i] = c;
    }
  } else {
    for (let i = 0; i < m.nRows; i++) {
      let c = 0;
      const base = i * m.nCols;
      for (let j = 0; j < m.nCols; j++) if (m.data[base + j] !== 0) c++;
      out[i] = c;
    }
  }
  return out;
}

/** Number of non-zero entries in each column (cells expressing each gene). */
export function colNonzeros(m: Matrix): Int32Array {
  const out = new Int32Array(m.nCols);
  if (m.kind === 'csr') {
    for (let p = 0; p < m.indptr[m.nRows]!; p++) if (m.data[p] !== 0) out[m.indices[p]!]!++;
  } else {
    for (let i = 0; i < m.nRows; i++) {
      const base = i * m.nCols;
      for (let j = 0; j < m.nCols; j++) if (m.data[base + j] !== 0) out[j]!++;
    }
  }
  return out;
}

export interface ColumnMoments {
  readonly mean: Float64Array;
  /** Sample variance (ddof = 1), as scanpy and scikit-learn report it. */
  readonly variance: Float64Array;
}

/**
 * Column means and variances. Two passes (mean first, then squared deviations) rather than
 * E[x²] - E[x]², which cancels catastrophically for genes with a large mean and small spread.
 * For CSR the implicit zeros contribute (n - nnz_j) · mean_j² to the squared deviations.
 */
export function columnMoments(m: Matrix): ColumnMoments {
  const n = m.nRows;
  const p = m.nCols;
  const mean = new Float64Array(p);
  const ss = new Float64Array(p);
  if (m.kind === 'csr') {
    const nnz = m.indptr[n]!;
    const stored = new Float64Array(p);
    for (let q = 0; q < nnz; q++) mean[m.indices[q]!]! += m.data[q]!;
    for (let j = 0; j < p; j++) mean[j] = n > 0 ? mean[j]! / n : 0;
    for (let q = 0; q < nnz; q++) {
      const j = m.indices[q]!;
      const d = m.data[q]! - mean[j]!;
      ss[j]! += d * d;
      stored[j]!++;
    }
    for (let j = 0; j < p; j++) ss[j]! += (n - stored[j]!) * mean[j]! * mean[j]!;
  } else {
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) mean[j]! += m.data[base + j]!;
    }
    for (let j = 0; j < p; j++) mean[j] = n > 0 ? mean[j]! / n : 0;
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) {
        const d = m.data[base + j]! - mean[j]!;
        ss[j]! += d * d;
      }
    }
  }
  const variance = new Float64Array(p);
  for (let j = 0; j < p; j++) variance[j] = n > 1 ? ss[j]! / (n - 1) : 0;
  return { mean, variance };
}
