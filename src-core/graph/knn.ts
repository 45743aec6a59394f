/**
 * Exact k nearest neighbours, choosing the method from the data: a k-d tree on the principal axes when
 * it prunes well (intrinsically low-dimensional data), else blocked brute force on the tensor engine.
 * The choice is made by measuring the tree's distance evaluations on a small sample of queries.
 */
import { createRng, sampleIndices } from '../linalg/random.js';
import { buildKdTree, kdTreeCostEstimate, knnKdTree, type KnnResult } from './kdtree.js';
import { knnBlocked } from './knn-blocked.js';

export type KnnMethod = 'kdtree' | 'blocked';

/** Above this fraction of n distance evaluations per query, brute force at matrix speed wins. */
const TREE_WORK_LIMIT = 0.1;

export async function knnExact(points: Float32Array, n: number, d: number, k: number, onProgress?: (f: number) => void): Promise<KnnResult & { method: KnnMethod }> {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  if (n > 2000 && d <= 256) {
    const tree = buildKdTree(points, n, d);
    const cost = kdTreeCostEstimate(tree, sampleIndices(n, 200, createRng(1)), k);
    if (cost < TREE_WORK_LIMIT * n) return { ...knnKdTree(points, n, d, k, onProgress, tree), method: 'kdtree' };
  }
  return { ...(await knnBlocked(points, n, d, k, onProgress)), method: 'blocked' };
}
