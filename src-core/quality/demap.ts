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
import { knnKdTree, type KnnResult } from '../graph/kdtree.js';
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

const MAX_TRUST_SAMPLE = 10_000;

/** Above this dimension the reference's pairwise distances are formed as products on the numeric engine. */
const GRAM_MIN_DIM = 64;

export async function qualityReference(points: Float32Array, n: number, dim: number, options: QualityOptions = {}): Promise<QualityReference> {
  if (points.length !== n * dim) throw new Error(`reference: expected ${n * dim} values, got ${points.length}`);
  const k = options.k ?? 10;
  if (n <= k) throw new Error(`reference: ${n} cells are too few for k = ${k}`);
  for (let p = 0; p < points.length; p++) if (!Number.isFinite(points[p]!)) throw new Error(`reference: non-finite value at cell ${Math.floor(p / dim)}`);
  if (!activeBackend()) await initBackend('auto');

  const knn = await exactKnn(points, n, dim, k);
  const graph = symmetricKnnGraph(knn);
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
  // The distance and rank tables are m² entries each: keep them bounded (10,000² float64 = 800 MB).
  if (trustCells.length > MAX_TRUST_SAMPLE) throw new Error(`reference: a trustworthiness sample of ${trustCells.length} cells is above the limit of ${MAX_TRUST_SAMPLE}`);
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

/**
 * k nearest neighbours with float64 distances. The engine's search works on ‖x‖² + ‖y‖² − 2x·y in float32, which
 * cannot resolve the tiny gaps between neighbours on a noiseless trajectory in thousands of genes; so it only
 * proposes 3k candidates (on centred data, to keep the norms small) and the k nearest are chosen by exact distance.
 */
async function exactKnn(points: Float32Array, n: number, dim: number, k: number): Promise<KnnResult> {
  const kc = Math.min(n - 1, 3 * k);
  const candidates = await knnExact(centred(points, n, dim), n, dim, kc);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const cand = new Int32Array(kc);
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < kc; p++) {
      const j = candidates.indices[i * kc + p]!;
      cand[p] = j;
      d2[j] = exactSquared(points, dim, i, j);
    }
    cand.sort((a, b) => d2[a]! - d2[b]! || a - b);
    for (let p = 0; p < k; p++) {
      indices[i * k + p] = cand[p]!;
      distances[i * k + p] = Math.sqrt(d2[cand[p]!]!);
    }
  }
  return { n, k, indices, distances };
}

/** Ranks of every sample cell among each sample cell's reference neighbours (ties in index order). */
async function neighbourRanks(points: Float32Array, dim: number, cells: Int32Array): Promise<Uint16Array | Int32Array> {
  const m = cells.length;
  const sub = new Float32Array(m * dim);
  for (let r = 0; r < m; r++) sub.set(points.subarray(cells[r]! * dim, (cells[r]! + 1) * dim), r * dim);
  const exact = dim < GRAM_MIN_DIM;
  const d2 = exact ? exactSquaredDistances(sub, m, dim) : await gramSquaredDistances(centred(sub, m, dim), m, dim);
  const ranks = m <= 65535 ? new Uint16Array(m * m) : new Int32Array(m * m);
  const order = new Int32Array(m);
  const row = new Float64Array(m);
  const refine = Math.min(m, REFINED_RANKS);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      row[b] = b === a ? -1 : d2[a * m + b]!;
      order[b] = b;
    }
    order.sort((x, y) => row[x]! - row[y]! || x - y);
    if (!exact) {
      // Float32 products blur the nearest ranks. Recompute them in float64: at least the first REFINED_RANKS, and
      // on while the next candidate could still, within twice the largest error seen, be nearer than the
      // farthest refined one — so that the refined set is the true nearest set. Beyond it the relative error
      // of the products is negligible (measured on a simulated 2,000-gene reference: 0.1 % of the ranks move,
      // by ≤ 3, trustworthiness unchanged to 5 decimals).
      let maxExact = 0;
      let maxError = 0;
      let r = 1;
      for (; r < Math.min(m, MAX_REFINED_RANKS); r++) {
        const b = order[r]!;
        if (r >= refine && row[b]! - 2 * maxError > maxExact) break;
        const e = exactSquared(sub, dim, a, b);
        maxError = Math.max(maxError, Math.abs(e - row[b]!));
        maxExact = Math.max(maxExact, e);
        row[b] = e;
      }
      order.subarray(0, r).sort((x, y) => row[x]! - row[y]! || x - y);
    }
    for (let r = 0; r < m; r++) ranks[a * m + order[r]!] = r;
  }
  return ranks;
}

/** Nearest ranks recomputed in float64 when the distances came from float32 products: at least, and at most. */
const REFINED_RANKS = 64;
const MAX_REFINED_RANKS = 1024;

function exactSquared(x: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  const oa = a * dim;
  const ob = b * dim;
  for (let c = 0; c < dim; c++) {
    const d = x[oa + c]! - x[ob + c]!;
    s += d * d;
  }
  return s;
}

function exactSquaredDistances(x: Float32Array, m: number, dim: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const s = exactSquared(x, dim, a, b);
      out[a * m + b] = s;
      out[b * m + a] = s;
    }
  return out;
}

/** Column-centred float32 copy (float64 means): smaller norms, less cancellation in ‖x‖² + ‖y‖² − 2x·y. */
function centred(x: Float32Array, m: number, dim: number): Float32Array {
  const mean = new Float64Array(dim);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) mean[c]! += x[a * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c]! /= m;
  const out = new Float32Array(m * dim);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) out[a * dim + c] = x[a * dim + c]! - mean[c]!;
  return out;
}

/** All pairwise squared distances (m × m) from engine products, in row blocks. */
async function gramSquaredDistances(x: Float32Array, m: number, dim: number): Promise<Float64Array> {
  const out = new Float64Array(m * m);
  const norms = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += x[a * dim + c]! * x[a * dim + c]!;
    norms[a] = s;
  }
  const t = new Float32Array(dim * m);
  for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) t[c * m + a] = x[a * dim + c]!;
  const block = Math.max(1, Math.min(m, Math.floor(2 ** 22 / m)));
  for (let start = 0; start < m; start += block) {
    const rows = Math.min(block, m - start);
    const dots = await matMul(x.subarray(start * dim, (start + rows) * dim), t, rows, dim, m);
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
