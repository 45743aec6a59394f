/**
 * The staged, cached embedding pipeline:
 *   knn(k) → graph(decay) → landmarks(m; per component) → heat(laplacian, t, method; per component)
 *   → dissimilarity(σ, preset) → mds(weights, seed) → extend(all cells; components packed side by side)
 *   → refine(iterations, ρ, refineKnn; all cells)
 * Each stage's result is cached under the parameters it depends on (its own and everything upstream),
 * so changing t reruns heat and what follows, never the graph; changing the MDS seed reuses the
 * distances. Every stage reports progress and honours a cancellation token; a cancelled run leaves
 * the caches of completed stages intact.
 *
 * Components: heat never crosses between separate pieces of the graph, so the landmarks → extend stages
 * run on each connected component on its own (its own landmarks, kernel and automatic t), and the pieces
 * are packed without overlap (embed/pack-components.ts). The finished map is checked (embed/map-check.ts):
 * a map that is not finite and spread out is a DegenerateMapError, never an output.
 */
import { activeBackend, initBackend, onBackendFallback, type BackendInfo } from '../compute/backend.js';
import { classicalMds } from '../embed/classical-mds.js';
import { heatGeodesicDistances, potentialDistances, type DissimilarityResult } from '../embed/dissimilarity.js';
import { extendToCells } from '../embed/extend.js';
import { checkMap, DegenerateMapError, mapShape } from '../embed/map-check.js';
import { sameUnits } from '../embed/component-units.js';
import { packComponents } from '../embed/pack-components.js';
import { refineGraph } from '../embed/refine-graph.js';
import { refineAffinities, refineIterations, refineLayout, refinePartners, refineStepScale } from '../embed/refine.js';
import { sgdStress } from '../embed/sgd-mds.js';
import { smacof } from '../embed/smacof.js';
import { kernelPool, shareable, type KernelPool, type KernelRef } from '../compute/kernel-pool.js';
import type { RefineAffinitiesTask } from '../embed/refine-affinities-kernel.js';
import { alphaDecayAffinityParallel } from '../graph/affinity-parallel.js';
import type { Components } from '../graph/components.js';
import { knnSearch, type KnnMethod, type KnnRun } from '../graph/knn.js';
import { identityLandmarks, selectLandmarksParallel, type Landmarks } from '../graph/landmarks.js';
import type { Csr64 } from '../linalg/csr.js';
import { smallLayout, splitByComponent, unitsPerFeature, type ComponentPart } from './component-parts.js';
import { heatKernel, heatState, type HeatInfo, type HeatOut, type HeatState } from './heat-stage.js';
import { checkEnoughCells, DEFAULT_LANDMARKS, knnSearchSize, landmarkCount, refineBandwidth, refineRho, resolveParams, type EmbedParams } from './params.js';
import { checkWorkingMemory, HEAT_BYTES_PER_M2 } from '../working-memory.js';

const DEFAULT_LANDMARKS_HINT = `auto, ${DEFAULT_LANDMARKS}`;
import { stageKeys } from './stage-keys.js';
import { throwIfCancelled, type CancelToken, type ProgressEvent, type StageName } from './progress.js';

export type { HeatInfo } from './heat-stage.js';

export interface ComponentInfo {
  readonly size: number;
  readonly landmarks: number;
  /** The component's diffusion time (null: too small for a heat kernel, laid out by its geometry). */
  readonly t: number | null;
}

/** How the neighbours were found, and how well (the sidecar's `chosen.knn`). */
export interface KnnInfo {
  readonly method: KnnMethod;
  /** Neighbours searched per cell (2 × knn: the graph's pruning looks past the bandwidth neighbour). */
  readonly k: number;
  readonly exact: boolean;
  /** Cells whose exact neighbours were found by brute force to measure recall (0: exact search). */
  readonly recallSample: number;
  /** Recall@k on that sample (1 by construction for exact search). */
  readonly recall: number;
  /** Recall@knn, the bandwidth neighbour's cut-off. */
  readonly recallAtKnn: number;
  /** NN-descent iterations run. */
  readonly iterations?: number;
  /** NN-descent's distance evaluations per cell, all phases (brute force would be n − 1). */
  readonly evaluationsPerCell?: number;
}

export interface EmbedResult {
  /** Row-major n × 2 coordinates. */
  readonly coords: Float32Array;
  readonly params: EmbedParams;
  /** Landmarks in all components. */
  readonly landmarks: number;
  readonly knn: KnnInfo;
  /** The heat stage of the largest component (its entropy curve is the one the app shows). */
  readonly heat: HeatInfo;
  /** Connected components of the graph, largest first (one entry for a connected graph). */
  readonly components: readonly ComponentInfo[];
  readonly saturatedPairs: number;
  readonly totalPairs: number;
  readonly stress: number | null;
  /** s₂/s₁ of the centred final map (1 isotropic, 0 a line) and of the largest component's landmark layout. */
  readonly collapse: number;
  readonly layoutCollapse: number;
  /** Set when the map is nearly a line (docs/algorithm.md §6). */
  readonly warning: string | null;
  /** Refinement iterations run (0 = off). */
  readonly refineIterations: number;
  /** The refinement's ρ (the automatic one resolved for this n). */
  readonly refineExaggeration: number;
  /** The refinement graph's bandwidth neighbour (refineKnn resolved and capped). */
  readonly refineKnn: number;
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

interface LandmarksOut {
  readonly components: Components;
  readonly parts: readonly ComponentPart[];
  /** Per part; null for a part too small for a heat kernel. */
  readonly landmarks: readonly (Landmarks | null)[];
}
interface DissimilarityOut {
  readonly parts: readonly (DissimilarityResult | null)[];
}
interface MdsOut {
  readonly parts: readonly (Float64Array | null)[];
  readonly stress: number | null;
}
interface ExtendOut {
  readonly coords: Float32Array;
  readonly layoutCollapse: number;
}

/** Above this many landmarks in all, the heat stage's dyadic kernels are not kept between runs (memory). */
const MAX_CACHED_POWERS_M = 2048;

/**
 * Above this size (index + value bytes: about 150–200k cells, 64 partners each) the refinement's affinities are not
 * kept between runs: they are rebuilt with the refine stage instead (≈ 0.3 s at 10k cells on one thread).
 */
const MAX_CACHED_AFFINITY_BYTES = 2 ** 28;
/**
 * Cells up to which P is built on a helper during the heat stage (`#startAffinities`). Its build grows with
 * n and runs there on one thread, the heat stage's cost with the landmark count (1,000 by default): beyond
 * this a one-thread build would outlast it, and the refine stage's own build uses every thread.
 */
const EARLY_AFFINITIES_MAX_CELLS = 50_000;
const AFFINITIES: KernelRef = { module: new URL('../embed/refine-affinities-kernel.js', import.meta.url).href, name: 'refineAffinitiesKernel' };
/** Below this s₂/s₁ the landmark layout is reported as nearly a line. */
const LAYOUT_COLLAPSE_WARNING = 0.05;

export class EmbeddingPipeline {
  readonly n: number;
  readonly dim: number;
  readonly #points: Float32Array;
  readonly #cache = new Map<StageName, { key: string; value: unknown }>();
  /** Per component: the heat operator of the current landmarks and its cached dyadic kernels. */
  #heatStates: { key: string; states: (HeatState | null)[] } | null = null;
  /**
   * The refinement's affinities P: they depend on the graph and the refinement's bandwidth only, so a new
   * t, landmark count, preset or ρ reruns the refine stage's layout on the same P.
   */
  #refineAffinities: { key: string; p: Csr64 } | null = null;
  /** P being built on a helper thread while the stages before the refinement run (`#startAffinities`). */
  #pendingAffinities: { key: string; p: Promise<Csr64> } | null = null;

  constructor(points: Float32Array, n: number, dim: number) {
    if (points.length !== n * dim) throw new Error(`points: expected ${n * dim} values, got ${points.length}`);
    this.#points = points;
    this.n = n;
    this.dim = dim;
  }

  /** Drops every cached stage (e.g. after the input data changed). */
  clear(): void {
    this.#cache.clear();
    this.#heatStates = null;
    this.#refineAffinities = null;
    this.#pendingAffinities = null;
  }

  /**
   * The cell × cell dissimilarities of the last run when every cell is a landmark of one connected graph
   * (n × n, row-major), else null. Read-only: used e.g. as a heat-geodesic OT cost between cells.
   */
  dissimilarities(): { readonly distances: Float64Array; readonly m: number } | null {
    const hit = this.#cache.get('dissimilarity');
    const parts = (hit?.value as DissimilarityOut | undefined)?.parts;
    if (!parts || parts.length !== 1 || !parts[0]) return null;
    const d = parts[0].distances;
    return { distances: d, m: Math.round(Math.sqrt(d.length)) };
  }

  /** The affinity graph of the last run (symmetric CSR), or null before a run: e.g. for clustering. */
  graph(): Csr64 | null {
    return (this.#cache.get('graph')?.value as Csr64 | undefined) ?? null;
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
    // The m × m stages' size is known now: refuse before any work rather than run out of memory later.
    const mPlanned = landmarkCount(n, p.landmarks);
    checkWorkingMemory('landmarks', `${mPlanned} landmarks (m × m heat kernels and distances)`, HEAT_BYTES_PER_M2 * mPlanned * mPlanned, `use fewer landmarks (${p.landmarks === 'off' ? 'landmarks off means one per cell; ' : ''}the default is ${DEFAULT_LANDMARKS_HINT})`);
    const check = (name: StageName) => (): void => throwIfCancelled(cancel, name);

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
    const knn = await stage<KnnRun>('knn', keys.knn, () =>
      knnSearch(this.#points, n, this.dim, kSearch, {
        choice: p.knnMethod,
        recallAt: [p.knn],
        onProgress: (f) => onProgress?.({ stage: 'knn', fraction: f }),
      }),
    );
    const w = await stage('graph', keys.graph, async () => alphaDecayAffinityParallel(knn, { k: p.knn, decay: p.decay }, await kernelPool()));
    const iterations = p.refine === 'off' ? 0 : p.refine === 'auto' ? refineIterations(n) : p.refine;
    const lms = await stage<LandmarksOut>('landmarks', keys.landmarks, async () => {
      const split = splitByComponent(this.#points, this.dim, w, knn, landmarkCount(n, p.landmarks));
      const pool = await kernelPool();
      const landmarks: (Landmarks | null)[] = [];
      for (const part of split.parts) {
        const size = part.cells.length;
        if (part.m === 0) landmarks.push(null);
        else landmarks.push(part.m >= size ? identityLandmarks(part.w) : await selectLandmarksParallel(part.points, this.dim, part.w, part.knn, part.m, 0, pool));
      }
      return { ...split, landmarks };
    });
    const totalM = lms.landmarks.reduce((s, l) => s + (l?.m ?? 0), 0);
    if (iterations > 0 && n <= EARLY_AFFINITIES_MAX_CELLS && this.#cache.get('heat')?.key !== keys.heat) await this.#startAffinities(keys.graph, knn, w, p);

    // The heat operators (and their cached dyadic kernels) depend on the landmarks and the Laplacian only.
    const heats = await stage('heat', keys.heat, async () => {
      const opKey = `${keys.landmarks}|L=${p.laplacian}`;
      if (this.#heatStates?.key !== opKey) {
        this.#heatStates = null; // release the old kernels before building new ones
        this.#heatStates = { key: opKey, states: lms.landmarks.map((l) => (l ? heatState(l, p.laplacian) : null)) };
      }
      const states = this.#heatStates.states;
      const out: (HeatOut | null)[] = [];
      for (let c = 0; c < states.length; c++) {
        const st = states[c];
        if (!st) {
          out.push(null);
          continue;
        }
        const onScan = c === 0 ? (tS: number, fraction: number) => onProgress?.({ stage: 'heat', fraction, message: `t = ${tS.toPrecision(3)}` }) : undefined;
        out.push(await heatKernel(st, lms.landmarks[c]!.m, p, check('heat'), onScan));
      }
      return out;
    });
    // Large landmark sets: do not hold their dyadic kernels (m² floats each) between runs.
    if (totalM > MAX_CACHED_POWERS_M) this.#heatStates = null;

    const dis = await stage<DissimilarityOut>('dissimilarity', keys.dissimilarity, async () => {
      const parts: (DissimilarityResult | null)[] = [];
      for (let c = 0; c < heats.length; c++) {
        const h = heats[c];
        const m = lms.landmarks[c]?.m ?? 0;
        if (!h) parts.push(null);
        else parts.push(p.dissimilarity === 'potential' ? await potentialDistances(h.kernel, m) : heatGeodesicDistances(h.kernel, m, h.info.t, p.sigma, h.floor));
      }
      return { parts };
    });

    const mds = await stage<MdsOut>('mds', keys.mds, async () => {
      const parts: (Float64Array | null)[] = [];
      let stress: number | null = null;
      for (let c = 0; c < dis.parts.length; c++) {
        const d = dis.parts[c];
        const m = lms.landmarks[c]?.m ?? 0;
        if (!d) {
          parts.push(null);
          continue;
        }
        const init = m >= 3 ? await classicalMds(d.distances, m, 2, p.seed) : twoPoints(d.distances, m);
        if (p.mdsIterations <= 0 || m < 3) {
          parts.push(init);
          continue;
        }
        if (p.stressWeights === 'heat') {
          const weights = heatWeights(heats[c]!.kernel, m);
          parts.push(sgdStress(d.distances, weights, m, init, p.mdsIterations, p.seed, check('mds')));
        } else {
          const r = smacof(d.distances, m, init, 2, p.mdsIterations, 1e-5, check('mds'));
          parts.push(r.coords);
          if (c === 0) stress = r.stress;
        }
      }
      return { parts, stress };
    });

    const extended = await stage<ExtendOut>('extend', keys.extend, () => {
      const local = lms.parts.map((part, c) => {
        const lm = lms.landmarks[c];
        const y = mds.parts[c];
        if (!lm || !y) return null;
        return lm.m === part.cells.length ? y : Float64Array.from(extendToCells(part.w, lm, y, 2));
      });
      const layoutCollapse = layoutShape(mds.parts[0]!, lms.landmarks[0]!.m);
      if (lms.parts.length === 1) return { coords: Float32Array.from(local[0]!), layoutCollapse };
      const main = lms.parts[0]!;
      const units = unitsPerFeature(main.w, local[0]!, main.points, this.dim);
      const layouts = lms.parts.map((part, c) => ({
        members: part.cells,
        coords: local[c] ?? smallLayout(part.points, part.cells.length, this.dim, units),
        centroid: centroid(part.points, part.cells.length, this.dim),
      }));
      return { coords: Float32Array.from(packComponents(layouts, n)), layoutCollapse };
    });

    const coords = await stage('refine', keys.refine, async () => {
      let y = extended.coords;
      if (iterations > 0) {
        const pool = await kernelPool();
        y = await refineLayout(extended.coords, await this.#affinitiesForRefine(keys.graph, knn, w, p, pool, (message) => onProgress?.({ stage: 'refine', fraction: 0, message })), {
          iterations,
          stepScale: p.refine === 'auto' ? refineStepScale(n) : 1,
          exaggeration: refineRho(n, p),
          checkCancelled: check('refine'),
          onProgress: (fraction) => onProgress?.({ stage: 'refine', fraction }),
          pool,
        });
      }
      if (lms.parts.length === 1) return y;
      const parts = lms.parts.map((part) => ({ cells: part.cells, points: part.points, w: part.w, centroid: centroid(part.points, part.cells.length, this.dim) }));
      return sameUnits(y, parts, this.dim, check('refine'));
    });
    const shape = checkMap(coords, n, iterations === 0 ? 'extend' : 'refine');
    const mainHeat = heats[0];
    if (!mainHeat) throw new Error('the largest component has no heat kernel'); // it has > knn cells: cannot happen
    const layoutWarning =
      extended.layoutCollapse < LAYOUT_COLLAPSE_WARNING
        ? `the landmark layout is nearly a line (singular value ratio ${extended.layoutCollapse.toFixed(3)}): a smaller t may show more structure`
        : null;
    let saturatedPairs = 0;
    let totalPairs = 0;
    for (const d of dis.parts) {
      saturatedPairs += d?.saturatedPairs ?? 0;
      totalPairs += d?.totalPairs ?? 0;
    }
    return {
      coords,
      params: p,
      landmarks: totalM,
      knn: knnInfo(knn, p.knn),
      heat: mainHeat.info,
      components: lms.parts.map((part, c) => ({ size: part.cells.length, landmarks: lms.landmarks[c]?.m ?? 0, t: heats[c]?.info.t ?? null })),
      saturatedPairs,
      totalPairs,
      stress: mds.stress,
      collapse: shape.collapse,
      layoutCollapse: extended.layoutCollapse,
      warning: shape.warning ?? layoutWarning,
      refineIterations: iterations,
      refineExaggeration: refineRho(n, p),
      refineKnn: refineBandwidth(n, p),
      timingsMs: timings,
      stagesRun: ran,
      backend,
      backendRun: gpuFallbacks.length === 0 ? backend.name : `${startedOn}→${backend.name} (${gpuFallbacks.join('; ')})`,
    };
  }

  /** What P is built from besides the kNN search, its graph and the points: the key's parts too. */
  #affinityParams(p: EmbedParams): Pick<RefineAffinitiesTask, 'graphK' | 'k' | 'decay' | 'maxPartners' | 'midNearShare'> {
    return { graphK: p.knn, k: refineBandwidth(this.n, p), decay: p.decay, maxPartners: refinePartners(this.n), midNearShare: p.refineMidNear };
  }

  #affinityKey(graphKey: string, p: EmbedParams): string {
    const a = this.#affinityParams(p);
    return `${graphKey}|rk=${a.k}|partners=${a.maxPartners}|mn=${a.midNearShare}`;
  }

  /**
   * Starts building the refinement's P on a helper thread (one kernel task) when the heat stage is about to
   * run: the heat, dissimilarity and MDS stages leave the kernel pool's helpers idle (the heat kernel has
   * threads of its own), so P is ready, or nearly, when the refine stage needs it. Nothing without helpers,
   * or when P is kept or already on its way.
   */
  async #startAffinities(graphKey: string, knn: KnnRun, w: Csr64, p: EmbedParams): Promise<void> {
    const key = this.#affinityKey(graphKey, p);
    if (this.#refineAffinities?.key === key || this.#pendingAffinities?.key === key) return;
    const pool = await kernelPool();
    if (pool.threads < 2) return;
    this.#refineAffinities = null; // release the old P before building the new one
    const task: RefineAffinitiesTask = {
      knn: { n: knn.n, k: knn.k, indices: shareable(pool, knn.indices), distances: shareable(pool, knn.distances) },
      graph: { n: w.n, indptr: shareable(pool, w.indptr), indices: shareable(pool, w.indices), values: shareable(pool, w.values) },
      points: shareable(pool, this.#points),
      dim: this.dim,
      ...this.#affinityParams(p),
    };
    const built = pool.mapOnHelpers<RefineAffinitiesTask, Csr64>(AFFINITIES, [task]).then((r) => r[0]!);
    built.catch(() => {}); // awaited by the refine stage, which builds P itself if this failed
    this.#pendingAffinities = { key, p: built };
  }

  /** P for the refinement: the one kept from an earlier run on the same graph and bandwidth, or the one built meanwhile (`#startAffinities`), else built now (and kept if small enough). */
  async #affinitiesForRefine(graphKey: string, knn: KnnRun, w: Csr64, p: EmbedParams, pool: KernelPool, say: (message: string) => void): Promise<Csr64> {
    const key = this.#affinityKey(graphKey, p);
    if (this.#refineAffinities?.key === key) {
      say('neighbour affinities reused');
      return this.#refineAffinities.p;
    }
    this.#refineAffinities = null; // release the old P before building the new one
    const pending = this.#pendingAffinities;
    this.#pendingAffinities = null;
    let affinities: Csr64 | null = null;
    if (pending?.key === key) affinities = await pending.p.catch(() => null);
    if (affinities) say('neighbour affinities built during the earlier stages');
    else {
      const a = this.#affinityParams(p);
      const graph = await refineGraph(knn, w, a.graphK, a.k, a.decay, pool);
      affinities = await refineAffinities(graph, this.#points, this.dim, a.maxPartners, pool, a.midNearShare);
    }
    if (affinities.indices.byteLength + affinities.values.byteLength <= MAX_CACHED_AFFINITY_BYTES) this.#refineAffinities = { key, p: affinities };
    return affinities;
  }
}

/** s₂/s₁ of the largest component's landmark layout; a layout that is not finite or has no extent is refused here. */
function layoutShape(y: Float64Array, m: number): number {
  const s = mapShape(y, m);
  if (!s.finite) throw new DegenerateMapError('mds', 'some landmark coordinates are not finite numbers');
  if (m > 1 && !(s.spread > 0)) throw new DegenerateMapError('mds', 'every landmark is at the same point');
  return m > 2 ? s.collapse : 1;
}

function centroid(points: Float32Array, size: number, dim: number): Float64Array {
  const c = new Float64Array(dim);
  for (let i = 0; i < size; i++) for (let q = 0; q < dim; q++) c[q]! += points[i * dim + q]!;
  for (let q = 0; q < dim; q++) c[q]! /= Math.max(1, size);
  return c;
}

/** Layout of one or two landmarks (classical MDS needs three): on the x axis at their distance. */
function twoPoints(d: Float64Array, m: number): Float64Array {
  const out = new Float64Array(2 * m);
  if (m === 2) out[2] = d[1]!;
  return out;
}

function knnInfo(run: KnnRun, bandwidth: number): KnnInfo {
  // Exact search has recall 1 by construction; approximate search measured it at k and at the bandwidth (the stage's key includes both).
  const at = (k: number): number => {
    if (!run.recall) return 1;
    const r = run.recall.recall.find((q) => q.k === Math.min(k, run.k));
    if (!r) throw new Error(`recall at k = ${k} was not measured`);
    return r.recall;
  };
  return {
    method: run.method,
    k: run.k,
    exact: run.exact,
    recallSample: run.recall?.sample ?? 0,
    recall: at(run.k),
    recallAtKnn: at(bandwidth),
    ...(run.nnDescent ? { iterations: run.nnDescent.iterations, evaluationsPerCell: Math.round(run.nnDescent.evaluations / run.n) } : {}),
  };
}

/** SNE-like stress weights: the heat kernel itself, normalised to max 1, with a small floor. */
function heatWeights(kernel: Float32Array | Float64Array, m: number): Float64Array {
  const w = new Float64Array(m * m);
  let max = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) max = Math.max(max, kernel[i * m + j]!);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) w[i * m + j] = i === j ? 0 : Math.max(kernel[i * m + j]! / max, 1e-3);
  return w;
}
