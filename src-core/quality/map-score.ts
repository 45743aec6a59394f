/**
 * Scores a 2-D map against a quality reference (reference.ts): DEMaP (Spearman correlation of the map's
 * Euclidean distances with the reference geodesics over the geodesic sample's connected pairs) and
 * trustworthiness on the reference's sample. A map that the engine's own guard would call degenerate in the
 * strongest sense (a non-finite coordinate, or no spread at all) is reported invalid, never scored.
 */
import { mapShape } from '../embed/map-check.js';
import { knnKdTree } from '../graph/kdtree.js';
import { spearman } from './correlation.js';
import { trustFromPenalty } from './neighbourhood.js';
import type { QualityReference } from './reference.js';

export type MapQuality =
  | { readonly valid: true; readonly demap: number; readonly trust: number; readonly pairs: number }
  | { readonly valid: false; readonly reason: string };

/** DEMaP and trustworthiness of a map (row-major n × 2 coordinates) against a reference. */
export function scoreMap(ref: QualityReference, coords: ArrayLike<number>): MapQuality {
  const n = ref.n;
  const dim = 2;
  if (coords.length !== n * dim) return { valid: false, reason: `map has ${coords.length / dim} rows for ${n} cells` };
  const shape = mapShape(coords, n);
  if (!shape.finite) return { valid: false, reason: 'some cells have missing or non-finite coordinates' };
  if (shape.spread === 0) return { valid: false, reason: 'all cells at one point' };
  return { valid: true, demap: demapOf(ref, coords, dim), trust: trustOf(ref, coords, dim), pairs: ref.finitePairs };
}

function demapOf(ref: QualityReference, coords: ArrayLike<number>, dim: number): number {
  const cells = ref.geodesicCells;
  const s = cells.length;
  const truth = new Float64Array(ref.finitePairs);
  const mapped = new Float64Array(ref.finitePairs);
  let p = 0;
  let q = 0;
  for (let a = 0; a < s; a++)
    for (let b = a + 1; b < s; b++) {
      const g = ref.geodesics[p++]!;
      if (!Number.isFinite(g)) continue;
      let d2 = 0;
      for (let c = 0; c < dim; c++) {
        const d = coords[cells[a]! * dim + c]! - coords[cells[b]! * dim + c]!;
        d2 += d * d;
      }
      truth[q] = g;
      mapped[q++] = Math.sqrt(d2);
    }
  return spearman(truth, mapped);
}

/** Venna–Kaski trustworthiness on the reference's sample: T = 1 − 2/(m·k·(2m − 3k − 1)) · Σ max(0, rank − k). */
function trustOf(ref: QualityReference, coords: ArrayLike<number>, dim: number): number {
  const cells = ref.trustCells;
  const m = cells.length;
  const k = Math.min(ref.k, m - 1);
  const low = new Float32Array(m * dim);
  for (let r = 0; r < m; r++) for (let c = 0; c < dim; c++) low[r * dim + c] = coords[cells[r]! * dim + c]!;
  const nn = knnKdTree(low, m, dim, k);
  let penalty = 0;
  for (let a = 0; a < m; a++)
    for (let p = 0; p < k; p++) {
      const rank = ref.ranks[a * m + nn.indices[a * k + p]!]!;
      if (rank > k) penalty += rank - k;
    }
  return trustFromPenalty(penalty, m, k);
}

