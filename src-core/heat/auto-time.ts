/**
 * Automatic diffusion time from the heat kernel's entropy curve. As t grows, the mean row entropy
 * H(t) of H_t rises from 0 (heat still on its source) to log m (heat spread everywhere). On a log-t
 * axis it climbs at a near-constant rate (≈ (d/2)·log 2 per doubling while diffusion is local) and
 * then bends over as the heat reaches the edges of the data: that bend — the knee — is the largest t
 * at which the kernel still resolves the global shape without washing it out. On a log-t axis the
 * curve is sigmoidal (convex while heat leaves the source, concave as it saturates), so we apply the
 * Kneedle rule to its concave part only — from the steepest step (the inflection) to the first point
 * within 2% of log m: after normalising both axes to [0, 1], the knee maximises y − x.
 */
/** Fraction of log m at which the heat is considered spread out (the end of the scan). */
export const SATURATION = 0.98;

export interface EntropyPoint {
  readonly t: number;
  readonly entropy: number;
}

export interface AutoTime {
  readonly t: number;
  readonly index: number;
  readonly curve: readonly EntropyPoint[];
}

/** `maxEntropy` is log m for an m-node kernel; the scan can stop once the entropy is within 2% of it. */
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
