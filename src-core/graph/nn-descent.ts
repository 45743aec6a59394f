/**
 * Approximate k nearest neighbours by NN-descent (Dong, Moses & Li, WWW 2011) started from a forest of
 * random-projection trees (Dasgupta & Freund 2008), for data whose intrinsic dimension defeats a k-d
 * tree (cells in 50 PCs). "A neighbour of a neighbour is likely a neighbour": each iteration samples
 * every point's new and old neighbours (forward and reverse), compares the pairs among them (the local
 * join) and keeps each point's k best; it stops when an iteration changes fewer than δ·n·k entries.
 *
 * Threads: the work is cut into row blocks run by a kernel pool (compute/kernel-pool.ts). An iteration's
 * joins run chunk by chunk over a fixed partition of the rows: all joins of a chunk read the graph as it
 * was at the chunk's start and return proposals, which are then applied row block by row block. Every
 * update is a set function of the proposals (nn-descent-kernels.ts), so the graph after each chunk, and
 * the result, are the same for any number of threads. docs/algorithm.md §1b.
 */
import type { KernelPool, KernelRef } from '../compute/kernel-pool.js';
import { BATCH, createPointStore, permuteRows, type PointStore } from '../compute/wasm-sqdist.js';
import type { KnnResult } from '../linalg/neighbours.js';
import type { ApplyTask, CandidateTask, InitTask, JoinTask, Proposals } from './nn-descent-kernels.js';
import { rpTreeKernel, type RpTreeTask } from './rp-tree.js';

export interface NnDescentOptions {
  readonly seed?: number;
  /** Random-projection trees of the initial graph (default 8). */
  readonly trees?: number;
  /** Largest leaf (raised to 2(k + 1) so that every leaf holds k neighbours of each of its points). */
  readonly leafSize?: number;
  /** Sampled new (and old) candidates per point and iteration (default ⌈1.5k⌉, at most 60). */
  readonly maxCandidates?: number;
  /** Default 10. */
  readonly maxIterations?: number;
  /** Stop when an iteration inserts fewer than δ·n·k entries (default 0.001). */
  readonly delta?: number;
  /** Rows per join chunk (fixed: the result depends on it, never on the thread count). */
  readonly chunk?: number;
  readonly onProgress?: (fraction: number) => void;
}

export interface NnDescentStats {
  readonly iterations: number;
  /** Entries inserted per iteration (after the initial forest). */
  readonly updates: readonly number[];
  /** Distance evaluations, all phases. */
  readonly evaluations: number;
  /** Distance evaluations of the forest initialisation, then of each iteration. */
  readonly evaluationsByPhase: readonly number[];
}

export interface NnDescentResult extends KnnResult {
  readonly stats: NnDescentStats;
  /** The points as the search read them (point i at row `row[i]`), for measuring recall the same way. */
  readonly store: PointStore;
  readonly row: Int32Array;
}

const kernels = new URL('./nn-descent-kernels.js', import.meta.url).href;
const INIT: KernelRef = { module: kernels, name: 'initRowsKernel' };
const CANDIDATES: KernelRef = { module: kernels, name: 'candidatesKernel' };
const JOIN: KernelRef = { module: kernels, name: 'localJoinKernel' };
const APPLY: KernelRef = { module: kernels, name: 'applyKernel' };
const RP_TREE: KernelRef = { module: new URL('./rp-tree.js', import.meta.url).href, name: 'rpTreeKernel' };

/** Rows per task: small enough to balance threads, large enough that messages cost little. */
const TASK_ROWS = 2048;
/** Target-row buckets of the apply phase. */
const BUCKETS = 16;

function rowBlocks(lo: number, hi: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = lo; a < hi; a += size) out.push([a, Math.min(hi, a + size)]);
  return out;
}

export async function nnDescent(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  pool: KernelPool,
  options: NnDescentOptions = {},
): Promise<NnDescentResult> {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const seed = options.seed ?? 0;
  const trees = Math.max(1, options.trees ?? 8);
  const leafSize = Math.max(2 * (k + 1), options.leafSize ?? 2 * (k + 1));
  // At most BATCH / 2 candidates: one join batch holds up to 2m − 1 rows.
  const m = Math.min(BATCH / 2, Math.max(2, options.maxCandidates ?? Math.min(60, Math.ceil(1.5 * k))));
  const maxIterations = options.maxIterations ?? 10;
  const delta = options.delta ?? 0.001;
  const chunk = Math.max(TASK_ROWS, options.chunk ?? 65536);
  const progress = options.onProgress;

  const treeSeed = (t: number): number => (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(t + 1, 0x85ebca6b)) >>> 0;
  // Tree 0 also orders the points: neighbours end up near each other in memory, which is what makes
  // the joins fast (they are bound by memory latency, not arithmetic). Internally point p is the
  // p-th point in tree 0's leaf order; the result is mapped back at the end.
  const order = new Int32Array(n);
  const span0 = new Int32Array(2 * n);
  const store = createPointStore(points, n, d);
  rpTreeKernel({ store, leafSize, seed: treeSeed(0), perm: order, span: span0 });
  permuteRows(store, order);
  const g = { k, idx: pool.alloc(Int32Array, n * k), dist: pool.alloc(Float32Array, n * k), flag: pool.alloc(Uint8Array, n * k) };
  let evaluations = 0;

  // 1. Forest → each point's k nearest leaf-mates.
  {
    const perm = pool.alloc(Int32Array, trees * n);
    const span = pool.alloc(Int32Array, 2 * trees * n);
    for (let p = 0; p < n; p++) {
      perm[p] = p;
      span[2 * p] = span0[2 * order[p]!]!;
      span[2 * p + 1] = span0[2 * order[p]! + 1]!;
    }
    const treeTasks: RpTreeTask[] = Array.from({ length: trees - 1 }, (_, t) => ({
      store, leafSize, seed: treeSeed(t + 1),
      perm: perm.subarray((t + 1) * n, (t + 2) * n), span: span.subarray(2 * (t + 1) * n, 2 * (t + 2) * n),
    }));
    await pool.map<RpTreeTask, number>(RP_TREE, treeTasks);
    const initTasks: InitTask[] = rowBlocks(0, n, TASK_ROWS).map(([lo, hi]) => ({ ...g, store, n, trees, perm, span, lo, hi }));
    for (const e of await pool.map<InitTask, number>(INIT, initTasks)) evaluations += e;
  }
  progress?.(0.1);

  // 2. NN-descent iterations.
  const newCand = pool.alloc(Int32Array, n * m);
  const oldCand = pool.alloc(Int32Array, n * m);
  const revPtr = pool.alloc(Int32Array, n + 1);
  const revIdx = pool.alloc(Int32Array, n * k);
  const revNew = pool.alloc(Uint8Array, n * k);
  const updates: number[] = [];
  const byPhase: number[] = [evaluations];
  let iterations = 0;
  for (let it = 0; it < maxIterations; it++) {
    snapshotReverse(g.idx, g.flag, n, k, revPtr, revIdx, revNew);
    const salt = (Math.imul(seed + 0x632be5ab, 0x27d4eb2f) ^ Math.imul(it + 1, 0x165667b1)) >>> 0;
    const candTasks: CandidateTask[] = rowBlocks(0, n, TASK_ROWS).map(([lo, hi]) => ({ ...g, n, revPtr, revIdx, revNew, newCand, oldCand, m, salt, lo, hi }));
    await pool.map<CandidateTask, number>(CANDIDATES, candTasks);
    for (const [c0, c1] of rowBlocks(0, n, chunk)) {
      const joinTasks: JoinTask[] = rowBlocks(c0, c1, TASK_ROWS).map(([lo, hi]) => ({ store, n, k, idx: g.idx, dist: g.dist, newCand, oldCand, m, lo, hi, buckets: BUCKETS }));
      const props = await pool.map<JoinTask, Proposals>(JOIN, joinTasks);
      for (const p of props) {
        evaluations += p.evals;
        byPhase[it + 1] = (byPhase[it + 1] ?? 0) + p.evals;
      }
      const applyTasks: ApplyTask[] = [];
      for (let b = 0; b < BUCKETS; b++) {
        const parts = props
          .filter((p) => p.bucketStart[b + 1]! > p.bucketStart[b]!)
          .map((p) => {
            const s = p.bucketStart[b]!;
            const e = p.bucketStart[b + 1]!;
            return { tgt: p.tgt.slice(s, e), src: p.src.slice(s, e), dist: p.dist.slice(s, e) };
          });
        if (parts.length > 0) applyTasks.push({ ...g, parts });
      }
      await pool.map<ApplyTask, number>(APPLY, applyTasks);
      progress?.(Math.min(0.95, 0.1 + (0.85 * (it + c1 / n)) / maxIterations));
    }
    iterations++;
    const changed = countAndSettle(g.flag);
    updates.push(changed);
    if (changed < delta * n * k) break;
  }
  progress?.(1);

  // Shared memory: the graph and landmark kernels read the lists without a copy.
  const indices = pool.alloc(Int32Array, n * k);
  const distances = pool.alloc(Float32Array, n * k);
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    for (let c = 0; c < k; c++) {
      indices[i * k + c] = order[g.idx[p * k + c]!]!;
      distances[i * k + c] = Math.sqrt(g.dist[p * k + c]!);
    }
  }
  const row = new Int32Array(n);
  for (let p = 0; p < n; p++) row[order[p]!] = p;
  return { n, k, indices, distances, stats: { iterations, updates, evaluations, evaluationsByPhase: byPhase }, store, row };
}

/** Entries inserted during the last iteration (flag 2), which become plain new entries (flag 1). */
function countAndSettle(flag: Uint8Array): number {
  let c = 0;
  for (let e = 0; e < flag.length; e++) {
    if (flag[e] === 2) {
      flag[e] = 1;
      c++;
    }
  }
  return c;
}

/** Reverse edges of the graph, grouped by target in ascending source order, with their new flags. */
function snapshotReverse(idx: Int32Array, flag: Uint8Array, n: number, k: number, revPtr: Int32Array, revIdx: Int32Array, revNew: Uint8Array): void {
  revPtr.fill(0);
  for (let e = 0; e < n * k; e++) {
    const v = idx[e]!;
    if (v >= 0) revPtr[v + 1]!++;
  }
  for (let v = 0; v < n; v++) revPtr[v + 1]! += revPtr[v]!;
  const fill = revPtr.slice(0, n);
  for (let u = 0; u < n; u++) {
    for (let p = 0; p < k; p++) {
      const v = idx[u * k + p]!;
      if (v < 0) continue;
      const q = fill[v]!++;
      revIdx[q] = u;
      revNew[q] = flag[u * k + p]! > 0 ? 1 : 0;
    }
  }
}
