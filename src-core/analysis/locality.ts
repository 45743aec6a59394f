/**
 * Renumbers a graph's nodes in breadth-first order so that neighbours get nearby numbers. The
 * clustering visits nodes in random order, and each visit reads the community of every neighbour: with
 * neighbours close in memory those reads hit the cache (cells in a data file come in no useful order).
 * Deterministic: BFS from node 0, neighbours in stored order, then from the next unvisited node.
 */
import { withDegrees, type WeightedGraph } from './weighted-graph.js';

export interface Renumbered {
  readonly graph: WeightedGraph;
  /** New number of each original node. */
  readonly newId: Int32Array;
}

export function breadthFirstRenumbering(g: WeightedGraph): Renumbered {
  const { n, indptr, indices, values } = g;
  const newId = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  let tail = 0;
  for (let s = 0; s < n; s++) {
    if (newId[s] !== -1) continue;
    newId[s] = tail;
    order[tail++] = s;
    for (let head = tail - 1; head < tail; head++) {
      const v = order[head]!;
      for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
        const u = indices[p]!;
        if (newId[u] === -1) {
          newId[u] = tail;
          order[tail++] = u;
        }
      }
    }
  }
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(indptr[n]!);
  const val = new Float64Array(indptr[n]!);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
      idx[w] = newId[indices[p]!]!;
      val[w++] = values[p]!;
    }
    ptr[i + 1] = w;
  }
  return { graph: withDegrees(n, ptr, idx, val), newId };
}
