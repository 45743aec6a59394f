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
  const bii = new Float64Array(m);
  for (; it < maxIter; it++) {
    if (it % 10 === 0) checkCancelled?.();
    next.fill(0);
    let raw = 0;
    if (dims === 2) {
      raw = guttman2d(dist, m, x, next, bii);
      stress = Math.sqrt(raw / sumD2);
      [x, next] = [next, x];
      if (prevStress - stress < tol * prevStress) break;
      prevStress = stress;
      continue;
    }
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

/**
 * One Guttman transform in 2-D, each pair visited once (δ is symmetric, so B is): writes (1/m)·B(X)·X
 * into `next` (zeroed by the caller) and returns the raw stress of X. `bii` is scratch of length m.
 */
function guttman2d(dist: Float64Array, m: number, x: Float64Array, next: Float64Array, bii: Float64Array): number {
  bii.fill(0);
  let raw = 0;
  for (let i = 0; i < m; i++) {
    const xi = x[2 * i]!;
    const yi = x[2 * i + 1]!;
    const row = i * m;
    let nx = 0;
    let ny = 0;
    let bi = 0;
    for (let j = i + 1; j < m; j++) {
      const xj = x[2 * j]!;
      const yj = x[2 * j + 1]!;
      const dx = xi - xj;
      const dy = yi - yj;
      const e = Math.sqrt(dx * dx + dy * dy);
      const delta = dist[row + j]!;
      raw += (e - delta) * (e - delta);
      const b = e > 1e-12 ? -delta / e : 0;
      bi -= b;
      bii[j]! -= b;
      nx += b * xj;
      ny += b * yj;
      next[2 * j]! += b * xi;
      next[2 * j + 1]! += b * yi;
    }
    bii[i]! += bi;
    next[2 * i]! += nx;
    next[2 * i + 1]! += ny;
  }
  for (let i = 0; i < m; i++) {
    next[2 * i] = (next[2 * i]! + bii[i]! * x[2 * i]!) / m;
    next[2 * i + 1] = (next[2 * i + 1]! + bii[i]! * x[2 * i + 1]!) / m;
  }
  return raw;
}
