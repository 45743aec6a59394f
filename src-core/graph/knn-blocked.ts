/**
 * Exact kNN by blocked brute force on the tensor engine: ‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y with the
 * products as matrix multiplications (B query rows × all n points at a time), then a bounded heap per
 * row. O(n²d) work but at matrix-multiply speed: the right choice when the data's intrinsic dimension
 * is high (real cells in 50 PCs), where a k-d tree degrades to scanning most of the points anyway.
 */
import { matMul } from '../compute/backend.js';
import type { KnnResult } from './kdtree.js';
import { TopK } from './top-k.js';

export async function knnBlocked(points: Float32Array, n: number, d: number, k: number, onProgress?: (f: number) => void): Promise<KnnResult> {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += points[i * d + c]! * points[i * d + c]!;
    norms[i] = s;
  }
  // Transposed copy (d × n) for the right-hand side of the product.
  const pT = new Float32Array(d * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) pT[c * n + i] = points[i * d + c]!;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const block = Math.max(1, Math.min(n, Math.floor(2 ** 24 / n)));
  const heap = new TopK(k);
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    const dots = await matMul(points.subarray(start * d, (start + rows) * d), pT, rows, d, n);
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      heap.clear();
      const base = r * n;
      const ni = norms[i]!;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        heap.push(Math.max(0, ni + norms[j]! - 2 * dots[base + j]!), j);
      }
      heap.drainSorted(indices, distances, i * k);
    }
    onProgress?.((start + rows) / n);
  }
  return { n, k, indices, distances };
}
