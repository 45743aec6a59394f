/**
 * Leiden phase 3, aggregation: one node per community of `labels` (dense, 0..k-1); the weight between
 * two new nodes is the summed weight between their members, and a new node's self-loop holds the
 * weight inside its community (ordered pairs, as in the CSR), so degrees and 2m are unchanged.
 */
import { withDegrees, type WeightedGraph } from './weighted-graph.js';

export function aggregateGraph(g: WeightedGraph, labels: Int32Array, k: number): WeightedGraph {
  const { n, indptr, indices, values } = g;
  // Members of each community, contiguous (counting sort).
  const start = new Int32Array(k + 1);
  for (let v = 0; v < n; v++) start[labels[v]! + 1]!++;
  for (let c = 0; c < k; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, k);
  const members = new Int32Array(n);
  for (let v = 0; v < n; v++) members[fill[labels[v]!]!++] = v;

  const outPtr = new Int32Array(k + 1);
  const outIdx = new Int32Array(indptr[n]!);
  const outVal = new Float64Array(indptr[n]!);
  const weightTo = new Float64Array(k);
  const seen = new Uint8Array(k);
  const touched = new Int32Array(k);
  let w = 0;
  for (let c = 0; c < k; c++) {
    let nt = 0;
    for (let q = start[c]!; q < start[c + 1]!; q++) {
      const v = members[q]!;
      for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
        const d = labels[indices[p]!]!;
        if (!seen[d]) {
          seen[d] = 1;
          touched[nt++] = d;
        }
        weightTo[d]! += values[p]!;
      }
    }
    touched.subarray(0, nt).sort();
    for (let t = 0; t < nt; t++) {
      const d = touched[t]!;
      outIdx[w] = d;
      outVal[w++] = weightTo[d]!;
      weightTo[d] = 0;
      seen[d] = 0;
    }
    outPtr[c + 1] = w;
  }
  return withDegrees(k, outPtr, outIdx.slice(0, w), outVal.slice(0, w));
}
