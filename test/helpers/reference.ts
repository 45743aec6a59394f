/**
 * Plain reference computations the tests compare the engines with (slow, obviously correct loops).
 */
import type { Csr64 } from '../../src-core/linalg/csr.js';
import { TopK } from '../../src-core/linalg/neighbours.js';

/** A CSR matrix as a dense row-major n × n array (for eigen-decomposition oracles). */
export function csrToDense(a: Csr64): Float64Array {
  const out = new Float64Array(a.n * a.n);
  for (let i = 0; i < a.n; i++) for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) out[i * a.n + a.indices[p]!] = a.values[p]!;
  return out;
}

/** Reference kNN for rows r0..r1 by plain float64 loops (tests compare every backend with it). */
export function knnReferenceRows(points: Float32Array, n: number, d: number, k: number, r0 = 0, r1 = n): { indices: Int32Array; distances: Float64Array } {
  const indices = new Int32Array((r1 - r0) * k);
  const d32 = new Float32Array((r1 - r0) * k);
  const heap = new TopK(k);
  for (let i = r0; i < r1; i++) {
    heap.clear();
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = points[i * d + c]! - points[j * d + c]!;
        s += diff * diff;
      }
      heap.push(s, j);
    }
    heap.drainSorted(indices, d32, (i - r0) * k);
  }
  // drainSorted stores float32; recompute the distances in float64 for the comparison.
  const distances = new Float64Array(indices.length);
  for (let i = r0; i < r1; i++) {
    for (let p = 0; p < k; p++) {
      const j = indices[(i - r0) * k + p]!;
      let s = 0;
      for (let c = 0; c < d; c++) s += (points[i * d + c]! - points[j * d + c]!) ** 2;
      distances[(i - r0) * k + p] = Math.sqrt(s);
    }
  }
  return { indices, distances };
}
