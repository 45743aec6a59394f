/**
 * The exact k-d tree search with its queries spread over the kernel pool: the tree is built once in
 * shared memory, then blocks of queries (in leaf order, so a block walks the same branches) run as
 * kernels, each writing only its own rows. Every query is independent, so the result equals
 * `knnKdTree`'s for any thread count.
 */
import type { KernelPool, KernelRef } from '../compute/kernel-pool.js';
import { buildKdTree, type KnnResult, type TreeAlloc } from './kdtree.js';
import type { KdQueryTask } from './kdtree-kernel.js';

const QUERY: KernelRef = { module: new URL('./kdtree-kernel.js', import.meta.url).href, name: 'kdQueryKernel' };
const TASK_QUERIES = 8192;

export async function knnKdTreeParallel(points: Float32Array, n: number, d: number, k: number, pool: KernelPool, onProgress?: (f: number) => void): Promise<KnnResult> {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const alloc: TreeAlloc = { f32: (l) => pool.alloc(Float32Array, l), f64: (l) => pool.alloc(Float64Array, l), i32: (l) => pool.alloc(Int32Array, l) };
  const tree = buildKdTree(points.buffer instanceof ArrayBuffer && d > 256 ? copyShared(points, pool) : points, n, d, alloc);
  onProgress?.(0.2);
  const indices = pool.alloc(Int32Array, n * k);
  const distances = pool.alloc(Float32Array, n * k);
  const tasks: KdQueryTask[] = [];
  for (let lo = 0; lo < n; lo += TASK_QUERIES) tasks.push({ tree, k, lo, hi: Math.min(n, lo + TASK_QUERIES), indices, distances });
  await pool.map<KdQueryTask, number>(QUERY, tasks);
  onProgress?.(1);
  return { n, k, indices, distances };
}

function copyShared(points: Float32Array, pool: KernelPool): Float32Array {
  const c = pool.alloc(Float32Array, points.length);
  c.set(points);
  return c;
}
