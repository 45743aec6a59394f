/**
 * PCA from the d × d Gram matrix of the centred data, d = min(cells, features) (docs/algorithm.md, PCA):
 *  - features side (p ≤ n): G = AᵀA = XᵀX - n μμᵀ; its eigenvectors are the components and σ² its
 *    eigenvalues; the scores A V need one more pass over X.
 *  - cells side (n < p): G = AAᵀ = XXᵀ - s1ᵀ - 1sᵀ + (μᵀμ) 11ᵀ with s = Xμ; its eigenvectors are the left
 *    singular vectors, so the scores U Σ come for free and the components Aᵀ U Σ⁻¹ need one pass.
 * Forming G is one pass over X of Σ nnz_i²/2 multiply-adds (sparse), split over threads by blocks of G's
 * rows; its leading eigenpairs come from block Krylov iteration on G held in memory (cheap: d² per
 * vector), or a full tridiagonal eigensolver when d is small.
 */
import type { CsrMatrix, Matrix } from '../io/dataset.js';
import type { ChunkRunner } from '../compute/chunk-runner.js';
import { topEigenpairs, type BlockVectorOps } from '../linalg/block-krylov.js';
import { eigenSymmetricTridiagonal } from '../linalg/eigen-tridiagonal.js';
import { gramBlockStarts, mirrorUpper, transposeCsr } from '../linalg/gram.js';
import { balancedRowStarts } from '../linalg/centred-row-products.js';
import { orthonormalize } from './qr.js';

/** Largest Gram side formed (4,096² float64 = 128 MiB). */
export const GRAM_MAX_DIM = 4096;
/** Up to this size G's eigenproblem is solved whole rather than by Krylov iteration. */
export const GRAM_DIRECT_MAX_DIM = 384;
/** Krylov block on the in-memory G: small blocks reach a given accuracy with the fewest columns (docs). */
export const GRAM_KRYLOV_BLOCK = 8;

export type GramSide = 'features' | 'cells';

export interface GramEigen {
  readonly side: GramSide;
  /** The k leading eigenvalues of G (= σ²), descending. */
  readonly values: Float64Array;
  /** The k eigenvectors, each of length d: components (features side) or left singular vectors (cells side). */
  readonly vectors: Float64Array;
  readonly d: number;
  /** Krylov basis size (d when solved whole) and the largest residual ‖G u − θ u‖ / θ_1. */
  readonly dimension: number;
  readonly relativeResidual: number;
  readonly converged: boolean;
}

export interface GramStepHooks {
  /** Called with a fraction in [0, 1] of forming G, then of the eigen-solve; may throw to cancel. */
  readonly onGram: (fraction: number) => void;
  readonly onEigen: (fraction: number) => void;
}

export function gramSide(x: Matrix): GramSide {
  return x.nCols <= x.nRows ? 'features' : 'cells';
}

/** Leading k eigenpairs of the centred data's Gram matrix on the smaller side (CSR x: canonical rows, isCanonicalCsr). */
export function gramEigen(
  x: Matrix,
  mean: Float64Array,
  k: number,
  runner: ChunkRunner,
  seed: number,
  tolerance: number,
  hooks: GramStepHooks,
): GramEigen {
  const side = gramSide(x);
  const d = side === 'features' ? x.nCols : x.nRows;
  if (d > GRAM_MAX_DIM) throw new Error(`pca: the Gram solver needs min(cells, features) ≤ ${GRAM_MAX_DIM}, got ${d}`);
  const g = formGram(x, mean, side, runner, hooks.onGram);
  if (d <= GRAM_DIRECT_MAX_DIM) {
    const eig = eigenSymmetricTridiagonal(g, d, k);
    hooks.onEigen(1);
    return { side, values: eig.values.slice(0, k), vectors: eig.vectors, d, dimension: d, relativeResidual: 0, converged: true };
  }
  const symStarts = balancedRowStarts(d, 32);
  const nChunks = symStarts.length - 1;
  const maxDim = Math.min(d, 12 * k + 200);
  const res = topEigenpairs(
    (v, count, out) => runner.run('sym-times', { g, d, v, count, starts: symStarts, out }, nChunks),
    d,
    k,
    {
      block: GRAM_KRYLOV_BLOCK,
      maxDim,
      tolerance,
      seed,
      allocate: (n) => runner.allocate(n),
      ...(runner.threads > 1 ? { vectorOps: threadedVectorOps(runner, d) } : {}),
      onBlock: (m) => hooks.onEigen(m / maxDim),
    },
  );
  hooks.onEigen(1);
  const top = Math.max(res.values[0]!, 1e-300);
  return {
    side,
    values: res.values,
    vectors: res.vectors,
    d,
    dimension: res.dimension,
    relativeResidual: Math.max(...res.residuals) / top,
    converged: res.converged,
  };
}

/** The Krylov iteration's block products, split over the runner's threads (same bits as on one). */
function threadedVectorOps(runner: ChunkRunner, d: number): BlockVectorOps {
  const coordinateStarts = balancedRowStarts(d, 16);
  return {
    dots(a, aCount, b, bCount, dd, out) {
      const starts = balancedRowStarts(aCount, Math.min(16, aCount));
      runner.run('block-dots', { a, b, bCount, d: dd, starts, out }, starts.length - 1);
    },
    subtract(w, wCount, q, qCount, coeff, dd) {
      runner.run('subtract-combinations', { w, wCount, q, qCount, coeff, d: dd, starts: coordinateStarts }, coordinateStarts.length - 1);
    },
  };
}

/** The centred Gram matrix on `side`, d × d row-major, in memory shared with the runner's threads. */
function formGram(x: Matrix, mean: Float64Array, side: GramSide, runner: ChunkRunner, onFraction: (f: number) => void): Float64Array {
  const n = x.nRows;
  const p = x.nCols;
  const d = side === 'features' ? p : n;
  const g = runner.allocate(d * d);
  const starts = gramBlockStarts(d, d);
  const nChunks = starts.length - 1;
  const progress = (done: number): void => onFraction(done / nChunks);
  if (x.kind === 'dense') {
    const args = { data: runner.share(x.data), nRows: n, nCols: p, mean: runner.share(mean), starts, out: g };
    runner.run(side === 'features' ? 'gram-dense-features' : 'gram-dense-cells', args, nChunks, progress);
    mirrorUpper(g, d);
    return g;
  }
  // XᵀX on the features side; on the cells side XXᵀ = (Xᵀ)ᵀ Xᵀ, the same kernel on the transpose.
  const m: CsrMatrix = side === 'features' ? x : transposeCsr(x);
  const args = {
    indptr: runner.share(m.indptr),
    indices: runner.share(m.indices),
    data: runner.share(m.data),
    nRows: m.nRows,
    width: d,
    starts,
    out: g,
  };
  runner.run('gram-csr', args, nChunks, progress);
  mirrorUpper(g, d);
  if (side === 'features') {
    // AᵀA = XᵀX - n μμᵀ.
    for (let a = 0; a < p; a++) {
      const f = n * mean[a]!;
      if (f === 0) continue;
      const row = a * p;
      for (let b = 0; b < p; b++) g[row + b]! -= f * mean[b]!;
    }
  } else {
    // AAᵀ = XXᵀ - s1ᵀ - 1sᵀ + (μᵀμ) 11ᵀ, s_i = x_i · μ.
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) t += x.data[q]! * mean[x.indices[q]!]!;
      s[i] = t;
    }
    let mu2 = 0;
    for (let j = 0; j < p; j++) mu2 += mean[j]! * mean[j]!;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const si = s[i]!;
      for (let j = 0; j < n; j++) g[row + j]! += mu2 - si - s[j]!;
    }
  }
  return g;
}

/**
 * Components from left singular vectors (cells side): v_c = Aᵀ u_c / σ_c, k × p. Dividing by σ_c magnifies
 * the eigen-solve's rounding by σ_1/σ_c, so the set is re-orthonormalised in order of decreasing σ
 * (Householder QR; the leading ones barely move) and σ_c ≤ 1e-6·σ_1 — numerically zero: G's eigenvalues
 * carry errors ~ε·σ_1², i.e. ~1e-8·σ_1 in σ — gives no direction at all; those are completed to an
 * orthonormal set.
 */
export function componentsFromLeft(x: Matrix, mean: Float64Array, u: Float64Array, sigma: Float64Array, k: number): Float64Array {
  const n = x.nRows;
  const p = x.nCols;
  const comp = new Float64Array(k * p);
  const floor = 1e-6 * Math.max(sigma[0]!, 0);
  for (let c = 0; c < k; c++) {
    const sc = sigma[c]!;
    if (!(sc > floor)) continue; // left 0: completed below
    const v = comp.subarray(c * p, c * p + p);
    let uSum = 0;
    for (let i = 0; i < n; i++) {
      const w = u[c * n + i]!;
      if (w === 0) continue;
      uSum += w;
      if (x.kind === 'csr') {
        for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) v[x.indices[q]!]! += w * x.data[q]!;
      } else {
        const row = i * p;
        for (let j = 0; j < p; j++) v[j]! += w * x.data[row + j]!;
      }
    }
    for (let j = 0; j < p; j++) v[j] = (v[j]! - uSum * mean[j]!) / sc;
  }
  orthonormalizeRows(comp, k, p);
  return comp;
}

/** Orthonormalises the rows of comp (k × p) in order, keeping each row's sign; zero rows are completed. */
function orthonormalizeRows(comp: Float64Array, k: number, p: number): void {
  const cols = new Float64Array(p * k); // p × k row-major, as orthonormalize takes it
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) cols[j * k + c] = comp[c * p + j]!;
  const q = orthonormalize(cols, p, k);
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let j = 0; j < p; j++) dot += q[j * k + c]! * comp[c * p + j]!;
    const sign = dot < 0 ? -1 : 1;
    for (let j = 0; j < p; j++) comp[c * p + j] = sign * q[j * k + c]!;
  }
}
