/**
 * Landmarks: m representative cells that carry the dense O(m²) work, so memory stays O(n·k + m²).
 * Selection: a seeded random sample refined by two Lloyd steps on the graph (each landmark moves to
 * the member of its cell nearest the cell's centroid). Assignment: graph Voronoi cells by multi-source
 * Dijkstra along kNN edges, so a cell never joins a landmark across a gap that the graph does not bridge.
 * Coarse graph: W_c = Φᵀ W Φ (total edge weight between two Voronoi cells), and masses M_a = |cell a|.
 */
import type { Csr64 } from '../linalg/csr.js';
import { csrFromTriplets } from '../linalg/csr.js';
import { createRng, sampleIndices } from '../linalg/random.js';
import type { KnnResult } from '../linalg/neighbours.js';
import { shareable, type KernelPool, type KernelRef } from '../compute/kernel-pool.js';
import { MinHeap } from '../linalg/min-heap.js';

export interface Landmarks {
  readonly m: number;
  /** Cell index of each landmark. */
  readonly index: Int32Array;
  /** Landmark (0..m-1) of each cell. */
  readonly assignment: Int32Array;
  /** Number of cells per landmark. */
  readonly mass: Float64Array;
  /** Coarse-grained weights between landmarks (no self loops). */
  readonly weights: Csr64;
}

/**
 * Length of every edge of W (aligned with W's entries): the kNN distance where known (from i's list or
 * from j's), else a proxy from the weight (1/w_ij). One of the kernels of `selectLandmarksParallel`.
 */
export interface EdgeLengthTask {
  readonly w: Csr64;
  readonly knnIndices: Int32Array;
  readonly knnDistances: Float32Array;
  readonly k: number;
  readonly lengths: Float64Array;
  readonly lo: number;
  readonly hi: number;
}

export function edgeLengthKernel(t: EdgeLengthTask): number {
  const { w, knnIndices: idx, knnDistances: dist, k, lengths } = t;
  for (let i = t.lo; i < t.hi; i++) {
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
      const j = w.indices[p]!;
      let len = -1;
      for (let q = 0; q < k && len < 0; q++) if (idx[i * k + q] === j) len = dist[i * k + q]!;
      for (let q = 0; q < k && len < 0; q++) if (idx[j * k + q] === i) len = dist[j * k + q]!;
      lengths[p] = len >= 0 ? len : 1 / Math.max(w.values[p]!, 1e-12);
    }
  }
  return t.hi - t.lo;
}

/** Multi-source Dijkstra over the kNN graph (edges symmetric through W), edge lengths aligned with W. */
function graphVoronoi(w: Csr64, knn: KnnResult, lengths: Float64Array, sources: Int32Array): Int32Array {
  const n = w.n;
  const dist = new Float64Array(n).fill(Infinity);
  const owner = new Int32Array(n).fill(-1);
  const heap = new MinHeap();
  sources.forEach((s, a) => {
    dist[s] = 0;
    owner[s] = a;
    heap.push(0, s);
  });
  while (heap.size > 0) {
    const d = heap.d[0]!;
    const v = heap.v[0]!;
    heap.pop();
    if (d > dist[v]!) continue;
    for (let p = w.indptr[v]!; p < w.indptr[v + 1]!; p++) {
      const u = w.indices[p]!;
      if (u === v) continue;
      const nd = d + lengths[p]!;
      if (nd < dist[u]!) {
        dist[u] = nd;
        owner[u] = owner[v]!;
        heap.push(nd, u);
      }
    }
  }
  // Cells in components without a landmark: attach to their nearest kNN neighbour's owner, else landmark 0.
  const kk = knn.k;
  for (let i = 0; i < n; i++) {
    if (owner[i]! >= 0) continue;
    for (let p = 0; p < kk && owner[i]! < 0; p++) {
      const j = knn.indices[i * kk + p]!;
      if (owner[j]! >= 0) owner[i] = owner[j]!;
    }
    if (owner[i]! < 0) owner[i] = 0;
  }
  return owner;
}

/** Landmark selection with the edge lengths computed on the kernel pool (same result as `selectLandmarks`). */
export async function selectLandmarksParallel(points: Float32Array, dim: number, w: Csr64, knn: KnnResult, m: number, seed: number, pool: KernelPool, lloydSteps = 2): Promise<Landmarks> {
  const n = w.n;
  const lengths = pool.alloc(Float64Array, w.indices.length);
  const shared: Csr64 = { n, indptr: shareable(pool, w.indptr), indices: shareable(pool, w.indices), values: shareable(pool, w.values) };
  // Shared once for all tasks: a graph component's kNN lists are plain arrays (component-parts.ts), and a
  // copy per 16,384-row task cost 58 copies of 150 MB for a 935k-cell component (realistic 1M, 11.5 GB peak).
  const knnIndices = shareable(pool, knn.indices);
  const knnDistances = shareable(pool, knn.distances);
  const tasks: EdgeLengthTask[] = [];
  for (let lo = 0; lo < n; lo += 16384) {
    tasks.push({ w: shared, knnIndices, knnDistances, k: knn.k, lengths, lo, hi: Math.min(n, lo + 16384) });
  }
  await pool.map<EdgeLengthTask, number>(EDGE_LENGTHS, tasks);
  return selectLandmarks(points, dim, w, knn, m, seed, lloydSteps, lengths);
}

const EDGE_LENGTHS: KernelRef = { module: import.meta.url, name: 'edgeLengthKernel' };

export function selectLandmarks(points: Float32Array, dim: number, w: Csr64, knn: KnnResult, m: number, seed: number, lloydSteps = 2, edgeLengths?: Float64Array): Landmarks {
  const n = w.n;
  let lengths = edgeLengths;
  if (!lengths) {
    lengths = new Float64Array(w.indices.length);
    edgeLengthKernel({ w, knnIndices: knn.indices, knnDistances: knn.distances, k: knn.k, lengths, lo: 0, hi: n });
  }
  const rng = createRng(seed);
  let index = sampleIndices(n, m, rng);
  index.sort();
  let assignment = graphVoronoi(w, knn, lengths, index);
  for (let step = 0; step < lloydSteps; step++) {
    const centroid = new Float64Array(m * dim);
    const count = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const a = assignment[i]!;
      count[a]!++;
      for (let c = 0; c < dim; c++) centroid[a * dim + c]! += points[i * dim + c]!;
    }
    for (let a = 0; a < m; a++) for (let c = 0; c < dim; c++) centroid[a * dim + c]! /= Math.max(1, count[a]!);
    const best = new Float64Array(m).fill(Infinity);
    const next = Int32Array.from(index);
    for (let i = 0; i < n; i++) {
      const a = assignment[i]!;
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const d = points[i * dim + c]! - centroid[a * dim + c]!;
        s += d * d;
      }
      if (s < best[a]!) {
        best[a] = s;
        next[a] = i;
      }
    }
    index = next;
    assignment = graphVoronoi(w, knn, lengths, index);
  }
  const mass = new Float64Array(m);
  for (let i = 0; i < n; i++) mass[assignment[i]!]!++;
  return { m, index, assignment, mass, weights: coarseWeights(w, assignment, m) };
}

/** Up to this many landmarks the coarse weights are summed in a dense m × m array (8·m² bytes). */
const DENSE_COARSE_MAX = 4096;

/**
 * Coarse weights Φᵀ W Φ without self loops. Both ways sum each entry's terms in the order of W's
 * entries (cells ascending), so they give the same numbers.
 */
function coarseWeights(w: Csr64, assignment: Int32Array, m: number): Csr64 {
  const n = w.n;
  if (m <= DENSE_COARSE_MAX) {
    const dense = new Float64Array(m * m);
    const seen = new Uint8Array(m * m);
    for (let i = 0; i < n; i++) {
      const a = assignment[i]!;
      for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
        const b = assignment[w.indices[p]!]!;
        if (a === b) continue;
        dense[a * m + b]! += w.values[p]!;
        seen[a * m + b] = 1;
      }
    }
    let nnz = 0;
    for (let e = 0; e < m * m; e++) nnz += seen[e]!;
    const indptr = new Int32Array(m + 1);
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    let q = 0;
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        if (!seen[a * m + b]) continue;
        indices[q] = b;
        values[q++] = dense[a * m + b]!;
      }
      indptr[a + 1] = q;
    }
    return { n: m, indptr, indices, values };
  }
  const nnz = w.indices.length;
  const rows = new Int32Array(nnz);
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const a = assignment[i]!;
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
      const b = assignment[w.indices[p]!]!;
      if (a === b) continue;
      rows[e] = a;
      cols[e] = b;
      vals[e++] = w.values[p]!;
    }
  }
  return csrFromTriplets(m, rows, cols, vals, e);
}

/** The trivial landmark set: every cell is its own landmark. */
export function identityLandmarks(w: Csr64): Landmarks {
  const n = w.n;
  const index = Int32Array.from({ length: n }, (_, i) => i);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++)
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++)
      if (w.indices[p] !== i) {
        rows.push(i);
        cols.push(w.indices[p]!);
        vals.push(w.values[p]!);
      }
  return {
    m: n,
    index,
    assignment: index.slice(),
    mass: new Float64Array(n).fill(1),
    weights: csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals)),
  };
}
