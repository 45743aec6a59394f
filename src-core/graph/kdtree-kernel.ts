/** Kernel of kdtree-parallel.ts: the queries of tree-order positions [lo, hi). */
import { queryOne, type KdTree } from './kdtree.js';
import { TopK } from './top-k.js';

export interface KdQueryTask {
  readonly tree: KdTree;
  readonly k: number;
  readonly lo: number;
  readonly hi: number;
  readonly indices: Int32Array;
  readonly distances: Float32Array;
}

export function kdQueryKernel(t: KdQueryTask): number {
  const heap = new TopK(t.k);
  const order = t.tree.nodes.perm;
  let evals = 0;
  for (let r = t.lo; r < t.hi; r++) {
    const q = order[r]!;
    evals += queryOne(t.tree, q, heap);
    heap.drainSorted(t.indices, t.distances, q * t.k);
  }
  return evals;
}
