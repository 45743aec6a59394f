/** Kernel of knn-recall.ts: exact neighbours of some query points by brute force, and the hits. */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';

export interface RecallTask {
  /** The points, point i at row `row[i]` (or row i when `row` is null). */
  readonly store: PointStore;
  readonly row: Int32Array | null;
  readonly k: number;
  readonly queries: Int32Array;
  /** The approximate neighbours of each query (queries.length × k), point numbers. */
  readonly approx: Int32Array;
  readonly cutoffs: Int32Array;
}

/** Per cut-off c: Σ over queries of #{approximate neighbours among the first c within the exact c-th distance}. */
export function recallKernel(t: RecallTask): Float64Array {
  const { store, row, k, queries, approx, cutoffs } = t;
  const n = store.n;
  const eng = sqDistOf(store);
  const hits = new Float64Array(cutoffs.length);
  const best = new Float64Array(k);
  for (let r = 0; r < queries.length; r++) {
    const q = row ? row[queries[r]!]! : queries[r]!;
    best.fill(Infinity);
    // Every row is a candidate, in batches; each batch is bounded by the k-th distance at its start.
    for (let j0 = 0; j0 < n; j0 += BATCH) {
      const count = Math.min(BATCH, n - j0);
      for (let c = 0; c < count; c++) eng.rows[c] = j0 + c;
      const lim = best[k - 1]!;
      eng.limits.fill(lim, 0, count);
      eng.batch(q, count);
      for (let c = 0; c < count; c++) {
        const s = eng.out[c]!;
        if (s >= lim || s >= best[k - 1]! || j0 + c === q) continue;
        let p = k - 1;
        while (p > 0 && best[p - 1]! > s) {
          best[p] = best[p - 1]!;
          p--;
        }
        best[p] = s;
      }
    }
    for (let c = 0; c < cutoffs.length; c++) {
      const cut = cutoffs[c]!;
      const exactKth = best[cut - 1]!;
      for (let p = 0; p < cut; p++) {
        const a = approx[r * k + p]!;
        if (a < 0) continue;
        const j = row ? row[a]! : a;
        if (j !== q && eng.one(q, j, Infinity) <= exactKth) hits[c]!++;
      }
    }
  }
  return hits;
}
