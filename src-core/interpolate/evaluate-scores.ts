/**
 * One map's predictions of a withheld time point T from its neighbours A and B, by every method of the
 * evaluation (evaluate.ts lists them), each scored against T's cells with W1, W2 and MMD.
 */
import { createRng } from '../linalg/random.js';
import { gatherRows, squaredEuclideanCost } from './costs.js';
import { interpolantMeasure, sampleInterpolant, type PlanSampling } from './displacement.js';
import type { MethodName } from './evaluate.js';
import { medianPairwiseDistance, mmdRbf, wasserstein1, wasserstein2, type Cloud } from './metrics.js';
import { transport, type TransportOptions } from './transport.js';

/** A map as the methods see it: z-scored coordinates of every cell and placement of new PC vectors. */
export interface MapContext {
  /** z-scored coordinates of every cell (n × 2); T's cells placed (strict) or embedded (paper). */
  readonly coords: Float64Array;
  /** z-scored map position of new PC vectors. */
  place(pcs: Float64Array, count: number): Float64Array;
  /**
   * Heat-geodesic cost D(a, b)² between cells (rows) of A and B from the map's own dissimilarities, or null
   * (PCA map; landmark maps, whose dissimilarities are between landmarks, not cells).
   */
  heatCost: ((A: Int32Array, B: Int32Array) => Float64Array) | null;
}

export type Scores = Record<MethodName, { w1: number; w2: number; mmd: number }>;

export interface ScoreSettings {
  /** n × dim PCs of every cell. */
  readonly pcs: Float32Array;
  readonly dim: number;
  readonly ot: TransportOptions;
  readonly sampling: PlanSampling;
  /** Also (b) on all n_A·n_B pairs. */
  readonly allPairs: boolean;
}

export function scoreMethods(ctx: MapContext, cells: { readonly A: Int32Array; readonly T: Int32Array; readonly B: Int32Array }, alpha: number, seed: number, s: ScoreSettings): { scores: Scores; bandwidth: number } {
  const { A, T, B } = cells;
  const { pcs, dim } = s;
  const yA = gatherRows(ctx.coords, 2, A);
  const yT = gatherRows(ctx.coords, 2, T);
  const yB = gatherRows(ctx.coords, 2, B);
  const truth: Cloud = { points: yT, n: T.length };
  const h = medianPairwiseDistance([{ points: yA, n: A.length }, truth, { points: yB, n: B.length }], 2);
  const score = (pred: Cloud): { w1: number; w2: number; mmd: number } => ({
    w1: wasserstein1(pred, truth, 2),
    w2: wasserstein2(pred, truth, 2),
    mmd: mmdRbf(pred, truth, 2, h).mmd,
  });
  // OT displacement interpolation in the z-scored map.
  const cost = squaredEuclideanCost(yA, A.length, yB, B.length, 2);
  const { plan } = transport(cost, A.length, B.length, s.ot);
  const ot = sampleInterpolant(yA, yB, 2, plan, alpha, T.length, 7919 * seed + 1, s.sampling);
  // (b) linear interpolation of PC vectors under a random matching, placed into the map.
  const rng = createRng(104729 * seed + 3);
  const pa = shuffled(A.length, rng);
  const pb = shuffled(B.length, rng);
  const lin = new Float64Array(T.length * dim);
  for (let k = 0; k < T.length; k++) {
    const a = A[pa[k % A.length]!]!;
    const b = B[pb[k % B.length]!]!;
    for (let c = 0; c < dim; c++) lin[k * dim + c] = (1 - alpha) * pcs[a * dim + c]! + alpha * pcs[b * dim + c]!;
  }
  const linCoords = ctx.place(lin, T.length);
  // OT between A and B in PC space (squared Euclidean), interpolated PC vectors placed into the map.
  const pA = gatherRows(pcs, dim, A);
  const pB = gatherRows(pcs, dim, B);
  const planPc = transport(squaredEuclideanCost(pA, A.length, pB, B.length, dim), A.length, B.length, s.ot).plan;
  const otPc = interpolantMeasure(pA, pB, dim, planPc, alpha);
  const otPcCoords = ctx.place(otPc.points, otPc.n);
  // Anchored (the app's display): P(p_α) + (1 − α)(y_a − P(p_a)) + α (y_b − P(p_b)) per plan entry, i.e. the
  // placement's own error at the two endpoint cells added back, so that α = 0 / 1 give their map positions.
  const resA = ctx.place(Float64Array.from(pA), A.length);
  const resB = ctx.place(Float64Array.from(pB), B.length);
  const anchored = new Float64Array(otPc.n * 2);
  for (let e = 0; e < otPc.n; e++) {
    const a = planPc.source[e]!;
    const b = planPc.target[e]!;
    for (let c = 0; c < 2; c++) anchored[e * 2 + c] = otPcCoords[e * 2 + c]! + (1 - alpha) * (yA[a * 2 + c]! - resA[a * 2 + c]!) + alpha * (yB[b * 2 + c]! - resB[b * 2 + c]!);
  }
  const otPcSampled = sampleInterpolant(pA, pB, dim, planPc, alpha, T.length, 7919 * seed + 1, s.sampling);
  const otPcSampledCoords = ctx.place(otPcSampled.points, T.length);
  // (b) with every pair (the independent coupling, uniform weights): the exact measure behind (b).
  // Optional: its W1/W2 are exact OT problems with n_A·n_B points on one side.
  let allPairsScore: { w1: number; w2: number; mmd: number } = { w1: NaN, w2: NaN, mmd: NaN };
  if (s.allPairs) {
    const allPairs = new Float64Array(A.length * B.length * dim);
    for (let a = 0; a < A.length; a++) {
      for (let b = 0; b < B.length; b++) {
        const at = (a * B.length + b) * dim;
        for (let c = 0; c < dim; c++) allPairs[at + c] = (1 - alpha) * pA[a * dim + c]! + alpha * pB[b * dim + c]!;
      }
    }
    allPairsScore = score({ points: ctx.place(allPairs, A.length * B.length), n: A.length * B.length });
  }
  const otExact = interpolantMeasure(yA, yB, 2, plan, alpha);
  // Heat-geodesic cost: the plan from the map's own dissimilarities D(a, b)², displaced in the map and in PC space.
  const none = { w1: NaN, w2: NaN, mmd: NaN };
  let hgScore = none;
  let hgPcsScore = none;
  if (ctx.heatCost) {
    const planHg = transport(ctx.heatCost(A, B), A.length, B.length, s.ot).plan;
    const inMap = interpolantMeasure(yA, yB, 2, planHg, alpha);
    hgScore = score({ points: inMap.points, n: inMap.n, weights: inMap.weights });
    const inPcs = interpolantMeasure(pA, pB, dim, planHg, alpha);
    hgPcsScore = score({ points: ctx.place(inPcs.points, inPcs.n), n: inPcs.n, weights: inPcs.weights });
  }
  // (a) nearer neighbour (earlier on a tie) and the other one; (b') the α-weighted mix.
  const nearerIsPrev = alpha <= 0.5;
  const cloudA: Cloud = { points: yA, n: A.length };
  const cloudB: Cloud = { points: yB, n: B.length };
  const mixWeights = new Float64Array(A.length + B.length);
  mixWeights.fill((1 - alpha) / A.length, 0, A.length);
  mixWeights.fill(alpha / B.length, A.length);
  const mixPoints = new Float64Array((A.length + B.length) * 2);
  mixPoints.set(yA, 0);
  mixPoints.set(yB, A.length * 2);
  const scores: Scores = {
    ot: score({ points: otExact.points, n: otExact.n, weights: otExact.weights }),
    'ot-sampled': score({ points: ot.points, n: T.length }),
    'ot-pcs': score({ points: otPcCoords, n: otPc.n, weights: otPc.weights }),
    'ot-pcs-sampled': score({ points: otPcSampledCoords, n: T.length }),
    'ot-pcs-anchored': score({ points: anchored, n: otPc.n, weights: otPc.weights }),
    'ot-hg': hgScore,
    'ot-hg-pcs': hgPcsScore,
    nearer: score(nearerIsPrev ? cloudA : cloudB),
    other: score(nearerIsPrev ? cloudB : cloudA),
    'linear-pca': score({ points: linCoords, n: T.length }),
    'linear-pca-all': allPairsScore,
    mix: score({ points: mixPoints, n: A.length + B.length, weights: mixWeights }),
  };
  return { scores, bandwidth: h };
}

function shuffled(n: number, rng: ReturnType<typeof createRng>): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
