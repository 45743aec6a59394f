/**
 * Distances between point clouds (empirical measures, uniform weights unless given):
 *   W1 = min_P Σ P_ij ‖x_i − y_j‖                  (exact OT)
 *   W2 = ( min_P Σ P_ij ‖x_i − y_j‖² )^{1/2}        (exact OT, the real W2: square-rooted optimum)
 *   MMD² = Σ w_i w_i' k(x_i, x_i') + Σ v_j v_j' k(y_j, y_j') − 2 Σ w_i v_j k(x_i, y_j)   (biased V-statistic)
 *   with the RBF kernel k(u, v) = exp(−‖u − v‖² / (2 h²)); MMD = √max(0, MMD²).
 * Bandwidth h: given, or the median heuristic — the median of the pairwise distances of the pooled
 * sample (all pairs up to 3000 pooled points, else a seeded sample of 3000) — and always reported.
 */
import { createRng, sampleIndices } from '../linalg/random.js';
import { euclideanCost, squaredEuclideanCost, type Points } from './costs.js';
import { exactOt } from './exact-ot.js';
import { normalisedWeights } from './plan.js';

export interface Cloud {
  readonly points: Points;
  readonly n: number;
  /** Optional weights (normalised to sum 1); uniform by default. */
  readonly weights?: ArrayLike<number>;
}

function otOptions(x: Cloud, y: Cloud): { sourceWeights?: ArrayLike<number>; targetWeights?: ArrayLike<number> } {
  return {
    ...(x.weights !== undefined ? { sourceWeights: x.weights } : {}),
    ...(y.weights !== undefined ? { targetWeights: y.weights } : {}),
  };
}

export function wasserstein1(x: Cloud, y: Cloud, dim: number): number {
  return exactOt(euclideanCost(x.points, x.n, y.points, y.n, dim), x.n, y.n, otOptions(x, y)).cost;
}

export function wasserstein2(x: Cloud, y: Cloud, dim: number): number {
  const c = exactOt(squaredEuclideanCost(x.points, x.n, y.points, y.n, dim), x.n, y.n, otOptions(x, y)).cost;
  return Math.sqrt(Math.max(0, c));
}

export interface MmdResult {
  readonly mmd: number;
  readonly mmd2: number;
  readonly bandwidth: number;
  readonly bandwidthRule: 'given' | 'median heuristic (pooled pairwise distances)';
}

/** Median pairwise Euclidean distance of the pooled points (exact up to 3000 points, else a seeded subsample). */
export function medianPairwiseDistance(clouds: readonly Cloud[], dim: number, seed = 0, limit = 3000): number {
  let total = 0;
  for (const c of clouds) total += c.n;
  const all = new Float64Array(total * dim);
  let at = 0;
  for (const c of clouds) {
    for (let k = 0; k < c.n * dim; k++) all[at + k] = c.points[k]!;
    at += c.n * dim;
  }
  const idx = total > limit ? sampleIndices(total, limit, createRng(seed)) : Int32Array.from({ length: total }, (_, i) => i);
  const p = idx.length;
  const d = new Float64Array((p * (p - 1)) / 2);
  let e = 0;
  for (let a = 0; a < p; a++) {
    for (let b = a + 1; b < p; b++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const t = all[idx[a]! * dim + k]! - all[idx[b]! * dim + k]!;
        s += t * t;
      }
      d[e++] = Math.sqrt(s);
    }
  }
  if (d.length === 0) return 1;
  d.sort();
  const mid = d.length >> 1;
  return d.length % 2 === 1 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
}

export function mmdRbf(x: Cloud, y: Cloud, dim: number, bandwidth?: number): MmdResult {
  let h = bandwidth;
  const rule = h === undefined ? 'median heuristic (pooled pairwise distances)' : 'given';
  if (h === undefined) h = medianPairwiseDistance([x, y], dim);
  if (!(h > 0)) h = 1;
  const wx = normalisedWeights(x.weights, x.n, 'mmd x');
  const wy = normalisedWeights(y.weights, y.n, 'mmd y');
  const gamma = 1 / (2 * h * h);
  const block = (p: Points, np: number, wp: Float64Array, q: Points, nq: number, wq: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < np; i++) {
      let row = 0;
      for (let j = 0; j < nq; j++) {
        let d2 = 0;
        for (let k = 0; k < dim; k++) {
          const t = p[i * dim + k]! - q[j * dim + k]!;
          d2 += t * t;
        }
        row += wq[j]! * Math.exp(-gamma * d2);
      }
      s += wp[i]! * row;
    }
    return s;
  };
  const mmd2 = block(x.points, x.n, wx, x.points, x.n, wx) + block(y.points, y.n, wy, y.points, y.n, wy) - 2 * block(x.points, x.n, wx, y.points, y.n, wy);
  return { mmd: Math.sqrt(Math.max(0, mmd2)), mmd2, bandwidth: h, bandwidthRule: rule };
}
