/**
 * Dissimilarities from a heat kernel H_t (dense, symmetric, m × m), one per preset:
 *  - geodesic (paper eq. "heat-geodesic", Varadhan + Harnack/volume term with weight σ):
 *      d_ij² = −4t log h_ij + σ · 4t · log((h_ii + h_jj)/2)
 *    h is computed with relative accuracy (see heat/squaring.ts), so log h is meaningful for far pairs
 *    too; the only floor is float32's smallest positive value, and we count how many pairs hit it.
 *  - phate (PHATE-like potential distance): d_ij = ‖log(p_i + ε) − log(p_j + ε)‖₂ over the rows p_i of
 *    the row-normalised heat kernel, ε = 1e-7 as in PHATE's log potential.
 * Output: a dense m × m Float64Array of distances with zero diagonal.
 */
import { matMul } from '../compute/backend.js';
export interface DissimilarityResult {
  readonly distances: Float64Array;
  /** Pairs whose kernel value was at the numeric floor (their distance is a lower bound). */
  readonly saturatedPairs: number;
  readonly totalPairs: number;
}

const FLOOR = 1e-44; // below float32's smallest normal (1.2e-38): only exact zeros / denormals hit it

/**
 * `floor`: values at or below it are not resolved by the kernel's computation (float32's range for the
 * squaring method; the truncation bound for Chebyshev) and are clamped there before the log.
 */
export function heatGeodesicDistances(kernel: Float32Array | Float64Array, m: number, t: number, sigma: number, floor = FLOOR): DissimilarityResult {
  const logK = new Float64Array(m * m);
  let saturated = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      // Symmetrise: float32 squaring leaves tiny asymmetries.
      const v = 0.5 * (kernel[i * m + j]! + kernel[j * m + i]!);
      if (v <= floor && i !== j) saturated++;
      const lv = Math.log(Math.max(v, floor));
      logK[i * m + j] = lv;
      logK[j * m + i] = lv;
    }
  }
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const hii = Math.exp(logK[i * m + i]!);
    for (let j = i + 1; j < m; j++) {
      const hjj = Math.exp(logK[j * m + j]!);
      const d2 = -4 * t * logK[i * m + j]! + sigma * 4 * t * Math.log((hii + hjj) / 2);
      const d = Math.sqrt(Math.max(0, d2));
      out[i * m + j] = d;
      out[j * m + i] = d;
    }
  }
  return { distances: out, saturatedPairs: saturated, totalPairs: (m * (m - 1)) / 2 };
}

export async function potentialDistances(kernel: Float32Array | Float64Array, m: number, eps = 1e-7): Promise<DissimilarityResult> {
  const pot = new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += Math.max(0, kernel[i * m + j]!);
    for (let j = 0; j < m; j++) pot[i * m + j] = Math.log(Math.max(0, kernel[i * m + j]!) / s + eps);
  }
  // ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b, the Gram matrix on the tensor engine.
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let c = 0; c < m; c++) norms[i]! += pot[i * m + c]! * pot[i * m + c]!;
  const potT = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let c = 0; c < m; c++) potT[c * m + i] = pot[i * m + c]!;
  const gram = await matMul(pot, potT, m, m, m);
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const d = Math.sqrt(Math.max(0, norms[i]! + norms[j]! - 2 * gram[i * m + j]!));
      out[i * m + j] = d;
      out[j * m + i] = d;
    }
  }
  return { distances: out, saturatedPairs: 0, totalPairs: (m * (m - 1)) / 2 };
}
