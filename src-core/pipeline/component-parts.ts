/**
 * Splitting the data set by graph component for the per-component stages (landmarks → heat → mds →
 * extend): each part holds its cells, their points, their own affinity graph and kNN lists renumbered
 * 0..size−1, and its share of the landmarks. Rules (docs/algorithm.md §2):
 *  - landmarks are shared in proportion to size, m_c = round(m·n_c/n), but never fewer than
 *    min(n_c, MIN_LANDMARKS): a small separate population keeps full resolution instead of vanishing;
 *  - components of fewer than MIN_HEAT_CELLS cells get no heat kernel (nothing to diffuse over): they are
 *    laid out by their Euclidean geometry in the main component's map units (see smallLayout).
 */
import { connectedComponents, subgraph, type Components } from '../graph/components.js';
import type { Csr64 } from '../linalg/csr.js';
import type { KnnResult } from '../linalg/neighbours.js';

export const MIN_LANDMARKS = 50;
export const MIN_HEAT_CELLS = 4;

export interface ComponentPart {
  /** Cells of the component, ascending (indices into the data set). */
  readonly cells: Int32Array;
  readonly points: Float32Array;
  readonly w: Csr64;
  readonly knn: KnnResult;
  /** Landmarks to select (0 for a component laid out without heat). */
  readonly m: number;
}

export interface ComponentSplit {
  readonly components: Components;
  readonly parts: readonly ComponentPart[];
}

export function splitByComponent(points: Float32Array, dim: number, w: Csr64, knn: KnnResult, m: number): ComponentSplit {
  const components = connectedComponents(w);
  const n = w.n;
  if (components.count === 1) return { components, parts: [{ cells: components.members, points, w, knn, m }] };
  // Position of every cell within its own component (components partition the cells).
  const position = new Int32Array(n);
  for (let c = 0; c < components.count; c++) for (let q = components.offsets[c]!; q < components.offsets[c + 1]!; q++) position[components.members[q]!] = q - components.offsets[c]!;
  const parts = Array.from({ length: components.count }, (_, c): ComponentPart => {
    const cells = components.members.subarray(components.offsets[c]!, components.offsets[c + 1]!);
    const size = cells.length;
    const share = size < MIN_HEAT_CELLS ? 0 : Math.min(size, Math.max(Math.min(size, MIN_LANDMARKS), Math.round((m * size) / n)));
    const sub = new Float32Array(size * dim);
    for (let i = 0; i < size; i++) sub.set(points.subarray(cells[i]! * dim, (cells[i]! + 1) * dim), i * dim);
    return { cells, points: sub, w: subgraph(w, cells, position), knn: subKnn(knn, cells, components.labels, position, c), m: share };
  });
  return { components, parts };
}

/**
 * kNN lists restricted to one component, renumbered. A neighbour in another component (an edge the graph
 * stage dropped) is replaced by the cell itself at infinite distance: never a match, never a path.
 */
function subKnn(knn: KnnResult, cells: Int32Array, labels: Int32Array, position: Int32Array, c: number): KnnResult {
  const k = knn.k;
  const indices = new Int32Array(cells.length * k);
  const distances = new Float32Array(cells.length * k);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    for (let q = 0; q < k; q++) {
      const j = knn.indices[cell * k + q]!;
      const inside = labels[j] === c;
      indices[i * k + q] = inside ? position[j]! : i;
      distances[i * k + q] = inside ? knn.distances[cell * k + q]! : Infinity;
    }
  }
  return { n: cells.length, k, indices, distances };
}

/**
 * A layout for a component too small for a heat kernel: its cells' Euclidean geometry (first two principal
 * directions of ≤ 3 points), scaled by `unitsPerFeature` (the main map's units per feature-space unit).
 */
export function smallLayout(points: Float32Array, size: number, dim: number, unitsPerFeature: number): Float64Array {
  const out = new Float64Array(2 * size);
  if (size < 2) return out;
  const d = (a: number, b: number): number => {
    let s = 0;
    for (let q = 0; q < dim; q++) s += (points[a * dim + q]! - points[b * dim + q]!) ** 2;
    return Math.sqrt(s);
  };
  // Point 0 at the origin, point 1 on the x axis, point 2 (if any) by the triangle's side lengths.
  const d01 = d(0, 1);
  out[2] = d01 * unitsPerFeature;
  if (size > 2) {
    const d02 = d(0, 2), d12 = d(1, 2);
    const x = d01 > 0 ? (d02 * d02 - d12 * d12 + d01 * d01) / (2 * d01) : 0;
    out[4] = x * unitsPerFeature;
    out[5] = Math.sqrt(Math.max(0, d02 * d02 - x * x)) * unitsPerFeature;
  }
  return out;
}

/** Mean length of the graph's edges in the map and in feature space: the map's units per feature unit. */
export function unitsPerFeature(w: Csr64, coords: ArrayLike<number>, points: Float32Array, dim: number): number {
  let map = 0, feat = 0;
  for (let i = 0; i < w.n; i++)
    for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) {
      const j = w.indices[q]!;
      if (j <= i) continue;
      map += Math.hypot(coords[2 * i]! - coords[2 * j]!, coords[2 * i + 1]! - coords[2 * j + 1]!);
      let s = 0;
      for (let c = 0; c < dim; c++) s += (points[i * dim + c]! - points[j * dim + c]!) ** 2;
      feat += Math.sqrt(s);
    }
  return feat > 0 && map > 0 ? map / feat : 1;
}
