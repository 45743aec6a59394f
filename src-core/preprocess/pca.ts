/**
 * PCA of dense or CSR data without densifying it and without forming the centred matrix A = X - 1 μᵀ
 * (docs/algorithm.md, PCA). Two solvers:
 *  - 'gram' (pca-gram.ts): the d × d Gram matrix of A on the smaller side (d = min(cells, features)
 *    ≤ 4,096), then its leading eigenpairs by block Krylov iteration in memory — exact to a residual
 *    tolerance, and for sparse data far cheaper than repeated passes: forming XᵀX costs Σ nnz_i²/2,
 *    about one pass of a randomized method, while the eigen-solve never touches X again.
 *  - 'krylov' (pca-passes.ts): randomized block Krylov iteration on AᵀA with one pass over X per block,
 *    for data too wide on both sides for a Gram matrix.
 * 'auto' takes the Gram solver whenever it is allowed and its estimated cost is lower. The heavy loops
 * run as chunks on a ChunkRunner — the threads a host lends (compute/engines.ts `chunkPool`; Node:
 * compute/csr-pool.ts), else this thread — and give the same bits on any number of threads.
 */
import { CancelledError } from '../errors.js';
import { denseMatrix, type DenseMatrix, type Matrix } from '../io/dataset.js';
import { serialRunner, type ChunkRunner } from '../compute/chunk-runner.js';
import { hostEngines } from '../compute/engines.js';
import { DEFAULT_KRYLOV_TOLERANCE } from '../linalg/block-krylov.js';
import { canonicalCsr } from '../linalg/gram.js';
import { columnMoments } from './matrix-stats.js';
import { componentsFromLeft, gramEigen, GRAM_MAX_DIM } from './pca-gram.js';
import { passesEigen } from './pca-passes.js';
import { flipSigns, projectScores, signsOfColumns } from './pca-scores.js';

export type PcaSolver = 'gram-features' | 'gram-cells' | 'krylov';

export interface PcaOptions {
  /** Number of components; capped at min(nCells, nFeatures) - 1. Default 50. */
  readonly nComponents?: number;
  /** Seed of the Gaussian Krylov start block. Default 0. */
  readonly seed?: number;
  /** 'krylov' solver: block width beyond k. Default 10. */
  readonly oversampling?: number;
  /**
   * 'krylov' solver: blocks after the first, i.e. passes over X beyond one (it may stop earlier once
   * converged). Default 7: 8 blocks of k + 10 vectors (docs/algorithm.md has the accuracy figures).
   */
  readonly powerIterations?: number;
  /** 'auto' (default), or force 'gram' (needs min(n, p) ≤ 4,096) or 'krylov'. */
  readonly solver?: 'auto' | 'gram' | 'krylov';
  /** Eigen-solve stops once every residual ‖G v − σ² v‖ ≤ tolerance · σ_1². Default 1e-6. */
  readonly tolerance?: number;
  /** Where the chunked loops run. Default: the host's chunk pool (engines.ts) for large inputs, else this thread. */
  readonly runner?: ChunkRunner;
  /** Checked between chunks and blocks; when aborted, pca throws CancelledError('pca'). AbortSignal fits. */
  readonly signal?: { readonly aborted: boolean };
  /** Called as work progresses with (done, total) in arbitrary units. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PcaResult {
  /** Cells × components, row-major float32: U Σ, i.e. the centred data projected on the components. */
  readonly scores: DenseMatrix;
  /** Components × features, row-major (the right singular vectors, one per row). */
  readonly components: Float64Array;
  /** Feature means that were subtracted. */
  readonly mean: Float64Array;
  readonly singularValues: Float64Array;
  /** σ² / (n - 1): the variance of each score column. */
  readonly explainedVariance: Float64Array;
  /** explainedVariance / total variance of the features (sample variances summed). */
  readonly explainedVarianceRatio: Float64Array;
  readonly totalVariance: number;
  readonly nComponents: number;
  /** True when nComponents is smaller than requested because of the data's shape. */
  readonly capped: boolean;
  readonly solver: PcaSolver;
  /** Krylov basis size (the Gram side d when solved whole). */
  readonly krylovDimension: number;
  /** Passes over X: moments, Gram (or Krylov blocks), scores or components. */
  readonly passes: number;
  /** Largest eigen-residual ‖G v − σ² v‖ / σ_1² of the returned components. */
  readonly relativeResidual: number;
  readonly converged: boolean;
  readonly threads: number;
  readonly oversampling: number;
  readonly powerIterations: number;
  readonly seed: number;
}

export const DEFAULT_PCA_COMPONENTS = 50;
export const DEFAULT_POWER_ITERATIONS = 7;
export const DEFAULT_OVERSAMPLING = 10;
/** Below this many estimated multiply-adds the loops stay on this thread (threads cost ~50 ms to start). */
const MIN_THREADED_WORK = 3e8;
/** A scattered update into G costs about this many contiguous multiply-adds (measured, docs/algorithm.md). */
const SCATTER_COST = 3;

export function pca(input: Matrix, options: PcaOptions = {}): PcaResult {
  let x = input;
  const n = x.nRows;
  const p = x.nCols;
  const requested = options.nComponents ?? DEFAULT_PCA_COMPONENTS;
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`pca: nComponents must be a positive integer, got ${requested}`);
  const maxK = Math.min(n, p) - 1;
  if (maxK < 1) throw new Error(`pca: needs at least 2 cells and 2 features, got ${n} × ${p}`);
  const k = Math.min(requested, maxK);
  const oversampling = options.oversampling ?? DEFAULT_OVERSAMPLING;
  const powerIterations = options.powerIterations ?? DEFAULT_POWER_ITERATIONS;
  if (!Number.isInteger(oversampling) || oversampling < 0) throw new Error(`pca: oversampling must be a non-negative integer, got ${oversampling}`);
  if (!Number.isInteger(powerIterations) || powerIterations < 0) throw new Error(`pca: powerIterations must be a non-negative integer, got ${powerIterations}`);
  const seed = options.seed ?? 0;
  const tolerance = options.tolerance ?? DEFAULT_KRYLOV_TOLERANCE;
  const l = Math.min(k + oversampling, p);

  const costs = estimateCosts(x, k, l, powerIterations + 1);
  const choice = options.solver ?? 'auto';
  // The Gram solver is exact (to the residual tolerance): preferred unless it costs over twice as much.
  const useGram = choice === 'gram' || (choice === 'auto' && costs.gram !== null && costs.gram <= 2 * costs.krylov);
  if (useGram && costs.gram === null) throw new Error(`pca: the Gram solver needs min(cells, features) ≤ ${GRAM_MAX_DIM}, got ${Math.min(n, p)}`);
  const work = useGram ? costs.gram! : costs.krylov;
  const pool = hostEngines().chunkPool;
  const runner = options.runner ?? (work >= MIN_THREADED_WORK && pool ? pool.runner() : serialRunner);

  // Progress units: moments 5, Gram or passes 60, eigen-solve 15, scores 20.
  const total = 100;
  const report = (done: number): void => {
    if (options.signal?.aborted) throw new CancelledError('pca');
    options.onProgress?.(Math.min(total, done), total);
  };
  const moments = columnMoments(x);
  let totalVariance = 0;
  for (let j = 0; j < p; j++) totalVariance += moments.variance[j]!;
  // One shared copy (when threads are used) serves every phase; the kernels want sorted CSR rows.
  x = shareMatrix(x.kind === 'csr' ? canonicalCsr(x) : x, runner);
  const mean = runner.share(moments.mean);
  report(5);

  let values: Float64Array;
  let components: Float64Array;
  let scores: Float32Array;
  let solver: PcaSolver;
  let krylovDimension: number;
  let passes: number;
  let relativeResidual: number;
  let converged: boolean;
  if (useGram) {
    const eig = gramEigen(x, mean, k, runner, seed, tolerance, {
      onGram: (f) => report(5 + 60 * f),
      onEigen: (f) => report(65 + 15 * f),
    });
    values = eig.values;
    krylovDimension = eig.dimension;
    relativeResidual = eig.relativeResidual;
    converged = eig.converged;
    passes = 3;
    if (eig.side === 'features') {
      solver = 'gram-features';
      components = eig.vectors;
      const projected = projectScores(x, mean, components, k, runner, (f) => report(80 + 20 * f));
      scores = projected.scores;
      flipSigns(scores, components, projected.signs, n, k, p);
    } else {
      solver = 'gram-cells';
      const sigma = values.map((v) => Math.sqrt(Math.max(v, 0)));
      const exact = new Float64Array(n * k);
      for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) exact[i * k + c] = eig.vectors[c * n + i]! * sigma[c]!;
      scores = Float32Array.from(exact);
      components = componentsFromLeft(x, mean, eig.vectors, sigma, k);
      flipSigns(scores, components, signsOfColumns(exact, n, k), n, k, p);
      report(100);
    }
  } else {
    solver = 'krylov';
    const eig = passesEigen(x, mean, k, l, powerIterations + 1, runner, seed, tolerance, (done, all) => report(5 + (75 * done) / all));
    values = eig.values;
    components = eig.vectors;
    krylovDimension = eig.dimension;
    relativeResidual = eig.relativeResidual;
    converged = eig.converged;
    passes = eig.passes + 2;
    const projected = projectScores(x, mean, components, k, runner, (f) => report(80 + 20 * f));
    scores = projected.scores;
    flipSigns(scores, components, projected.signs, n, k, p);
  }

  const singularValues = new Float64Array(k);
  const explainedVariance = new Float64Array(k);
  const explainedVarianceRatio = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const lambda = Math.max(values[c]!, 0);
    singularValues[c] = Math.sqrt(lambda);
    explainedVariance[c] = lambda / (n - 1);
    explainedVarianceRatio[c] = totalVariance > 0 ? explainedVariance[c]! / totalVariance : 0;
  }
  return {
    scores: denseMatrix(n, k, scores),
    components,
    mean: mean.buffer instanceof SharedArrayBuffer ? mean.slice() : mean,
    singularValues,
    explainedVariance,
    explainedVarianceRatio,
    totalVariance,
    nComponents: k,
    capped: k < requested,
    solver,
    krylovDimension,
    passes,
    relativeResidual,
    converged,
    threads: runner.threads,
    oversampling,
    powerIterations,
    seed,
  };
}

/** x with its arrays in memory the runner's threads share (x itself on one thread). */
function shareMatrix(x: Matrix, runner: ChunkRunner): Matrix {
  if (x.kind === 'dense') return { ...x, data: runner.share(x.data) };
  return { ...x, indptr: runner.share(x.indptr), indices: runner.share(x.indices), data: runner.share(x.data) };
}

/**
 * Estimated multiply-adds of each solver. Gram (null when not allowed): forming G, then a Krylov basis
 * of m ≈ 6k + 64 vectors (what flat spectra need; docs/algorithm.md) at d² each plus 2m²d to keep it
 * orthogonal, then the projection. Krylov: `blocks` passes of 2·nnz·l, the same orthogonalisation on a
 * basis of blocks·l vectors of length p, and the projection.
 */
function estimateCosts(x: Matrix, k: number, l: number, blocks: number): { gram: number | null; krylov: number } {
  const n = x.nRows;
  const p = x.nCols;
  const nnz = x.kind === 'csr' ? x.indptr[n]! : n * p;
  const basis = Math.min(p, blocks * l);
  const krylov = blocks * 2 * nnz * l + 2 * basis * basis * p + nnz * k;
  const d = Math.min(n, p);
  if (d > GRAM_MAX_DIM) return { gram: null, krylov };
  let form: number;
  if (x.kind === 'dense') form = (n * p * (d + 1)) / 2;
  else if (p <= n) {
    form = 0;
    for (let i = 0; i < n; i++) {
      const m = x.indptr[i + 1]! - x.indptr[i]!;
      form += (m * (m + 1)) / 2;
    }
    form *= SCATTER_COST;
  } else {
    const counts = new Float64Array(p);
    for (let q = 0; q < nnz; q++) counts[x.indices[q]!]!++;
    form = 2 * nnz;
    for (let j = 0; j < p; j++) form += (SCATTER_COST * counts[j]! * (counts[j]! + 1)) / 2;
  }
  const m = Math.min(d, 6 * k + 64);
  return { gram: form + m * d * d + 2 * m * m * d + nnz * k, krylov };
}
