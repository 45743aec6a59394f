/**
 * How many connected pieces each cluster has in the graph restricted to its own nodes. Leiden
 * guarantees one piece per cluster; Louvain does not. Used to check that guarantee (tests) and by hosts
 * that take labels from elsewhere. O(n + nnz).
 */
import type { WeightedGraph } from './weighted-graph.js';

export function piecesPerCluster(g: Pick<WeightedGraph, 'n' | 'indptr' | 'indices' | 'values'>, labels: Int32Array, nClusters: number): Int32Array {
  const { n, indptr, indices, values } = g;
  const pieces = new Int32Array(nClusters);
  const visited = new Uint8Array(n);
  const stack = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (visited[s]) continue;
    const c = labels[s]!;
    pieces[c]!++;
    visited[s] = 1;
    let top = 0;
    stack[top++] = s;
    while (top > 0) {
      const v = stack[--top]!;
      for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
        const u = indices[p]!;
        if (!visited[u] && labels[u] === c && values[p]! > 0) {
          visited[u] = 1;
          stack[top++] = u;
        }
      }
    }
  }
  return pieces;
}
