/**
 * Squared Euclidean distances for the map-quality reference: exact float64 loops, and engine products
 * (‖x‖² + ‖y‖² − 2x·y in float32) on column-centred data for wide references, where the loops are too slow.
 */
import { matMul } from '../compute/backend.js';

export function exactSquared(x: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  const oa = a * dim;
  const ob = b * dim;
  for (let c = 0; c < dim; c++) {
    const d = x[oa + c]! - x[ob + c]!;
    s += d * d;
  }
  return s;
}

export function exactSquaredDistances(x: Float32Array, m: number, dim: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const s = exactSquared(x, dim, a, b);
      out[a * m + b] = s;
      out[b * m + a] = s;
    }
  return out;
}

/** Column-centred float32 copy (float64 means): smaller norms, less cancellation in ‖x‖² + ‖y‖² − 2x·y. */
export function centred(x: Float32Array, m: number, dim: number): Float32Array {
  const mean = new Float64Array(dim);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) mean[c]! += x[a * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c]! /= m;
  const out = new Float32Array(m * dim);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) out[a * dim + c] = x[a * dim + c]! - mean[c]!;
  return out;
}

/** All pairwise squared distances (m × m) from engine products, in row blocks. */
export async function gramSquaredDistances(x: Float32Array, m: number, dim: number): Promise<Float64Array> {
  const out = new Float64Array(m * m);
  const norms = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += x[a * dim + c]! * x[a * dim + c]!;
    norms[a] = s;
  }
  const t = new Float32Array(dim * m);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) t[c * m + a] = x[a * dim + c]!;
  const block = Math.max(1, Math.min(m, Math.floor(2 ** 22 / m)));
  for (let start = 0; start < m; start += block) {
    const rows = Math.min(block, m - start);
    const dots = await matMul(x.subarray(start * dim, (start + rows) * dim), t, rows, dim, m);
    for (let r = 0; r < rows; r++) {
      const a = start + r;
      for (let b = 0; b < m; b++) out[a * m + b] = Math.max(0, norms[a]! + norms[b]! - 2 * dots[r * m + b]!);
    }
  }
  return out;
}
