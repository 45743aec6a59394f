/**
 * Benjamini–Hochberg adjusted p-values (false discovery rate): with p sorted ascending p_(1) ≤ … ≤ p_(m),
 *     q_(i) = min_{j ≥ i} min(1, p_(j) · m / j).
 * Rejecting every hypothesis with q ≤ α controls the FDR at α for independent (or positively
 * dependent) tests. NaN p-values are an error of the caller; they are treated as 1.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const m = p.length;
  const order = Array.from({ length: m }, (_, i) => i);
  const value = (i: number): number => (Number.isNaN(p[i]!) ? 1 : p[i]!);
  order.sort((x, y) => value(x) - value(y) || x - y);
  const q = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    running = Math.min(running, (value(i) * m) / (r + 1));
    q[i] = running;
  }
  return q;
}
