/**
 * PCA by randomized subspace iteration (Halko, Martinsson & Tropp 2011, Alg. 4.4 + 5.1), on dense or
 * CSR data without densifying and without forming the centred matrix A = X - 1 μᵀ.
 *
 * We iterate in feature space: Z ← orth(Aᵀ A Z), starting from a Gaussian p × l block (l = k + oversampling).
 * Each step is one streamed pass over X (see centred-products.ts) and is re-orthonormalised (Householder QR),
 * which is what keeps the small singular values from being swamped by the large ones. The final step is a
 * Rayleigh-Ritz projection: with Y = A Z, the eigen-decomposition YᵀY = W Λ Wᵀ gives singular values
 * √λ, right singular vectors Z W and scores Y W = U Σ. Only p × l and l × l blocks plus the n × k output are
 * held in memory.
 */
import { CancelledError } from '../errors.js';
import { denseMatrix, type DenseMatrix, type Matrix } from '../io/dataset.js';
import { createRng } from '../linalg/random.js';
import { eigenSymmetric } from '../linalg/eigen-sym.js';
import { columnMoments } from './matrix-stats.js';
import { orthonormalize } from './qr.js';
import { centredGramTimes, forEachCentredRowProduct } from './centred-products.js';

export interface PcaOptions {
  /** Number of components; capped at min(nCells, nFeatures) - 1. Default 50. */
  readonly nComponents?: number;
  /** Seed of the Gaussian start block. Default 0. */
  readonly seed?: number;
  /** Extra columns in the random block beyond k. Default 10. */
  readonly oversampling?: number;
  /**
   * Subspace (power) iterations. Default 7, the top of Halko's usual 4-7 range: on scRNA-seq spectra, which
   * are flat after the first few PCs, 4 iterations visibly under-resolve PCs 6-50 (measured on HSMM:
   * PC10 variance off by 0.4 % with 4, 0.02 % with 7), while each iteration is only one pass over X.
   */
  readonly powerIterations?: number;
  /** Checked before every pass over X; when aborted, pca throws CancelledError('pca'). AbortSignal fits. */
  readonly signal?: { readonly aborted: boolean };
  /** Called after every pass over X with (passes done, total passes). */
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
  readonly oversampling: number;
  readonly powerIterations: number;
  readonly seed: number;
}

export const DEFAULT_PCA_COMPONENTS = 50;
export const DEFAULT_POWER_ITERATIONS = 7;
export const DEFAULT_OVERSAMPLING = 10;

export function pca(x: Matrix, options: PcaOptions = {}): PcaResult {
  const n = x.nRows;
  const p = x.nCols;
  const requested = options.nComponents ?? DEFAULT_PCA_COMPONENTS;
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`pca: nComponents must be a positive integer, got ${requested}`);
  const maxK = Math.min(n, p) - 1;
  if (maxK < 1) throw new Error(`pca: needs at least 2 cells and 2 features, got ${n} × ${p}`);
  const k = Math.min(requested, maxK);
  const oversampling = options.oversampling ?? DEFAULT_OVERSAMPLING;
  const l = Math.min(k + oversampling, Math.min(n, p));
  const powerIterations = options.powerIterations ?? DEFAULT_POWER_ITERATIONS;
  const seed = options.seed ?? 0;

  const { mean, variance } = columnMoments(x);
  let totalVariance = 0;
  for (let j = 0; j < p; j++) totalVariance += variance[j]!;

  const rng = createRng(seed);
  const omega = new Float64Array(p * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  let z = orthonormalize(omega, p, l);
  // Passes over X: the moments, one per AᵀA application, the Rayleigh-Ritz Gram and the scores.
  const totalPasses = powerIterations + 4;
  let passes = 1;
  const passDone = (): void => {
    options.onProgress?.(passes, totalPasses);
    if (options.signal?.aborted) throw new CancelledError('pca');
    passes++;
  };
  passDone();
  // One application of AᵀA is the basic range finder; each further one is a power iteration.
  for (let it = 0; it <= powerIterations; it++) {
    z = orthonormalize(centredGramTimes(x, mean, z, l), p, l);
    passDone();
  }

  const gram = new Float64Array(l * l);
  forEachCentredRowProduct(x, mean, z, l, (_i, y) => {
    for (let a = 0; a < l; a++) {
      const ya = y[a]!;
      if (ya === 0) continue;
      for (let b = a; b < l; b++) gram[a * l + b]! += ya * y[b]!;
    }
  });
  passDone();
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) gram[a * l + b] = gram[b * l + a]!;
  const eig = eigenSymmetric(gram, l);
  const w = eig.vectors; // vector c is w[c*l .. c*l + l)

  const scores = new Float32Array(n * k);
  const maxAbs = new Float64Array(k);
  const argSign = new Float64Array(k);
  forEachCentredRowProduct(x, mean, z, l, (i, y) => {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let r = 0; r < l; r++) s += y[r]! * w[c * l + r]!;
      scores[i * k + c] = s;
      // First occurrence of the largest |score| decides the sign, as numpy's argmax would.
      if (Math.abs(s) > maxAbs[c]!) {
        maxAbs[c] = Math.abs(s);
        argSign[c] = Math.sign(s);
      }
    }
  });

  options.onProgress?.(totalPasses, totalPasses);
  const components = new Float64Array(k * p);
  for (let c = 0; c < k; c++) {
    const sign = argSign[c]! < 0 ? -1 : 1;
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let r = 0; r < l; r++) s += z[j * l + r]! * w[c * l + r]!;
      components[c * p + j] = sign * s;
    }
    if (sign < 0) for (let i = 0; i < n; i++) scores[i * k + c] = -scores[i * k + c]!;
  }

  const singularValues = new Float64Array(k);
  const explainedVariance = new Float64Array(k);
  const explainedVarianceRatio = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const lambda = Math.max(eig.values[c]!, 0);
    singularValues[c] = Math.sqrt(lambda);
    explainedVariance[c] = lambda / (n - 1);
    explainedVarianceRatio[c] = totalVariance > 0 ? explainedVariance[c]! / totalVariance : 0;
  }
  return {
    scores: denseMatrix(n, k, scores),
    components,
    mean,
    singularValues,
    explainedVariance,
    explainedVarianceRatio,
    totalVariance,
    nComponents: k,
    capped: k < requested,
    oversampling,
    powerIterations,
    seed,
  };
}
