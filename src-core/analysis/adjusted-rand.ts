/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same items:
 *     ARI = (Σ_ij C(n_ij,2) − E) / (½[Σ_i C(a_i,2) + Σ_j C(b_j,2)] − E),  E = Σ_i C(a_i,2)·Σ_j C(b_j,2) / C(n,2)
 * over the contingency table n_ij (a_i, b_j its row and column sums). 1 = identical partitions, ≈ 0 =
 * chance agreement. Labels are any non-negative integers; negative labels (missing) are an error.
 */
import { InputError } from '../errors.js';

const pairs = (x: number): number => (x * (x - 1)) / 2;

export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new InputError('labels', `the two labelings have ${n} and ${b.length} items`);
  const ka = denseCount(a, 'first labeling');
  const kb = denseCount(b, 'second labeling');
  const table = new Map<number, number>();
  const rowSum = new Float64Array(ka.k);
  const colSum = new Float64Array(kb.k);
  for (let i = 0; i < n; i++) {
    const r = ka.dense[i]!;
    const c = kb.dense[i]!;
    rowSum[r]!++;
    colSum[c]!++;
    const key = r * kb.k + c;
    table.set(key, (table.get(key) ?? 0) + 1);
  }
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sa = 0;
  let sb = 0;
  for (const v of rowSum) sa += pairs(v);
  for (const v of colSum) sb += pairs(v);
  const total = pairs(n);
  if (total === 0) return 1;
  const expected = (sa * sb) / total;
  const max = (sa + sb) / 2;
  // Both labelings put everything together (or everything apart): identical partitions.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

function denseCount(labels: ArrayLike<number>, what: string): { dense: Int32Array; k: number } {
  const map = new Map<number, number>();
  const dense = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(l >= 0) || !Number.isInteger(l)) throw new InputError(what, `label ${l} at item ${i} is not a non-negative integer`);
    let d = map.get(l);
    if (d === undefined) map.set(l, (d = map.size));
    dense[i] = d;
  }
  return { dense, k: map.size };
}
