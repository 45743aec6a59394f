/**
 * Ground costs for transport between two point sets, as dense row-major n × m Float64Arrays:
 * squared Euclidean (any dimension), Euclidean, and a heat-geodesic cost read from a dissimilarity
 * matrix the caller computed (e.g. the heat-geodesic distances of docs/algorithm.md eq. 11 between the
 * cells of both sets).
 */

import { checkWorkingMemory, OT_BYTES_PER_PAIR } from '../working-memory.js';

export type Points = Float32Array | Float64Array;

/** Optimal transport between nx and ny cells holds a few nx × ny arrays: refused up front beyond the budget. */
function checkOtMemory(nx: number, ny: number): void {
  checkWorkingMemory('interpolation', `optimal transport between ${nx} and ${ny} cells (${nx} × ${ny} cost and plan)`, OT_BYTES_PER_PAIR * nx * ny, 'use fewer cells per time point (a subsample)');
}

function checkPoints(x: Points, n: number, dim: number, what: string): void {
  if (x.length !== n * dim) throw new Error(`${what}: expected ${n} × ${dim} = ${n * dim} values, got ${x.length}`);
}

/** C_ij = ‖x_i − y_j‖². */
export function squaredEuclideanCost(x: Points, nx: number, y: Points, ny: number, dim: number): Float64Array {
  checkPoints(x, nx, dim, 'source points');
  checkPoints(y, ny, dim, 'target points');
  checkOtMemory(nx, ny);
  const c = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    const xi = i * dim;
    for (let j = 0; j < ny; j++) {
      const yj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const t = x[xi + k]! - y[yj + k]!;
        s += t * t;
      }
      c[i * ny + j] = s;
    }
  }
  return c;
}

/** C_ij = ‖x_i − y_j‖. */
export function euclideanCost(x: Points, nx: number, y: Points, ny: number, dim: number): Float64Array {
  const c = squaredEuclideanCost(x, nx, y, ny, dim);
  for (let k = 0; k < c.length; k++) c[k] = Math.sqrt(c[k]!);
  return c;
}

/**
 * Heat-geodesic cost between two subsets of the points of a dissimilarity matrix D (N × N, row-major,
 * e.g. heat-geodesic distances): C_ij = D[source_i, target_j]^power (power 2 by default, the cost
 * whose transport plans give displacement interpolation along geodesics).
 */
export function heatGeodesicCost(dissimilarity: ArrayLike<number>, nTotal: number, source: ArrayLike<number>, target: ArrayLike<number>, power = 2): Float64Array {
  if (dissimilarity.length !== nTotal * nTotal) throw new Error(`heatGeodesicCost: expected an ${nTotal} × ${nTotal} matrix, got ${dissimilarity.length} values`);
  const n = source.length;
  const m = target.length;
  checkOtMemory(n, m);
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const si = source[i]!;
    if (!(si >= 0 && si < nTotal)) throw new Error(`heatGeodesicCost: source index ${si} out of range`);
    for (let j = 0; j < m; j++) {
      const tj = target[j]!;
      if (!(tj >= 0 && tj < nTotal)) throw new Error(`heatGeodesicCost: target index ${tj} out of range`);
      const d = dissimilarity[si * nTotal + tj]!;
      if (!(d >= 0)) throw new Error(`heatGeodesicCost: dissimilarity (${si}, ${tj}) is ${d}`);
      c[i * m + j] = power === 1 ? d : Math.pow(d, power);
    }
  }
  return c;
}

/** Divides a cost matrix by its largest entry (so ε of entropic OT is relative); returns the scale. */
export function scaleToMax(cost: Float64Array): { cost: Float64Array; scale: number } {
  let mx = 0;
  for (let k = 0; k < cost.length; k++) mx = Math.max(mx, cost[k]!);
  const s = mx > 0 ? mx : 1;
  const out = new Float64Array(cost.length);
  for (let k = 0; k < cost.length; k++) out[k] = cost[k]! / s;
  return { cost: out, scale: s };
}

/** Rows `idx` of a row-major matrix with `dim` columns, as Float64Array. */
export function gatherRows(x: Points, dim: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * dim);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r]! * dim;
    for (let k = 0; k < dim; k++) out[r * dim + k] = x[src + k]!;
  }
  return out;
}
