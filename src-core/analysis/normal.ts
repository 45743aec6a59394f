/**
 * The complementary error function in double precision, for normal tail probabilities that stay
 * relatively accurate far into the tail (p-values of strong markers are 1e-50 and smaller).
 *   x < 2.5:  erf(x) = (2/√π) e^{−x²} Σ_{n≥0} 2ⁿ x^{2n+1} / (1·3·…·(2n+1))   (all terms positive)
 *   x ≥ 2.5:  erfc(x) = (e^{−x²}/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))  (Laplace's continued
 *             fraction, evaluated by the modified Lentz method)
 */

const INV_SQRT_PI = 0.5641895835477563;

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfSeries(x);
  return Math.exp(-x * x) * INV_SQRT_PI * continuedFraction(x);
}

/** Two-sided p-value of a standard normal score: P(|Z| ≥ |z|) = erfc(|z|/√2). */
export function twoSidedNormalP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return 2 * INV_SQRT_PI * Math.exp(-x * x) * sum;
}

/** 1/(x + a1/(x + a2/(x + …))) with a_k = k/2, by modified Lentz. */
function continuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}
