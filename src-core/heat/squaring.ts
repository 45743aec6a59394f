/**
 * The heat kernel H_t = exp(−tL) as a dense matrix, computed so that every entry keeps its *relative*
 * accuracy however small it is — the property Varadhan's formula needs, since it takes log H_t.
 *
 * A Chebyshev (or eigen) expansion sums terms of both signs, so its error is absolute: entries below
 * ~1e-10 are noise and log H saturates for far pairs. Here every operation adds non-negative numbers:
 *  1. Uniformisation (Jensen's method) for a short time δ, with Λ ≥ max_i L_ii and P = I − L/Λ ≥ 0:
 *       exp(−δL) = e^{−δΛ} Σ_j (δΛ)^j / j! · P^j         (all terms ≥ 0, δΛ ≤ 1/4, tail < 1e-13)
 *  2. Squaring: H_{2τ} = H_τ · H_τ, a product of non-negative matrices (float32 on the tensor engine:
 *     relative error ~1e-6 per entry per step, no cancellation), carried as 2^60·H so that products of
 *     small entries stay normal numbers (smallest normal 1e-38 becomes 1e-56 in H's units).
 * Every intermediate H_{δ·2^s} is a heat kernel too, so one pass yields the whole t-grid for the
 * entropy curve (automatic t) at no extra cost.
 */
import { csrOperatorOnGpu } from '../compute/kernels.js';
import type { Csr64 } from '../linalg/csr.js';
import { csrMulBlock } from '../linalg/csr.js';

export interface SquaringPlan {
  /** Base time δ, with δΛ ≤ 1/4. */
  readonly delta: number;
  readonly squarings: number;
  readonly seriesTerms: number;
  /** Bound on the relative truncation of the uniformisation series (the Poisson tail). */
  readonly seriesTail: number;
}

export function maxDiagonal(l: Csr64): number {
  let m = 0;
  for (let i = 0; i < l.n; i++) for (let p = l.indptr[i]!; p < l.indptr[i + 1]!; p++) if (l.indices[p] === i) m = Math.max(m, l.values[p]!);
  return m;
}

/** A plan reaching time `t` exactly: t = δ · 2^s with the smallest s such that δΛ ≤ 1/4. */
export function squaringPlan(l: Csr64, t: number): SquaringPlan {
  const lam = Math.max(maxDiagonal(l), 1e-12);
  const s = Math.max(0, Math.ceil(Math.log2(4 * t * lam)));
  const delta = t / 2 ** s;
  const x = delta * lam;
  // Poisson(x) tail beyond J terms.
  let term = Math.exp(-x);
  let cdf = term;
  let j = 0;
  while (1 - cdf > 1e-13 && j < 60) {
    j++;
    term *= x / j;
    cdf += term;
  }
  return { delta, squarings: s, seriesTerms: j, seriesTail: Math.max(0, 1 - cdf) };
}

/** P = I − L/Λ (same pattern as L; all entries ≥ 0 for Λ ≥ max L_ii) and Λ. */
export function uniformisedChain(l: Csr64): { p: Csr64; lam: number } {
  const n = l.n;
  const lam = Math.max(maxDiagonal(l), 1e-12);
  const pv = new Float64Array(l.values.length);
  for (let i = 0; i < n; i++) {
    for (let p = l.indptr[i]!; p < l.indptr[i + 1]!; p++) pv[p] = (l.indices[p] === i ? 1 : 0) - l.values[p]! / lam;
  }
  return { p: { n, indptr: l.indptr, indices: l.indices, values: pv }, lam };
}

/**
 * e^{−x} Σ_j x^j / j! · T_j, accumulated term by term: T_0 is the start block, T_j = P·T_{j−1} is supplied
 * by the caller (CPU or GPU products). Every term is non-negative; negative round-off is dropped.
 */
export class PoissonSeries {
  readonly sum: Float64Array;
  readonly #x: number;
  #weight: number;
  #cdf: number;
  #terms = 0;

  constructor(x: number, start: Float64Array) {
    this.#x = x;
    this.#weight = Math.exp(-x);
    this.#cdf = this.#weight;
    this.sum = new Float64Array(start.length);
    for (let i = 0; i < start.length; i++) this.sum[i] = this.#weight * start[i]!;
  }

  /** Adds the next term T_j. */
  add(term: Float64Array): void {
    this.#terms++;
    this.#weight *= this.#x / this.#terms;
    this.#cdf += this.#weight;
    const out = this.sum;
    const w = this.#weight;
    for (let i = 0; i < out.length; i++) {
      const v = term[i]!;
      if (v > 0) out[i]! += w * v;
    }
  }

  /** Terms added after T_0. */
  get terms(): number {
    return this.#terms;
  }

  /** Poisson mass of the terms not added yet (the relative truncation bound). */
  get tail(): number {
    return 1 - this.#cdf;
  }
}

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/**
 * exp(−ρL)·X for a dense n × n X by the uniformisation series, float64: `terms` terms, or until the tail is
 * below `tail`. X is used as scratch space (pass a copy to keep it).
 */
export function uniformisedExpTimes(l: Csr64, rho: number, x: Float64Array, stop: { readonly terms: number } | { readonly tail: number; readonly maxTerms: number }): Float64Array {
  const n = l.n;
  const { p, lam } = uniformisedChain(l);
  const series = new PoissonSeries(rho * lam, x);
  let power: Float64Array = x;
  let next: Float64Array = new Float64Array(n * n);
  const more = (): boolean => ('terms' in stop ? series.terms < stop.terms : series.tail > stop.tail && series.terms < stop.maxTerms);
  while (more()) {
    csrMulBlock(p, power, n, next);
    [power, next] = [next, power];
    series.add(power);
  }
  return series.sum;
}

/** exp(−δL) as a dense float64 matrix by the non-negative uniformisation series. */
export function uniformisedExp(l: Csr64, delta: number, terms: number): Float64Array {
  return uniformisedExpTimes(l, delta, identity(l.n), { terms });
}

/**
 * `uniformisedExp` with the sparse × dense products P·P^{j−1} on the GPU when a WebGPU device is
 * active (Isotherm's CSR kernel, float32: every term is non-negative, so each entry keeps a relative
 * error ≤ (nnz_row + 2)·2⁻²⁴ per product, below the float32 rounding of the kernel that follows).
 * Without a device, or after a GPU failure (the failed product reruns on the CPU), it is the float64
 * code above.
 */
export async function uniformisedExpOnEngine(l: Csr64, delta: number, terms: number): Promise<Float64Array> {
  const n = l.n;
  const { p: pMat, lam } = uniformisedChain(l);
  const op = terms > 0 ? await csrOperatorOnGpu(pMat) : null;
  if (!op) return uniformisedExp(l, delta, terms);
  try {
    let power: Float64Array = identity(n);
    const series = new PoissonSeries(delta * lam, power);
    while (series.terms < terms) {
      power = await op.multiply(power, n);
      series.add(power);
    }
    return series.sum;
  } finally {
    op.dispose();
  }
}

export const KERNEL_SCALE = 2 ** 60;
/** G_MIN² = 2^-124 is above float32's smallest normal number 2^-126. */
export const G_MIN = 2 ** -62;

export function flushBelow(g: Float32Array, min: number): void {
  for (let i = 0; i < g.length; i++) if (g[i]! < min) g[i] = 0;
}

/** c·H in float32 with entries below G_MIN flushed: the form every product runs in. */
export function toScaled(h: ArrayLike<number>): Float32Array {
  const g = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) g[i] = h[i]! * KERNEL_SCALE;
  flushBelow(g, G_MIN);
  return g;
}

export function unscale(g: Float32Array): Float32Array {
  const h = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) h[i] = g[i]! / KERNEL_SCALE;
  return h;
}

/**
 * Mean Shannon entropy (nats) of the rows of a heat kernel, each row normalised to a distribution.
 * Averaged over at most `maxRows` evenly spaced rows: the mean converges long before all m rows.
 */
export function meanRowEntropy(kernel: Float32Array, n: number, maxRows = 256, scale?: Float64Array): number {
  // `scale`: entropy of diag(s)·K·diag(s) without forming it (the row factor cancels in p).
  const stride = Math.max(1, Math.floor(n / maxRows));
  const s = (j: number): number => (scale ? scale[j]! : 1);
  let total = 0;
  let rows = 0;
  for (let i = 0; i < n; i += stride) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.max(0, kernel[i * n + j]!) * s(j);
    let hEnt = 0;
    for (let j = 0; j < n; j++) {
      const p = (Math.max(0, kernel[i * n + j]!) * s(j)) / sum;
      if (p > 0) hEnt -= p * Math.log(p);
    }
    total += hEnt;
    rows++;
  }
  return total / rows;
}
