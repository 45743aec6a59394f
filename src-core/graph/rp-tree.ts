/**
 * Random-projection trees (Dasgupta & Freund 2008) for the approximate-kNN initialisation. A node's
 * points are projected on the direction between two of its points chosen at random and split at the
 * median projection (projections in WebAssembly SIMD, compute/wasm-sqdist.ts), until at most
 * `leafSize` points remain. Leaves hold points close along many random
 * directions, hence mostly near neighbours; each tree depends only on its own seed.
 *
 * A kernel (compute/kernel-pool.ts): writes the tree into the shared `perm` (points in leaf order) and
 * `span` (for point i, its leaf's range [span[2i], span[2i+1]) in `perm`).
 */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';
import { createRng } from '../linalg/random.js';

export interface RpTreeTask {
  readonly store: PointStore;
  readonly leafSize: number;
  readonly seed: number;
  readonly perm: Int32Array;
  readonly span: Int32Array;
}

let proj = new Float64Array(0);

/** Builds one tree; returns its number of leaves. */
export function rpTreeKernel(t: RpTreeTask): number {
  const { store, leafSize, perm, span } = t;
  const { x, n, stride } = store;
  const eng = sqDistOf(store);
  const rng = createRng(t.seed);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (proj.length < n) proj = new Float64Array(n);
  const stackLo: number[] = [0];
  const stackHi: number[] = [n];
  let leaves = 0;
  while (stackLo.length > 0) {
    const lo = stackLo.pop()!;
    const hi = stackHi.pop()!;
    const size = hi - lo;
    if (size <= leafSize) {
      for (let p = lo; p < hi; p++) {
        span[2 * perm[p]!] = lo;
        span[2 * perm[p]! + 1] = hi;
      }
      leaves++;
      continue;
    }
    const a = perm[lo + rng.int(size)]!;
    let b = perm[lo + rng.int(size)]!;
    for (let tries = 0; b === a && tries < 4; tries++) b = perm[lo + rng.int(size)]!;
    for (let c = 0; c < stride; c++) eng.dir[c] = x[a * stride + c]! - x[b * stride + c]!;
    for (let p = lo; p < hi; p += BATCH) {
      const count = Math.min(BATCH, hi - p);
      for (let q = 0; q < count; q++) eng.rows[q] = perm[p + q]!;
      eng.project(count);
      for (let q = 0; q < count; q++) proj[p + q] = eng.out[q]!;
    }
    const mid = (lo + hi) >> 1;
    selectMedian(perm, proj, lo, hi - 1, mid);
    stackLo.push(lo, mid);
    stackHi.push(mid, hi);
  }
  return leaves;
}

/** Partially sorts perm[left..right] by `key` (moved along) so that position k holds its order statistic. */
function selectMedian(perm: Int32Array, key: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    const pivot = key[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (key[i]! < pivot) i++;
      while (key[j]! > pivot) j--;
      if (i <= j) {
        const tp = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = tp;
        const tk = key[i]!;
        key[i] = key[j]!;
        key[j] = tk;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}
