/**
 * Modularity with a resolution parameter (Reichardt & Bornholdt's configuration-model form of Newman–
 * Girvan modularity):  Q = (1/2m) Σ_c [ W_c − γ K_c² / 2m ],  W_c = Σ_{i,j∈c} A_ij over ordered pairs,
 * K_c = Σ_{i∈c} k_i. γ = 1 is Newman–Girvan modularity; larger γ favours more, smaller communities.
 */
import type { WeightedGraph } from './weighted-graph.js';

export function modularity(g: WeightedGraph, labels: Int32Array, resolution: number): number {
  const { n, indptr, indices, values, degree, totalWeight } = g;
  if (totalWeight <= 0) return 0;
  let k = 0;
  for (let i = 0; i < n; i++) if (labels[i]! + 1 > k) k = labels[i]! + 1;
  const total = new Float64Array(k);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    total[c]! += degree[i]!;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) if (labels[indices[p]!] === c) inside += values[p]!;
  }
  let expected = 0;
  for (let c = 0; c < k; c++) expected += total[c]! * total[c]!;
  return (inside - (resolution * expected) / totalWeight) / totalWeight;
}
