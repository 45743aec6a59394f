/**
 * Random variates the count simulator needs, all driven by a seeded `Rng` (linalg/random.ts):
 * gamma (Marsaglia & Tsang 2000, "A simple method for generating gamma variables"), Poisson (inversion
 * by sequential search for small means; Hörmann 1993, "The transformed rejection method for generating
 * Poisson random variables" (PTRS) for large ones), the gamma-Poisson mixture (negative binomial) and the
 * log-normal. Implemented from the papers' descriptions.
 */
import type { Rng } from '../linalg/random.js';

/** Gamma(shape, scale): mean shape·scale, variance shape·scale². */
export function gamma(rng: Rng, shape: number, scale = 1): number {
  if (!(shape > 0) || !(scale > 0)) throw new Error(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}`);
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) · U^{1/a} (Marsaglia & Tsang §6).
    let u = rng.next();
    while (u === 0) u = rng.next();
    return gammaAtLeastOne(rng, shape + 1) * Math.pow(u, 1 / shape) * scale;
  }
  return gammaAtLeastOne(rng, shape) * scale;
}

function gammaAtLeastOne(rng: Rng, a: number): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Below this mean Poisson variates come from inversion (one uniform, ≈ mean + 1 CDF steps). */
const POISSON_INVERSION_MAX = 10;

export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new Error(`poisson needs a finite mean ≥ 0, got ${mean}`);
  if (mean === 0) return 0;
  if (mean < POISSON_INVERSION_MAX) {
    // Inversion: walk the CDF from 0 with one uniform.
    const u = rng.next();
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    while (u > cdf) {
      k++;
      p *= mean / k;
      cdf += p;
      if (p < 1e-300 && cdf >= 1 - 1e-15) break; // rounding guard: the tail is exhausted
    }
    return k;
  }
  return poissonPtrs(rng, mean);
}

/** Hörmann's PTRS: transformed rejection with squeeze, exact for mean ≥ 10. */
function poissonPtrs(rng: Rng, mean: number): number {
  const slam = Math.sqrt(mean);
  const logLam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logLam - logGamma(k + 1)) return k;
  }
}

/**
 * Gamma-Poisson (negative binomial) count with mean μ and biological coefficient of variation `bcv`:
 * λ ~ Gamma(1/bcv², μ·bcv²), count ~ Poisson(λ), so E = μ and Var = μ + bcv²·μ².
 */
export function gammaPoisson(rng: Rng, mean: number, bcv: number): number {
  if (mean <= 0) return 0;
  if (bcv <= 0) return poisson(rng, mean);
  const shape = 1 / (bcv * bcv);
  return poisson(rng, gamma(rng, shape, mean / shape));
}

/** exp(N(mu, sigma²)): median e^mu. */
export function logNormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * rng.normal());
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
