/**
 * The ground truth a map is scored against (map-score.ts), as the project's reference scorer
 * (shared/tools/map_quality.py) defines it:
 *   - ground truth: shortest-path distances on the symmetrised k = 10 Euclidean kNN graph of a reference
 *     matrix (PCs, or a simulator's noiseless expression), between 400 seeded sample cells;
 *   - DEMaP: Spearman correlation (average ranks for ties) of those with the map's Euclidean distances over
 *     the sample's pairs (i < j) whose geodesic is finite;
 *   - trustworthiness (k = 10, Venna & Kaski) on a seeded sample of 3,000 cells, as quality/neighbourhood.ts.
 * The samples come from this project's seeded RNG, so figures differ from map_quality.py's only by which
 * cells are sampled. Everything that depends on the reference alone (kNN graph, geodesics, the reference's
 * neighbour ranks) is computed once in `qualityReference`, so scoring many maps of one data set is cheap.
 */
import { activeBackend, initBackend } from '../compute/backend.js';
import { connectedComponents } from '../graph/components.js';
import { knnExact } from '../graph/knn.js';
import type { KnnResult } from '../linalg/neighbours.js';
import { createRng, sampleIndices } from '../linalg/random.js';
import { centred, exactSquared } from './exact-distances.js';
import { dijkstra, symmetricKnnGraph } from './graph-geodesics.js';
import { neighbourRanks } from './reference-ranks.js';

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

const MAX_TRUST_SAMPLE = 10_000;

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
  return { n, k, geodesicCells, geodesics, components: connectedComponents(graph).count, finitePairs, trustCells, ranks };
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

function sortedSample(n: number, size: number, seed: number): Int32Array {
  return sampleIndices(n, Math.min(size, n), createRng(seed)).sort();
}
