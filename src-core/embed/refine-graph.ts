/**
 * The graph the refinement's affinities are built on: the alpha-decay kernel of the pipeline's own kNN
 * search with a wider bandwidth (the `refineKnn`-th neighbour, 1.5·knn by default, instead of the `knn`-th), restricted to the
 * components of the pipeline's graph.
 *
 * Why wider: the landmark layout keeps k = 10, where a larger k would let short circuits into the heat
 * kernel (docs/algorithm.md §7), but the refinement only decides who sits next to whom, and on noisy
 * counts a 10-neighbour bandwidth is mostly noise. A 15-neighbour bandwidth averages more cells into each
 * affinity: on the count simulator it raised DEMaP at every noise level (docs/algorithm.md §6b).
 *
 * Why restricted: the wider kernel can join cells of two components that the layout mapped apart; an
 * edge between them would pull the packed components onto each other, so such edges are dropped.
 */
import type { KernelPool } from '../compute/kernel-pool.js';
import { alphaDecayAffinity } from '../graph/affinity.js';
import { alphaDecayAffinityParallel } from '../graph/affinity-parallel.js';
import { connectedComponents } from '../graph/components.js';
import { filterCsr, type Csr64 } from '../linalg/csr.js';
import type { KnnResult } from '../linalg/neighbours.js';

/** `graph` must be the alpha-decay graph of `knn` with bandwidth `graphK` and this `decay`: it is returned as it is for k = graphK. */
export async function refineGraph(knn: KnnResult, graph: Csr64, graphK: number, k: number, decay: number, pool: KernelPool): Promise<Csr64> {
  if (k === graphK) return graph;
  return withinComponentsOf(await alphaDecayAffinityParallel(knn, { k, decay }, pool), graph);
}

/** `refineGraph` on this thread alone, synchronously (the same graph). */
export function refineGraphHere(knn: KnnResult, graph: Csr64, graphK: number, k: number, decay: number): Csr64 {
  if (k === graphK) return graph;
  return withinComponentsOf(alphaDecayAffinity(knn, { k, decay }), graph);
}

function withinComponentsOf(wide: Csr64, graph: Csr64): Csr64 {
  const { count, labels } = connectedComponents(graph);
  return count === 1 ? wide : withinComponents(wide, labels);
}

/** The edges of `w` whose two ends have the same label (w symmetric, so the result is too). */
export function withinComponents(w: Csr64, labels: Int32Array): Csr64 {
  return filterCsr(w, (i, j) => labels[i] === labels[j]);
}
