/**
 * Products between blocks of vectors stored one after another (vector c of a block at [c·d, c·d + d)),
 * the inner loops of block Krylov iteration. Four vectors of the second block are handled per sweep of
 * a vector of the first: each loaded value feeds four independent multiply-add chains, and no running
 * sum goes through memory (measured ~2-3× faster than one dot or axpy at a time in V8).
 */

/** out[i·bCount + c] = a_i · b_c for i < aCount, c < bCount. */
export function blockDots(a: Float64Array, aCount: number, b: Float64Array, bCount: number, d: number, out: Float64Array): void {
  for (let i = 0; i < aCount; i++) {
    const ai = i * d;
    let c = 0;
    for (; c + 3 < bCount; c += 4) {
      const b0 = c * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const x = a[ai + t]!;
        s0 += x * b[b0 + t]!;
        s1 += x * b[b1 + t]!;
        s2 += x * b[b2 + t]!;
        s3 += x * b[b3 + t]!;
      }
      const o = i * bCount + c;
      out[o] = s0;
      out[o + 1] = s1;
      out[o + 2] = s2;
      out[o + 3] = s3;
    }
    for (; c < bCount; c++) {
      const bc = c * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += a[ai + t]! * b[bc + t]!;
      out[i * bCount + c] = s;
    }
  }
}

/** w_c −= Σ_j coeff[j·wCount + c] q_j for c < wCount, j < qCount (coefficients as blockDots(q, w) gives them). */
export function subtractCombinations(w: Float64Array, wCount: number, q: Float64Array, qCount: number, coeff: Float64Array, d: number): void {
  subtractCombinationsRange(w, wCount, q, qCount, coeff, d, 0, d);
}

/**
 * subtractCombinations on the coordinates [t0, t1) only. Each coordinate gets the same operations in the
 * same order (j ascending) whatever the range, so a split over threads changes no bit.
 */
export function subtractCombinationsRange(
  w: Float64Array,
  wCount: number,
  q: Float64Array,
  qCount: number,
  coeff: Float64Array,
  d: number,
  t0: number,
  t1: number,
): void {
  let c = 0;
  for (; c + 3 < wCount; c += 4) {
    const w0 = c * d;
    const w1 = w0 + d;
    const w2 = w1 + d;
    const w3 = w2 + d;
    for (let j = 0; j < qCount; j++) {
      const f0 = coeff[j * wCount + c]!;
      const f1 = coeff[j * wCount + c + 1]!;
      const f2 = coeff[j * wCount + c + 2]!;
      const f3 = coeff[j * wCount + c + 3]!;
      const qj = j * d;
      for (let t = t0; t < t1; t++) {
        const x = q[qj + t]!;
        w[w0 + t]! -= f0 * x;
        w[w1 + t]! -= f1 * x;
        w[w2 + t]! -= f2 * x;
        w[w3 + t]! -= f3 * x;
      }
    }
  }
  for (; c < wCount; c++) {
    const wc = c * d;
    for (let j = 0; j < qCount; j++) {
      const f = coeff[j * wCount + c]!;
      if (f === 0) continue;
      const qj = j * d;
      for (let t = t0; t < t1; t++) w[wc + t]! -= f * q[qj + t]!;
    }
  }
}
