/**
 * Realistic large data from a small real set: every cell repeated `reps` times with independent
 * Gaussian jitter of standard deviation σ per coordinate. With σ = 0.3 · (median nearest-neighbour
 * distance) / √d (`tiledJitterSigma`) the expected jitter displacement is 0.3 of a typical
 * nearest-neighbour gap, so the copies of a cell form a tight clump and the data keep the real cells'
 * high intrinsic dimension between clumps (the scale benchmark's construction, issue 12).
 * Two copies of a cell are then ≈ 0.3·√2 ≈ 0.42 nearest-neighbour distances apart, a copy of a
 * neighbouring cell ≈ 1.1: with more than k copies a cell's k nearest neighbours are all its own copies
 * and the kNN graph falls apart into one component per cell (the 1M case at k = 20, 100 copies).
 */
import { createRng } from '../linalg/random.js';

/** σ = factor · (median nearest-neighbour distance) / √d; the benchmark's construction uses factor 0.3. */
export function tiledJitterSigma(medianNearestDistance: number, d: number, factor = 0.3): number {
  return (factor * medianNearestDistance) / Math.sqrt(d);
}

/** Row-major (reps·n0) × d: copy r of cell i is row r·n0 + i. */
export function tileWithJitter(base: Float32Array, n0: number, d: number, reps: number, sigma: number, seed: number): Float32Array {
  const out = new Float32Array(reps * n0 * d);
  const rng = createRng(seed);
  for (let r = 0; r < reps; r++) {
    for (let e = 0; e < n0 * d; e++) out[r * n0 * d + e] = base[e]! + sigma * rng.normal();
  }
  return out;
}

/** Median of the first-neighbour distances of a kNN result (n × k, nearest first). */
export function medianNearest(distances: Float32Array, n: number, k: number): number {
  const first = new Float64Array(n);
  for (let i = 0; i < n; i++) first[i] = distances[i * k]!;
  first.sort();
  return n % 2 === 1 ? first[(n - 1) >> 1]! : (first[n / 2 - 1]! + first[n / 2]!) / 2;
}
