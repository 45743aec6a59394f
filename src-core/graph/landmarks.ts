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

/** Multi-source Dijkstra over the kNN graph (edges symmetric through W). */
function graphVoronoi(w: Csr64, knn: KnnResult, sources: Int32Array): Int32Array {
  const n = w.n;
  const dist = new Float64Array(n).fill(Infinity);
  const owner = new Int32Array(n).fill(-1);
  // Binary heap of (dist, node).
  const heapD: number[] = [];
  const heapN: number[] = [];
  const push = (d: number, v: number): void => {
    heapD.push(d);
    heapN.push(v);
    let c = heapD.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (heapD[p]! <= d) break;
      heapD[c] = heapD[p]!;
      heapN[c] = heapN[p]!;
      c = p;
    }
    heapD[c] = d;
    heapN[c] = v;
  };
  const pop = (): [number, number] => {
    const top: [number, number] = [heapD[0]!, heapN[0]!];
    const d = heapD.pop()!;
    const v = heapN.pop()!;
    if (heapD.length) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= heapD.length) break;
        const r = l + 1;
        const s = r < heapD.length && heapD[r]! < heapD[l]! ? r : l;
        if (heapD[s]! >= d) break;
        heapD[c] = heapD[s]!;
        heapN[c] = heapN[s]!;
        c = s;
      }
      heapD[c] = d;
      heapN[c] = v;
    }
    return top;
  };
  // Edge lengths: use the kNN distance where known, else weight-derived proxy (1/weight).
  const kk = knn.k;
  const lengthOf = (i: number, j: number, wij: number): number => {
    for (let p = 0; p < kk; p++) if (knn.indices[i * kk + p] === j) return knn.distances[i * kk + p]!;
    for (let p = 0; p < kk; p++) if (knn.indices[j * kk + p] === i) return knn.distances[j * kk + p]!;
    return 1 / Math.max(wij, 1e-12);
  };
  sources.forEach((s, a) => {
    dist[s] = 0;
    owner[s] = a;
    push(0, s);
  });
  while (heapD.length) {
    const [d, v] = pop();
    if (d > dist[v]!) continue;
    for (let p = w.indptr[v]!; p < w.indptr[v + 1]!; p++) {
      const u = w.indices[p]!;
      if (u === v) continue;
      const nd = d + lengthOf(v, u, w.values[p]!);
      if (nd < dist[u]!) {
        dist[u] = nd;
        owner[u] = owner[v]!;
        push(nd, u);
      }
    }
  }
  // Cells in components without a landmark: attach to their nearest kNN neighbour's owner, else landmark 0.
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

export function selectLandmarks(points: Float32Array, dim: number, w: Csr64, knn: KnnResult, m: number, seed: number, lloydSteps = 2): Landmarks {
  const n = w.n;
  const rng = createRng(seed);
  let index = sampleIndices(n, m, rng);
  index.sort();
  let assignment = graphVoronoi(w, knn, index);
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
    assignment = graphVoronoi(w, knn, index);
  }
  const mass = new Float64Array(m);
  for (let i = 0; i < n; i++) mass[assignment[i]!]!++;
  // Coarse weights Φᵀ W Φ without self loops.
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
  return { m, index, assignment, mass, weights: csrFromTriplets(m, rows, cols, vals, e) };
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
