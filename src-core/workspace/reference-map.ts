/**
 * The reference map shown beside the heat-geodesic map for orientation (issue 14): the cells' first two
 * principal components of the same preprocessed input the pipeline embeds (the PCs, or the features when
 * PCA is off), re-centred and re-rotated over the map's cells (a re-embedded subset gets its own axes).
 */
import { InputError } from '../errors.js';
import { pcaMap2 } from '../interpolate/pca-map.js';
import type { DenseMatrix } from '../io/dataset.js';

/** Above this many input dimensions the 2-axis PCA (a dim × dim eigenproblem) is refused: turn PCA on. */
export const MAX_REFERENCE_DIMS = 1000;

const cache = new WeakMap<DenseMatrix, Float32Array>();

/** n × 2 row-major float32: PC1, PC2 of the rows of `x` (computed once per matrix: the compare view asks again). */
export function pcaReferenceMap(x: DenseMatrix): Float32Array {
  let map = cache.get(x);
  if (!map) {
    map = computeReferenceMap(x);
    cache.set(x, map);
  }
  return map.slice(); // a copy: the caller may move its buffer to another thread
}

function computeReferenceMap(x: DenseMatrix): Float32Array {
  if (x.nCols > MAX_REFERENCE_DIMS) throw new InputError('PCA map', `${x.nCols} input dimensions: preprocess with PCA to show a PCA map`);
  if (x.nRows < 2) throw new InputError('PCA map', 'a PCA map needs at least two cells');
  const lin = pcaMap2(x.data, x.nRows, x.nCols);
  return Float32Array.from(lin.project(x.data, x.nRows));
}
