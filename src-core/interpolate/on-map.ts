/**
 * Cells displaced a fraction α of the way from one time point to another, drawn on a map: the one
 * implementation behind the app's Time panel and `isotherm interpolate` (docs/interpolation.md §3).
 */
import { createRng } from '../linalg/random.js';
import { gatherRows, squaredEuclideanCost } from './costs.js';
import { sampleInterpolant } from './displacement.js';
import { placeByKnn } from './place.js';
import type { TimeLevel } from './time-points.js';
import { transport, type TransportOptions } from './transport.js';

/** Cells per side above which the app subsamples before OT (exact OT memory is n·m). */
export const MAX_OT_CELLS = 2000;

export interface InterpolateOnMapInput {
  /** n × dim: the pipeline's input (PCs) of every map row. */
  readonly pcs: Float32Array;
  readonly n: number;
  readonly dim: number;
  /** n × 2: the current map. */
  readonly coords: Float32Array;
  readonly from: TimeLevel;
  readonly to: TimeLevel;
  readonly alpha: number;
  readonly count: number;
  readonly seed: number;
  readonly space: 'pcs' | 'map';
  readonly placeK: number;
  readonly placeDecay: number;
  /**
   * 'pcs': add back the placement's own error at the pair's two cells, so that α = 0 / 1 draw exactly the
   * cells of `from` / `to` (default true, as the app draws).
   */
  readonly anchor?: boolean;
  /** Seeded subsample of each time point to at most this many cells before OT (default MAX_OT_CELLS). */
  readonly maxCells?: number;
  /** The transport plan (default exact OT). */
  readonly ot?: TransportOptions;
}

export interface OnMapInterpolation {
  readonly alpha: number;
  readonly space: 'pcs' | 'map';
  /** count × 2 map coordinates. */
  readonly coords: Float64Array;
  /** The (from, to) pair of each interpolated cell, as map rows. */
  readonly source: Int32Array;
  readonly target: Int32Array;
  /** The plan's method, Sinkhorn's absolute ε (null for exact) and its cost. */
  readonly transport: { readonly method: 'exact' | 'sinkhorn'; readonly epsilon: number | null; readonly cost: number };
}

/** Seeded subsample of at most `max` cells (all of them, in order, when there are fewer). */
function capCells(cells: Int32Array, max: number, seed: number): Int32Array {
  if (cells.length <= max) return cells;
  const rng = createRng(seed);
  const p = Int32Array.from(cells);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(p.length - i);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p.subarray(0, max).sort();
}

/**
 * Displacement interpolation between two time points, drawn on the current map. 'map': OT in the 2-D map,
 * (1 − α) y_a + α y_b. 'pcs': OT between the PC vectors, p_α = (1 − α) p_a + α p_b placed by the kNN
 * extension P (place.ts), by default anchored to the pair's own positions,
 *   y = P(p_α) + (1 − α)(y_a − P(p_a)) + α (y_b − P(p_b)),
 * so that α = 0 and α = 1 draw exactly the cells of `from` and `to` and the path is continuous in α.
 * `count` pairs are sampled from the plan (seeded); the plan is exact OT unless `ot` says otherwise.
 */
export function interpolateOnMap(o: InterpolateOnMapInput): OnMapInterpolation {
  const maxCells = o.maxCells ?? MAX_OT_CELLS;
  const ot = o.ot ?? { method: 'exact' };
  const A = capCells(o.from.cells, maxCells, 17 * o.seed + 5);
  const B = capCells(o.to.cells, maxCells, 17 * o.seed + 6);
  const yA = gatherRows(o.coords, 2, A);
  const yB = gatherRows(o.coords, 2, B);
  let out: Float64Array;
  let source: Int32Array;
  let target: Int32Array;
  let plan: ReturnType<typeof transport>;
  if (o.space === 'map') {
    plan = transport(squaredEuclideanCost(yA, A.length, yB, B.length, 2), A.length, B.length, ot);
    const s = sampleInterpolant(yA, yB, 2, plan.plan, o.alpha, o.count, o.seed);
    out = s.points;
    source = s.source;
    target = s.target;
  } else {
    const pA = gatherRows(o.pcs, o.dim, A);
    const pB = gatherRows(o.pcs, o.dim, B);
    plan = transport(squaredEuclideanCost(pA, A.length, pB, B.length, o.dim), A.length, B.length, ot);
    const s = sampleInterpolant(pA, pB, o.dim, plan.plan, o.alpha, o.count, o.seed);
    const place = (x: Float64Array, count: number): Float64Array => placeByKnn(x, count, o.pcs, o.n, o.dim, o.coords, 2, { k: o.placeK, decay: o.placeDecay });
    out = place(s.points, o.count);
    if (o.anchor ?? true) anchor(out, s, place(pA, A.length), place(pB, B.length), yA, yB, o.alpha);
    source = s.source;
    target = s.target;
  }
  const src = new Int32Array(o.count);
  const tgt = new Int32Array(o.count);
  for (let q = 0; q < o.count; q++) {
    src[q] = A[source[q]!]!;
    tgt[q] = B[target[q]!]!;
  }
  return { alpha: o.alpha, space: o.space, coords: out, source: src, target: tgt, transport: { method: plan.method, epsilon: plan.epsilon, cost: plan.plan.cost } };
}

/**
 * y = P(p_α) + (1 − α)(y_a − P(p_a)) + α (y_b − P(p_b)) in place of `placed` = P(p_α), for each sampled pair
 * (a, b); exactly y_a at α = 0 and y_b at α = 1.
 */
function anchor(placed: Float64Array, pairs: { readonly source: Int32Array; readonly target: Int32Array }, placedA: Float64Array, placedB: Float64Array, yA: Float64Array, yB: Float64Array, alpha: number): void {
  for (let q = 0; q < pairs.source.length; q++) {
    const a = pairs.source[q]!;
    const b = pairs.target[q]!;
    for (let c = 0; c < 2; c++) {
      const anchored = placed[q * 2 + c]! + (1 - alpha) * (yA[a * 2 + c]! - placedA[a * 2 + c]!) + alpha * (yB[b * 2 + c]! - placedB[b * 2 + c]!);
      placed[q * 2 + c] = alpha === 0 ? yA[a * 2 + c]! : alpha === 1 ? yB[b * 2 + c]! : anchored;
    }
  }
}
