/**
 * The per-cell part of one refinement step (refine.ts), as a kernel over a block of cells so that the
 * kernel pool can spread it over threads: the Barnes–Hut repulsion Σ_j q̃_ij² (y_i − y_j) and Σ_j q̃_ij,
 * and the attraction Σ_j p_ij q̃_ij (y_i − y_j). Every output entry depends on its own cell only, so the
 * step is the same for any split into blocks and any thread count.
 */
import type { QuadTree } from './quadtree.js';

/** The quadtree of `y` (quadtree.ts) without its node count, which the traversal does not need. */
export interface RefineForcesTask extends Omit<QuadTree, 'nodes'> {
  /** Positions (x, y) per cell, read only. */
  readonly y: Float64Array;
  // The affinities P (CSR).
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  readonly theta2: number;
  readonly lo: number;
  readonly hi: number;
  /** Outputs for cells lo..hi: repulsion (2 per cell), Σ_j q̃_ij, attraction (2 per cell). */
  readonly rep: Float64Array;
  readonly zRow: Float64Array;
  readonly att: Float64Array;
}

export function refineForcesKernel(t: RefineForcesTask): number {
  const { y, indptr, indices, values, att } = t;
  const stack = new Int32Array(64 * 4 + 16);
  for (let i = t.lo; i < t.hi; i++) {
    t.zRow[i] = repulsion(i, t, stack);
    let ax = 0, ay = 0;
    const xi = y[2 * i]!, yi = y[2 * i + 1]!;
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
      const j = indices[q]!;
      const dx = xi - y[2 * j]!, dy = yi - y[2 * j + 1]!;
      const w = values[q]! / (1 + dx * dx + dy * dy);
      ax += w * dx;
      ay += w * dy;
    }
    att[2 * i] = ax;
    att[2 * i + 1] = ay;
  }
  return t.hi - t.lo;
}

/** Σ_j q̃_ij² (y_i − y_j) into rep[2i..], returning Σ_j q̃_ij (j ≠ i), by Barnes–Hut. */
function repulsion(i: number, t: RefineForcesTask, stack: Int32Array): number {
  const { y, order, start, end, firstChild, childCount, comX, comY, width2, theta2 } = t;
  const xi = y[2 * i]!, yi = y[2 * i + 1]!;
  let fx = 0, fy = 0, z = 0;
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const v = stack[--sp]!;
    const fc = firstChild[v]!;
    if (fc < 0) {
      for (let q = start[v]!; q < end[v]!; q++) {
        const j = order[q]!;
        if (j === i) continue;
        const dx = xi - y[2 * j]!, dy = yi - y[2 * j + 1]!;
        const w = 1 / (1 + dx * dx + dy * dy);
        z += w;
        fx += w * w * dx;
        fy += w * w * dy;
      }
      continue;
    }
    const dx = xi - comX[v]!, dy = yi - comY[v]!;
    const d2 = dx * dx + dy * dy;
    if (width2[v]! < theta2 * d2) {
      const cnt = end[v]! - start[v]!;
      const w = 1 / (1 + d2);
      z += cnt * w;
      fx += cnt * w * w * dx;
      fy += cnt * w * w * dy;
    } else {
      for (let c = 0; c < childCount[v]!; c++) stack[sp++] = fc + c;
    }
  }
  t.rep[2 * i] = fx;
  t.rep[2 * i + 1] = fy;
  return z;
}
