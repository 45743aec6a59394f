/**
 * The staged, cached embedding pipeline:
 *   knn(k) → graph(decay) → landmarks(m) → heat(laplacian, t, method) → dissimilarity(σ, preset)
 *   → mds(weights, seed) → extend(all cells)
 * Each stage's result is cached under the parameters it depends on (its own and everything upstream),
 * so changing t reruns heat and what follows, never the graph; changing the MDS seed reuses the
 * distances. Every stage reports progress and honours a cancellation token; a cancelled run leaves
 * the caches of completed stages intact.
 */
import { activeBackend, initBackend, onBackendFallback, type BackendInfo } from '../compute/backend.js';
import { classicalMds } from '../embed/classical-mds.js';
import { heatGeodesicDistances, potentialDistances, type DissimilarityResult } from '../embed/dissimilarity.js';
import { extendToCells } from '../embed/extend.js';
import { sgdStress } from '../embed/sgd-mds.js';
import { smacof } from '../embed/smacof.js';
import { alphaDecayAffinity } from '../graph/affinity.js';
import type { KnnResult } from '../linalg/neighbours.js';
import { knnExact } from '../graph/knn.js';
import { identityLandmarks, selectLandmarks, type Landmarks } from '../graph/landmarks.js';
import { laplacian } from '../graph/laplacian.js';
import { kneeOfEntropy, SATURATION, type EntropyPoint } from '../heat/auto-time.js';
import { chebyshevHeatBlock, chebyshevPlan } from '../heat/chebyshev.js';
import { HeatPowers } from '../heat/powers.js';
import { meanRowEntropy } from '../heat/squaring.js';
import type { Csr64 } from '../linalg/csr.js';
import { checkEnoughCells, knnSearchSize, landmarkCount, resolveParams, type EmbedParams } from './params.js';
import { stageKeys } from './stage-keys.js';
import { throwIfCancelled, type CancelToken, type ProgressEvent, type StageName } from './progress.js';

export interface HeatInfo {
  readonly method: 'squaring' | 'chebyshev';
  readonly t: number;
  readonly tAuto: boolean;
  readonly entropyCurve: readonly EntropyPoint[];
  /** Squaring: number of squarings and series terms. Chebyshev: the order. */
  readonly squarings?: number;
  readonly seriesTerms?: number;
  readonly chebyshevOrder?: number;
  /** Bound on the absolute (Chebyshev) or relative (series) truncation error. */
  readonly errorBound: number;
  readonly lambdaMaxBound: number;
}

export interface EmbedResult {
  /** Row-major n × 2 coordinates. */
  readonly coords: Float32Array;
  readonly params: EmbedParams;
  readonly landmarks: number;
  readonly heat: HeatInfo;
  readonly saturatedPairs: number;
  readonly totalPairs: number;
  readonly stress: number | null;
  readonly timingsMs: Readonly<Partial<Record<StageName, number>>>;
  /** Stages actually computed in this run (the others came from the cache). */
  readonly stagesRun: readonly StageName[];
  readonly backend: BackendInfo;
  /**
   * Where this run computed: the backend's name, or, when the GPU failed during the run, e.g.
   * "webgpu→wasm (fallback in knn: device lost (destroyed))" (the sidecar's `backend`).
   */
  readonly backendRun: string;
}

export interface RunOptions {
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly cancel?: CancelToken;
}

interface HeatOut {
  readonly kernel: Float32Array | Float64Array;
  readonly info: HeatInfo;
  readonly floor: number;
}
interface MdsOut {
  readonly coords: Float64Array;
  readonly stress: number | null;
}

/** The operator the heat kernel is built from, with the mass normalisation of coarse landmarks. */
interface Operator {
  readonly matrix: Csr64;
  /** k = S·H̃·S with S = M^{-1/2} (all ones without landmarks or for the normalised Laplacian). */
  readonly scale: Float64Array;
  readonly lambdaMaxBound: number;
}

/** Above this many landmarks the heat stage's dyadic kernels are not kept between runs (memory). */
const MAX_CACHED_POWERS_M = 2048;

export class EmbeddingPipeline {
  readonly n: number;
  readonly dim: number;
  readonly #points: Float32Array;
  readonly #cache = new Map<StageName, { key: string; value: unknown }>();

  constructor(points: Float32Array, n: number, dim: number) {
    if (points.length !== n * dim) throw new Error(`points: expected ${n * dim} values, got ${points.length}`);
    this.#points = points;
    this.n = n;
    this.dim = dim;
  }

  /** Drops every cached stage (e.g. after the input data changed). */
  clear(): void {
    this.#cache.clear();
    this.#powers = null;
  }

  /**
   * The landmark × landmark dissimilarities of the last run (m × m, row-major; m = n when every cell is a
   * landmark) and m, or null before a run. Read-only: used e.g. as a heat-geodesic OT cost between cells.
   */
  dissimilarities(): { readonly distances: Float64Array; readonly m: number } | null {
    const hit = this.#cache.get('dissimilarity');
    if (!hit) return null;
    const d = (hit.value as DissimilarityResult).distances;
    return { distances: d, m: Math.round(Math.sqrt(d.length)) };
  }

  /** EXPERIMENT: cached stage values. */
  cached(name: StageName): unknown {
    return this.#cache.get(name)?.value;
  }

  async run(overrides: Partial<EmbedParams> = {}, options: RunOptions = {}): Promise<EmbedResult> {
    const p = resolveParams(overrides);
    const backend = activeBackend() ?? (await initBackend(p.backend));
    const { onProgress, cancel } = options;
    const timings: Partial<Record<StageName, number>> = {};
    const ran: StageName[] = [];
    const startedOn = backend.name;
    const gpuFallbacks: string[] = [];
    const n = this.n;
    if (p.knn < 2 || !Number.isInteger(p.knn)) throw new Error(`knn must be an integer ≥ 2, got ${p.knn}`);
    checkEnoughCells(n, p.knn, 'knn');
    const keys = stageKeys(p, n);

    const stage = async <T>(name: StageName, key: string, compute: () => Promise<T> | T): Promise<T> => {
      throwIfCancelled(cancel, name);
      const hit = this.#cache.get(name);
      if (hit && hit.key === key) {
        onProgress?.({ stage: name, fraction: 1, cached: true });
        return hit.value as T;
      }
      onProgress?.({ stage: name, fraction: 0 });
      const t0 = performance.now();
      // A GPU failure in this stage: the engine moves to the CPU and the stage's work reruns there.
      const off = onBackendFallback((note, f) => {
        gpuFallbacks.push(`fallback in ${name}: ${f.reason}`);
        onProgress?.({ stage: name, fraction: 0, message: `the GPU failed during ${name}; continuing on ${f.to}`, notice: note });
      });
      let value: T;
      try {
        value = await compute();
      } finally {
        off();
      }
      timings[name] = performance.now() - t0;
      ran.push(name);
      this.#cache.set(name, { key, value });
      onProgress?.({ stage: name, fraction: 1 });
      return value;
    };

    const kSearch = knnSearchSize(n, p.knn);
    const knn = await stage('knn', keys.knn, () =>
      knnExact(this.#points, n, this.dim, kSearch, (f) => {
        onProgress?.({ stage: 'knn', fraction: f });
      }),
    );
    const w = await stage('graph', keys.graph, () => alphaDecayAffinity(knn, { k: p.knn, decay: p.decay }));
    const m = landmarkCount(n, p.landmarks);
    const lm = await stage('landmarks', keys.landmarks, () => (m >= n ? identityLandmarks(w) : selectLandmarks(this.#points, this.dim, w, knn as KnnResult, m, 0)));

    // The heat operator (and its cached dyadic kernels) depends on the landmarks and the Laplacian only.
    const heat = await stage('heat', keys.heat, () => this.#heat(lm, p, onProgress, cancel, `${keys.landmarks}|L=${p.laplacian}`));
    // Large landmark sets: do not hold their dyadic kernels (m² floats each) between runs.
    if (lm.m > MAX_CACHED_POWERS_M) this.#powers = null;

    const dis = await stage<DissimilarityResult>('dissimilarity', keys.dissimilarity, () =>
      p.dissimilarity === 'potential' ? potentialDistances(heat.kernel, lm.m) : heatGeodesicDistances(heat.kernel, lm.m, heat.info.t, p.sigma, heat.floor),
    );

    const mds = await stage<MdsOut>('mds', keys.mds, async () => {
      const init = await classicalMds(dis.distances, lm.m, 2, p.seed);
      if (p.mdsIterations <= 0) return { coords: init, stress: null };
      if (p.stressWeights === 'heat' || p.stressWeights === 'inv1' || p.stressWeights === 'inv2') {
        const weights = p.stressWeights === 'heat' ? heatWeights(heat.kernel, lm.m) : inverseWeights(dis.distances, lm.m, p.stressWeights === 'inv1' ? 1 : 2);
        return { coords: sgdStress(dis.distances, weights, lm.m, init, p.mdsIterations, p.seed, () => throwIfCancelled(cancel, 'mds')), stress: null };
      }
      const r = smacof(dis.distances, lm.m, init, 2, p.mdsIterations, 1e-5, () => throwIfCancelled(cancel, 'mds'));
      return { coords: r.coords, stress: r.stress };
    });

    const coords = await stage('extend', keys.extend, () => {
      if (lm.m === n) return Float32Array.from(mds.coords);
      return extendToCells(w, lm, mds.coords, 2);
    });

    return {
      coords,
      params: p,
      landmarks: lm.m,
      heat: heat.info,
      saturatedPairs: dis.saturatedPairs,
      totalPairs: dis.totalPairs,
      stress: mds.stress,
      timingsMs: timings,
      stagesRun: ran,
      backend,
      backendRun: gpuFallbacks.length === 0 ? backend.name : `${startedOn}→${backend.name} (${gpuFallbacks.join('; ')})`,
    };
  }

  /** The heat operator of the current landmarks and its cached dyadic kernels (any t from a few products). */
  #powers: { key: string; op: Operator; powers: HeatPowers } | null = null;

  async #heat(lm: Landmarks, p: EmbedParams, onProgress: RunOptions['onProgress'], cancel: CancelToken | undefined, opKey: string): Promise<HeatOut> {
    if (this.#powers?.key !== opKey) {
      this.#powers = null; // release the old kernels before building new ones
      const fresh = heatOperator(lm, p.laplacian);
      this.#powers = { key: opKey, op: fresh, powers: new HeatPowers(fresh.matrix, 1 / (4 * fresh.lambdaMaxBound)) };
    }
    const { op, powers } = this.#powers;
    const check = (): void => throwIfCancelled(cancel, 'heat');
    const m = lm.m;
    const maxEntropy = Math.log(m);
    const curve: EntropyPoint[] = [];
    let t: number;
    let chosen: Float32Array | null = null;
    let squarings = 0;
    const unitMass = op.scale.every((v) => v === 1);
    const scaled = (k: Float32Array): Float32Array => {
      if (unitMass) return k;
      const out = new Float32Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = k[i * m + j]! * op.scale[i]! * op.scale[j]!;
      return out;
    };
    if (p.t === 'auto') {
      // Scan t = δ·2^s until the entropy saturates; keep the kernels, pick the knee.
      // (entropy is scale-invariant: it is read off the scaled kernels directly)
      const maxSquarings = 40;
      for (let s = 0; s <= maxSquarings; s++) {
        const g = await powers.scaledPower(s, check);
        const tS = powers.delta0 * 2 ** s;
        curve.push({ t: tS, entropy: meanRowEntropy(g, m, 256, unitMass ? undefined : op.scale) });
        onProgress?.({ stage: 'heat', fraction: Math.min(0.95, curve[curve.length - 1]!.entropy / maxEntropy), message: `t = ${tS.toPrecision(3)}` });
        if (curve[curve.length - 1]!.entropy >= SATURATION * maxEntropy) break;
      }
      const knee = kneeOfEntropy(curve, maxEntropy);
      t = knee.t;
      chosen = scaled(await powers.power(knee.index, check));
      squarings = knee.index;
    } else {
      t = p.t;
      if (p.heatMethod === 'squaring') {
        const at = await powers.at(t, check);
        chosen = scaled(at.kernel);
        squarings = Math.max(0, Math.floor(Math.log2(Math.max(1, t / powers.delta0))));
        curve.push({ t, entropy: meanRowEntropy(chosen, m) });
      }
    }
    const base = { t, tAuto: p.t === 'auto', entropyCurve: curve, lambdaMaxBound: op.lambdaMaxBound };
    if (p.heatMethod === 'chebyshev') {
      const cheb = chebyshevPlan(t, op.lambdaMaxBound, p.order);
      const eye = new Float64Array(m * m);
      for (let i = 0; i < m; i++) eye[i * m + i] = 1;
      const h = chebyshevHeatBlock(op.matrix, cheb, eye, m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) h[i * m + j] = h[i * m + j]! * op.scale[i]! * op.scale[j]!;
      let maxScale = 0;
      for (let i = 0; i < m; i++) maxScale = Math.max(maxScale, op.scale[i]!);
      return {
        kernel: h,
        // Entries below the truncation bound are not resolved: floor them there, not at 1e-16.
        floor: Math.max(cheb.errorBound * maxScale * maxScale, 1e-300),
        info: { ...base, method: 'chebyshev', chebyshevOrder: cheb.order, errorBound: cheb.errorBound },
      };
    }
    return {
      kernel: chosen!,
      floor: 1e-44,
      info: { ...base, method: 'squaring', squarings, seriesTerms: powers.seriesTerms, errorBound: powers.seriesTail },
    };
  }
}

/**
 * Laplacian of the landmark graph. For the combinatorial Laplacian of a coarse graph each landmark
 * stands for M_a cells, so heat flows by M^{-1} L_c: we use the symmetric form L̃ = M^{-1/2} L_c M^{-1/2}
 * and map back with k = M^{-1/2} exp(−tL̃) M^{-1/2} (masses relative to their mean).
 */
function heatOperator(lm: Landmarks, kind: EmbedParams['laplacian']): Operator {
  const lap = laplacian(lm.weights, kind);
  const m = lm.m;
  const scale = new Float64Array(m).fill(1);
  if (kind === 'combinatorial') {
    let mean = 0;
    for (let a = 0; a < m; a++) mean += lm.mass[a]!;
    mean /= m;
    for (let a = 0; a < m; a++) scale[a] = 1 / Math.sqrt(lm.mass[a]! / mean);
  }
  const mat = lap.matrix;
  const values = new Float64Array(mat.values.length);
  let bound = 0;
  for (let i = 0; i < m; i++) {
    let row = 0;
    for (let q = mat.indptr[i]!; q < mat.indptr[i + 1]!; q++) {
      values[q] = mat.values[q]! * scale[i]! * scale[mat.indices[q]!]!;
      row += Math.abs(values[q]!);
    }
    bound = Math.max(bound, row);
  }
  return { matrix: { ...mat, values }, scale, lambdaMaxBound: kind === 'normalized' ? Math.min(2, bound) : bound };
}

/** SNE-like stress weights: the heat kernel itself, normalised to max 1, with a small floor. */
function heatWeights(kernel: Float32Array | Float64Array, m: number): Float64Array {
  const w = new Float64Array(m * m);
  let max = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) max = Math.max(max, kernel[i * m + j]!);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) w[i * m + j] = i === j ? 0 : Math.max(kernel[i * m + j]! / max, 1e-3);
  return w;
}

function inverseWeights(d: Float64Array, m: number, q: number): Float64Array {
  const w = new Float64Array(m * m);
  let max = 0;
  for (let i = 0; i < m * m; i++) max = Math.max(max, d[i]!);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) w[i * m + j] = Math.pow(Math.max(d[i * m + j]!, 1e-6 * max) / max, -q);
  return w;
}
