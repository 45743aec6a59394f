/**
 * k nearest neighbours. `knnSearch` chooses between exact and approximate search ('auto'), or does
 * what it is told ('exact', 'approximate'):
 *  - auto: exact (`knnExact`, below) up to 10,000 points or on a GPU backend; above, the k-d tree when a
 *    probe on a sample shows it prunes well (intrinsically low-dimensional data such as a Swiss roll),
 *    else NN-descent (`nn-descent.ts`), whose recall is then measured on a seeded sample of points;
 *  - approximate: NN-descent at any size.
 *
 * Exact k nearest neighbours (`knnExact`), choosing the method from the data and the engine:
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
import { kernelPool } from '../compute/kernel-pool.js';
import { buildKdTree, kdTreeCostEstimate, knnKdTree, type KnnResult } from './kdtree.js';
import { knnKdTreeParallel } from './kdtree-parallel.js';
import { knnBlocked } from './knn-blocked.js';
import { knnRecall, type RecallReport } from './knn-recall.js';
import { nnDescent, type NnDescentStats } from './nn-descent.js';

export type KnnMethod = 'kdtree' | 'blocked' | 'webgpu' | 'tensorflow' | 'nn-descent';
export type KnnChoice = 'auto' | 'exact' | 'approximate';

export interface KnnRun extends KnnResult {
  readonly method: KnnMethod;
  readonly exact: boolean;
  /** Approximate search only: recall against brute force on a seeded sample of points. */
  readonly recall?: RecallReport;
  readonly nnDescent?: NnDescentStats;
}

export interface KnnSearchOptions {
  readonly choice?: KnnChoice;
  /** Cut-offs at which recall is reported besides k (e.g. the bandwidth neighbour). */
  readonly recallAt?: readonly number[];
  readonly onProgress?: (fraction: number) => void;
}

/** Up to this many points exact search is cheap enough to be the default. */
const EXACT_MAX_N = 10_000;
/** Points in the sample the k-d tree probe is built on. */
const PROBE_N = 16_384;
/**
 * The k-d tree wins while a query costs fewer distance evaluations than NN-descent spends per point
 * (≈ 700–1,300 on 50-D data, docs/benchmarks.md §6); measured: 50-D Swiss roll ≈ 150, real PCs ≈ n.
 */
const TREE_EVALS_LIMIT = 400;

export async function knnSearch(points: Float32Array, n: number, d: number, k: number, options: KnnSearchOptions = {}): Promise<KnnRun> {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const choice = options.choice ?? 'auto';
  const onProgress = options.onProgress;
  const backend = activeBackend()?.name;
  if (choice === 'exact' || (choice === 'auto' && (n <= EXACT_MAX_N || backend === 'webgpu' || backend === 'tensorflow'))) {
    return { ...(await knnExact(points, n, d, k, onProgress)), exact: true };
  }
  const pool = await kernelPool();
  if (choice === 'auto' && d <= 256 && treeProbe(points, n, d, k) < TREE_EVALS_LIMIT) {
    return { ...(await knnKdTreeParallel(points, n, d, k, pool, onProgress)), method: 'kdtree', exact: true };
  }
  const r = await nnDescent(points, n, d, k, pool, { onProgress: (f) => onProgress?.(0.95 * f) });
  const recall = await knnRecall(r.store, r.row, r, [k, ...(options.recallAt ?? [])], pool);
  onProgress?.(1);
  return { n, k, indices: r.indices, distances: r.distances, method: 'nn-descent', exact: false, recall, nnDescent: r.stats };
}

/** Distance evaluations per query of a k-d tree built on a seeded sample of at most PROBE_N points. */
function treeProbe(points: Float32Array, n: number, d: number, k: number): number {
  const s = Math.min(n, PROBE_N);
  const rows = sampleIndices(n, s, createRng(2));
  const sample = new Float32Array(s * d);
  rows.forEach((i, r) => sample.set(points.subarray(i * d, (i + 1) * d), r * d));
  const tree = buildKdTree(sample, s, d);
  return kdTreeCostEstimate(tree, sampleIndices(s, 200, createRng(1)), Math.min(k, s - 1));
}

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
