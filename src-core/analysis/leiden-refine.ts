/**
 * Leiden phase 2, refinement (Traag, Waltman & van Eck 2019, Algorithms A.3–A.4 "RefinePartition",
 * "MergeNodesSubset"). Start from singletons; inside each community S of the partition P, visit the
 * nodes in random order. A node v that is still alone and well connected to S,
 *     w(v, S − v) ≥ γ k_v (K_S − k_v) / 2m,
 * may join a refined community C ⊆ S that is itself well connected to S,
 *     w(C, S − C) ≥ γ K_C (K_S − K_C) / 2m,
 * and does not lower the quality (ΔH(v → C) ≥ 0; staying alone is ΔH = 0). The community is drawn at
 * random with probability ∝ exp(ΔH / θ). Only neighbours are candidates (ΔH < 0 without an edge), so
 * every refined community is connected: the source of Leiden's guarantee.
 */
import type { Rng } from '../linalg/random.js';
import { randomOrder } from './leiden-move.js';
import type { WeightedGraph } from './weighted-graph.js';

/**
 * Refined labels (each a subset of one community of `partition`) in [0, n), not renumbered.
 * `randomness` is θ in edge-weight units.
 */
export function refinePartition(g: WeightedGraph, partition: Int32Array, nCommunities: number, resolution: number, randomness: number, rng: Rng): Int32Array {
  const { n, indptr, indices, values, degree, totalWeight } = g;
  const scale = resolution / totalWeight;
  const refined = new Int32Array(n);
  const refTotal = new Float64Array(n);
  const refCount = new Int32Array(n);
  // External weight of each refined community to the rest of its S; for a singleton, w(v, S − v).
  const external = new Float64Array(n);
  const commTotal = new Float64Array(nCommunities);
  for (let v = 0; v < n; v++) {
    refined[v] = v;
    refTotal[v] = degree[v]!;
    refCount[v] = 1;
    commTotal[partition[v]!]! += degree[v]!;
    const s = partition[v]!;
    let w = 0;
    for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
      const u = indices[p]!;
      if (u !== v && partition[u] === s) w += values[p]!;
    }
    external[v] = w;
  }

  const weightTo = new Float64Array(n);
  const seen = new Uint8Array(n);
  const touched = new Int32Array(n);
  const gains = new Float64Array(n);
  const order = randomOrder(n, rng);
  for (let o = 0; o < n; o++) {
    const v = order[o]!;
    const own = refined[v]!;
    if (refCount[own] !== 1) continue;
    const s = partition[v]!;
    const kv = degree[v]!;
    const ks = commTotal[s]!;
    if (external[own]! < kv * (ks - kv) * scale) continue;
    let nt = 0;
    for (let p = indptr[v]!; p < indptr[v + 1]!; p++) {
      const u = indices[p]!;
      if (u === v || partition[u] !== s) continue;
      const c = refined[u]!;
      if (!seen[c]) {
        seen[c] = 1;
        touched[nt++] = c;
      }
      weightTo[c]! += values[p]!;
    }
    // Candidates: well-connected communities with ΔH ≥ 0; kept in touched[0..nc).
    let nc = 0;
    let maxGain = 0;
    for (let t = 0; t < nt; t++) {
      const c = touched[t]!;
      const kc = refTotal[c]!;
      const gain = weightTo[c]! - kv * kc * scale;
      if (gain >= 0 && external[c]! >= kc * (ks - kc) * scale) {
        gains[nc] = gain;
        if (gain > maxGain) maxGain = gain;
        const tmp = touched[nc]!;
        touched[nc] = c;
        touched[t] = tmp;
        nc++;
      }
    }
    let chosen = own;
    if (nc > 0) {
      // Staying alone (ΔH = 0) is one of the outcomes; weights shifted by the largest gain to avoid overflow.
      const stay = Math.exp(-maxGain / randomness);
      let sum = stay;
      for (let q = 0; q < nc; q++) sum += gains[q] = Math.exp((gains[q]! - maxGain) / randomness);
      let r = rng.next() * sum - stay;
      for (let q = 0; q < nc && r >= 0; q++) {
        chosen = touched[q]!;
        r -= gains[q]!;
      }
    }
    if (chosen !== own) {
      external[chosen] = external[chosen]! + external[own]! - 2 * weightTo[chosen]!;
      refTotal[chosen]! += kv;
      refCount[chosen]!++;
      refCount[own] = 0;
      refTotal[own] = 0;
      refined[v] = chosen;
    }
    for (let t = 0; t < nt; t++) {
      weightTo[touched[t]!] = 0;
      seen[touched[t]!] = 0;
    }
  }
  return refined;
}
