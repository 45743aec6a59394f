/**
 * Weighted stress minimisation Σ w_ij (‖y_i − y_j‖ − δ_ij)² by stochastic gradient descent over pairs
 * (Zheng, Pawar & Goodman, "Graph drawing by stochastic gradient descent", 2018): each pair moves both
 * points by μ = min(1, η w_ij) of the residual; η anneals exponentially from 1/w_min to 0.01/w_max.
 * Deterministic for a given seed. Used by the SNE-like preset, whose weights are heat-kernel values.
 */
import { createRng } from '../linalg/random.js';

export function sgdStress(dist: Float64Array, weights: Float64Array, m: number, init: Float64Array, epochs = 30, seed = 0, checkCancelled?: () => void): Float64Array {
  const y = Float64Array.from(init);
  const pairs = (m * (m - 1)) / 2;
  const pi = new Int32Array(pairs);
  const pj = new Int32Array(pairs);
  let wMin = Infinity;
  let wMax = 0;
  let p = 0;
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      pi[p] = i;
      pj[p++] = j;
      const w = weights[i * m + j]!;
      if (w > 0) {
        wMin = Math.min(wMin, w);
        wMax = Math.max(wMax, w);
      }
    }
  if (!(wMax > 0)) return y;
  const etaMax = 1 / wMin;
  const etaMin = 0.01 / wMax;
  const decay = Math.log(etaMax / etaMin) / Math.max(1, epochs - 1);
  const rng = createRng(seed);
  const order = new Int32Array(pairs);
  for (let q = 0; q < pairs; q++) order[q] = q;
  for (let epoch = 0; epoch < epochs; epoch++) {
    checkCancelled?.();
    const eta = etaMax * Math.exp(-decay * epoch);
    for (let q = pairs - 1; q > 0; q--) {
      const r = rng.int(q + 1);
      const tmp = order[q]!;
      order[q] = order[r]!;
      order[r] = tmp;
    }
    for (let q = 0; q < pairs; q++) {
      const e = order[q]!;
      const i = pi[e]!;
      const j = pj[e]!;
      const w = weights[i * m + j]!;
      if (w <= 0) continue;
      const mu = Math.min(1, eta * w);
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const len = Math.sqrt(dx * dx + dy * dy) || 1e-12;
      const r = (mu * (len - dist[i * m + j]!)) / (2 * len);
      y[2 * i]! -= r * dx;
      y[2 * i + 1]! -= r * dy;
      y[2 * j]! += r * dx;
      y[2 * j + 1]! += r * dy;
    }
  }
  return y;
}
