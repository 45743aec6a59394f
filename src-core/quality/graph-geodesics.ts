/**
 * Geodesic distances of a reference point cloud, as the map-quality scorer defines them: shortest-path
 * lengths on the symmetrised k-nearest-neighbour graph (edge i–j when j is among i's k nearest or i among
 * j's; length = their Euclidean distance, the same either way). Dijkstra with a binary heap from each source.
 */
import type { Csr64 } from '../linalg/csr.js';
import type { KnnResult } from '../linalg/neighbours.js';
import { MinHeap } from '../linalg/min-heap.js';

/** Undirected adjacency (CSR) of the symmetrised kNN graph; `values` are edge lengths. */
export function symmetricKnnGraph(knn: KnnResult): Csr64 {
  const { n, k } = knn;
  const degree = new Int32Array(n);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      degree[i]!++;
      degree[knn.indices[i * k + p]!]!++;
    }
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + degree[i]!;
  const fill = indptr.slice(0, n);
  const indices = new Int32Array(indptr[n]!);
  const values = new Float64Array(indptr[n]!);
  // Both directions of every directed kNN edge; a pair that is mutual appears twice, which Dijkstra ignores.
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const j = knn.indices[i * k + p]!;
      const w = knn.distances[i * k + p]!;
      indices[fill[i]!] = j;
      values[fill[i]!++] = w;
      indices[fill[j]!] = i;
      values[fill[j]!++] = w;
    }
  return { n, indptr, indices, values };
}

/** Shortest-path lengths from `source` to every node (Infinity where unreachable); `values` are edge lengths. */
export function dijkstra(graph: Csr64, source: number, dist: Float64Array = new Float64Array(graph.n)): Float64Array {
  const n = graph.n;
  dist.fill(Infinity);
  dist[source] = 0;
  // At most one heap entry per edge relaxation; settled nodes are skipped when popped again.
  const heap = new MinHeap();
  heap.push(0, source);
  const done = new Uint8Array(n);
  while (heap.size > 0) {
    const d = heap.d[0]!;
    const v = heap.v[0]!;
    heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    for (let p = graph.indptr[v]!; p < graph.indptr[v + 1]!; p++) {
      const u = graph.indices[p]!;
      const nd = d + graph.values[p]!;
      if (nd < dist[u]!) {
        dist[u] = nd;
        heap.push(nd, u);
      }
    }
  }
  return dist;
}
