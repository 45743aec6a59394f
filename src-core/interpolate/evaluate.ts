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
import { gatherRows, type Points } from './costs.js';
import type { PlanSampling } from './displacement.js';
import { scoreMethods, type MapContext, type ScoreSettings, type Scores } from './evaluate-scores.js';
import { pcaMap2 } from './pca-map.js';
import { placeByKnn } from './place.js';
import type { TimeCourse } from './time-points.js';
import type { OtMethod } from './transport.js';

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
  const maps = new EvaluationMaps(pcs, n, dim, options.embed ?? {}, { k: placeK, decay: placeDecay });
  const scoring: ScoreSettings = { pcs, dim, ot: { method: otMethod, relativeEpsilon: relEps }, sampling, allPairs: options.allPairs === true };
  const withheld: WithheldResult[] = [];
  for (const iT of withheldTargets(course, options.withhold)) {
    withheld.push(await evaluateWithheld(levels, iT, maps, { seeds, log, paper: !options.skipPaper }, scoring));
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

/** Indices of the levels to withhold: the given labels (each with neighbours on both sides), or every interior one. */
function withheldTargets(course: TimeCourse, labels: readonly string[] | undefined): number[] {
  const levels = course.levels;
  if (!labels) return levels.map((_, i) => i).filter((i) => i > 0 && i < levels.length - 1);
  return labels.map((label) => {
    const i = levels.findIndex((l) => l.label === label);
    if (i < 0) throw new Error(`time point '${label}' not found in '${course.column}' (have ${levels.map((l) => l.label).join(', ')})`);
    if (i === 0 || i === levels.length - 1) throw new Error(`time point '${label}' is the first or last one: it has no neighbours on both sides to interpolate from`);
    return i;
  });
}

type MapRuns = Record<MapName, { scores: Scores[]; bandwidth: number[] }>;

/** Withholds level iT: every map and seed scored, then mean ± sd per map and method. */
async function evaluateWithheld(
  levels: TimeCourse['levels'],
  iT: number,
  maps: EvaluationMaps,
  run: { readonly seeds: readonly number[]; readonly log: (message: string) => void; readonly paper: boolean },
  scoring: ScoreSettings,
): Promise<WithheldResult> {
  const iA = iT - 1;
  const iB = iT + 1;
  const LA = levels[iA]!;
  const LT = levels[iT]!;
  const LB = levels[iB]!;
  const alpha = (LT.time - LA.time) / (LB.time - LA.time);
  const cells = { A: LA.cells, T: LT.cells, B: LB.cells };
  const perMap: MapRuns = {
    'isotherm-strict': { scores: [], bandwidth: [] },
    'pca-strict': { scores: [], bandwidth: [] },
    'isotherm-paper': { scores: [], bandwidth: [] },
  };
  const record = (name: MapName, ctx: MapContext, seed: number): void => {
    const r = scoreMethods(ctx, cells, alpha, seed, scoring);
    perMap[name].scores.push(r.scores);
    perMap[name].bandwidth.push(r.bandwidth);
  };
  const trainRows = maps.rowsWithout(LT.cells);
  const pcaCtx = maps.pcaContext(trainRows);
  for (const seed of run.seeds) {
    run.log(`withheld ${LT.label}, seed ${seed}: map without ${LT.label} (${trainRows.length} cells)`);
    record('isotherm-strict', await maps.strictContext(trainRows, LT.cells, seed), seed);
    record('pca-strict', pcaCtx, seed);
    if (run.paper) record('isotherm-paper', await maps.paperContext(seed, run.log), seed);
  }
  return {
    label: LT.label,
    time: LT.time,
    previous: LA.label,
    next: LB.label,
    alpha,
    nWithheld: LT.cells.length,
    nPrevious: LA.cells.length,
    nNext: LB.cells.length,
    nearer: alpha <= 0.5 ? 'previous' : 'next',
    maps: summarise(perMap),
  };
}

/** Mean ± sd over the seeds, per map and method (methods that never applied, e.g. NaN, are left out). */
function summarise(perMap: MapRuns): Partial<Record<MapName, MapScores>> {
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
  return maps;
}

/**
 * The maps the evaluation scores on, z-scored by the cells that built them: the heat-geodesic map of
 * the training cells (withheld cells placed), their PCA-2 map, and the map of every cell (one per seed, kept).
 */
class EvaluationMaps {
  readonly #paper = new Map<number, { coords: Float32Array; dis: { distances: Float64Array; m: number } | null }>();
  readonly #allRows: Int32Array;

  constructor(
    readonly pcs: Float32Array,
    readonly n: number,
    readonly dim: number,
    readonly embed: Partial<EmbedParams>,
    readonly place: { readonly k: number; readonly decay: number },
  ) {
    this.#allRows = Int32Array.from({ length: n }, (_, i) => i);
  }

  /** Every cell but `cells`, ascending. */
  rowsWithout(cells: Int32Array): Int32Array {
    const skip = new Uint8Array(this.n);
    for (const c of cells) skip[c] = 1;
    return Int32Array.from(this.#allRows.filter((i) => !skip[i]));
  }

  /** Baseline (c): the first two principal axes of the training cells' PCs (seed-independent). */
  pcaContext(trainRows: Int32Array): MapContext {
    const lin = pcaMap2(gatherRows(this.pcs, this.dim, trainRows), trainRows.length, this.dim);
    const all = lin.project(this.pcs, this.n);
    const z = zscoreStats(all, trainRows);
    return { coords: applyZ(all, z), place: (x, count) => applyZ(lin.project(x, count), z), heatCost: null };
  }

  /** Strict: the map never sees the withheld cells; they are placed by kNN extension afterwards. */
  async strictContext(trainRows: Int32Array, withheld: Int32Array, seed: number): Promise<MapContext> {
    const { n, dim } = this;
    const trainPcs = gatherRows(this.pcs, dim, trainRows);
    const trainMap = await this.#build(trainRows, seed);
    const trainCoords = trainMap.coords;
    const placeRaw = (x: Float64Array, count: number): Float64Array => placeByKnn(x, count, trainPcs, trainRows.length, dim, trainCoords, 2, this.place);
    const rawAll = new Float64Array(n * 2);
    trainRows.forEach((row, r) => {
      rawAll[row * 2] = trainCoords[r * 2]!;
      rawAll[row * 2 + 1] = trainCoords[r * 2 + 1]!;
    });
    const placedT = placeRaw(gatherRows(this.pcs, dim, withheld), withheld.length);
    withheld.forEach((row, r) => {
      rawAll[row * 2] = placedT[r * 2]!;
      rawAll[row * 2 + 1] = placedT[r * 2 + 1]!;
    });
    const z = zscoreStats(rawAll, trainRows);
    return { coords: applyZ(rawAll, z), place: (x, count) => applyZ(placeRaw(x, count), z), heatCost: heatCostFrom(trainMap.dis, this.#rowIndex(trainRows)) };
  }

  /** The paper's protocol: one map of all cells (withheld ones included), built once per seed. */
  async paperContext(seed: number, log: (message: string) => void): Promise<MapContext> {
    let full = this.#paper.get(seed);
    if (!full) {
      log(`seed ${seed}: map of all ${this.n} cells (paper protocol)`);
      full = await this.#build(this.#allRows, seed);
      this.#paper.set(seed, full);
    }
    const fullCoords = full.coords;
    const z = zscoreStats(fullCoords, this.#allRows);
    return {
      coords: applyZ(fullCoords, z),
      place: (x, count) => applyZ(placeByKnn(x, count, this.pcs, this.n, this.dim, fullCoords, 2, this.place), z),
      heatCost: heatCostFrom(full.dis, this.#allRows),
    };
  }

  /** The map of `rows` and its cell-level dissimilarities (null when landmarks stand for the cells). */
  async #build(rows: Int32Array, seed: number): Promise<{ coords: Float32Array; dis: { distances: Float64Array; m: number } | null }> {
    const dim = this.dim;
    const x = new Float32Array(rows.length * dim);
    for (let r = 0; r < rows.length; r++) x.set(this.pcs.subarray(rows[r]! * dim, rows[r]! * dim + dim), r * dim);
    const pipeline = new EmbeddingPipeline(x, rows.length, dim);
    const result = await pipeline.run({ ...this.embed, seed });
    const dis = result.landmarks === rows.length ? pipeline.dissimilarities() : null;
    return { coords: result.coords, dis };
  }

  /** Cell → row of the map built from `rows` (−1 for cells not in it). */
  #rowIndex(rows: Int32Array): Int32Array {
    const index = new Int32Array(this.n).fill(-1);
    rows.forEach((cell, r) => (index[cell] = r));
    return index;
  }
}
