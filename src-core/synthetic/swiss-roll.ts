/**
 * The sklearn-style Swiss roll with its ground truth. Roll parameter θ ~ U[1.5π, 4.5π], height ~ U[0, 21],
 * point (θ cos θ, h, θ sin θ) + N(0, noise²) per coordinate. The roll is a flat surface, so the true
 * geodesic distance is the Euclidean distance in the unrolled coordinates (arc length s(θ), h), with
 * s(θ) = ½(θ√(1+θ²) + asinh θ).
 */
import { createRng } from '../linalg/random.js';

export interface GroundTruthData {
  readonly n: number;
  readonly dim: number;
  /** Row-major n × dim observations. */
  readonly points: Float32Array;
  /** Row-major n × 2 unrolled coordinates (arc length, height). */
  readonly unrolled: Float64Array;
}

export interface SwissRollOptions {
  readonly noise?: number;
  readonly seed?: number;
  /** Ambient dimension: 3, or more to rotate the roll into a random 3-D subspace of R^dim. */
  readonly dim?: number;
}

export function arcLength(theta: number): number {
  return 0.5 * (theta * Math.sqrt(1 + theta * theta) + Math.asinh(theta));
}

export function swissRoll(n: number, options: SwissRollOptions = {}): GroundTruthData {
  const noise = options.noise ?? 0.5;
  const dim = options.dim ?? 3;
  const rng = createRng(options.seed ?? 0);
  const base = new Float64Array(n * 3);
  const unrolled = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const theta = 1.5 * Math.PI * (1 + 2 * rng.next());
    const h = 21 * rng.next();
    base[i * 3] = theta * Math.cos(theta) + noise * rng.normal();
    base[i * 3 + 1] = h + noise * rng.normal();
    base[i * 3 + 2] = theta * Math.sin(theta) + noise * rng.normal();
    unrolled[i * 2] = arcLength(theta);
    unrolled[i * 2 + 1] = h;
  }
  const points = new Float32Array(n * dim);
  if (dim === 3) {
    points.set(base);
  } else {
    const q = randomOrthonormal(dim, 3, rng.normal);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < dim; a++) {
        points[i * dim + a] = q[a * 3]! * base[i * 3]! + q[a * 3 + 1]! * base[i * 3 + 1]! + q[a * 3 + 2]! * base[i * 3 + 2]!;
      }
    }
  }
  return { n, dim, points, unrolled };
}

/** dim × cols matrix (row-major) with orthonormal columns, by Gram-Schmidt on Gaussian vectors. */
export function randomOrthonormal(dim: number, cols: number, normal: () => number): Float64Array {
  const q = new Float64Array(dim * cols);
  for (let c = 0; c < cols; c++) {
    for (let a = 0; a < dim; a++) q[a * cols + c] = normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let a = 0; a < dim; a++) dot += q[a * cols + c]! * q[a * cols + p]!;
        for (let a = 0; a < dim; a++) q[a * cols + c]! -= dot * q[a * cols + p]!;
      }
    }
    let norm = 0;
    for (let a = 0; a < dim; a++) norm += q[a * cols + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let a = 0; a < dim; a++) q[a * cols + c]! /= norm;
  }
  return q;
}
