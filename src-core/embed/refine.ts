/**
 * Neighbourhood refinement: the landmark layout fixes where every region of the data goes (global
 * geometry from heat-geodesic distances); the out-of-sample extension then places each cell at a weighted
 * mean of landmark positions, which blurs everything inside a landmark's region. This stage moves every cell
 * so that its map neighbours are its graph neighbours, starting from that layout, by gradient descent on the
 * neighbour-embedding objective (docs/algorithm.md §5)
 *
 *   C(Y) = ρ·Σ_ij p_ij log(1/q̃_ij) + log Σ_{i≠j} q̃_ij,    q̃_ij = 1 / (1 + ‖y_i − y_j‖²),
 *
 * i.e. t-SNE's cost with attraction weight ρ (ρ = 1 is t-SNE; larger ρ keeps more of the initial layout's
 * large-scale arrangement). The partners j of a cell are its two-step neighbours on the refinement graph
 * (refine-graph.ts: the pipeline's kNN with a 1.5× wider bandwidth) — about (1.5k)² per cell, so the attraction also binds neighbouring regions together and the
 * global arrangement survives (measured on real and simulated cells, one-step neighbourhoods fragment the
 * map) — weighted by `refineAffinities` (a noise-robust random walk mixed with a density-keeping Gaussian).
 *
 * Gradient: ∂C/∂y_i = 4 Σ_j (ρ p_ij − q̃_ij/Z) q̃_ij (y_i − y_j); the repulsion Σ_j q̃_ij² (y_i − y_j) and
 * Z = Σ q̃_ij by Barnes–Hut on a quadtree (θ = 1). Steps are Jacobi (every cell moves from the same
 * positions), with momentum and per-coordinate gains (Jacobs' delta-bar-delta, as in t-SNE), so the result is
 * deterministic and does not depend on evaluation order.
 */
import { filterCsr, transposeCsrArrays, type Csr64 } from '../linalg/csr.js';
import { nthLargest } from '../linalg/select.js';
import { inlineKernelPool, shareable, type KernelPool, type KernelRef } from '../compute/kernel-pool.js';
import { createPointStore, type PointStore } from '../compute/wasm-sqdist.js';
import { componentCells, MID_NEAR_DRAWS, midNearKernel, withMidNear, type MidNearTask } from './mid-near.js';
import { mapCentre } from './pack-components.js';
import { QuadTreeBuilder, type QuadTree, type QuadTreeArrays } from './quadtree.js';
import { refineForcesKernel, type RefineForcesTask } from './refine-forces.js';
import { forceArena, type ForceArena } from './refine-forces-wasm.js';
import { supportDistancesKernel, twoStepRowsKernel, type SupportDistancesTask, type TwoStepRows, type TwoStepRowsTask } from './two-step-rows.js';

export interface RefineOptions {
  readonly iterations: number;
  /** ρ: weight of the attraction relative to t-SNE (1). */
  readonly exaggeration: number;
  /** Barnes–Hut opening angle (default 1: measured no worse than 0.8 on mouse10k and Swiss rolls, ~⅓ fewer node visits). */
  readonly theta?: number;
  readonly checkCancelled?: () => void;
  /** Called every few iterations with the fraction done. */
  readonly onProgress?: (fraction: number) => void;
  /** Learning-rate multiplier (default 1): the automatic schedule's shorter runs take longer steps (`refineStepScale`). */
  readonly stepScale?: number;
  /** Threads for the per-cell forces (default: this thread only); the result is the same for any pool. */
  readonly pool?: KernelPool;
  /** Pairs per attraction block, at least (default ATTRACTION_MIN_PAIRS; tests take fewer to have several blocks on small data). */
  readonly attractionBlockPairs?: number;
}

/**
 * Iterations of `refine: 'auto'` by number of cells: 100 up to 50k cells (150 measured no better on
 * mouse10k or Swiss rolls: docs/algorithm.md §6b); from 50k down to 30 at 100k and beyond, with
 * proportionally longer steps (`refineLayout`): on realistic 100k data (tiled mouse10k) 30 iterations gave
 * DEMaP 0.449 / trustworthiness 0.709 against 0.406 / 0.718 for 100, at under a third of the cost
 * (docs/benchmarks.md §7). None above REFINE_AUTO_MAX_CELLS: with Barnes–Hut the stage took 178 s of a
 * 210 s run on a million cells, so above that size a map is the extended landmark layout unless the user
 * asks for iterations (`--refine N`).
 */
export const REFINE_AUTO_MAX_CELLS = 200_000;
const FULL_REFINE_MAX_CELLS = 50_000;

export function refineIterations(n: number): number {
  if (n > REFINE_AUTO_MAX_CELLS) return 0;
  if (n <= FULL_REFINE_MAX_CELLS) return 100;
  // geometric from 100 at 50k to 30 at 100k (exponent log(10/3)/log 2), then 30
  return Math.max(30, Math.round(100 * (FULL_REFINE_MAX_CELLS / n) ** 1.737));
}

/**
 * ρ of `refineExaggeration: 'auto'`, by number of cells: 1 (t-SNE's balance) up to 1,000 cells, 1.3 from
 * 3,000, log-linear between. Exaggeration compacts clusters; in small data sets they hold few cells and are
 * squeezed into blobs that lose their inner order (on four real sets of 240–1,107 cells ρ = 1 raised DEMaP
 * and trustworthiness both), while larger ones need the extra attraction to keep the landmark layout's
 * arrangement (3,000-cell simulator and mouse10k lose at ρ = 1): docs/algorithm.md §6b.
 */
export function refineExaggeration(n: number): number {
  if (n <= RHO_SMALL_CELLS) return 1;
  if (n >= RHO_LARGE_CELLS) return RHO_LARGE;
  return 1 + ((RHO_LARGE - 1) * Math.log(n / RHO_SMALL_CELLS)) / Math.log(RHO_LARGE_CELLS / RHO_SMALL_CELLS);
}
const RHO_SMALL_CELLS = 1000;
const RHO_LARGE_CELLS = 3000;
const RHO_LARGE = 1.3;

/** Learning-rate multiplier of `refine: 'auto'`: its runs shorter than 100 iterations take the same total step. */
export function refineStepScale(n: number): number {
  const it = refineIterations(n);
  return it > 0 ? Math.max(1, 100 / it) : 1;
}

/**
 * Two-step partners kept per cell (mass-preserving sparsification, `sparsifyRow`): 128 up to 50k cells —
 * real 50-D PCs have ~600 two-step partners per cell against ~40 on a Swiss roll — 64 up to 250k (measured
 * on realistic 100k data: as good as 128, half the cost), then 32, so that the affinity matrix stays O(n)
 * in memory.
 */
export function refinePartners(n: number): number {
  return n <= FULL_REFINE_MAX_CELLS ? 128 : n <= 250_000 ? 64 : 32;
}

/** P ∝ T² + (T²)ᵀ with T = D⁻¹W, self pairs dropped, Σ p_ij = 1; rows of W with no edge contribute nothing. */
export function twoStepAffinities(graph: Csr64, maxPartners = Infinity): Csr64 {
  const w = withoutSelfLoops(graph);
  const rowSum = walkRowSums(w);
  return assembleTwoStep(w.n, [twoStepRowsKernel({ indptr: w.indptr, indices: w.indices, values: w.values, rowSum, lo: 0, hi: w.n, maxPartners })]);
}

/** `twoStepAffinities` with the rows computed in blocks on the kernel pool: the same matrix for any thread count. */
export async function twoStepAffinitiesOnPool(graph: Csr64, maxPartners: number, pool: KernelPool): Promise<Csr64> {
  if (pool.threads === 1) return twoStepAffinities(graph, maxPartners);
  const w = withoutSelfLoops(graph);
  const rowSum = walkRowSums(w);
  const shared = { indptr: shareable(pool, w.indptr), indices: shareable(pool, w.indices), values: shareable(pool, w.values), rowSum: shareable(pool, rowSum) };
  const parts = await pool.map<TwoStepRowsTask, TwoStepRows>(ROWS, cellBlocks(w.n, pool.threads).map(([lo, hi]) => ({ ...shared, lo, hi, maxPartners })));
  return assembleTwoStep(w.n, parts);
}

const ROWS: KernelRef = { module: new URL('./two-step-rows.js', import.meta.url).href, name: 'twoStepRowsKernel' };
const MID_NEAR: KernelRef = { module: new URL('./mid-near.js', import.meta.url).href, name: 'midNearKernel' };
const DISTANCES: KernelRef = { module: new URL('./two-step-rows.js', import.meta.url).href, name: 'supportDistancesKernel' };

/** Blocks of cells for the threads: a few per thread so that uneven blocks even out. */
function cellBlocks(n: number, threads: number): [number, number][] {
  const size = Math.max(2048, Math.ceil(n / (4 * threads)));
  const blocks: [number, number][] = [];
  for (let lo = 0; lo < n; lo += size) blocks.push([lo, Math.min(n, lo + size)]);
  return blocks;
}

/** w without its self-loops (the walk never stays put), or w itself when it has none. */
function withoutSelfLoops(w: Csr64): Csr64 {
  for (let i = 0; i < w.n; i++) for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) if (w.indices[q] === i) return filterCsr(w, (a, b) => a !== b);
  return w;
}

function walkRowSums(w: Csr64): Float64Array {
  const rowSum = new Float64Array(w.n);
  for (let i = 0; i < w.n; i++) for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) if (w.indices[q] !== i) rowSum[i]! += w.values[q]!;
  return rowSum;
}

/**
 * P ∝ T² + (T²)ᵀ from rows of T² in row order (columns ascending within a row), Σ p_ij = 1. The transpose
 * (a counting sort) has sorted rows too, so P's rows are two sorted lists merged: linear in the pairs.
 */
function assembleTwoStep(n: number, parts: readonly TwoStepRows[]): Csr64 {
  const { aPtr, aCols, aVals } = rowsOf(n, parts);
  const kept = aCols.length;
  const { indptr: tPtr, indices: tCols, values: tVals } = transposeCsrArrays(n, n, aPtr, aCols, aVals, (l) => new Float64Array(l));
  // Normalise to Σ p_ij = 1 (t-SNE's convention; the walk's return mass Σ_j T_ij T_ji was dropped above).
  let total = 0;
  for (let q = 0; q < kept; q++) total += aVals[q]! + aVals[q]!;
  const scale = total > 0 ? 1 / total : 1;
  // Row lengths of P first (pairs in both lists count once, found by marking a row's columns: no branch on
  // the data, unlike a merge), so P is allocated at its exact size.
  const indptr = new Int32Array(n + 1);
  const mark = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const aEnd = aPtr[i + 1]!, bEnd = tPtr[i + 1]!;
    for (let a = aPtr[i]!; a < aEnd; a++) mark[aCols[a]!] = i;
    let both = 0;
    for (let b = tPtr[i]!; b < bEnd; b++) both += mark[tCols[b]!] === i ? 1 : 0;
    indptr[i + 1] = indptr[i]! + (aEnd - aPtr[i]!) + (bEnd - tPtr[i]!) - both;
  }
  const indices = new Int32Array(indptr[n]!);
  const values = new Float64Array(indptr[n]!);
  // p_il = (a_il + a_li)·scale, a missing one counting as 0 (the same sum whichever row it is in: + commutes exactly).
  let e = 0;
  for (let i = 0; i < n; i++) {
    let a = aPtr[i]!, b = tPtr[i]!;
    const aEnd = aPtr[i + 1]!, bEnd = tPtr[i + 1]!;
    while (a < aEnd && b < bEnd) {
      const ca = aCols[a]!, cb = tCols[b]!;
      if (ca < cb) {
        indices[e] = ca;
        values[e++] = (aVals[a++]! + 0) * scale;
      } else if (cb < ca) {
        indices[e] = cb;
        values[e++] = (0 + tVals[b++]!) * scale;
      } else {
        indices[e] = ca;
        values[e++] = (aVals[a++]! + tVals[b++]!) * scale;
      }
    }
    for (; a < aEnd; a++) {
      indices[e] = aCols[a]!;
      values[e++] = (aVals[a]! + 0) * scale;
    }
    for (; b < bEnd; b++) {
      indices[e] = tCols[b]!;
      values[e++] = (0 + tVals[b]!) * scale;
    }
  }
  return { n, indptr, indices, values };
}

/** The blocks' rows of T² as one CSR (a single block covering all rows is used as it is). */
function rowsOf(n: number, parts: readonly TwoStepRows[]): { aPtr: Int32Array; aCols: Int32Array; aVals: Float64Array } {
  const aPtr = new Int32Array(n + 1);
  for (const part of parts) for (let r = 0; r < part.counts.length; r++) aPtr[part.lo + r + 1] = part.counts[r]!;
  for (let i = 0; i < n; i++) aPtr[i + 1]! += aPtr[i]!;
  const only = parts.length === 1 ? parts[0]! : null;
  if (only && only.lo === 0 && only.counts.length === n) return { aPtr, aCols: only.cols, aVals: only.vals };
  const aCols = new Int32Array(aPtr[n]!);
  const aVals = new Float64Array(aPtr[n]!);
  for (const part of parts) {
    aCols.set(part.cols, aPtr[part.lo]!);
    aVals.set(part.vals, aPtr[part.lo]!);
  }
  return { aPtr, aCols, aVals };
}

/** `p` must be symmetric (as `refineAffinities` makes it): the attraction reads its upper triangle only. */
export async function refineLayout(init: ArrayLike<number>, p: Csr64, o: RefineOptions): Promise<Float32Array> {
  const n = p.n;
  const pool = o.pool ?? inlineKernelPool;
  if (n < 3 || o.iterations <= 0) return Float32Array.from(scaledStart(init, p));
  // The arrays the forces read and write, in one WebAssembly memory when there is one (refine-forces-wasm.ts).
  const minPairs = o.attractionBlockPairs ?? ATTRACTION_MIN_PAIRS;
  const arena = layoutArena(p, pool, minPairs);
  const f64 = (l: number): Float64Array => (arena ? arena.alloc(Float64Array, l) : pool.alloc(Float64Array, l));
  const i32 = (l: number): Int32Array => (arena ? arena.alloc(Int32Array, l) : pool.alloc(Int32Array, l));
  const y = f64(2 * n);
  y.set(scaledStart(init, p));
  const theta2 = (o.theta ?? 1) ** 2;
  const rho = o.exaggeration;
  const lr = Math.max(n / (4 * rho), 50) * (o.stepScale ?? 1);
  const step = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const rep = f64(2 * n);
  const zRow = f64(n);
  // P is symmetric: the attraction reads each pair once, from the upper triangle (j > i), in shared memory.
  const { indptr, indices, values } = filterCsr(p, (i, j) => j > i, i32, f64);
  const upper = { indptr, indices, values };
  // Attraction: blocks of about equal pair counts, fixed by P alone (so the sum is the same for any thread
  // count), each with its own buffer; repulsion: runs of leaves of about equal cell counts. Separate tasks,
  // the repulsion's (larger) first, so that the pool's threads finish together.
  const attBlocks = attractionBlocks(indptr, minPairs);
  const attBuf = f64(attBlocks.length * 2 * n);
  const attStart = Int32Array.from(attBlocks, ([lo]) => 2 * lo);
  const memory = arena?.memory ?? null;
  const repParts = repulsionParts(n, pool.threads);
  const treeCopy = new SharedTree(pool, arena, n);
  const trees = new QuadTreeBuilder();
  // The tasks read and write the same arrays every step: only the repulsion's tree and leaf runs change.
  const common = { y, ...upper, theta2, rep, zRow, att: attBuf, memory };
  const attTasks = attBlocks.map(([lo, hi], b): RefineForcesTask => ({ ...common, ...NO_TREE, attOffset: b * 2 * n, lo, hi, leafLo: 0, leafHi: 0 }));
  for (let it = 0; it < o.iterations; it++) {
    if ((it & 7) === 0) {
      o.checkCancelled?.();
      o.onProgress?.(it / o.iterations);
    }
    // The attraction needs no quadtree: on a pool with helpers it runs there while this thread builds the
    // tree, then the repulsion's tasks are spread over all threads. The two write disjoint arrays.
    const attDone = pool.threads === 1 ? null : pool.mapOnHelpers<RefineForcesTask, number>(FORCES, attTasks);
    attDone?.catch(() => {}); // awaited below; a failure is thrown there, not left unhandled if the repulsion fails first
    const tree = trees.build(y, n);
    const t = treeCopy.of(tree);
    const leafBlocks = leafBlocksOf(tree, repParts);
    const repTasks: RefineForcesTask[] = [];
    for (let b = 0; b < repParts; b++) repTasks.push({ ...common, ...t, attOffset: 0, lo: 0, hi: 0, leafLo: leafBlocks[b]!, leafHi: leafBlocks[b + 1]! });
    if (attDone) {
      await pool.map<RefineForcesTask, number>(FORCES, repTasks);
      await attDone;
    } else for (const task of [...repTasks, ...attTasks]) refineForcesKernel(task);
    let z = 0;
    for (let i = 0; i < n; i++) z += zRow[i]!; // summed in cell order: deterministic
    applyStep({ y, step, gains, rep, attBuf, attStart, z, rho, lr, momentum: it < 50 ? 0.5 : 0.8 });
  }
  o.onProgress?.(1);
  return Float32Array.from(y);
}

interface StepState {
  readonly y: Float64Array;
  readonly step: Float64Array;
  readonly gains: Float64Array;
  readonly rep: Float64Array;
  /** The attraction blocks' buffers (2n each); block b holds entries from attStart[b] on. */
  readonly attBuf: Float64Array;
  readonly attStart: Int32Array;
  readonly z: number;
  readonly rho: number;
  readonly lr: number;
  readonly momentum: number;
}

/**
 * One step from the forces: the attraction summed over the blocks' buffers in block order (each pair's force
 * sits in the buffer of its smaller cell's block), the gradient, the gains and momentum, and the move. One
 * loop in a plain function rather than four in the async layout loop, with the same operations in the same
 * order (mouse10k, instrumented, under load: 0.56–0.62 against 0.84–1.47 ms per step).
 */
function applyStep(s: StepState): void {
  const { y, step, gains, rep, attBuf, attStart, z, rho, lr, momentum } = s;
  const m = y.length;
  const blocks = attStart.length;
  for (let c = 0; c < m; c++) {
    let a = 0;
    for (let b = 0; b < blocks; b++) if (c >= attStart[b]!) a += attBuf[b * m + c]!;
    const g = 4 * (rho * a - rep[c]! / z);
    const gain = g > 0 !== step[c]! > 0 ? gains[c]! + 0.2 : Math.max(0.01, gains[c]! * 0.8);
    gains[c] = gain;
    step[c] = momentum * step[c]! - lr * gain * g;
    y[c]! += step[c]!;
  }
}

/**
 * The memory for y, rep, zRow, P's upper triangle, the attraction buffers (2n floats per block) and a copy of
 * each step's quadtree (up to 2n + 64 nodes), shared when the pool has helpers, with a scratch slot per
 * thread; null without WebAssembly (pool arrays then). Bytes ≈ (126 + 16·B)·n + 12·m + 129 KiB per thread,
 * with B ≤ 8 attraction blocks and m pairs in the triangle: all but the tree's 82·n and the slots were
 * pool arrays before (mouse10k: 14.6 MB; 200k cells with m ≈ 10⁷: ≈ 170 MB).
 */
function layoutArena(p: Csr64, pool: KernelPool, minPairs: number): ForceArena | null {
  const n = p.n;
  let upper = 0;
  for (let i = 0; i < n; i++) for (let q = p.indptr[i]!; q < p.indptr[i + 1]!; q++) if (p.indices[q]! > i) upper++;
  const attLength = attractionBlockCount(upper, minPairs) * 2 * n;
  const c = arenaNodes(n);
  const tree = [4 * n, 4 * n, 4 * c, 4 * c, 4 * c, c, 8 * c, 8 * c, 8 * c];
  const sizes = [16 * n, 16 * n, 8 * n, 4 * (n + 1), 4 * upper, 8 * upper, 8 * attLength, ...tree];
  return forceArena(pool.threads, sizes, pool.threads > 1);
}

const FORCES: KernelRef = { module: new URL('./refine-forces.js', import.meta.url).href, name: 'refineForcesKernel' };

/** The tree fields of an attraction task, which reads no tree. */
const NO_TREE: QuadTreeArrays = treeArrays(0, 0, (ctor, l) => new ctor(new ArrayBuffer(l * ctor.BYTES_PER_ELEMENT)));

/**
 * The attraction's blocks of rows: about equal numbers of upper-triangle pairs each (the first rows hold the
 * most: their partners are mostly above them), at most ATTRACTION_BLOCKS (each holds a 2n buffer) and at
 * least ATTRACTION_MIN_PAIRS pairs each. The blocks depend on P only, so that the buffers' sum in block order
 * is the same for any thread count. That sum reads each block's buffer from its first row on, once per step:
 * on mouse10k (≈ 10⁶ pairs) 8 blocks made it the largest part of a step's own loops, so blocks are large
 * (3 there) and the repulsion's tasks keep the threads busy.
 */
const ATTRACTION_BLOCKS = 8;
const ATTRACTION_MIN_PAIRS = 262_144;

const attractionBlockCount = (pairs: number, minPairs: number): number => Math.max(1, Math.min(ATTRACTION_BLOCKS, Math.floor(pairs / minPairs)));

export function attractionBlocks(indptr: Int32Array, minPairs = ATTRACTION_MIN_PAIRS): [number, number][] {
  const n = indptr.length - 1;
  const pairs = indptr[n]!;
  const count = attractionBlockCount(pairs, minPairs);
  const blocks: [number, number][] = [];
  let lo = 0;
  for (let b = 1; b <= count && lo < n; b++) {
    let hi = lo;
    const target = (b * pairs) / count;
    while (hi < n && (indptr[hi + 1]! <= target || hi === lo)) hi++;
    if (b === count) hi = n;
    blocks.push([lo, hi]);
    lo = hi;
  }
  return blocks;
}

/** Runs of quadtree leaves for the repulsion: one per thread below 8,192 cells, else three per thread so that uneven runs even out. */
function repulsionParts(n: number, threads: number): number {
  return threads === 1 ? 1 : n < 8192 ? threads : 3 * threads;
}

/** Boundaries splitting the tree's leaves into `parts` runs of about equal cell counts. */
function leafBlocksOf(tree: QuadTree, parts: number): Int32Array {
  const bounds = new Int32Array(parts + 1);
  const n = tree.order.length;
  let b = 1;
  for (let l = 0; l < tree.leaves.length && b < parts; l++) {
    // Cut before the first leaf starting at or past the b-th share of the cells.
    while (b < parts && tree.start[tree.leaves[l]!]! >= (b * n) / parts) bounds[b++] = l;
  }
  while (b <= parts) bounds[b++] = tree.leaves.length;
  return bounds;
}

/** Nodes of a quadtree the arena holds (a tree of n cells has fewer unless its leaves sit deep in chains of single children). */
const arenaNodes = (n: number): number => 2 * n + 64;

type Alloc = <A extends Int32Array | Uint8Array | Float64Array>(ctor: { new (b: ArrayBufferLike, o: number, l: number): A; new (b: ArrayBufferLike): A; readonly BYTES_PER_ELEMENT: number }, l: number) => A;

/** Arrays for a tree of n cells and up to `nodes` nodes. */
function treeArrays(n: number, nodes: number, alloc: Alloc): QuadTreeArrays {
  return {
    order: alloc(Int32Array, n),
    leaves: alloc(Int32Array, n), // at most one leaf per cell: a prefix used
    start: alloc(Int32Array, nodes),
    end: alloc(Int32Array, nodes),
    firstChild: alloc(Int32Array, nodes),
    childCount: alloc(Uint8Array, nodes),
    comX: alloc(Float64Array, nodes),
    comY: alloc(Float64Array, nodes),
    width2: alloc(Float64Array, nodes),
  };
}

/** `tree` copied into `to` (which has room for it). */
function copyTree(tree: QuadTree, to: QuadTreeArrays): QuadTreeArrays {
  const m = tree.nodes;
  to.order.set(tree.order);
  to.leaves.set(tree.leaves);
  to.start.set(tree.start.subarray(0, m));
  to.end.set(tree.end.subarray(0, m));
  to.firstChild.set(tree.firstChild.subarray(0, m));
  to.childCount.set(tree.childCount.subarray(0, m));
  to.comX.set(tree.comX.subarray(0, m));
  to.comY.set(tree.comY.subarray(0, m));
  to.width2.set(tree.width2.subarray(0, m));
  return { ...to, leaves: to.leaves.subarray(0, tree.leaves.length) };
}

/**
 * The quadtree copied where the forces' threads read it: into the layout's arena (where the WebAssembly
 * walks it) when it fits there, else, on a pool with helpers, into shared arrays grown as trees need more
 * nodes; else the tree itself.
 */
class SharedTree {
  readonly #arena: QuadTreeArrays | null;
  readonly #arenaCap: number;
  #shared: QuadTreeArrays | null = null;
  #sharedCap = 0;
  constructor(private readonly pool: KernelPool, arena: ForceArena | null, n: number) {
    this.#arenaCap = arenaNodes(n);
    this.#arena = arena ? treeArrays(n, this.#arenaCap, (c, l) => arena.alloc(c, l)) : null;
  }

  of(tree: QuadTree): QuadTreeArrays {
    if (this.#arena && tree.nodes <= this.#arenaCap) return copyTree(tree, this.#arena);
    // Otherwise the JavaScript walk runs (the same result).
    if (this.pool.threads === 1) return tree;
    if (tree.nodes > this.#sharedCap) {
      this.#sharedCap = Math.ceil(tree.nodes * 1.25);
      this.#shared = treeArrays(tree.order.length, this.#sharedCap, (c, l) => this.pool.alloc(c, l));
    }
    return copyTree(tree, this.#shared!);
  }
}

/**
 * The initial layout, centred and scaled so that the P-weighted mean distance between partners is 1: the
 * Cauchy kernel's own length scale, so that attraction and repulsion start balanced whatever units the
 * global layout came in.
 */
function scaledStart(init: ArrayLike<number>, p: Csr64): Float64Array {
  const n = p.n;
  const y = Float64Array.from({ length: 2 * n }, (_, c) => init[c]!);
  const [mx, my] = mapCentre(y, n);
  // P is symmetric: each pair once (j > i) gives the same mean. sqrt, not Math.hypot: ~10× faster in V8,
  // and a map's distances need no protection from overflow.
  let num = 0, den = 0;
  for (let i = 0; i < n; i++)
    for (let q = p.indptr[i]!; q < p.indptr[i + 1]!; q++) {
      const j = p.indices[q]!;
      if (j <= i) continue;
      const dx = y[2 * i]! - y[2 * j]!, dy = y[2 * i + 1]! - y[2 * j + 1]!;
      num += p.values[q]! * Math.sqrt(dx * dx + dy * dy);
      den += p.values[q]!;
    }
  const mean = den > 0 ? num / den : 0;
  const scale = mean > 0 ? 1 / mean : 1;
  for (let i = 0; i < n; i++) {
    y[2 * i] = (y[2 * i]! - mx) * scale;
    y[2 * i + 1] = (y[2 * i + 1]! - my) * scale;
  }
  return y;
}

/**
 * The refinement's affinities: P = WALK_SHARE·P_walk + (1 − WALK_SHARE)·P_gauss on the two-step support.
 * P_walk (twoStepAffinities) comes from the adaptive-bandwidth graph: robust to count noise, but every cell
 * gets the same attraction, so the map's density is equalised and a manifold sampled unevenly is stretched.
 * P_gauss = exp(−‖x_i − x_j‖²/2σ²) with one global σ (the median pair distance) keeps density: dense
 * regions attract more. Alone it fails on noisy counts (all distances inflated alike); the 70/30 mix keeps
 * both properties (docs/algorithm.md §5, measured on Swiss rolls, simulated counts and real cells).
 */
export const WALK_SHARE = 0.7;

export async function refineAffinities(w: Csr64, points: Float32Array, dim: number, maxPartners = Infinity, pool: KernelPool = inlineKernelPool, midNearShare = 0): Promise<Csr64> {
  const walk = await twoStepAffinitiesOnPool(w, maxPartners, pool);
  const d2 = pool.alloc(Float64Array, walk.indices.length);
  const store = createPointStore(points, w.n, dim);
  const shared = { indptr: shareable(pool, walk.indptr), indices: shareable(pool, walk.indices), store, out: d2 };
  await pool.map<SupportDistancesTask, number>(DISTANCES, cellBlocks(w.n, pool.threads).map(([lo, hi]) => ({ ...shared, lo, hi })));
  // Both arrays are this function's own: the Gaussian goes over d2 and the mix over the walk's values.
  mixWithGaussian(walk, d2);
  if (!(midNearShare > 0)) return walk;
  return withMidNear(walk, await midNearPartners(w, store, pool), midNearShare);
}

/** `refineAffinities` on this thread alone, synchronously (the same matrix, bit for bit): for a kernel task. */
export function refineAffinitiesHere(w: Csr64, points: Float32Array, dim: number, maxPartners = Infinity, midNearShare = 0): Csr64 {
  const walk = twoStepAffinities(w, maxPartners);
  const d2 = new Float64Array(walk.indices.length);
  const store = createPointStore(points, w.n, dim);
  supportDistancesKernel({ indptr: walk.indptr, indices: walk.indices, store, lo: 0, hi: w.n, out: d2 });
  mixWithGaussian(walk, d2);
  if (!(midNearShare > 0)) return walk;
  const partners = midNearKernel({ store, ...componentCells(w), lo: 0, hi: w.n });
  return withMidNear(walk, partners, midNearShare);
}

/** The walk's values become WALK_SHARE·P_walk + (1 − WALK_SHARE)·P_gauss, with d2 (this function's to overwrite) the support's squared distances. */
function mixWithGaussian(walk: Csr64, d2: Float64Array): void {
  const { kernel, total } = gaussianOnSupport(walk, d2);
  const values = walk.values;
  const norm = total > 0 ? total : 1;
  for (let q = 0; q < values.length; q++) values[q] = WALK_SHARE * values[q]! + (1 - WALK_SHARE) * (kernel[q]! / norm);
}

/** Every cell's mid-near partners (mid-near.ts), drawn within the components of the refinement graph w. */
async function midNearPartners(w: Csr64, store: PointStore, pool: KernelPool): Promise<Int32Array> {
  const { labels, offsets, members, position } = componentCells(w);
  const shared = { store, labels: shareable(pool, labels), offsets: shareable(pool, offsets), members: shareable(pool, members), position: shareable(pool, position) };
  const parts = await pool.map<MidNearTask, Int32Array>(MID_NEAR, cellBlocks(w.n, pool.threads).map(([lo, hi]) => ({ ...shared, lo, hi })));
  const partners = new Int32Array(w.n * MID_NEAR_DRAWS);
  let at = 0;
  for (const part of parts) {
    partners.set(part, at);
    at += part.length;
  }
  return partners;
}

/**
 * exp(−d²/2σ²) for the squared distances of a symmetric support with sorted rows and no diagonal, given above
 * the diagonal only (the rest is written from them), written over them; σ² their median (a 1-in-16 sample of all pairs,
 * each below the diagonal read at its mirror), and the sum (in storage order): the caller divides by it
 * (if positive) to normalise to sum 1.
 */
function gaussianOnSupport(support: Csr64, d2: Float64Array): { kernel: Float64Array; total: number } {
  const { indptr, indices } = support;
  // The sample: every 16th stored pair. Each pair above the diagonal gives its value to its own position and
  // to its mirror's, found by a cursor per row (as in gaussianOfUpper) rather than by a search.
  const sample = new Float64Array(Math.ceil(d2.length / 16));
  const cursor = indptr.slice(0, support.n);
  for (let i = 0; i < support.n; i++)
    for (let q = indptr[i + 1]! - 1; q >= indptr[i]! && indices[q]! > i; q--) {
      const x = d2[q]!;
      if ((q & 15) === 0) sample[q >> 4] = x;
      const p = cursor[indices[q]!]!++;
      if ((p & 15) === 0) sample[p >> 4] = x;
    }
  const s2 = sample.length ? kthSmallest(sample, sample.length >> 1) : 0;
  gaussianOfUpper(support, d2, s2);
  let total = 0;
  for (let q = 0; q < d2.length; q++) total += d2[q]!;
  return { kernel: d2, total };
}

/**
 * v[q] = exp(−v[q]/2σ²) (1 if σ² ≤ 0) for the pairs j > i of a symmetric support with sorted rows, and the
 * same number at the mirror pair (j, i). Row j's pairs below the diagonal are its first ones, in the order
 * of i: a cursor per row finds each mirror as rows i are visited in order.
 */
function gaussianOfUpper(s: Csr64, v: Float64Array, s2: number): void {
  const { indptr, indices } = s;
  const cursor = indptr.slice(0, s.n);
  for (let i = 0; i < s.n; i++)
    for (let q = indptr[i + 1]! - 1; q >= indptr[i]! && indices[q]! > i; q--) {
      const x = s2 > 0 ? Math.exp(-v[q]! / (2 * s2)) : 1;
      v[q] = x;
      v[cursor[indices[q]!]!++] = x;
    }
}

/** a's k-th smallest (0-based), the element a sort would put at k; reorders a. Quickselect, or a sort if a holds NaN. */
function kthSmallest(a: Float64Array, k: number): number {
  for (let q = 0; q < a.length; q++)
    if (Number.isNaN(a[q]!)) {
      a.sort();
      return a[k]!;
    }
  return nthLargest(a, a.length, a.length - 1 - k); // the k-th smallest is the (len − 1 − k)-th largest
}
