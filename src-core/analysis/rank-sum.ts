/**
 * Wilcoxon rank-sum (Mann–Whitney U) test of group A against group B for one gene, on sparse data:
 * each group is given as its sorted non-zero values plus its size, the zeros being one tie group that
 * sits between the negative and the positive values. Ranks are mid-ranks (ties share the mean rank).
 *
 *   U_A = R_A − n_A(n_A + 1)/2,   μ = n_A n_B / 2,
 *   σ² = n_A n_B / 12 · [ (N + 1) − Σ_g (t_g³ − t_g) / (N(N − 1)) ]     (tie-corrected; N = n_A + n_B)
 *   z  = sign(U_A − μ) · max(|U_A − μ| − ½, 0) / σ                      (continuity correction)
 *   p  = P(|Z| ≥ |z|) = erfc(|z|/√2)                                    (two-sided, normal approximation)
 *
 * z > 0 means A tends to have higher values. Cost O(nnz_A + nnz_B) after the sort.
 */
import { twoSidedNormalP } from './normal.js';

export interface RankSumResult {
  /** Mann–Whitney U of group A. */
  readonly u: number;
  /** Continuity-corrected, tie-corrected normal score; 0 when every value is tied. */
  readonly z: number;
  /** Two-sided p-value of z. */
  readonly p: number;
}

/**
 * `a` and `b` hold the non-zero values of each group sorted ascending (no NaN); `nA`, `nB` are the
 * group sizes including zeros.
 */
export function rankSumSorted(a: ArrayLike<number>, nA: number, b: ArrayLike<number>, nB: number): RankSumResult {
  const la = a.length;
  const lb = b.length;
  const zerosA = nA - la;
  const zerosB = nB - lb;
  let ia = 0;
  let ib = 0;
  let placed = 0;
  let rankSumA = 0;
  let ties = 0;
  let zerosDone = false;
  const group = (countA: number, countB: number): void => {
    const t = countA + countB;
    rankSumA += countA * (placed + (t + 1) / 2);
    ties += t * t * t - t;
    placed += t;
  };
  while (ia < la || ib < lb) {
    const va = ia < la ? a[ia]! : Infinity;
    const vb = ib < lb ? b[ib]! : Infinity;
    const v = va < vb ? va : vb;
    if (v > 0 && !zerosDone) {
      group(zerosA, zerosB);
      zerosDone = true;
    }
    let ca = 0;
    let cb = 0;
    while (ia < la && a[ia] === v) {
      ia++;
      ca++;
    }
    while (ib < lb && b[ib] === v) {
      ib++;
      cb++;
    }
    group(ca, cb);
  }
  if (!zerosDone) group(zerosA, zerosB);

  const n = nA + nB;
  const u = rankSumA - (nA * (nA + 1)) / 2;
  const mean = (nA * nB) / 2;
  const variance = n > 1 ? ((nA * nB) / 12) * (n + 1 - ties / (n * (n - 1))) : 0;
  if (!(variance > 0)) return { u, z: 0, p: 1 };
  const d = u - mean;
  const corrected = Math.sign(d) * Math.max(Math.abs(d) - 0.5, 0);
  const z = corrected / Math.sqrt(variance);
  return { u, z, p: twoSidedNormalP(z) };
}
