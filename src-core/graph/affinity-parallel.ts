/**
 * The alpha-decay affinity (affinity.ts) over the kernel pool: rows' kept edges and the rows' sort and
 * merge run as kernels on row blocks, the scatter of the two halves of each edge runs here. The
 * matrix is identical to `alphaDecayAffinity`'s for any thread count (each row's entries are summed in
 * the same order).
 */
import { shareable, type KernelPool, type KernelRef } from '../compute/kernel-pool.js';
import type { Csr64 } from '../linalg/csr.js';
import { compact, rowsTask, symmetricHalves, type AffinityOptions } from './affinity.js';
import type { AffinityRowsTask, KeptEdges, SortRowsTask } from './affinity-kernel.js';
import type { KnnResult } from '../linalg/neighbours.js';

const kernels = new URL('./affinity-kernel.js', import.meta.url).href;
const ROWS: KernelRef = { module: kernels, name: 'affinityRowsKernel' };
const SORT: KernelRef = { module: kernels, name: 'sortRowsKernel' };
const BLOCK = 16384;

export async function alphaDecayAffinityParallel(knn: KnnResult, options: AffinityOptions, pool: KernelPool): Promise<Csr64> {
  const n = knn.n;
  const shared: KnnResult = { ...knn, indices: shareable(pool, knn.indices), distances: shareable(pool, knn.distances) };
  const blocks: [number, number][] = [];
  for (let lo = 0; lo < n; lo += BLOCK) blocks.push([lo, Math.min(n, lo + BLOCK)]);
  const kept = await pool.map<AffinityRowsTask, KeptEdges>(ROWS, blocks.map(([lo, hi]) => rowsTask(shared, options, lo, hi)));
  const i32 = (l: number): Int32Array => pool.alloc(Int32Array, l);
  const f64 = (l: number): Float64Array => pool.alloc(Float64Array, l);
  const half = symmetricHalves(n, blocks.map(([lo], b) => ({ lo, kept: kept[b]! })), i32, f64);
  await pool.map<SortRowsTask, number>(SORT, blocks.map(([lo, hi]) => ({ ...half, lo, hi })));
  // In shared memory, so that the landmark kernels read it without a copy.
  return compact(n, half, i32, f64);
}
