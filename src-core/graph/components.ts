/**
 * Connected components of the symmetric affinity graph. A kNN graph of real cells often falls apart
 * (separate cell types, a batch, a handful of doublets): heat never flows between components, so each one
 * is mapped on its own (its own landmarks, heat kernel and automatic t) and the maps are packed side by side
 * (embed/pack-components.ts). Labels are numbered by decreasing size (0 = largest), ties by first cell.
 */
import type { Csr64 } from '../linalg/csr.js';

export interface Components {
  readonly count: number;
  /** Component of each cell. */
  readonly labels: Int32Array;
  /** Cells per component, decreasing. */
  readonly sizes: Int32Array;
  /** Cells of component c are members[offsets[c] .. offsets[c + 1]), in increasing cell order. */
  readonly offsets: Int32Array;
  readonly members: Int32Array;
}

export function connectedComponents(w: Csr64): Components {
  const n = w.n;
  const raw = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (raw[s]! >= 0) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    raw[s] = count;
    while (head < tail) {
      const v = queue[head++]!;
      for (let p = w.indptr[v]!; p < w.indptr[v + 1]!; p++) {
        const u = w.indices[p]!;
        if (raw[u]! < 0) {
          raw[u] = count;
          queue[tail++] = u;
        }
      }
    }
    count++;
  }
  const rawSize = new Int32Array(count);
  for (let i = 0; i < n; i++) rawSize[raw[i]!]!++;
  // Renumber by decreasing size; components are discovered in order of their first cell, so a stable sort
  // breaks ties by first cell.
  const order = Array.from({ length: count }, (_, c) => c).sort((a, b) => rawSize[b]! - rawSize[a]! || a - b);
  const rank = new Int32Array(count);
  order.forEach((c, r) => (rank[c] = r));
  const labels = new Int32Array(n);
  const sizes = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    labels[i] = rank[raw[i]!]!;
    sizes[labels[i]!]!++;
  }
  const offsets = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) offsets[c + 1] = offsets[c]! + sizes[c]!;
  const fill = offsets.slice(0, count);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[labels[i]!]!++] = i;
  return { count, labels, sizes, offsets, members };
}

/**
 * The subgraph of W on `cells` (sorted ascending), renumbered 0..|cells|−1. `local` (optional) maps every
 * cell that `cells` link to onto its new number, or −1 outside the subset: a whole component's caller
 * passes one map for all components (positions within each), so k components cost O(n), not O(k·n).
 */
export function subgraph(w: Csr64, cells: Int32Array, local: Int32Array = localNumbers(w.n, cells)): Csr64 {
  const k = cells.length;
  const indptr = new Int32Array(k + 1);
  let nnz = 0;
  for (let i = 0; i < k; i++) {
    const c = cells[i]!;
    nnz += w.indptr[c + 1]! - w.indptr[c]!;
  }
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let e = 0;
  for (let i = 0; i < k; i++) {
    const c = cells[i]!;
    for (let p = w.indptr[c]!; p < w.indptr[c + 1]!; p++) {
      const j = local[w.indices[p]!]!;
      if (j < 0) continue; // cannot happen for a whole component; kept for arbitrary subsets
      indices[e] = j;
      values[e++] = w.values[p]!;
    }
    indptr[i + 1] = e;
  }
  return { n: k, indptr, indices: indices.slice(0, e), values: values.slice(0, e) };
}

function localNumbers(n: number, cells: Int32Array): Int32Array {
  const local = new Int32Array(n).fill(-1);
  cells.forEach((c, i) => (local[c] = i));
  return local;
}
