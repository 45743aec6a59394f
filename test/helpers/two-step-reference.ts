/**
 * The refinement's affinities by their definition (embed/refine.ts, embed/two-step-rows.ts) in plain
 * loops over Maps: the fast kernels must give exactly these bits (same operations, same order).
 *
 * Row i of A = T² off the diagonal: A_il = Σ_j (W_ij / d_i / d_j) · W_jl over the stored j ≠ i in W's order
 * (d = row sums without the diagonal; rows with d ≤ 0 take no part) and l ∉ {i, j}, each sum in that
 * order. A row with more than k partners keeps its k/2 largest (those equal to the k/2-th largest: first
 * visited first) and k/2 systematic draws over the rest in first-visit order. P = (A + Aᵀ) / Σ(a + a).
 */
import type { Csr64 } from '../../src-core/linalg/csr.js';

export function twoStepReference(w: Csr64, k = Infinity): Csr64 {
  const n = w.n;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) if (w.indices[q] !== i) d[i]! += w.values[q]!;
  const rows: Map<number, number>[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Map<number, number>(); // insertion order = first-visit order
    if (d[i]! > 0)
      for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) {
        const j = w.indices[q]!;
        if (j === i || !(d[j]! > 0)) continue;
        const f = w.values[q]! / d[i]! / d[j]!;
        for (let r = w.indptr[j]!; r < w.indptr[j + 1]!; r++) {
          const l = w.indices[r]!;
          if (l !== i && l !== j) row.set(l, (row.get(l) ?? 0) + f * w.values[r]!);
        }
      }
    rows.push(row.size > k ? sparsified(row, k) : row);
  }
  let total = 0;
  for (const row of rows) for (const [, a] of [...row].sort((x, y) => x[0] - y[0])) total += a + a;
  const scale = total > 0 ? 1 / total : 1;
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const cols = rows.map((row) => new Set(row.keys()));
  rows.forEach((row, l) => row.forEach((_, i) => cols[i]!.add(l)));
  for (let i = 0; i < n; i++) {
    for (const l of [...cols[i]!].sort((x, y) => x - y)) {
      indices.push(l);
      values.push(((rows[i]!.get(l) ?? 0) + (rows[l]!.get(i) ?? 0)) * scale);
    }
    indptr[i + 1] = indices.length;
  }
  return { n, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

/** One row (column → value, in first-visit order) sparsified to at most k entries by the definition. */
export function sparsified(row: Map<number, number>, k: number): Map<number, number> {
  const h = k >> 1;
  const tau = h > 0 ? [...row.values()].sort((a, b) => b - a)[h - 1]! : NaN;
  let ties = h - [...row.values()].filter((v) => v > tau).length;
  const out = new Map<number, number>();
  const tail: [number, number][] = [];
  for (const [l, v] of row) {
    if (v > tau || (v === tau && ties-- > 0)) out.set(l, v);
    else tail.push([l, v]);
  }
  let mass = 0;
  for (const [, v] of tail) mass += v;
  const draws = k - out.size;
  if (draws <= 0 || !(mass > 0)) return out;
  const step = mass / draws;
  let cum = 0;
  for (const [l, v] of tail) {
    const before = Math.floor(cum / step + 0.5);
    cum += v;
    const hits = Math.min(draws, Math.floor(cum / step + 0.5)) - before;
    if (hits > 0) out.set(l, hits * step);
  }
  return out;
}
