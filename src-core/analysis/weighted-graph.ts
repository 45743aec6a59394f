/**
 * The graph the clustering works on: a symmetric, non-negatively weighted CSR matrix plus each node's
 * weighted degree k_i = Σ_j A_ij (the diagonal entry, a self-loop, counted once). Convention used by
 * every module here: 2m = Σ_i k_i, the sum over all stored entries, so an aggregated graph whose
 * self-loops hold the summed internal weight has exactly the same degrees and 2m as the graph it came
 * from (docs/analysis.md §1).
 */
import { InputError } from '../errors.js';
import type { Csr64 } from '../linalg/csr.js';

export interface WeightedGraph {
  readonly n: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Weighted degree of each node, self-loop included. */
  readonly degree: Float64Array;
  /** 2m: the sum of all degrees. */
  readonly totalWeight: number;
}

/** Adds degrees to a CSR graph whose structure is already known to be valid (internal use). */
export function withDegrees(n: number, indptr: Int32Array, indices: Int32Array, values: Float64Array): WeightedGraph {
  const degree = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) s += values[p]!;
    degree[i] = s;
    total += s;
  }
  return { n, indptr, indices, values, degree, totalWeight: total };
}

/**
 * Checks a graph from outside (shape, index range, finite non-negative weights, and the necessary
 * symmetry condition row sums = column sums) and returns it with degrees. O(nnz); never allocates
 * more than two n-vectors beyond the degrees.
 */
export function checkedGraph(g: Csr64, what = 'graph'): WeightedGraph {
  const { n, indptr, indices, values } = g;
  if (!Number.isInteger(n) || n < 0) throw new InputError(what, `node count ${n} is not a non-negative integer`);
  if (indptr.length !== n + 1) throw new InputError(what, `indptr has ${indptr.length} entries, expected n + 1 = ${n + 1}`);
  if (indptr[0] !== 0) throw new InputError(what, 'indptr does not start at 0');
  for (let i = 0; i < n; i++) if (indptr[i + 1]! < indptr[i]!) throw new InputError(what, `indptr decreases at row ${i}`);
  const nnz = indptr[n]!;
  if (indices.length < nnz || values.length < nnz) throw new InputError(what, `indptr ends at ${nnz} but there are ${Math.min(indices.length, values.length)} stored entries`);
  const colSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const j = indices[p]!;
      const v = values[p]!;
      if (!(j >= 0 && j < n)) throw new InputError(what, `row ${i} has column index ${j} outside [0, ${n})`);
      if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(what, `row ${i}, column ${j} has weight ${v}; weights must be finite and non-negative`);
      colSum[j]! += v;
    }
  }
  const wg = withDegrees(n, indptr, indices, values);
  for (let i = 0; i < n; i++) {
    const tol = 1e-9 * Math.max(1, wg.degree[i]!, colSum[i]!);
    if (Math.abs(wg.degree[i]! - colSum[i]!) > tol) throw new InputError(what, `not symmetric: row ${i} sums to ${wg.degree[i]}, column ${i} to ${colSum[i]}`);
  }
  return wg;
}
