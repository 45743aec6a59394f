/**
 * PCA by block Krylov iteration on AᵀA where each product is a pass over X (for data too wide on both
 * sides for a Gram matrix, min(cells, features) > GRAM_MAX_DIM). A = X - 1 μᵀ is never formed:
 * Aᵀ A Z = Σ_i x_iᵀ y_i - μ (Σ_i y_i)ᵀ with y_i = x_i Z - μᵀZ (centred-row-products.ts). The rows are
 * split into a fixed number of ranges whose partial sums are added in range order, so the result does
 * not depend on how many threads computed them.
 */
import type { Matrix } from '../io/dataset.js';
import type { ChunkRunner } from '../compute/chunk-runner.js';
import { topEigenpairs } from '../linalg/block-krylov.js';
import { balancedRowStarts } from '../linalg/centred-row-products.js';

/** Row ranges of a pass: fixed, so partial sums are always added in the same groups and order. */
const PASS_RANGES = 16;

export interface PassesEigen {
  readonly values: Float64Array;
  /** k components, each of length p. */
  readonly vectors: Float64Array;
  readonly dimension: number;
  readonly passes: number;
  readonly relativeResidual: number;
  readonly converged: boolean;
}

export function passesEigen(
  x: Matrix,
  mean: Float64Array,
  k: number,
  block: number,
  blocks: number,
  runner: ChunkRunner,
  seed: number,
  tolerance: number,
  onPass: (done: number, total: number) => void,
): PassesEigen {
  const p = x.nCols;
  const l = Math.min(block, p);
  const starts = balancedRowStarts(x.nRows, PASS_RANGES, x.kind === 'csr' ? x.indptr : undefined);
  const ranges = starts.length - 1;
  const shared = {
    data: runner.share(x.data),
    ...(x.kind === 'csr' ? { indptr: runner.share(x.indptr), indices: runner.share(x.indices) } : {}),
    nCols: p,
    mean: runner.share(mean),
    starts,
  };
  const z = runner.allocate(p * l);
  const meanZ = runner.allocate(l);
  const partial = runner.allocate(ranges * p * l);
  const sums = runner.allocate(ranges * l);
  const maxDim = Math.min(p, blocks * l);
  let passes = 0;
  const total = Math.ceil(maxDim / l);
  const res = topEigenpairs(
    (v, count, out) => {
      // Vectors one after another → Z (p × count, row-major) for the row kernels, and back.
      for (let c = 0; c < count; c++) for (let j = 0; j < p; j++) z[j * count + c] = v[c * p + j]!;
      for (let c = 0; c < count; c++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += mean[j]! * z[j * count + c]!;
        meanZ[c] = s;
      }
      runner.run('gram-times', { ...shared, z, l: count, meanZ, partial, sums }, ranges);
      out.fill(0, 0, count * p);
      const size = p * count;
      for (let r = 0; r < ranges; r++) {
        const base = r * size;
        for (let j = 0; j < p; j++) for (let c = 0; c < count; c++) out[c * p + j]! += partial[base + j * count + c]!;
      }
      if (x.kind === 'csr') {
        for (let c = 0; c < count; c++) {
          let sumY = 0;
          for (let r = 0; r < ranges; r++) sumY += sums[r * count + c]!;
          for (let j = 0; j < p; j++) out[c * p + j]! -= mean[j]! * sumY;
        }
      }
      passes++;
      onPass(passes, total);
    },
    p,
    k,
    { block: l, maxDim, tolerance, seed, checkEvery: l, allocate: (n) => runner.allocate(n) },
  );
  const top = Math.max(res.values[0]!, 1e-300);
  return {
    values: res.values,
    vectors: res.vectors,
    dimension: res.dimension,
    passes,
    relativeResidual: Math.max(...res.residuals) / top,
    converged: res.converged,
  };
}
