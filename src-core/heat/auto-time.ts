/**
 * Automatic diffusion time from the heat kernel's entropy curve. As t grows, the mean row entropy H(t) of
 * the (row-normalised) kernel rises from 0 (heat still on its source) to H∞, the entropy of the kernel's
 * limit — the stationary distribution of the diffusion, which is uniform over the landmarks only for the
 * mass-corrected combinatorial Laplacian of a connected graph (the normalised Laplacian's limit is ∝ √degree).
 * Saturation is therefore measured against H∞, never against log m: a curve measured against a level it
 * cannot reach never bends, and its "knee" is wherever the scan gave up (the silent-garbage maps of
 * t = 2²⁵). The scan also stops at t_max = ln(1/ε)/λ₂ (λ₂ the spectral gap): beyond it the kernel is within ε
 * of its limit and nothing changes.
 *
 * On a log-t axis the curve is sigmoidal (convex while heat leaves the source, concave as it saturates).
 * The knee — the largest t at which the kernel still resolves the global shape instead of washing it out —
 * is found by the Kneedle rule on its concave part, from the steepest step (the inflection) to the first
 * point within 2 % of H∞: after normalising both axes to [0, 1] it maximises y − x.
 */
/** Fraction of H∞ at which the heat is considered spread out (the end of the scan). */
export const SATURATION = 0.98;
/** The kernel within this (relative) distance of its limit: the spectral upper bound on t. */
export const LIMIT_TOLERANCE = 1e-3;

export interface EntropyPoint {
  readonly t: number;
  readonly entropy: number;
}

export interface AutoTime {
  readonly t: number;
  readonly index: number;
  readonly curve: readonly EntropyPoint[];
}

/** The largest t worth scanning: e^{−λ₂ t} = ε. Infinity when λ₂ is unknown or zero. */
export function spectralTimeBound(lambda2: number): number {
  return lambda2 > 0 ? Math.log(1 / LIMIT_TOLERANCE) / lambda2 : Infinity;
}

/** True once the curve's last point has reached SATURATION·H∞ or passed t_max. */
export function scanFinished(curve: readonly EntropyPoint[], limitEntropy: number, tMax: number): boolean {
  const last = curve[curve.length - 1];
  return last !== undefined && (last.entropy >= SATURATION * limitEntropy || last.t >= tMax);
}

/** Entropy of the limit row distribution p_j ∝ v_j (v ≥ 0): H∞. */
export function limitEntropy(v: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += Math.max(0, v[j]!);
  let h = 0;
  for (let j = 0; j < v.length; j++) {
    const p = Math.max(0, v[j]!) / s;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/**
 * The knee of the curve, measured against its limit entropy H∞ (`maxEntropy`); only points up to the first
 * saturated one (or the last) are considered, so the answer never lies in the flat tail.
 */
export function kneeOfEntropy(curve: readonly EntropyPoint[], maxEntropy: number): AutoTime {
  const saturated = curve.findIndex((p) => p.entropy >= SATURATION * maxEntropy);
  const end = saturated < 0 ? curve.length - 1 : saturated;
  let start = 0;
  for (let i = 1; i <= end; i++) {
    if (curve[i]!.entropy - curve[i - 1]!.entropy > curve[start + 1 > end ? start : start + 1]!.entropy - curve[start]!.entropy) start = i - 1;
  }
  if (end - start < 2) return { t: curve[end]!.t, index: end, curve };
  const x = curve.map((p) => Math.log2(p.t));
  const y = curve.map((p) => p.entropy);
  const x0 = x[start]!;
  const x1 = x[end]!;
  const y0 = y[start]!;
  const y1 = y[end]!;
  let best = start;
  let bestScore = -Infinity;
  for (let i = start; i <= end; i++) {
    const score = (y[i]! - y0) / (y1 - y0 || 1) - (x[i]! - x0) / (x1 - x0 || 1);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return { t: curve[best]!.t, index: best, curve };
}
