/**
 * Map quality as the project's reference scorer (shared/tools/map_quality.py) defines it, in TypeScript:
 *   - ground truth: shortest-path distances on the symmetrised k = 10 Euclidean kNN graph of a reference
 *     matrix (PCs, or a simulator's noiseless expression), between 400 seeded sample cells;
 *   - DEMaP: Spearman correlation (average ranks for ties) of those with the map's Euclidean distances over
 *     the sample's pairs (i < j) whose geodesic is finite;
 *   - trustworthiness (k = 10, Venna & Kaski) on a seeded sample of 3,000 cells, as evaluate/neighbourhood.ts.
 * A map with a non-finite coordinate, or with every cell at one point, is reported invalid, never scored.
 * The samples come from this project's seeded RNG, so figures differ from map_quality.py's only by which
 * cells are sampled. Everything that depends on the reference alone (kNN graph, geodesics, the reference's
 * neighbour ranks) is computed once in `qualityReference`, so scoring many maps of one data set is cheap.
 */
import { activeBackend, initBackend, matMul } from '../compute/backend.js';
import { knnKdTree } from '../graph/kdtree.js';
import { knnExact } from '../graph/knn.js';
import { createRng, sampleIndices } from '../linalg/random.js';
import { spearman } from './correlation.js';
import { componentCount, dijkstra, symmetricKnnGraph } from './graph-geodesics.js';

export interface QualityOptions {
  /** Neighbours of the reference graph and of trustworthiness (default 10). */
  readonly k?: number;
  /** Cells whose pairwise geodesics are the ground truth (default 400). */
  readonly geodesicSample?: number;
  /** Cells of the trustworthiness sample (default 3,000). */
  readonly trustSample?: number;
  /** Seeds of the two samples (default 0 and 1, as map_quality.py). */
  readonly seed?: number;
  readonly trustSeed?: number;
}

export interface QualityReference {
  readonly n: number;
  readonly k: number;
  /** Sorted indices of the geodesic sample. */
  readonly geodesicCells: Int32Array;
  /** Geodesics of the sample's pairs i < j in row order (Infinity where the graph does not connect them). */
  readonly geodesics: Float64Array;
  /** Connected components of the reference kNN graph. */
  readonly components: number;
  readonly finitePairs: number;
  /** Sorted indices of the trustworthiness sample. */
  readonly trustCells: Int32Array;
  /** m × m: rank of cell b among cell a's reference neighbours within the sample (1 = nearest, 0 = a itself). */
  readonly ranks: Uint16Array | Int32Array;
}

export type MapQuality =
  | { readonly valid: true; readonly demap: number; readonly trust: number; readonly pairs: number }
  | { readonly valid: false; readonly reason: string };

/** Above this dimension the reference's pairwise distances are formed as products on the numeric engine. */
const GRAM_MIN_DIM = 64;

export async function qualityReference(points: Float32Array, n: number, dim: number, options: QualityOptions = {}): Promise<QualityReference> {
  if (points.length !== n * dim) throw new Error(`reference: expected ${n * dim} values, got ${points.length}`);
  const k = options.k ?? 10;
  if (n <= k) throw new Error(`reference: ${n} cells are too few for k = ${k}`);
  for (let p = 0; p < points.length; p++) if (!Number.isFinite(points[p]!)) throw new Error(`reference: non-finite value at cell ${Math.floor(p / dim)}`);
  if (!activeBackend()) await initBackend('auto');

  const knn = await knnExact(points, n, dim, k);
  // Edge lengths again in float64 from the points: engine products (‖x‖² + ‖y‖² − 2x·y in float32) lose digits.
  const lengths = new Float32Array(n * k);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const j = knn.indices[i * k + p]!;
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const d = points[i * dim + c]! - points[j * dim + c]!;
        s += d * d;
      }
      lengths[i * k + p] = Math.sqrt(s);
    }
  const graph = symmetricKnnGraph({ n, k, indices: knn.indices, distances: lengths });
  const geodesicCells = sortedSample(n, options.geodesicSample ?? 400, options.seed ?? 0);
  const s = geodesicCells.length;
  const geodesics = new Float64Array((s * (s - 1)) / 2);
  const dist = new Float64Array(n);
  let p = 0;
  let finitePairs = 0;
  for (let a = 0; a < s; a++) {
    dijkstra(graph, geodesicCells[a]!, dist);
    for (let b = a + 1; b < s; b++) {
      const d = dist[geodesicCells[b]!]!;
      geodesics[p++] = d;
      if (Number.isFinite(d)) finitePairs++;
    }
  }

  const trustCells = sortedSample(n, options.trustSample ?? 3000, options.trustSeed ?? 1);
  const ranks = await neighbourRanks(points, dim, trustCells);
  return { n, k, geodesicCells, geodesics, components: componentCount(graph), finitePairs, trustCells, ranks };
}

/** DEMaP and trustworthiness of a map (row-major n × dim coordinates) against a reference. */
export function scoreMap(ref: QualityReference, coords: ArrayLike<number>, dim = 2): MapQuality {
  const n = ref.n;
  if (coords.length !== n * dim) return { valid: false, reason: `map has ${coords.length / dim} rows for ${n} cells` };
  let bad = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++)
      if (!Number.isFinite(coords[i * dim + a]!)) {
        bad++;
        break;
      }
  }
  if (bad > 0) return { valid: false, reason: `${bad} cells have missing or non-finite coordinates` };
  let spread = 0;
  for (let a = 0; a < dim; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = coords[i * dim + a]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    spread = Math.max(spread, hi - lo);
  }
  if (spread === 0) return { valid: false, reason: 'all cells at one point' };
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
  return 1 - (2 / (m * k * (2 * m - 3 * k - 1))) * penalty;
}

/** Ranks of every sample cell among each sample cell's reference neighbours (ties in index order). */
async function neighbourRanks(points: Float32Array, dim: number, cells: Int32Array): Promise<Uint16Array | Int32Array> {
  const m = cells.length;
  const sub = new Float32Array(m * dim);
  for (let r = 0; r < m; r++) sub.set(points.subarray(cells[r]! * dim, (cells[r]! + 1) * dim), r * dim);
  const d2 = await squaredDistances(sub, m, dim);
  const ranks = m <= 65535 ? new Uint16Array(m * m) : new Int32Array(m * m);
  const order = new Int32Array(m);
  const row = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      row[b] = b === a ? -1 : d2[a * m + b]!;
      order[b] = b;
    }
    order.sort((x, y) => row[x]! - row[y]! || x - y);
    for (let r = 0; r < m; r++) ranks[a * m + order[r]!] = r;
  }
  return ranks;
}

/** All pairwise squared Euclidean distances (m × m); float64 sums for low dimension, engine products above. */
async function squaredDistances(x: Float32Array, m: number, dim: number): Promise<Float64Array> {
  const out = new Float64Array(m * m);
  if (dim < GRAM_MIN_DIM) {
    for (let a = 0; a < m; a++)
      for (let b = a + 1; b < m; b++) {
        let s = 0;
        for (let c = 0; c < dim; c++) {
          const d = x[a * dim + c]! - x[b * dim + c]!;
          s += d * d;
        }
        out[a * m + b] = s;
        out[b * m + a] = s;
      }
    return out;
  }
  // Centre first: ‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y loses less to rounding when the norms are small.
  const mean = new Float64Array(dim);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) mean[c]! += x[a * dim + c]!;
  const centred = new Float32Array(m * dim);
  const norms = new Float64Array(m);
  for (let a = 0; a < m; a++)
    for (let c = 0; c < dim; c++) {
      const v = x[a * dim + c]! - mean[c]! / m;
      centred[a * dim + c] = v;
      norms[a]! += v * v;
    }
  const t = new Float32Array(dim * m);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) t[c * m + a] = centred[a * dim + c]!;
  const block = Math.max(1, Math.min(m, Math.floor(2 ** 22 / m)));
  for (let start = 0; start < m; start += block) {
    const rows = Math.min(block, m - start);
    const dots = await matMul(centred.subarray(start * dim, (start + rows) * dim), t, rows, dim, m);
    for (let r = 0; r < rows; r++) {
      const a = start + r;
      for (let b = 0; b < m; b++) out[a * m + b] = Math.max(0, norms[a]! + norms[b]! - 2 * dots[r * m + b]!);
    }
  }
  return out;
}

function sortedSample(n: number, size: number, seed: number): Int32Array {
  return sampleIndices(n, Math.min(size, n), createRng(seed)).sort();
}
