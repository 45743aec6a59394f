/**
 * Exact k nearest neighbours, choosing the method from the data and the engine:
 *  - on a GPU backend, on the GPU: `webgpu` runs Isotherm's fused distance + top-k WGSL kernel
 *    (`compute/wgsl-knn.ts`), `tensorflow` (CUDA) runs blocked tf products with `tf.topk` on the device
 *    (`compute/knn-tf.ts`). If the GPU fails during the stage, the engine moves to the CPU (recorded in
 *    `BackendInfo.fallbacks`) and the whole stage reruns below with the CPU's method, so its result is
 *    exactly what a CPU run gives;
 *  - on the CPU, a k-d tree on the principal axes when it prunes well (intrinsically low-dimensional
 *    data), else blocked brute force on the tensor engine. The choice is made by measuring the tree's
 *    distance evaluations on a small sample of queries.
 */
import { activeBackend, activeGpu } from '../compute/backend.js';
import { GpuStageAbandoned, knnOnGpu } from '../compute/kernels.js';
import { knnOnTensorEngine } from '../compute/knn-tf.js';
import { KNN_MAX_K } from '../compute/wgsl-knn.js';
import { createRng, sampleIndices } from '../linalg/random.js';
import { buildKdTree, kdTreeCostEstimate, knnKdTree, type KnnResult } from './kdtree.js';
import { knnBlocked } from './knn-blocked.js';

export type KnnMethod = 'kdtree' | 'blocked' | 'webgpu' | 'tensorflow';

/** Above this fraction of n distance evaluations per query, brute force at matrix speed wins. */
const TREE_WORK_LIMIT = 0.1;

export async function knnExact(points: Float32Array, n: number, d: number, k: number, onProgress?: (f: number) => void): Promise<KnnResult & { method: KnnMethod }> {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const onGpu = await knnOnActiveGpu(points, n, d, k, onProgress);
  if (onGpu) return onGpu;
  if (n > 2000 && d <= 256) {
    const tree = buildKdTree(points, n, d);
    const cost = kdTreeCostEstimate(tree, sampleIndices(n, 200, createRng(1)), k);
    if (cost < TREE_WORK_LIMIT * n) return { ...knnKdTree(points, n, d, k, onProgress, tree), method: 'kdtree' };
  }
  return { ...(await knnBlocked(points, n, d, k, onProgress)), method: 'blocked' };
}

/** The GPU kNN of the active backend; null on the CPU, or when the GPU failed during the stage. */
async function knnOnActiveGpu(points: Float32Array, n: number, d: number, k: number, onProgress?: (f: number) => void): Promise<(KnnResult & { method: KnnMethod }) | null> {
  const name = activeBackend()?.name;
  try {
    if (name === 'webgpu' && activeGpu() && k <= KNN_MAX_K) {
      const r = await knnOnGpu(points, n, d, k, { onProgress, onFailure: 'abandon' });
      if (r) return { n: r.n, k: r.k, indices: r.indices, distances: r.distances, method: 'webgpu' };
    } else if (name === 'tensorflow') {
      return { ...(await knnOnTensorEngine(points, n, d, k, { onProgress })), method: 'tensorflow' };
    }
  } catch (e) {
    if (!(e instanceof GpuStageAbandoned)) throw e;
    onProgress?.(0);
  }
  return null;
}
