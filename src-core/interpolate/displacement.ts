/**
 * Displacement (McCann) interpolation along a transport plan P between point sets X and Y:
 *
 *   μ_α = Σ_ij P_ij δ_{(1−α) x_i + α y_j},   α ∈ [0, 1].
 *
 * μ_0 is X with its weights (the plan's row sums) and μ_1 is Y (column sums), exactly. For squared
 * Euclidean costs and an optimal P, μ_α is the W2 geodesic between the two empirical measures.
 * `interpolantMeasure` returns μ_α exactly (one weighted point per plan entry); `sampleInterpolant`
 * draws N pairs (i, j) with probability P_ij (seeded) and returns their interpolated points.
 *
 * Sampling: 'systematic' (default) draws one uniform u and takes the entries at the cumulative masses
 * (k + u)/N, k = 0..N−1 (systematic / stratified resampling): every entry of mass w appears ⌊Nw⌋ or ⌈Nw⌉
 * times, so the N points follow the plan with the least possible sampling noise, and each draw is still
 * an unbiased sample (E[count_e] = N w_e). 'multinomial' draws the N entries independently.
 */
import { createRng } from '../linalg/random.js';
import type { Points } from './costs.js';
import type { TransportPlan } from './plan.js';

export interface WeightedPoints {
  readonly points: Float64Array;
  readonly weights: Float64Array;
  readonly n: number;
  readonly dim: number;
}

export interface InterpolatedSample {
  /** N × dim interpolated points. */
  readonly points: Float64Array;
  readonly n: number;
  readonly dim: number;
  /** The sampled pair of each point. */
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly alpha: number;
}

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`interpolation fraction α must be in [0, 1], got ${alpha}`);
}

function lerp(x: Points, y: Points, dim: number, i: number, j: number, alpha: number, out: Float64Array, at: number): void {
  for (let k = 0; k < dim; k++) {
    const xi = x[i * dim + k]!;
    const yj = y[j * dim + k]!;
    // Exact endpoints at α = 0 and α = 1 (no round-off from (1−α)x + αy).
    out[at + k] = alpha === 0 ? xi : alpha === 1 ? yj : (1 - alpha) * xi + alpha * yj;
  }
}

/** μ_α exactly: one point per plan entry, weighted by its mass. */
export function interpolantMeasure(x: Points, y: Points, dim: number, plan: TransportPlan, alpha: number): WeightedPoints {
  checkAlpha(alpha);
  const nnz = plan.mass.length;
  const points = new Float64Array(nnz * dim);
  for (let e = 0; e < nnz; e++) lerp(x, y, dim, plan.source[e]!, plan.target[e]!, alpha, points, e * dim);
  return { points, weights: Float64Array.from(plan.mass), n: nnz, dim };
}

export type PlanSampling = 'systematic' | 'multinomial';

/** Draws `count` plan entries with probability ∝ mass (seeded); returns their indices (ascending for 'systematic'). */
export function samplePlanEntries(plan: TransportPlan, count: number, seed: number, sampling: PlanSampling = 'systematic'): Int32Array {
  const nnz = plan.mass.length;
  if (nnz === 0) throw new Error('samplePlanEntries: the plan is empty');
  const cum = new Float64Array(nnz);
  let s = 0;
  for (let e = 0; e < nnz; e++) {
    s += plan.mass[e]!;
    cum[e] = s;
  }
  const rng = createRng(seed);
  const out = new Int32Array(count);
  if (sampling === 'systematic') {
    const u0 = rng.next();
    let e = 0;
    for (let k = 0; k < count; k++) {
      const u = ((k + u0) / count) * s;
      while (e < nnz - 1 && cum[e]! <= u) e++;
      out[k] = e;
    }
    return out;
  }
  for (let k = 0; k < count; k++) {
    const u = rng.next() * s;
    let lo = 0;
    let hi = nnz - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[k] = lo;
  }
  return out;
}

/** N points of μ_α from N pairs drawn from the plan. */
export function sampleInterpolant(x: Points, y: Points, dim: number, plan: TransportPlan, alpha: number, count: number, seed: number, sampling: PlanSampling = 'systematic'): InterpolatedSample {
  checkAlpha(alpha);
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`sampleInterpolant: count must be a positive integer, got ${count}`);
  const entries = samplePlanEntries(plan, count, seed, sampling);
  const points = new Float64Array(count * dim);
  const source = new Int32Array(count);
  const target = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const e = entries[k]!;
    source[k] = plan.source[e]!;
    target[k] = plan.target[e]!;
    lerp(x, y, dim, source[k]!, target[k]!, alpha, points, k * dim);
  }
  return { points, n: count, dim, source, target, alpha };
}
