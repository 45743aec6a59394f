/**
 * Exponentially scaled modified Bessel functions e^{-z} I_k(z), k = 0..K, by Miller's backward
 * recurrence I_{k-1} = I_{k+1} + (2k/z) I_k, normalised with the identity e^{-z}(I_0 + 2 Σ_{k≥1} I_k) = 1.
 * Stable for any z ≥ 0 (no overflow: the recurrence is rescaled as it runs).
 */
export function scaledBesselI(z: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  if (z === 0) {
    out[0] = 1;
    return out;
  }
  const start = Math.max(kMax, Math.ceil(z)) + 30 + Math.ceil(4 * Math.sqrt(z + 1));
  let next = 0; // I_{k+1}
  let cur = 1e-300; // I_k, arbitrary small seed
  let sum = 0; // Σ_{k≥1} of I_k at the current scale
  for (let k = start; k >= 1; k--) {
    const prev = next + ((2 * k) / z) * cur; // I_{k-1}
    if (k <= kMax) out[k] = cur;
    sum += cur;
    next = cur;
    cur = prev;
    if (cur > 1e250) {
      // Rescale everything computed so far.
      const s = 1e-250;
      cur *= s;
      next *= s;
      sum *= s;
      for (let j = k; j <= kMax; j++) out[j]! *= s;
    }
  }
  const norm = cur + 2 * sum; // cur is I_0 now
  out[0] = cur;
  for (let k = 0; k <= kMax; k++) out[k]! /= norm;
  return out;
}
