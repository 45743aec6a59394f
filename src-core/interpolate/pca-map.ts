/**
 * The PCA-only map of baseline (c): the first two principal axes of the *training* cells' PC vectors
 * (re-centred and re-rotated without the withheld cells), so withheld cells are placed by exact linear
 * projection and do not shape the map either.
 */
import { eigenSymmetric } from '../linalg/eigen-sym.js';
import type { Points } from './costs.js';

export interface LinearMap {
  readonly mean: Float64Array;
  /** 2 × dim, row-major: the two axes. */
  readonly axes: Float64Array;
  readonly dim: number;
  project(x: Points, n: number): Float64Array;
}

export function pcaMap2(train: Points, n: number, dim: number): LinearMap {
  if (n < 2) throw new Error('pcaMap2: need at least two cells');
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c]! += train[i * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c] = mean[c]! / n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) row[c] = train[i * dim + c]! - mean[c]!;
    for (let a = 0; a < dim; a++) {
      const ra = row[a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) cov[b * dim + a] = cov[a * dim + b]! /= n - 1;
  const eig = eigenSymmetric(cov, dim);
  const axes = new Float64Array(2 * dim);
  for (let k = 0; k < Math.min(2, dim); k++) {
    // Sign convention: the largest-magnitude loading is positive (deterministic axes).
    let big = 0;
    for (let c = 0; c < dim; c++) if (Math.abs(eig.vectors[k * dim + c]!) > Math.abs(big)) big = eig.vectors[k * dim + c]!;
    const s = big < 0 ? -1 : 1;
    for (let c = 0; c < dim; c++) axes[k * dim + c] = s * eig.vectors[k * dim + c]!;
  }
  const project = (x: Points, m: number): Float64Array => {
    const out = new Float64Array(m * 2);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < 2; k++) {
        let s = 0;
        for (let c = 0; c < dim; c++) s += (x[i * dim + c]! - mean[c]!) * axes[k * dim + c]!;
        out[i * 2 + k] = s;
      }
    }
    return out;
  };
  return { mean, axes, dim, project };
}
