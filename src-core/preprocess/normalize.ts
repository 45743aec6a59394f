/**
 * Library-size normalisation: every cell is rescaled so its counts sum to the same target, removing
 * sequencing depth as the dominant source of variation (PHATE's library_size_normalize, scanpy's
 * normalize_total). Dense stays dense, CSR stays CSR (scaling keeps zeros at zero).
 */
import { matrixFloat32 } from '../compute/matrix-arrays.js';
import type { Matrix } from '../io/dataset.js';
import { rowSums } from './matrix-stats.js';
import type { PreprocessStep } from './steps.js';

/** 'median': the median library size of the cells with non-zero counts (the default); or a fixed target sum. */
export type NormalizeTarget = 'median' | number;

export interface NormalizeResult {
  readonly matrix: Matrix;
  readonly step: PreprocessStep;
  /** The target sum every non-empty cell now has. */
  readonly targetSum: number;
  readonly librarySizes: Float64Array;
}

export function normalizeLibrarySize(x: Matrix, target: NormalizeTarget = 'median'): NormalizeResult {
  const sizes = rowSums(x);
  let zeroCells = 0;
  for (let i = 0; i < sizes.length; i++) if (sizes[i] === 0) zeroCells++;
  // Zero-count cells are excluded from the median: otherwise a dataset with many empty droplets
  // would get a target of 0 and every cell would be wiped out.
  const targetSum = target === 'median' ? medianOfPositive(sizes) : target;
  if (!(targetSum > 0) || !Number.isFinite(targetSum)) throw new Error(`normalize: target sum must be a positive number, got ${targetSum}`);
  const factors = new Float64Array(sizes.length);
  // Cells with zero counts keep factor 0: their zeros stay zeros (no 0/0 NaN), and they are reported.
  for (let i = 0; i < sizes.length; i++) factors[i] = sizes[i]! > 0 ? targetSum / sizes[i]! : 0;
  const matrix = scaleRows(x, factors);
  return {
    matrix,
    targetSum,
    librarySizes: sizes,
    step: {
      step: 'normalize',
      applied: true,
      params: { method: 'library-size', target: target === 'median' ? 'median' : target },
      result: { targetSum, zeroCountCells: zeroCells, minLibrarySize: min(sizes), maxLibrarySize: max(sizes) },
      ...(zeroCells > 0 ? { reason: `${zeroCells} cell(s) have zero counts: kept as all-zero rows` } : {}),
    },
  };
}

/** Multiply row i by factors[i]; a new matrix of the same kind. */
export function scaleRows(x: Matrix, factors: Float64Array): Matrix {
  const data = matrixFloat32(x.data.length);
  if (x.kind === 'csr') {
    for (let i = 0; i < x.nRows; i++) {
      const f = factors[i]!;
      for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) data[q] = x.data[q]! * f;
    }
    return { ...x, data };
  }
  for (let i = 0; i < x.nRows; i++) {
    const f = factors[i]!;
    const base = i * x.nCols;
    for (let j = 0; j < x.nCols; j++) data[base + j] = x.data[base + j]! * f;
  }
  return { ...x, data };
}

export function medianOfPositive(values: Float64Array): number {
  const positive = values.filter((v) => v > 0).sort();
  const m = positive.length;
  if (m === 0) return 0;
  return m % 2 === 1 ? positive[(m - 1) / 2]! : (positive[m / 2 - 1]! + positive[m / 2]!) / 2;
}

function min(v: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! < m) m = v[i]!;
  return v.length ? m : 0;
}

function max(v: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  return v.length ? m : 0;
}
