/**
 * Variance-stabilising transforms applied entry-wise. Both map 0 to 0, so CSR keeps its sparsity.
 * sqrt is PHATE's default (it tames count noise without log's blow-up near zero); log1p is scanpy's.
 */
import { matrixFloat32 } from '../compute/matrix-arrays.js';
import type { Matrix } from '../io/dataset.js';
import type { PreprocessStep } from './steps.js';

export type TransformKind = 'sqrt' | 'log1p' | 'none';

/**
 * `inPlace`: overwrite x's values (the caller owns them, e.g. fresh from normalisation) instead of
 * allocating another array of nnz values; on a negative value x is then left part-transformed.
 */
export function transformValues(x: Matrix, kind: TransformKind, inPlace = false): { matrix: Matrix; step: PreprocessStep } {
  if (kind === 'none') {
    return { matrix: x, step: { step: 'transform', applied: false, params: { kind }, result: {}, reason: 'transform disabled' } };
  }
  const f = kind === 'sqrt' ? Math.sqrt : Math.log1p;
  let negatives = 0;
  const data = inPlace ? x.data : matrixFloat32(x.data.length);
  for (let q = 0; q < x.data.length; q++) {
    const v = x.data[q]!;
    if (v < 0) negatives++;
    data[q] = f(v);
  }
  if (negatives > 0) {
    // sqrt of a negative is NaN and log1p below -1 is NaN too: refuse rather than propagate NaNs into PCA.
    throw new Error(`${kind} transform: ${negatives} negative value(s) in the matrix; it needs non-negative data`);
  }
  return { matrix: { ...x, data }, step: { step: 'transform', applied: true, params: { kind }, result: {} } };
}
