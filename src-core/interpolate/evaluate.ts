/**
 * Withhold-a-time-point evaluation of time-course interpolation (docs/interpolation.md).
 *
 * For each interior time point T with neighbours A (earlier) and B (later), α = (t_T − t_A)/(t_B − t_A),
 * and each seed, on three maps:
 *   isotherm-strict  the heat-geodesic map of every cell except T's (EmbeddingPipeline on their PCs);
 *                    T's cells placed by out-of-sample extension (kNN in PC space, place.ts);
 *   pca-strict       baseline (c): the first two principal axes of the training cells' PCs; T projected;
 *   isotherm-paper   the paper's protocol: one map of all cells, T's cells included.
 * Each map is z-scored per axis with the mean/sd of its training cells (all cells for the paper map),
 * and on each map we score, against T's cells, with W1, W2 (exact OT) and MMD (RBF):
 *   ot          displacement interpolation: exact OT between A and B (squared Euclidean in the z-scored
 *               map), N_T pairs sampled from the plan, (1 − α) y_a + α y_b;
 *   nearer      (a) the cells of the nearer time point (the earlier one on a tie);
 *   other       the cells of the other neighbour (reported because ties are common);
 *   linear-pca  (b) linear interpolation in PCA space without OT: A's and B's cells each shuffled
 *               (seeded) and paired by index (wrapping around the shorter list) for N_T pairs,
 *               (1 − α) p_a + α p_b placed into the map like T's cells;
 *   mix         (b') the cells of A and B together, weighted (1 − α) and α (50-50 at α = 0.5).
 * The MMD bandwidth is fixed per (map, T, seed) for all methods: the median pairwise distance of the
 * pooled true cells of A, T and B in the z-scored map.
 */
import { DEFAULTS, type EmbedParams } from '../pipeline/params.js';
import { EmbeddingPipeline } from '../pipeline/pipeline.js';
import { createRng } from '../linalg/random.js';
import { gatherRows, squaredEuclideanCost, type Points } from './costs.js';
import { interpolantMeasure, sampleInterpolant, type PlanSampling } from './displacement.js';
import { medianPairwiseDistance, mmdRbf, wasserstein1, wasserstein2, type Cloud } from './metrics.js';
import { pcaMap2 } from './pca-map.js';
import { placeByKnn } from './place.js';
import type { TimeCourse } from './time-points.js';
import { transport, type OtMethod } from './transport.js';

export const MAP_NAMES = ['isotherm-strict', 'pca-strict', 'isotherm-paper'] as const;
export type MapName = (typeof MAP_NAMES)[number];
export const METHOD_NAMES = ['ot', 'ot-sampled', 'ot-pcs', 'ot-pcs-sampled', 'ot-pcs-anchored', 'ot-hg', 'ot-hg-pcs', 'nearer', 'other', 'linear-pca', 'linear-pca-all', 'mix'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export interface Stat {
  readonly mean: number;
  readonly sd: number;
  readonly values: readonly number[];
}
export interface MethodScores {
  readonly w1: Stat;
  readonly w2: Stat;
  readonly mmd: Stat;
}
export interface MapScores {
  /** Every method except 'linear-pca-all' unless `allPairs` was set. */
  readonly methods: Readonly<Partial<Record<MethodName, MethodScores>>>;
  /** MMD bandwidth per seed (z-scored map units). */
  readonly mmdBandwidth: Stat;
}
export interface WithheldResult {
  readonly label: string;
  readonly time: number;
  readonly previous: string;
  readonly next: string;
  readonly alpha: number;
  readonly nWithheld: number;
  readonly nPrevious: number;
  readonly nNext: number;
  /** Which neighbour baseline (a) used. */
  readonly nearer: 'previous' | 'next';
  /** 'isotherm-paper' is absent with `skipPaper`. */
  readonly maps: Readonly<Partial<Record<MapName, MapScores>>>;
}
export interface EvaluationResult {
  readonly column: string;
  readonly timeSource: string;
  readonly levels: readonly { readonly label: string; readonly time: number; readonly n: number }[];
  readonly seeds: readonly number[];
  readonly nCells: number;
  readonly nDims: number;
  readonly settings: {
    readonly embed: Partial<EmbedParams>;
    readonly placeK: number;
    readonly placeDecay: number;
    readonly ot: string;
    readonly otPcs: string;
    readonly otHeat: string;
    readonly samples: string;
    readonly linearPairing: string;
    readonly mmd: string;
    readonly zscore: string;
  };
  readonly withheld: readonly WithheldResult[];
  readonly timingsMs: number;
}

export interface EvaluateOptions {
  /** Seeds (MDS seed of the map, pair sampling, random matching). Default [0, 1, 2, 3, 4]. */
  readonly seeds?: readonly number[];
  /** Labels of the time points to withhold (default: every interior one). */
  readonly withhold?: readonly string[];
  /** Parameters of the heat-geodesic maps (the seed is overridden per seed). */
  readonly embed?: Partial<EmbedParams>;
  /** kNN placement of withheld / interpolated PC vectors (default: the map defaults of knn and decay). */
  readonly placeK?: number;
  readonly placeDecay?: number;
  readonly otMethod?: OtMethod;
  /** Sinkhorn ε relative to the largest cost (only with otMethod 'sinkhorn'). */
  readonly relativeEpsilon?: number;
  /** Also score (b) on all n_A·n_B pairs (the exact measure behind (b); slow: large exact OT problems). */
  readonly allPairs?: boolean;
  /** Skip the paper-protocol map (saves one map per seed). */
  readonly skipPaper?: boolean;
  /** How the N_T pairs are drawn from a plan (default 'systematic': least sampling noise; see displacement.ts). */
  readonly sampling?: PlanSampling;
  readonly onProgress?: (message: string) => void;
}

interface MapContext {
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

/** C_ij = D(a_i, b_j)² from an m × m dissimilarity matrix over the rows `index` maps cells to (−1: absent). */
function heatCostFrom(dis: { distances: Float64Array; m: number } | null, index: Int32Array): MapContext['heatCost'] {
  if (!dis) return null;
  return (A, B) => {
    const c = new Float64Array(A.length * B.length);
    for (let i = 0; i < A.length; i++) {
      const a = index[A[i]!]!;
      if (a < 0 || a >= dis.m) throw new Error(`heat-geodesic cost: cell ${A[i]} is not in the map`);
      for (let j = 0; j < B.length; j++) {
        const b = index[B[j]!]!;
        if (b < 0 || b >= dis.m) throw new Error(`heat-geodesic cost: cell ${B[j]} is not in the map`);
        c[i * B.length + j] = dis.distances[a * dis.m + b]! ** 2;
      }
    }
    return c;
  };
}

type Scores = Record<MethodName, { w1: number; w2: number; mmd: number }>;

function zscoreStats(coords: Points, rows: ArrayLike<number>): { mean: [number, number]; sd: [number, number] } {
  const mean: [number, number] = [0, 0];
  const sd: [number, number] = [0, 0];
  const n = rows.length;
  for (let r = 0; r < n; r++) for (let c = 0; c < 2; c++) mean[c] += coords[rows[r]! * 2 + c]!;
  mean[0] /= n;
  mean[1] /= n;
  for (let r = 0; r < n; r++) for (let c = 0; c < 2; c++) sd[c] += (coords[rows[r]! * 2 + c]! - mean[c]) ** 2;
  sd[0] = Math.sqrt(sd[0] / n) || 1;
  sd[1] = Math.sqrt(sd[1] / n) || 1;
  return { mean, sd };
}

function applyZ(coords: Points, z: { mean: [number, number]; sd: [number, number] }): Float64Array {
  const out = new Float64Array(coords.length);
  for (let i = 0; i < coords.length; i += 2) {
    out[i] = (coords[i]! - z.mean[0]) / z.sd[0];
    out[i + 1] = (coords[i + 1]! - z.mean[1]) / z.sd[1];
  }
  return out;
}

function stat(values: number[]): Stat {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, values };
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

export async function evaluateInterpolation(pcs: Float32Array, n: number, dim: number, course: TimeCourse, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const t0 = performance.now();
  if (pcs.length !== n * dim) throw new Error(`evaluateInterpolation: expected ${n * dim} PC values, got ${pcs.length}`);
  const levels = course.levels;
  if (levels.length < 3) throw new Error(`time column '${course.column}' has ${levels.length} time points; withholding one needs at least 3`);
  const seeds = options.seeds ?? [0, 1, 2, 3, 4];
  const placeK = options.placeK ?? DEFAULTS.knn;
  const placeDecay = options.placeDecay ?? DEFAULTS.decay;
  const otMethod = options.otMethod ?? 'exact';
  const relEps = options.relativeEpsilon ?? 0.1;
  const sampling = options.sampling ?? 'systematic';
  const log = options.onProgress ?? ((): void => undefined);
  const interior = levels.map((_, i) => i).filter((i) => i > 0 && i < levels.length - 1);
  const targets = options.withhold
    ? options.withhold.map((label) => {
        const i = levels.findIndex((l) => l.label === label);
        if (i < 0) throw new Error(`time point '${label}' not found in '${course.column}' (have ${levels.map((l) => l.label).join(', ')})`);
        if (i === 0 || i === levels.length - 1) throw new Error(`time point '${label}' is the first or last one: it has no neighbours on both sides to interpolate from`);
        return i;
      })
    : interior;
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  const paperMaps = new Map<number, { coords: Float32Array; dis: { distances: Float64Array; m: number } | null }>();

  /** The map of `rows` and its cell-level dissimilarities (null when landmarks stand for the cells). */
  const buildMap = async (rows: Int32Array, seed: number): Promise<{ coords: Float32Array; dis: { distances: Float64Array; m: number } | null }> => {
    const x = new Float32Array(rows.length * dim);
    for (let r = 0; r < rows.length; r++) x.set(pcs.subarray(rows[r]! * dim, rows[r]! * dim + dim), r * dim);
    const pipeline = new EmbeddingPipeline(x, rows.length, dim);
    const result = await pipeline.run({ ...options.embed, seed });
    const dis = result.landmarks === rows.length ? pipeline.dissimilarities() : null;
    return { coords: result.coords, dis };
  };
  /** Cell → row of the map built from `rows` (−1 for cells not in it). */
  const rowIndex = (rows: Int32Array): Int32Array => {
    const index = new Int32Array(n).fill(-1);
    rows.forEach((cell, r) => (index[cell] = r));
    return index;
  };

  const scoreMap = (ctx: MapContext, iA: number, iT: number, iB: number, alpha: number, seed: number): { scores: Scores; bandwidth: number } => {
    const A = levels[iA]!.cells;
    const T = levels[iT]!.cells;
    const B = levels[iB]!.cells;
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
    const { plan } = transport(cost, A.length, B.length, { method: otMethod, relativeEpsilon: relEps });
    const ot = sampleInterpolant(yA, yB, 2, plan, alpha, T.length, 7919 * seed + 1, sampling);
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
    const planPc = transport(squaredEuclideanCost(pA, A.length, pB, B.length, dim), A.length, B.length, { method: otMethod, relativeEpsilon: relEps }).plan;
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
    const otPcSampled = sampleInterpolant(pA, pB, dim, planPc, alpha, T.length, 7919 * seed + 1, sampling);
    const otPcSampledCoords = ctx.place(otPcSampled.points, T.length);
    // (b) with every pair (the independent coupling, uniform weights): the exact measure behind (b).
    // Optional: its W1/W2 are exact OT problems with n_A·n_B points on one side.
    let allPairsScore: { w1: number; w2: number; mmd: number } = { w1: NaN, w2: NaN, mmd: NaN };
    if (options.allPairs) {
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
      const planHg = transport(ctx.heatCost(A, B), A.length, B.length, { method: otMethod, relativeEpsilon: relEps }).plan;
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
  };

  const withheld: WithheldResult[] = [];
  for (const iT of targets) {
    const iA = iT - 1;
    const iB = iT + 1;
    const LA = levels[iA]!;
    const LT = levels[iT]!;
    const LB = levels[iB]!;
    const alpha = (LT.time - LA.time) / (LB.time - LA.time);
    const perMap: Record<MapName, { scores: Scores[]; bandwidth: number[] }> = {
      'isotherm-strict': { scores: [], bandwidth: [] },
      'pca-strict': { scores: [], bandwidth: [] },
      'isotherm-paper': { scores: [], bandwidth: [] },
    };
    const inT = new Uint8Array(n);
    for (const c of LT.cells) inT[c] = 1;
    const trainRows = Int32Array.from(allRows.filter((i) => !inT[i]));
    const trainPcs = gatherRows(pcs, dim, trainRows);
    const withheldPcs = gatherRows(pcs, dim, LT.cells);
    // PCA-2 map of the training cells (seed-independent).
    const lin = pcaMap2(trainPcs, trainRows.length, dim);
    const pcaAll = lin.project(pcs, n);
    const pcaZ = zscoreStats(pcaAll, trainRows);
    const pcaCtx: MapContext = { coords: applyZ(pcaAll, pcaZ), place: (x, count) => applyZ(lin.project(x, count), pcaZ), heatCost: null };
    for (const seed of seeds) {
      log(`withheld ${LT.label}, seed ${seed}: map without ${LT.label} (${trainRows.length} cells)`);
      // Strict: the map never sees T's cells.
      const trainMap = await buildMap(trainRows, seed);
      const trainCoords = trainMap.coords;
      const placeRaw = (x: Float64Array, count: number): Float64Array => placeByKnn(x, count, trainPcs, trainRows.length, dim, trainCoords, 2, { k: placeK, decay: placeDecay });
      const rawAll = new Float64Array(n * 2);
      trainRows.forEach((row, r) => {
        rawAll[row * 2] = trainCoords[r * 2]!;
        rawAll[row * 2 + 1] = trainCoords[r * 2 + 1]!;
      });
      const placedT = placeRaw(withheldPcs, LT.cells.length);
      LT.cells.forEach((row, r) => {
        rawAll[row * 2] = placedT[r * 2]!;
        rawAll[row * 2 + 1] = placedT[r * 2 + 1]!;
      });
      const z = zscoreStats(rawAll, trainRows);
      const strictCtx: MapContext = { coords: applyZ(rawAll, z), place: (x, count) => applyZ(placeRaw(x, count), z), heatCost: heatCostFrom(trainMap.dis, rowIndex(trainRows)) };
      const s1 = scoreMap(strictCtx, iA, iT, iB, alpha, seed);
      perMap['isotherm-strict'].scores.push(s1.scores);
      perMap['isotherm-strict'].bandwidth.push(s1.bandwidth);
      const s2 = scoreMap(pcaCtx, iA, iT, iB, alpha, seed);
      perMap['pca-strict'].scores.push(s2.scores);
      perMap['pca-strict'].bandwidth.push(s2.bandwidth);
      if (!options.skipPaper) {
        let full = paperMaps.get(seed);
        if (!full) {
          log(`seed ${seed}: map of all ${n} cells (paper protocol)`);
          full = await buildMap(allRows, seed);
          paperMaps.set(seed, full);
        }
        const fullCoords = full.coords;
        const zf = zscoreStats(fullCoords, allRows);
        const paperCtx: MapContext = {
          coords: applyZ(fullCoords, zf),
          place: (x, count) => applyZ(placeByKnn(x, count, pcs, n, dim, fullCoords, 2, { k: placeK, decay: placeDecay }), zf),
          heatCost: heatCostFrom(full.dis, allRows),
        };
        const s3 = scoreMap(paperCtx, iA, iT, iB, alpha, seed);
        perMap['isotherm-paper'].scores.push(s3.scores);
        perMap['isotherm-paper'].bandwidth.push(s3.bandwidth);
      }
    }
    const maps: Partial<Record<MapName, MapScores>> = {};
    for (const name of MAP_NAMES) {
      const runs = perMap[name];
      if (runs.scores.length === 0) continue;
      const methods: Partial<Record<MethodName, MethodScores>> = {};
      for (const m of METHOD_NAMES) {
        if (runs.scores.every((s) => Number.isNaN(s[m].w1))) continue;
        methods[m] = {
          w1: stat(runs.scores.map((s) => s[m].w1)),
          w2: stat(runs.scores.map((s) => s[m].w2)),
          mmd: stat(runs.scores.map((s) => s[m].mmd)),
        };
      }
      maps[name] = { methods, mmdBandwidth: stat(runs.bandwidth) };
    }
    withheld.push({
      label: LT.label,
      time: LT.time,
      previous: LA.label,
      next: LB.label,
      alpha,
      nWithheld: LT.cells.length,
      nPrevious: LA.cells.length,
      nNext: LB.cells.length,
      nearer: alpha <= 0.5 ? 'previous' : 'next',
      maps,
    });
  }
  return {
    column: course.column,
    timeSource: course.timeSource,
    levels: levels.map((l) => ({ label: l.label, time: l.time, n: l.cells.length })),
    seeds: [...seeds],
    nCells: n,
    nDims: dim,
    settings: {
      embed: { ...options.embed },
      placeK,
      placeDecay,
      ot: otMethod === 'sinkhorn' ? `log-domain Sinkhorn, ε = ${relEps} × max cost, squared Euclidean in the z-scored map` : 'exact (transportation simplex), squared Euclidean in the z-scored map',
      otPcs: 'the same OT between the PC vectors of T−1 and T+1 (squared Euclidean); interpolated PC vectors placed into the map like the withheld cells (kNN extension; projection on the PCA map)',
      otHeat: "heat-geodesic cost D(a, b)² from the map's own dissimilarities (isotherm maps without landmarks only); μ_α displaced in the z-scored map, or PC vectors displaced along the same plan and placed",
      samples: `exact: μ_α = Σ P_ij δ((1 − α) y_i + α y_j), one weighted point per plan entry; sampled: N_T pairs drawn from the plan (${sampling}, seeded); prediction (1 − α) y_a + α y_b`,
      linearPairing: 'both neighbours shuffled (seeded) and paired by index, wrapping around the shorter list; PC vectors interpolated and placed by kNN extension',
      mmd: 'RBF exp(−d²/2h²), biased V-statistic, MMD = √MMD²; h = median pairwise distance of the pooled true cells of T−1, T, T+1 in the z-scored map (per map, T and seed)',
      zscore: 'per axis, mean/sd of the cells that built the map (training cells; all cells for the paper protocol)',
    },
    withheld,
    timingsMs: performance.now() - t0,
  };
}

export const METHOD_LABEL: Record<MethodName, (w: WithheldResult) => string> = {
  ot: () => 'OT interpolation μ_α (whole plan)',
  'ot-sampled': () => 'OT interpolation, N_T sampled pairs',
  'ot-pcs': () => 'OT in PC space μ_α (whole plan), placed',
  'ot-pcs-sampled': () => 'OT in PC space, N_T sampled pairs, placed',
  'ot-pcs-anchored': () => 'OT in PC space μ_α, placed and anchored (app)',
  'ot-hg': () => 'heat-geodesic-cost OT μ_α, displaced in the map',
  'ot-hg-pcs': () => 'heat-geodesic-cost OT μ_α, PCs displaced, placed',
  nearer: (w) => `(a) nearer time (${w.nearer === 'previous' ? w.previous : w.next})`,
  other: (w) => `other neighbour (${w.nearer === 'previous' ? w.next : w.previous})`,
  'linear-pca': () => '(b) linear PCA, N_T random pairs',
  'linear-pca-all': () => '(b) linear PCA, all pairs',
  mix: (w) => `(b') mix ${w.previous}+${w.next}`,
};
export const MAP_LABEL: Record<MapName, string> = {
  'isotherm-strict': 'isotherm (strict)',
  'pca-strict': 'PCA-2 (strict) = (c)',
  'isotherm-paper': 'isotherm (paper)',
};

function fmt(s: Stat): string {
  return `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`;
}

/** A plain-text table (also valid Markdown) of an evaluation result. */
export function formatEvaluationTable(r: EvaluationResult): string {
  const lines: string[] = [];
  for (const w of r.withheld) {
    lines.push(`withheld ${w.label}: α = ${w.alpha.toFixed(3)} between ${w.previous} (${w.nPrevious} cells) and ${w.next} (${w.nNext} cells); ${w.nWithheld} cells; mean ± sd over ${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'}`);
    lines.push('');
    lines.push('| map | method | W1 | W2 | MMD |');
    lines.push('|---|---|---|---|---|');
    for (const name of MAP_NAMES) {
      const m = w.maps[name];
      if (!m) continue;
      for (const method of METHOD_NAMES) {
        const s = m.methods[method];
        if (!s) continue;
        lines.push(`| ${method === 'ot' ? MAP_LABEL[name] : ''} | ${METHOD_LABEL[method](w)} | ${fmt(s.w1)} | ${fmt(s.w2)} | ${fmt(s.mmd)} |`);
      }
      lines.push(`| | MMD bandwidth h | ${m.mmdBandwidth.mean.toFixed(3)} | | |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
