/**
 * Graph Laplacians of a symmetric weight matrix W with degrees d_i = Σ_j W_ij:
 *   combinatorial  L = D − W                    (heat conserves total mass; paper's geodesic default)
 *   normalised     L = I − D^{-1/2} W D^{-1/2}  (spectrum in [0, 2]; random-walk / PHATE-like)
 * Both are symmetric, so exp(−tL) is symmetric too.
 */
import type { Csr64 } from '../linalg/csr.js';

export type LaplacianKind = 'combinatorial' | 'normalized';

export interface Laplacian {
  readonly kind: LaplacianKind;
  readonly matrix: Csr64;
  readonly degrees: Float64Array;
  /** Upper bound of the largest eigenvalue (Gershgorin). */
  readonly lambdaMaxBound: number;
}

export function degrees(w: Csr64): Float64Array {
  const d = new Float64Array(w.n);
  for (let i = 0; i < w.n; i++) for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) if (w.indices[p] !== i) d[i]! += w.values[p]!;
  return d;
}

export function laplacian(w: Csr64, kind: LaplacianKind): Laplacian {
  const n = w.n;
  const deg = degrees(w);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(w.indices.length + n);
  const values = new Float64Array(w.indices.length + n);
  let e = 0;
  let bound = 0;
  for (let i = 0; i < n; i++) {
    const di = deg[i]!;
    const isI = di > 0 ? 1 / Math.sqrt(di) : 0;
    let diagWritten = false;
    let rowAbs = 0;
    const writeDiag = (): void => {
      indices[e] = i;
      values[e++] = kind === 'combinatorial' ? di : di > 0 ? 1 : 0;
      diagWritten = true;
    };
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
      const j = w.indices[p]!;
      if (j === i) continue; // self loops cancel in D − W
      if (!diagWritten && j > i) writeDiag();
      const dj = deg[j]!;
      const v = kind === 'combinatorial' ? -w.values[p]! : -w.values[p]! * isI * (dj > 0 ? 1 / Math.sqrt(dj) : 0);
      indices[e] = j;
      values[e++] = v;
      rowAbs += Math.abs(v);
    }
    if (!diagWritten) writeDiag();
    bound = Math.max(bound, (kind === 'combinatorial' ? di : 1) + rowAbs);
    indptr[i + 1] = e;
  }
  return {
    kind,
    matrix: { n, indptr, indices: indices.slice(0, e), values: values.slice(0, e) },
    degrees: deg,
    lambdaMaxBound: kind === 'normalized' ? Math.min(2, bound) : bound,
  };
}

/** Largest eigenvalue of a symmetric PSD CSR matrix by power iteration (a few dozen steps suffice). */
export function lambdaMax(l: Csr64, iterations = 60, seed = 7): number {
  const n = l.n;
  let v = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 4294967296 - 0.5;
  }
  let lambda = 0;
  let y = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) v[i]! /= norm;
    y.fill(0);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let p = l.indptr[i]!; p < l.indptr[i + 1]!; p++) acc += l.values[p]! * v[l.indices[p]!]!;
      y[i] = acc;
    }
    let dot = 0;
    for (let i = 0; i < n; i++) dot += y[i]! * v[i]!;
    lambda = dot;
    [v, y] = [y, v];
  }
  return lambda;
}
