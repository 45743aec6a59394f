/**
 * The few smallest non-trivial eigenvalues λ₂ ≤ λ₃ ≤ … of a heat operator L (symmetric, positive
 * semi-definite, one connected component, known null vector u), by Lanczos with full reorthogonalisation on
 * the shifted operator σI − L (whose largest eigenvalues are ours) with u projected out.
 * They bound the automatic t (heat is within ε of its limit once e^{−λ₂t} < ε) and predict collapse: once
 * e^{−(λ₃−λ₂)t} is small, every dissimilarity is dominated by one eigenvector and the map becomes a line.
 */
import type { Csr64 } from '../linalg/csr.js';
import { eigenSymmetric } from '../linalg/eigen-sym.js';

export function smallestEigenvalues(l: Csr64, nullVector: Float64Array, count: number, shift: number, steps = 120): Float64Array {
  const m = l.n;
  const free = m - 1;
  if (free <= 0) return new Float64Array(0);
  const k = Math.min(steps, free);
  const u = normalised(nullVector);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  // Deterministic start vector orthogonal to u.
  let v = project(Float64Array.from({ length: m }, (_, i) => Math.sin(0.7 + 1.3 * i) + 0.5), u, basis);
  v = normalised(v);
  for (let j = 0; j < k; j++) {
    basis.push(v);
    const w = new Float64Array(m);
    // w = (σI − L) v
    for (let i = 0; i < m; i++) {
      let s = shift * v[i]!;
      for (let p = l.indptr[i]!; p < l.indptr[i + 1]!; p++) s -= l.values[p]! * v[l.indices[p]!]!;
      w[i] = s;
    }
    let a = 0;
    for (let i = 0; i < m; i++) a += w[i]! * v[i]!;
    alpha.push(a);
    const r = project(w, u, basis); // full reorthogonalisation (and against u)
    let b = 0;
    for (let i = 0; i < m; i++) b += r[i]! * r[i]!;
    b = Math.sqrt(b);
    if (b < 1e-12 || j === k - 1) break;
    beta.push(b);
    v = r.map((x) => x / b);
  }
  const t = alpha.length;
  const tri = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    tri[i * t + i] = alpha[i]!;
    if (i + 1 < t) tri[i * t + i + 1] = tri[(i + 1) * t + i] = beta[i]!;
  }
  const ritz = eigenSymmetric(tri, t).values; // descending
  const out = new Float64Array(Math.min(count, t));
  for (let q = 0; q < out.length; q++) out[q] = Math.max(0, shift - ritz[q]!);
  return out;
}

function normalised(x: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  const r = 1 / Math.sqrt(s || 1);
  return x.map((v) => v * r);
}

/** x minus its components along u and every basis vector (twice, for stability). */
function project(x: Float64Array, u: Float64Array, basis: readonly Float64Array[]): Float64Array {
  const out = Float64Array.from(x);
  for (let pass = 0; pass < 2; pass++) {
    for (const b of [u, ...basis]) {
      let d = 0;
      for (let i = 0; i < out.length; i++) d += out[i]! * b[i]!;
      for (let i = 0; i < out.length; i++) out[i]! -= d * b[i]!;
    }
  }
  return out;
}
