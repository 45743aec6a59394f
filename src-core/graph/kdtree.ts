/**
 * Exact k-nearest-neighbour search with a k-d tree. Points are first rotated onto their principal axes
 * (an orthogonal map, so every Euclidean distance is unchanged): the tree then splits along the
 * directions of largest spread, which keeps it effective on data that lies near a low-dimensional
 * subspace of a high-dimensional space (cells in PCA space, a Swiss roll rotated into 50-D).
 */
import { eigenSymmetric } from '../linalg/eigen-sym.js';
import { TopK } from './top-k.js';
import type { KnnResult } from '../linalg/neighbours.js';

const LEAF_SIZE = 12;

/** Moved to linalg/neighbours.ts (shared with compute/); re-exported for existing imports. */
export type { KnnResult };

/** Rotates row-major points (n × d) onto their principal axes, largest variance first. */
export function principalRotation(points: Float32Array, n: number, d: number, out: Float32Array = new Float32Array(n * d)): Float32Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += points[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = points[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a]!;
  const { vectors } = eigenSymmetric(cov, d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = points[i * d + j]! - mean[j]!;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += row[j]! * vectors[k * d + j]!;
      out[i * d + k] = s;
    }
  }
  return out;
}

/** Where a tree's arrays are allocated (shared memory, for queries on several threads). */
export type TreeAlloc = {
  f32(length: number): Float32Array;
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
};
const plainAlloc: TreeAlloc = { f32: (l) => new Float32Array(l), f64: (l) => new Float64Array(l), i32: (l) => new Int32Array(l) };

export interface Tree {
  readonly perm: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly dim: Int32Array;
  readonly split: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
}

function buildTree(pts: Float32Array, n: number, d: number, alloc: TreeAlloc): Tree {
  const cap = 2 * Math.ceil(n / LEAF_SIZE) * 2 + 4;
  const t = {
    perm: alloc.i32(n),
    lo: alloc.i32(cap),
    hi: alloc.i32(cap),
    dim: alloc.i32(cap).fill(-1),
    split: alloc.f64(cap),
    left: alloc.i32(cap).fill(-1),
    right: alloc.i32(cap).fill(-1),
  };
  for (let i = 0; i < n; i++) t.perm[i] = i;
  let count = 0;
  const stack: number[] = [];
  const make = (lo: number, hi: number): number => {
    const id = count++;
    t.lo[id] = lo;
    t.hi[id] = hi;
    stack.push(id);
    return id;
  };
  make(0, n);
  const mins = new Float64Array(d);
  const maxs = new Float64Array(d);
  while (stack.length) {
    const id = stack.pop()!;
    const lo = t.lo[id]!;
    const hi = t.hi[id]!;
    if (hi - lo <= LEAF_SIZE) continue;
    mins.fill(Infinity);
    maxs.fill(-Infinity);
    for (let p = lo; p < hi; p++) {
      const base = t.perm[p]! * d;
      for (let j = 0; j < d; j++) {
        const v = pts[base + j]!;
        if (v < mins[j]!) mins[j] = v;
        if (v > maxs[j]!) maxs[j] = v;
      }
    }
    let best = 0;
    for (let j = 1; j < d; j++) if (maxs[j]! - mins[j]! > maxs[best]! - mins[best]!) best = j;
    if (maxs[best]! - mins[best]! <= 0) continue; // all points identical: keep as a leaf
    const mid = (lo + hi) >> 1;
    quickselect(t.perm, pts, d, best, lo, hi - 1, mid);
    t.dim[id] = best;
    t.split[id] = pts[t.perm[mid]! * d + best]!;
    t.left[id] = make(lo, mid);
    t.right[id] = make(mid, hi);
  }
  return t;
}

function quickselect(perm: Int32Array, pts: Float32Array, d: number, dim: number, left: number, right: number, k: number): void {
  while (right > left) {
    const pivot = pts[perm[(left + right) >> 1]! * d + dim]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (pts[perm[i]! * d + dim]! < pivot) i++;
      while (pts[perm[j]! * d + dim]! > pivot) j--;
      if (i <= j) {
        const tmp = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** Distance evaluations per query on a sample of points: how well the tree prunes on this data. */
export function kdTreeCostEstimate(tree: KdTree, sample: Int32Array, k: number): number {
  const heap = new TopK(k);
  let evals = 0;
  for (const q of sample) evals += queryOne(tree, q, heap);
  return evals / Math.max(1, sample.length);
}

export interface KdTree {
  readonly pts: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly nodes: Tree;
}

export function buildKdTree(points: Float32Array, n: number, d: number, alloc: TreeAlloc = plainAlloc): KdTree {
  const pts = d <= 256 ? principalRotation(points, n, d, alloc.f32(n * d)) : points;
  return { pts, n, d, nodes: buildTree(pts, n, d, alloc) };
}

/** Depth-first stacks, reused across queries (a balanced tree over ≤ 2³¹ points is < 64 deep). */
const STACK = 256;
const stackNode = new Int32Array(STACK);
const stackBound = new Float64Array(STACK);

/**
 * Fills `heap` with the k nearest neighbours of point q (self excluded); returns distance evaluations.
 * Coordinates are on the principal axes, largest variance first, so a partial sum usually exceeds the
 * current k-th distance within the first few axes: the rest of that distance is skipped.
 */
export function queryOne(kd: KdTree, q: number, heap: TopK): number {
  const { pts, d, nodes: tree } = kd;
  heap.clear();
  const qb = q * d;
  let evals = 0;
  stackNode[0] = 0;
  stackBound[0] = 0;
  let top = 1;
  while (top > 0) {
    top--;
    const node = stackNode[top]!;
    const bound = stackBound[top]!;
    if (bound >= heap.worst()) continue;
    const dim = tree.dim[node]!;
    if (dim < 0) {
      for (let p = tree.lo[node]!; p < tree.hi[node]!; p++) {
        const j = tree.perm[p]!;
        if (j === q) continue;
        const jb = j * d;
        const worst = heap.worst();
        let s = 0;
        let c = 0;
        while (c < d) {
          const end = Math.min(d, c + 8);
          for (; c < end; c++) {
            const diff = pts[qb + c]! - pts[jb + c]!;
            s += diff * diff;
          }
          if (s >= worst) break;
        }
        evals++;
        if (s < worst) heap.push(s, j);
      }
      continue;
    }
    const diff = pts[qb + dim]! - tree.split[node]!;
    stackNode[top] = diff < 0 ? tree.right[node]! : tree.left[node]!;
    stackBound[top++] = Math.max(bound, diff * diff);
    stackNode[top] = diff < 0 ? tree.left[node]! : tree.right[node]!;
    stackBound[top++] = bound;
  }
  return evals;
}

/** Exact k nearest neighbours of every point by k-d tree (self excluded). */
export function knnKdTree(points: Float32Array, n: number, d: number, k: number, onProgress?: (fraction: number) => void, built?: KdTree): KnnResult {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const tree = built ?? buildKdTree(points, n, d);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const heap = new TopK(k);
  const step = Math.max(1, Math.floor(n / 50));
  // Queries in leaf order: consecutive queries walk the same branches and touch the same memory.
  const order = tree.nodes.perm;
  for (let r = 0; r < n; r++) {
    const q = order[r]!;
    queryOne(tree, q, heap);
    heap.drainSorted(indices, distances, q * k);
    if (onProgress && r % step === 0) onProgress(r / n);
  }
  return { n, k, indices, distances };
}
