/**
 * The refinement's graph and affinities (refine-graph.ts, refine.ts `refineAffinities`) built as one kernel
 * task on one thread: a pipeline sends it to a helper thread (`KernelPool.mapOnHelpers`) as soon as the
 * landmarks are chosen, so that P is built while its own thread runs the heat, dissimilarity and MDS stages, which
 * leave the helpers idle (pipeline.ts). The same matrix, bit for bit, as the pool's build.
 */
import type { Csr64 } from '../linalg/csr.js';
import type { KnnResult } from '../linalg/neighbours.js';
import { refineGraphHere } from './refine-graph.js';
import { refineAffinitiesHere } from './refine.js';

export interface RefineAffinitiesTask {
  /** The pipeline's kNN search and its graph (bandwidth graphK); the refinement graph's bandwidth k. */
  readonly knn: KnnResult;
  readonly graph: Csr64;
  readonly graphK: number;
  readonly k: number;
  readonly decay: number;
  readonly points: Float32Array;
  readonly dim: number;
  readonly maxPartners: number;
  readonly midNearShare: number;
}

export function refineAffinitiesKernel(t: RefineAffinitiesTask): Csr64 {
  const w = refineGraphHere(t.knn, t.graph, t.graphK, t.k, t.decay);
  return refineAffinitiesHere(w, t.points, t.dim, t.maxPartners, t.midNearShare);
}
