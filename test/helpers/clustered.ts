/**
 * "Realistic" clustered 50-D data for the approximate-kNN tests, made like the scale benchmark's data
 * (bench/scale-data.ts) but from a synthetic base instead of real PCs: base cells drawn around 25
 * cluster centres with per-coordinate spread decaying from 1.2 to 0.4 (the spread of the mouse10k PCs,
 * so the intrinsic dimension is high), then tiled with jitter σ = 0.3 × median nearest-neighbour
 * distance / √d (src-core/synthetic/tiled.ts).
 */
import { knnKdTree } from '../../src-core/graph/kdtree.js';
import { createRng } from '../../src-core/linalg/random.js';
import { medianNearest, tiledJitterSigma, tileWithJitter } from '../../src-core/synthetic/tiled.js';

export function clusteredBase(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const clusters = 25;
  const centres = Float64Array.from({ length: clusters * d }, () => 2.5 * rng.normal());
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(clusters);
    for (let j = 0; j < d; j++) x[i * d + j] = centres[c * d + j]! + (1.2 - (0.8 * j) / (d - 1)) * rng.normal();
  }
  return x;
}

export function tiledClustered(base: number, reps: number, d: number, seed: number): { points: Float32Array; n: number } {
  const b = clusteredBase(base, d, seed);
  const nn = knnKdTree(b, base, d, 1);
  const sigma = tiledJitterSigma(medianNearest(nn.distances, base, 1), d);
  return { points: tileWithJitter(b, base, d, reps, sigma, seed + 1), n: base * reps };
}
