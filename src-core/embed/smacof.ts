/**
 * Metric MDS by SMACOF (de Leeuw's majorisation): with unit weights the Guttman transform
 *   X ← (1/m) B(X) X,   B_ij = −δ_ij / ‖x_i − x_j‖ (i ≠ j),  B_ii = −Σ_{j≠i} B_ij
 * never increases raw stress σ(X) = Σ_{i<j} (‖x_i − x_j‖ − δ_ij)². Deterministic given the start.
 */
export interface SmacofResult {
  readonly coords: Float64Array;
  readonly iterations: number;
  /** Normalised stress √(σ / Σ δ²). */
  readonly stress: number;
}

export function smacof(dist: Float64Array, m: number, init: Float64Array, dims = 2, maxIter = 300, tol = 1e-6, checkCancelled?: () => void): SmacofResult {
  let x = Float64Array.from(init);
  let next = new Float64Array(m * dims);
  let sumD2 = 0;
  for (let i = 0; i < m * m; i++) sumD2 += dist[i]! * dist[i]!;
  sumD2 /= 2;
  let prevStress = Infinity;
  let stress = Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    if (it % 10 === 0) checkCancelled?.();
    next.fill(0);
    let raw = 0;
    for (let i = 0; i < m; i++) {
      let bii = 0;
      const xi = i * dims;
      for (let j = 0; j < m; j++) {
        if (j === i) continue;
        const xj = j * dims;
        let s = 0;
        for (let a = 0; a < dims; a++) {
          const d = x[xi + a]! - x[xj + a]!;
          s += d * d;
        }
        const e = Math.sqrt(s);
        const delta = dist[i * m + j]!;
        if (j > i) raw += (e - delta) ** 2;
        const bij = e > 1e-12 ? -delta / e : 0;
        bii -= bij;
        for (let a = 0; a < dims; a++) next[xi + a]! += bij * x[xj + a]!;
      }
      for (let a = 0; a < dims; a++) next[xi + a]! += bii * x[xi + a]!;
    }
    for (let i = 0; i < m * dims; i++) next[i]! /= m;
    stress = Math.sqrt(raw / sumD2);
    [x, next] = [next, x];
    if (prevStress - stress < tol * prevStress) break;
    prevStress = stress;
  }
  return { coords: x, iterations: it, stress };
}
