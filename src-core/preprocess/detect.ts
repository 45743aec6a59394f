/**
 * Decide whether X holds raw counts (then normalise + transform) or data someone already transformed
 * (then leave it alone: normalising log values again would distort them).
 */
import type { Matrix } from '../io/dataset.js';

export interface CountsDetection {
  readonly isCounts: boolean;
  /** One sentence for the user and the sidecar, naming the evidence. */
  readonly reason: string;
  readonly maxValue: number;
  /** First non-finite value found (NaN / ±Infinity), or null. Callers should refuse such data. */
  readonly nonFinite: { readonly row: number; readonly col: number; readonly value: number } | null;
}

/** Counts need a maximum at least this large: a 0/1 or 0..3 matrix is more likely binarised or rounded. */
export const MIN_COUNTS_MAX = 10;

export function detectCounts(x: Matrix, minCountsMax = MIN_COUNTS_MAX): CountsDetection {
  let maxValue = 0;
  let firstNegative = NaN;
  let firstFraction = NaN;
  let nonFinite: CountsDetection['nonFinite'] = null;
  const rowOf = (q: number): number => (x.kind === 'dense' ? Math.floor(q / x.nCols) : rowOfCsrEntry(x.indptr, q));
  const colOf = (q: number): number => (x.kind === 'dense' ? q % x.nCols : x.indices[q]!);
  for (let q = 0; q < x.data.length; q++) {
    const v = x.data[q]!;
    if (!Number.isFinite(v)) {
      nonFinite = { row: rowOf(q), col: colOf(q), value: v };
      break;
    }
    if (v > maxValue) maxValue = v;
    if (v < 0 && Number.isNaN(firstNegative)) firstNegative = v;
    if (!Number.isInteger(v) && Number.isNaN(firstFraction)) firstFraction = v;
  }
  if (nonFinite) {
    return { isCounts: false, maxValue, nonFinite, reason: `X has a non-finite value (${nonFinite.value}) at cell ${nonFinite.row}, feature ${nonFinite.col}` };
  }
  if (!Number.isNaN(firstNegative)) {
    return { isCounts: false, maxValue, nonFinite, reason: `X has negative values (e.g. ${fmt(firstNegative)}): treated as already transformed (scaled or centred)` };
  }
  if (!Number.isNaN(firstFraction)) {
    return { isCounts: false, maxValue, nonFinite, reason: `X has non-integer values (e.g. ${fmt(firstFraction)}): treated as already normalised` };
  }
  if (maxValue < minCountsMax) {
    return { isCounts: false, maxValue, nonFinite, reason: `X has only small non-negative integers (max ${maxValue}): treated as already transformed, not as counts` };
  }
  return { isCounts: true, maxValue, nonFinite, reason: `X has non-negative integer values up to ${maxValue}: treated as raw counts` };
}

/** Largest i with indptr[i] <= q (binary search); only used for error messages. */
function rowOfCsrEntry(indptr: Int32Array | Float64Array, q: number): number {
  let lo = 0;
  let hi = indptr.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (indptr[mid]! <= q) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Short human form of a float32 value: 0.37 rather than 0.3700000047683716. */
function fmt(v: number): string {
  return String(Number(v.toPrecision(6)));
}
