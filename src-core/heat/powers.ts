/**
 * Heat kernels at any t from cached dyadic powers, so that moving the t slider costs a few products
 * instead of a fresh squaring run:
 *
 *   K_j = H_{δ₀·2^j} = exp(−δ₀ 2^j L),  δ₀ = 1/(4Λ), Λ = max_i L_ii        (K_0 by uniformisation,
 *                                                                            K_{j+1} = K_j · K_j)
 *   H_t = exp(−ρL) · Π_{j : bit j of N} K_j,   N = ⌊t/δ₀⌋,  ρ = t − N·δ₀ ∈ [0, δ₀)
 *
 * Every factor is a non-negative matrix and exp(−ρL) is applied by the non-negative uniformisation
 * series, so each entry keeps its relative accuracy as in `squaring.ts`. The automatic-t scan walks the
 * same K_j (t = δ₀·2^j), so after it any t costs popcount(N) − 1 products plus one short series.
 * Products run in the scaled form c·H with tiny entries flushed (see `squaring.ts`).
 */
import { matMul } from '../compute/backend.js';
import type { Csr64 } from '../linalg/csr.js';
import { G_MIN, KERNEL_SCALE, flushBelow, maxDiagonal, squaringPlan, toScaled, uniformisedExpOnEngine, uniformisedExpTimes, unscale } from './squaring.js';

/** Tail of the remainder series: below float32's resolution of the kernel it multiplies. */
const REMAINDER_TAIL = 1e-9;

export class HeatPowers {
  readonly l: Csr64;
  readonly delta0: number;
  /** Poisson tail of K_0's series (the error bound of every kernel built from it, per unit). */
  readonly seriesTail: number;
  readonly seriesTerms: number;
  readonly #scaled: Float32Array[] = [];

  /** `delta0` ≤ 1/(4 max L_ii) (default that bound): the base step of the t grid δ₀·2^j. */
  constructor(l: Csr64, delta0 = 1 / (4 * Math.max(maxDiagonal(l), 1e-12))) {
    this.l = l;
    const plan = squaringPlan(l, delta0);
    this.delta0 = plan.delta;
    this.seriesTail = plan.seriesTail;
    this.seriesTerms = plan.seriesTerms;
  }

  /** Number of K_j held (memory: m² float32 each). */
  get cached(): number {
    return this.#scaled.length;
  }

  /** c·K_j, computing and keeping K_0 … K_j as needed. */
  async scaledPower(j: number, checkCancelled?: () => void): Promise<Float32Array> {
    const n = this.l.n;
    if (this.#scaled.length === 0) {
      this.#scaled.push(toScaled(await uniformisedExpOnEngine(this.l, this.delta0, this.seriesTerms)));
    }
    while (this.#scaled.length <= j) {
      checkCancelled?.();
      const last = this.#scaled[this.#scaled.length - 1]!;
      const g = await matMul(last, last, n, n, n, 1 / KERNEL_SCALE);
      flushBelow(g, G_MIN);
      this.#scaled.push(g);
    }
    return this.#scaled[j]!;
  }

  /** K_j = H at t = δ₀·2^j, unscaled. */
  async power(j: number, checkCancelled?: () => void): Promise<Float32Array> {
    return unscale(await this.scaledPower(j, checkCancelled));
  }

  /** H_t for any t > 0 (unscaled, float32), and the products it took. */
  async at(t: number, checkCancelled?: () => void): Promise<{ kernel: Float32Array; products: number }> {
    if (!(t > 0) || !Number.isFinite(t)) throw new Error(`t must be a positive number, got ${t}`);
    const n = this.l.n;
    // Guard the floor against t/δ₀ landing a rounding error below an integer.
    const ratio = t / this.delta0;
    let whole = Math.floor(ratio + 1e-9);
    let rho = Math.max(0, t - whole * this.delta0);
    if (whole === 0) {
      whole = 0;
      rho = t;
    }
    let g: Float32Array | null = null;
    let products = 0;
    for (let j = 0; whole > 0; j++, whole = Math.floor(whole / 2)) {
      if (whole % 2 === 0) continue;
      const k = await this.scaledPower(j, checkCancelled);
      if (g === null) g = k;
      else {
        checkCancelled?.();
        g = await matMul(g, k, n, n, n, 1 / KERNEL_SCALE);
        flushBelow(g, G_MIN);
        products++;
      }
    }
    if (rho > 1e-12 * t) {
      // exp(−ρL)·G by the uniformisation series (δ₀-sized step: ρΛ < 1/4, a handful of terms).
      const base = g ?? identityScaled(n);
      g = applyShortExp(this.l, rho, base);
      flushBelow(g, G_MIN);
    }
    return { kernel: unscale(g!), products };
  }
}

function identityScaled(n: number): Float32Array {
  const g = new Float32Array(n * n);
  for (let i = 0; i < n; i++) g[i * n + i] = KERNEL_SCALE;
  return g;
}

/** exp(−ρL)·X for a dense n × n X (float64 accumulation), ρ·max L_ii ≤ 1/4: terms until the tail is below REMAINDER_TAIL. */
function applyShortExp(l: Csr64, rho: number, x: Float32Array): Float32Array {
  return Float32Array.from(uniformisedExpTimes(l, rho, Float64Array.from(x), { tail: REMAINDER_TAIL, maxTerms: 59 }));
}
