/**
 * Thin QR of a small tall matrix (m × l, m ≥ l, l up to ~100) by Householder reflections, in float64.
 * Householder rather than Gram-Schmidt because its Q is orthonormal to working precision even when
 * the input is rank-deficient (which happens in PCA when l reaches the rank of the centred data):
 * the reflectors then simply complete the basis instead of producing garbage columns.
 */

/** Orthonormal basis Q (m × l, row-major) of the column span of `a` (m × l, row-major). */
export function orthonormalize(a: Float64Array, m: number, l: number): Float64Array {
  if (a.length !== m * l) throw new Error(`orthonormalize: expected ${m * l} entries, got ${a.length}`);
  if (l > m) throw new Error(`orthonormalize: needs rows ≥ columns, got ${m} × ${l}`);
  const r = Float64Array.from(a);
  // Reflector k acts on rows k..m-1; store all of them in one m × l array (zeros above the diagonal).
  const v = new Float64Array(m * l);
  const hasReflector = new Uint8Array(l);
  for (let k = 0; k < l; k++) {
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += r[i * l + k]! * r[i * l + k]!;
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue;
    const x0 = r[k * l + k]!;
    // alpha takes the sign opposite to x0 so that v0 = x0 - alpha never cancels.
    const alpha = x0 >= 0 ? -norm : norm;
    let vnorm2 = 0;
    for (let i = k; i < m; i++) {
      const vi = i === k ? x0 - alpha : r[i * l + k]!;
      v[i * l + k] = vi;
      vnorm2 += vi * vi;
    }
    if (vnorm2 === 0) continue;
    const inv = 1 / Math.sqrt(vnorm2);
    for (let i = k; i < m; i++) v[i * l + k]! *= inv;
    hasReflector[k] = 1;
    applyReflector(r, v, m, l, k, k);
  }
  // Q = H_0 H_1 ... H_{l-1} [I_l; 0]: apply the reflectors to the identity's first l columns, last first.
  const q = new Float64Array(m * l);
  for (let k = 0; k < l; k++) q[k * l + k] = 1;
  for (let k = l - 1; k >= 0; k--) if (hasReflector[k]) applyReflector(q, v, m, l, k, 0);
  return q;
}

/** target[k.., firstCol..] -= 2 v_k (v_kᵀ target[k.., firstCol..]) for reflector k stored in column k of v. */
function applyReflector(target: Float64Array, v: Float64Array, m: number, l: number, k: number, firstCol: number): void {
  for (let c = firstCol; c < l; c++) {
    let dot = 0;
    for (let i = k; i < m; i++) dot += v[i * l + k]! * target[i * l + c]!;
    if (dot === 0) continue;
    const f = 2 * dot;
    for (let i = k; i < m; i++) target[i * l + c]! -= f * v[i * l + k]!;
  }
}
