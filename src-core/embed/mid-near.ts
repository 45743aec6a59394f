/**
 * Mid-near partners for the refinement's affinities (refine.ts): for every cell, DRAWS times, the second
 * nearest (in feature space) of SAMPLE cells drawn at random from its own component — the "mid-near pairs"
 * that PaCMAP (Wang, Huang, Rudin & Shaposhnik, JMLR 2021) adds to neighbour pairs to keep the global
 * arrangement. The two-step neighbours bind a cell to its region only; regions that share no neighbours
 * (separate cell types) then sit wherever the repulsion leaves them. A mid-near partner is usually in a
 * region at a moderate distance, so a small share of attraction on these pairs keeps nearby populations
 * nearer than distant ones (docs/algorithm.md §6b: measurements).
 *
 * Deterministic: each cell's draws come from its own seeded generator, so the partners do not depend on
 * how the cells are split into tasks or threads. Never the cell itself, never another component (packed
 * components must not be pulled onto each other).
 */
import { sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';
import { mulberry32 } from '../linalg/random.js';
import { connectedComponents } from '../graph/components.js';
import type { Csr64 } from '../linalg/csr.js';

/** Cells drawn per mid-near partner (PaCMAP's 6: the second nearest of 6 is a moderate distance away). */
export const MID_NEAR_SAMPLE = 6;
/** Mid-near partners drawn per cell. */
export const MID_NEAR_DRAWS = 10;
const SEED = 0x5eed_3a11;

export interface MidNearTask {
  /** The cells' feature rows (compute/wasm-sqdist.ts), read by every thread. */
  readonly store: PointStore;
  /** Component of each cell, and the component's cells: members[offsets[c] .. offsets[c + 1]). */
  readonly labels: Int32Array;
  readonly offsets: Int32Array;
  readonly members: Int32Array;
  /** Where each cell sits in its component's members. */
  readonly position: Int32Array;
  readonly lo: number;
  readonly hi: number;
}

/** A graph's components as the kernel reads them: labels, members by component, each cell's position there. */
export function componentCells(w: Csr64): Pick<MidNearTask, 'labels' | 'offsets' | 'members' | 'position'> {
  const { labels, offsets, members } = connectedComponents(w);
  const position = new Int32Array(w.n);
  for (let c = 0; c + 1 < offsets.length; c++) for (let q = offsets[c]!; q < offsets[c + 1]!; q++) position[members[q]!] = q - offsets[c]!;
  return { labels, offsets, members, position };
}

/**
 * The cells drawn for cell i: DRAWS × SAMPLE positions in its component of `size` cells (i at `pos`), i
 * itself skipped; empty when the component has no other cell. Exported for tests.
 */
export function midNearDraws(i: number, pos: number, size: number): Int32Array {
  if (size < 2) return new Int32Array(0);
  const next = mulberry32((Math.imul(i, 0x9e3779b1) ^ SEED) >>> 0);
  const out = new Int32Array(MID_NEAR_DRAWS * MID_NEAR_SAMPLE);
  for (let d = 0; d < out.length; d++) {
    const r = Math.floor(next() * (size - 1));
    out[d] = r >= pos ? r + 1 : r;
  }
  return out;
}

/** DRAWS partners per cell of lo..hi, in draw order (−1: none — a cell alone in its component). */
export function midNearKernel(t: MidNearTask): Int32Array {
  const { labels, offsets, members, position } = t;
  const eng = sqDistOf(t.store);
  eng.limits.fill(Infinity); // exact distances (this store is refineAffinities' own)
  const out = new Int32Array((t.hi - t.lo) * MID_NEAR_DRAWS).fill(-1);
  for (let i = t.lo; i < t.hi; i++) {
    const c = labels[i]!;
    const base = offsets[c]!;
    const draws = midNearDraws(i, position[i]!, offsets[c + 1]! - base);
    for (let d = 0; d < draws.length / MID_NEAR_SAMPLE; d++) {
      for (let s = 0; s < MID_NEAR_SAMPLE; s++) eng.rows[s] = members[base + draws[d * MID_NEAR_SAMPLE + s]!]!;
      eng.batch(i, MID_NEAR_SAMPLE);
      out[(i - t.lo) * MID_NEAR_DRAWS + d] = eng.rows[secondSmallest(eng.out, MID_NEAR_SAMPLE)]!;
    }
  }
  return out;
}

/** Index of the second smallest of v[0..m) (m ≥ 2); ties go to the earlier draw. */
function secondSmallest(v: Float32Array, m: number): number {
  let a = v[0]! <= v[1]! ? 0 : 1;
  let b = 1 - a;
  for (let s = 2; s < m; s++) {
    if (v[s]! < v[a]!) {
      b = a;
      a = s;
    } else if (v[s]! < v[b]!) b = s;
  }
  return b;
}

/**
 * (1 − share)·P + share·M, M the mid-near pairs (each draw i → j counts once for (i, j) and once for
 * (j, i), M normalised to sum 1): symmetric with sorted rows like P, and Σ = 1 when Σ P = 1 (an empty P,
 * a toy input, leaves Σ = share). partners[i·DRAWS + d] as from midNearKernel over all cells. P unchanged
 * when there is no draw.
 */
export function withMidNear(p: Csr64, partners: Int32Array, share: number): Csr64 {
  const n = p.n;
  const count = new Int32Array(n + 1);
  let draws = 0;
  for (let i = 0; i < n; i++)
    for (let d = 0; d < MID_NEAR_DRAWS; d++) {
      const j = partners[i * MID_NEAR_DRAWS + d]!;
      if (j < 0) continue;
      count[i + 1]!++;
      count[j + 1]!++;
      draws++;
    }
  if (draws === 0 || !(share > 0)) return p;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const cols = new Int32Array(count[n]!);
  const fill = count.slice(0, n);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < MID_NEAR_DRAWS; d++) {
      const j = partners[i * MID_NEAR_DRAWS + d]!;
      if (j < 0) continue;
      cols[fill[i]!++] = j;
      cols[fill[j]!++] = i;
    }
  for (let i = 0; i < n; i++) cols.subarray(count[i]!, count[i + 1]!).sort();
  // Row lengths of the union first, so the result is allocated at its exact size.
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let a = p.indptr[i]!, b = count[i]!, len = 0;
    const aEnd = p.indptr[i + 1]!, bEnd = count[i + 1]!;
    while (a < aEnd || b < bEnd) {
      const ca = a < aEnd ? p.indices[a]! : n, cb = b < bEnd ? cols[b]! : n;
      if (ca <= cb) a++;
      while (b < bEnd && cols[b] === Math.min(ca, cb)) b++;
      len++;
    }
    indptr[i + 1] = indptr[i]! + len;
  }
  const indices = new Int32Array(indptr[n]!);
  const values = new Float64Array(indptr[n]!);
  const keep = 1 - share;
  const unit = share / (2 * draws);
  let e = 0;
  for (let i = 0; i < n; i++) {
    let a = p.indptr[i]!, b = count[i]!;
    const aEnd = p.indptr[i + 1]!, bEnd = count[i + 1]!;
    while (a < aEnd || b < bEnd) {
      const ca = a < aEnd ? p.indices[a]! : n, cb = b < bEnd ? cols[b]! : n;
      const col = Math.min(ca, cb);
      const pv = ca === col ? p.values[a++]! : 0;
      let m = 0;
      while (b < bEnd && cols[b] === col) {
        m++;
        b++;
      }
      indices[e] = col;
      values[e++] = keep * pv + unit * m; // the same operations for (i, j) and (j, i): P stays exactly symmetric
    }
  }
  return { n, indptr, indices, values };
}
