/** Label bookkeeping shared by the clustering code. */

/** Renumbers labels in place to 0..k-1 in order of first appearance; returns k. Labels must be in [0, n). */
export function renumber(labels: Int32Array): number {
  const n = labels.length;
  const map = new Int32Array(n).fill(-1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (map[c] === -1) map[c] = k++;
    labels[i] = map[c]!;
  }
  return k;
}

/**
 * Relabels dense labels 0..k-1 so that 0 is the largest cluster, 1 the next, …; equal sizes are
 * ordered by their smallest member, so the result depends only on the partition.
 */
export function relabelBySize(labels: Int32Array, k: number): Int32Array {
  const size = new Int32Array(k);
  const first = new Int32Array(k).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    size[c]!++;
    if (first[c] === -1) first[c] = i;
  }
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => size[b]! - size[a]! || first[a]! - first[b]!);
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r));
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = rank[labels[i]!]!;
  return out;
}

/** Cluster sizes of dense labels 0..k-1. */
export function clusterSizes(labels: Int32Array, k: number): Int32Array {
  const size = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) size[labels[i]!]!++;
  return size;
}
