/** The map's affinity graph exactly as the pipeline builds it (src-core/pipeline/pipeline.ts, stages knn and graph). */
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { knnExact } from '../../src-core/graph/knn.js';
import type { Csr64 } from '../../src-core/linalg/csr.js';
import { DEFAULTS } from '../../src-core/pipeline/params.js';

export async function mapGraph(points: Float32Array, n: number, dim: number): Promise<Csr64> {
  const knn = await knnExact(points, n, dim, Math.min(n - 1, 2 * DEFAULTS.knn));
  return alphaDecayAffinity(knn, { k: DEFAULTS.knn, decay: DEFAULTS.decay });
}
