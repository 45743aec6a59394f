/**
 * Exact k-nearest-neighbour search with a k-d tree. Points are first rotated onto their principal axes
 * (an orthogonal map, so every Euclidean distance is unchanged): the tree then splits along the
 * directions of largest spread, which keeps it effective on data that lies near a low-dimensional
 * subspace of a high-dimensional space (cells in PCA space, a Swiss roll rotated into 50-D).
 */
import { eigenSymmetric } from '../linalg/eigen-sym.js';

const LEAF_SIZE = 12;

export interface KnnResult {
  readonly n: number;
  readonly k: number;
  /** Row-major n × k neighbour indices, nearest first, self excluded. */
  readonly indices: Int32Array;
  /** Matching Euclidean distances. */
  readonly distances: Float32Array;
}

/** Rotates row-major points (n × d) onto their principal axes, largest variance first. */
export function principalRotation(points: Float32Array, n: number, d: number): Float32Array {
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
  const out = new Float32Array(n * d);
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

interface Tree {
  readonly perm: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly dim: Int32Array;
  readonly split: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
}

function buildTree(pts: Float32Array, n: number, d: number): Tree {
  const cap = 2 * Math.ceil(n / LEAF_SIZE) * 2 + 4;
  const t = {
    perm: Int32Array.from({ length: n }, (_, i) => i),
    lo: new Int32Array(cap),
    hi: new Int32Array(cap),
    dim: new Int32Array(cap).fill(-1),
    split: new Float64Array(cap),
    left: new Int32Array(cap).fill(-1),
    right: new Int32Array(cap).fill(-1),
  };
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

/** Exact k nearest neighbours of every point (self excluded). */
export function knnExact(points: Float32Array, n: number, d: number, k: number, onProgress?: (fraction: number) => void): KnnResult {
  if (k >= n) throw new Error(`k = ${k} needs at least ${k + 1} points, got ${n}`);
  const pts = d <= 256 ? principalRotation(points, n, d) : points;
  const tree = buildTree(pts, n, d);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  // Bounded max-heap of squared distances, reused per query.
  const hd = new Float64Array(k);
  const hi = new Int32Array(k);
  let size = 0;
  const push = (dist: number, idx: number): void => {
    if (size < k) {
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (hd[p]! >= dist) break;
        hd[c] = hd[p]!;
        hi[c] = hi[p]!;
        c = p;
      }
      hd[c] = dist;
      hi[c] = idx;
      return;
    }
    if (dist >= hd[0]!) return;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= k) break;
      const r = l + 1;
      const m = r < k && hd[r]! > hd[l]! ? r : l;
      if (hd[m]! <= dist) break;
      hd[c] = hd[m]!;
      hi[c] = hi[m]!;
      c = m;
    }
    hd[c] = dist;
    hi[c] = idx;
  };
  const stackNode = new Int32Array(128);
  const stackBound = new Float64Array(128);
  const step = Math.max(1, Math.floor(n / 50));
  for (let q = 0; q < n; q++) {
    size = 0;
    const qb = q * d;
    let sp = 0;
    stackNode[sp] = 0;
    stackBound[sp++] = 0;
    while (sp > 0) {
      const node = stackNode[--sp]!;
      const bound = stackBound[sp]!;
      if (size === k && bound >= hd[0]!) continue;
      const dim = tree.dim[node]!;
      if (dim < 0) {
        for (let p = tree.lo[node]!; p < tree.hi[node]!; p++) {
          const j = tree.perm[p]!;
          if (j === q) continue;
          const jb = j * d;
          let s = 0;
          for (let c = 0; c < d; c++) {
            const diff = pts[qb + c]! - pts[jb + c]!;
            s += diff * diff;
          }
          push(s, j);
        }
        continue;
      }
      const diff = pts[qb + dim]! - tree.split[node]!;
      const near = diff < 0 ? tree.left[node]! : tree.right[node]!;
      const far = diff < 0 ? tree.right[node]! : tree.left[node]!;
      stackNode[sp] = far;
      stackBound[sp++] = Math.max(bound, diff * diff);
      stackNode[sp] = near;
      stackBound[sp++] = bound;
    }
    // Heap → sorted ascending.
    for (let c = size - 1; c >= 0; c--) {
      const dist = hd[0]!;
      const idx = hi[0]!;
      // pop max
      const lastD = hd[c]!;
      const lastI = hi[c]!;
      size = c;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && hd[r]! > hd[l]! ? r : l;
        if (hd[m]! <= lastD) break;
        hd[p] = hd[m]!;
        hi[p] = hi[m]!;
        p = m;
      }
      hd[p] = lastD;
      hi[p] = lastI;
      indices[q * k + c] = idx;
      distances[q * k + c] = Math.sqrt(dist);
    }
    if (onProgress && q % step === 0) onProgress(q / n);
  }
  return { n, k, indices, distances };
}
