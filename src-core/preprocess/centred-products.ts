/**
 * Products with the column-centred matrix A = X - 1 μᵀ that never form A (which would be dense):
 * for a CSR row x_i, a_i · Z = x_i · Z - μ · Z, so each row costs O(nnz_i · l) instead of O(p · l).
 *
 * The products are fused and streamed row by row: for row i we compute y_i = a_i Z (an l-vector) and
 * immediately accumulate a_iᵀ y_i. That gives Aᵀ(A Z) in one pass over X with O(p·l) memory, never an
 * n × l block, which matters at a million cells.
 */
import type { Matrix } from '../io/dataset.js';

/** Calls visit(i, y) with y = (x_i - μ) Z for each row i in order; y is reused between calls. */
export function forEachCentredRowProduct(
  x: Matrix,
  mean: Float64Array,
  z: Float64Array,
  l: number,
  visit: (row: number, y: Float64Array) => void,
): void {
  const p = x.nCols;
  const y = new Float64Array(l);
  if (x.kind === 'csr') {
    const meanZ = rowVectorTimes(mean, z, p, l);
    for (let i = 0; i < x.nRows; i++) {
      for (let c = 0; c < l; c++) y[c] = -meanZ[c]!;
      for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) {
        const v = x.data[q]!;
        const base = x.indices[q]! * l;
        for (let c = 0; c < l; c++) y[c]! += v * z[base + c]!;
      }
      visit(i, y);
    }
    return;
  }
  // Dense rows: subtract the mean explicitly (no sparsity to preserve, and it is more accurate).
  for (let i = 0; i < x.nRows; i++) {
    y.fill(0);
    const rowBase = i * p;
    for (let j = 0; j < p; j++) {
      const d = x.data[rowBase + j]! - mean[j]!;
      if (d === 0) continue;
      const base = j * l;
      for (let c = 0; c < l; c++) y[c]! += d * z[base + c]!;
    }
    visit(i, y);
  }
}

/** Aᵀ A Z (p × l, row-major) for A = X - 1 μᵀ and Z (p × l, row-major), in one pass over X. */
export function centredGramTimes(x: Matrix, mean: Float64Array, z: Float64Array, l: number): Float64Array {
  const p = x.nCols;
  const out = new Float64Array(p * l);
  if (x.kind === 'csr') {
    // Σ_i (x_i - μ)ᵀ y_i = Σ_i x_iᵀ y_i - μ (Σ_i y_i)ᵀ: the sparse part per row, the rank-one part once.
    const sumY = new Float64Array(l);
    forEachCentredRowProduct(x, mean, z, l, (i, y) => {
      for (let c = 0; c < l; c++) sumY[c]! += y[c]!;
      for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) {
        const v = x.data[q]!;
        const base = x.indices[q]! * l;
        for (let c = 0; c < l; c++) out[base + c]! += v * y[c]!;
      }
    });
    for (let j = 0; j < p; j++) {
      const mj = mean[j]!;
      if (mj === 0) continue;
      const base = j * l;
      for (let c = 0; c < l; c++) out[base + c]! -= mj * sumY[c]!;
    }
    return out;
  }
  forEachCentredRowProduct(x, mean, z, l, (i, y) => {
    const rowBase = i * p;
    for (let j = 0; j < p; j++) {
      const d = x.data[rowBase + j]! - mean[j]!;
      if (d === 0) continue;
      const base = j * l;
      for (let c = 0; c < l; c++) out[base + c]! += d * y[c]!;
    }
  });
  return out;
}

/** vᵀ Z for a p-vector v and Z (p × l, row-major). */
function rowVectorTimes(v: Float64Array, z: Float64Array, p: number, l: number): Float64Array {
  const out = new Float64Array(l);
  for (let j = 0; j < p; j++) {
    const vj = v[j]!;
    if (vj === 0) continue;
    for (let c = 0; c < l; c++) out[c]! += vj * z[j * l + c]!;
  }
  return out;
}
