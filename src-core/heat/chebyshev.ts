/**
 * Chebyshev expansion of the heat kernel exp(−tL) applied to a block of vectors (paper §3, "fast
 * computation"). With a = λmax/2 and x = λ/a − 1 ∈ [−1, 1]:
 *   exp(−tλ) = e^{−ta} e^{−ta·x} = Σ_k c_k T_k(x),  c_0 = e^{−ta} I_0(ta),  c_k = 2(−1)^k e^{−ta} I_k(ta),
 * from the generating function e^{−zx} = I_0(z) + 2 Σ (−1)^k I_k(z) T_k(x). Because |T_k| ≤ 1 on the
 * spectrum, the truncation error of every entry of exp(−tL)V is at most Σ_{k>K}|c_k|·‖V‖ — a bound we
 * compute and report. The order needed grows like ta = tλmax/2, so a fixed order fails for large tλmax;
 * `order: 'auto'` picks the smallest K whose bound is below `tolerance`.
 */
import type { Csr64 } from '../linalg/csr.js';
import { csrMulBlock } from '../linalg/csr.js';
import { scaledBesselI } from './bessel.js';

export interface ChebyshevPlan {
  readonly order: number;
  readonly coefficients: Float64Array;
  /** Upper bound of |exp(−tL) − p_K(L)| entrywise (for unit-norm columns). */
  readonly errorBound: number;
  readonly lambdaMax: number;
  readonly t: number;
}

export function chebyshevPlan(t: number, lambdaMax: number, order: number | 'auto', tolerance = 1e-10, maxOrder = 2000): ChebyshevPlan {
  const z = (t * lambdaMax) / 2;
  const kCap = order === 'auto' ? Math.min(maxOrder, Math.ceil(z + 20 + 10 * Math.sqrt(z + 1))) : order;
  const bessel = scaledBesselI(z, kCap + 60);
  const coeff = (k: number): number => (k === 0 ? bessel[0]! : 2 * (k % 2 === 0 ? 1 : -1) * bessel[k]!);
  // tail[K] = Σ_{k>K} |c_k|
  const tailFrom = (kk: number): number => {
    let s = 0;
    for (let k = kk + 1; k < bessel.length; k++) s += Math.abs(coeff(k));
    return s;
  };
  let K = kCap;
  if (order === 'auto') {
    K = 1;
    while (K < kCap && tailFrom(K) > tolerance) K++;
  }
  const coefficients = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) coefficients[k] = coeff(k);
  return { order: K, coefficients, errorBound: tailFrom(K), lambdaMax, t };
}

/** exp(−tL)·V for V row-major n × b, by the three-term recurrence T_{k+1} = 2xT_k − T_{k−1}. */
export function chebyshevHeatBlock(l: Csr64, plan: ChebyshevPlan, v: Float64Array, b: number): Float64Array {
  const n = l.n;
  const a = plan.lambdaMax / 2;
  const c = plan.coefficients;
  // x·Y = (L/a − I)·Y
  const applyX = (y: Float64Array, out: Float64Array): void => {
    csrMulBlock(l, y, b, out);
    for (let i = 0; i < n * b; i++) out[i] = out[i]! / a - y[i]!;
  };
  const result = new Float64Array(n * b);
  let tPrev = Float64Array.from(v);
  for (let i = 0; i < n * b; i++) result[i] = c[0]! * tPrev[i]!;
  if (plan.order === 0) return result;
  let tCur = new Float64Array(n * b);
  applyX(tPrev, tCur);
  for (let i = 0; i < n * b; i++) result[i]! += c[1]! * tCur[i]!;
  let tNext = new Float64Array(n * b);
  for (let k = 2; k <= plan.order; k++) {
    applyX(tCur, tNext);
    const ck = c[k]!;
    for (let i = 0; i < n * b; i++) {
      const val = 2 * tNext[i]! - tPrev[i]!;
      tNext[i] = val;
      result[i]! += ck * val;
    }
    [tPrev, tCur, tNext] = [tCur, tNext, tPrev];
  }
  return result;
}
