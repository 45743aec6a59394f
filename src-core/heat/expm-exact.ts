/** Exact exp(−tL) for a small symmetric matrix through its eigen-decomposition (test oracle). */
import { eigenSymmetric } from '../linalg/eigen-sym.js';

export function expmSymmetric(dense: Float64Array, n: number, t: number): Float64Array {
  const { values, vectors } = eigenSymmetric(dense, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const w = Math.exp(-t * values[k]!);
    const vk = k * n;
    for (let i = 0; i < n; i++) {
      const a = w * vectors[vk + i]!;
      if (a === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += a * vectors[vk + j]!;
    }
  }
  return out;
}
