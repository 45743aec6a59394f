/**
 * Recall of an approximate kNN graph on a seeded sample of points: the exact k nearest neighbours of
 * each sampled point by brute force (all n points), and the fraction of the approximate neighbours that
 * are no farther than the exact k-th neighbour (so ties at the k-th distance do not count as misses).
 * Reported at k (the list searched) and at smaller cut-offs (e.g. the bandwidth neighbour, 10).
 */
import type { KernelPool, KernelRef } from '../compute/kernel-pool.js';
import type { PointStore } from '../compute/wasm-sqdist.js';
import { createRng, sampleIndices } from '../linalg/random.js';
import type { KnnResult } from '../linalg/neighbours.js';
import type { RecallTask } from './knn-recall-kernel.js';

const RECALL: KernelRef = { module: new URL('./knn-recall-kernel.js', import.meta.url).href, name: 'recallKernel' };

export interface RecallReport {
  readonly sample: number;
  /** Recall at each cut-off asked for, in the same order. */
  readonly recall: readonly { readonly k: number; readonly recall: number }[];
}

/**
 * Sample size keeping the brute force near 5·10⁷ distance evaluations (most abandoned after a few
 * coordinates): all cells up to 1,000, then 500 at 100k and 100 from 500k on. The standard error of
 * recall@10 is then at most √(r(1−r)/(10·100)) ≈ 0.007 at r = 0.95.
 */
export function recallSampleSize(n: number): number {
  return Math.min(n, Math.max(100, Math.min(1000, Math.floor(5e7 / n))));
}

/**
 * `store` holds the points (point i at row `row[i]`, or row i when `row` is null), as the approximate
 * search left them; distances are computed exactly as the search computed them.
 */
export async function knnRecall(
  store: PointStore,
  row: Int32Array | null,
  knn: KnnResult,
  cutoffs: readonly number[],
  pool: KernelPool,
  sample = recallSampleSize(store.n),
  seed = 12345,
): Promise<RecallReport> {
  const n = store.n;
  const k = knn.k;
  const ks = cutoffs.map((c) => Math.max(1, Math.min(k, Math.floor(c))));
  const queries = sampleIndices(n, sample, createRng(seed));
  queries.sort();
  const per = 16;
  const tasks: RecallTask[] = [];
  for (let a = 0; a < queries.length; a += per) {
    const q = queries.slice(a, a + per);
    const approx = new Int32Array(q.length * k);
    q.forEach((i, r) => approx.set(knn.indices.subarray(i * k, (i + 1) * k), r * k));
    tasks.push({ store, row, k, queries: q, approx, cutoffs: Int32Array.from(ks) });
  }
  const hits = new Float64Array(ks.length);
  for (const h of await pool.map<RecallTask, Float64Array>(RECALL, tasks)) for (let c = 0; c < ks.length; c++) hits[c]! += h[c]!;
  return { sample: queries.length, recall: ks.map((kk, c) => ({ k: kk, recall: hits[c]! / (queries.length * kk) })) };
}
