/**
 * Out-of-sample placement of new cells into an existing map: for each query (a PC vector), its k nearest
 * reference cells in PC space (exact, brute force) and the map position
 *
 *   y(q) = Σ_r w_r y_r / Σ_r w_r,   w_r = exp(−(‖q − x_r‖ / ε_q)^decay),   ε_q = distance to the k-th neighbour,
 *
 * i.e. the alpha-decay kernel of the map's own graph (docs/algorithm.md eq. 1; k and decay default to the
 * map's defaults) evaluated from the query's side. A query that coincides with reference cells (ε_q = 0) sits
 * at their mean. Cost O(q · r · dim).
 */
import { DEFAULTS } from '../pipeline/params.js';
import type { Points } from './costs.js';

export interface PlaceOptions {
  readonly k?: number;
  readonly decay?: number;
}

export function placeByKnn(query: Points, nQuery: number, reference: Points, nRef: number, dim: number, refCoords: Points, coordDim = 2, options: PlaceOptions = {}): Float64Array {
  if (query.length !== nQuery * dim) throw new Error(`placeByKnn: query has ${query.length} values, expected ${nQuery * dim}`);
  if (reference.length !== nRef * dim) throw new Error(`placeByKnn: reference has ${reference.length} values, expected ${nRef * dim}`);
  if (refCoords.length !== nRef * coordDim) throw new Error(`placeByKnn: map coordinates have ${refCoords.length} values, expected ${nRef * coordDim}`);
  const k = Math.min(options.k ?? DEFAULTS.knn, nRef);
  if (k < 1) throw new Error('placeByKnn: no reference cells');
  const decay = options.decay ?? DEFAULTS.decay;
  const out = new Float64Array(nQuery * coordDim);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let q = 0; q < nQuery; q++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    const qb = q * dim;
    for (let r = 0; r < nRef; r++) {
      const rb = r * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const t = query[qb + c]! - reference[rb + c]!;
        s += t * t;
      }
      if (s >= bestD[k - 1]!) continue;
      // insertion into the sorted k-list
      let p = k - 1;
      while (p > 0 && bestD[p - 1]! > s) {
        bestD[p] = bestD[p - 1]!;
        bestI[p] = bestI[p - 1]!;
        p--;
      }
      bestD[p] = s;
      bestI[p] = r;
    }
    const eps = Math.sqrt(bestD[k - 1]!);
    let total = 0;
    for (let c = 0; c < coordDim; c++) out[q * coordDim + c] = 0;
    for (let p = 0; p < k; p++) {
      const d = Math.sqrt(bestD[p]!);
      const w = eps > 0 ? Math.exp(-Math.pow(d / eps, decay)) : 1;
      total += w;
      for (let c = 0; c < coordDim; c++) out[q * coordDim + c]! += w * refCoords[bestI[p]! * coordDim + c]!;
    }
    for (let c = 0; c < coordDim; c++) out[q * coordDim + c] = out[q * coordDim + c]! / total;
  }
  return out;
}
