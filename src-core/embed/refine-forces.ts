/**
 * The per-cell part of one refinement step (refine.ts), as a kernel over a block of cells so that the
 * kernel pool can spread it over threads: the Barnes–Hut repulsion Σ_j q̃_ij² (y_i − y_j) and Σ_j q̃_ij,
 * and the attraction Σ_j p_ij q̃_ij (y_i − y_j).
 *
 * The attraction visits each pair once: P is symmetric, so the task reads the upper triangle (j > i) of
 * its block's rows and adds the pair's force to i and subtracts it from j, in a buffer of its own — half
 * the pairs of a pass over full rows. The buffers are summed in block order afterwards (refine.ts), and the
 * blocks depend on P only (about equal pair counts), so the sum is the same for any thread count.
 *
 * The repulsion is walked once per quadtree leaf, not once per cell: a node acts as one mass for every
 * cell of the leaf when its width is below θ times its centre's distance to the leaf's bounding box (a
 * stricter test than from each cell, so no less accurate), and the cells of the nodes that fail it are
 * summed exactly. The leaf's cells (≤ 8, more only at the tree's maximum depth) then run through the same
 * two lists in tight loops: about half the CPU time of a walk per cell at the same θ, with a smaller error
 * against the exact sums (docs/algorithm.md §6b). Every repulsion entry depends on the tree and its own
 * cell only, so it is the same for any split of the leaves.
 *
 * When the task's arrays sit in the layout's WebAssembly memory (refine-forces-wasm.ts), the attraction,
 * the walk and the two loops run there instead, with the same operations in the same order: the same bits.
 */
import type { WasmMemory } from '../compute/wasm-assemble.js';
import type { QuadTreeArrays } from './quadtree.js';
import { CHUNK, forcesEngine, inMemory, type ForcesEngine } from './refine-forces-wasm.js';

/** The quadtree of `y` (quadtree.ts) without its node count, which the traversal does not need. */
export interface RefineForcesTask extends QuadTreeArrays {
  /** Positions (x, y) per cell, read only. */
  readonly y: Float64Array;
  /** The upper triangle of the affinities P (CSR, columns j > i). */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  readonly theta2: number;
  /** Rows whose pairs this task's attraction covers (lo = hi: none). */
  readonly lo: number;
  readonly hi: number;
  /** The task's attraction buffer: att[attOffset + 2j], att[attOffset + 2j + 1] for cells j ≥ lo (zeroed here). */
  readonly att: Float64Array;
  readonly attOffset: number;
  /** Leaves (indices into `leaves`) whose cells' repulsion this task computes. */
  readonly leafLo: number;
  readonly leafHi: number;
  /** Outputs: repulsion (2 per cell) and Σ_j q̃_ij for the leaves' cells. */
  readonly rep: Float64Array;
  readonly zRow: Float64Array;
  /**
   * The layout's WebAssembly memory (refine-forces-wasm.ts `forceArena`) when y, the triangle, att, rep and
   * zRow are views of it: the loops then run as WebAssembly, with the same results (the walk too when the
   * tree's arrays are in it). Absent or null: JavaScript.
   */
  readonly memory?: WasmMemory | null;
}

export function refineForcesKernel(t: RefineForcesTask): number {
  const engine = t.memory && [t.y, t.indptr, t.indices, t.values, t.att, t.rep, t.zRow].every((a) => inMemory(a, t.memory!)) ? forcesEngine(t.memory) : null;
  try {
    const lists = new InteractionLists(engine);
    if (engine && treeInMemory(t, t.memory!)) {
      // The walk and sums in WebAssembly; a leaf whose lists outgrow the slot here.
      for (let l = t.leafLo; l < t.leafHi; ) {
        l = engine.repelLeaves(l, t.leafHi, t, t.y, t.rep, t.zRow, t.theta2);
        if (l < t.leafHi) leafRepulsion(t.leaves[l++]!, t, lists, engine);
      }
    } else for (let l = t.leafLo; l < t.leafHi; l++) leafRepulsion(t.leaves[l]!, t, lists, engine);
    if (t.lo >= t.hi) return 0;
    t.att.fill(0, t.attOffset + 2 * t.lo, t.attOffset + t.y.length);
    if (engine) engine.attract(t.lo, t.hi, t.y, t.indptr, t.indices, t.values, t.att.subarray(t.attOffset));
    else attraction(t);
    return t.hi - t.lo;
  } finally {
    engine?.release();
  }
}

function treeInMemory(t: RefineForcesTask, memory: WasmMemory): boolean {
  return [t.leaves, t.order, t.start, t.end, t.firstChild, t.childCount, t.comX, t.comY, t.width2].every((a) => inMemory(a, memory));
}

/** The attraction of rows lo..hi into the task's buffer (zeroed from 2·lo). */
function attraction(t: RefineForcesTask): void {
  const { y, indptr, indices, values, att } = t;
  const base = t.attOffset;
  for (let i = t.lo; i < t.hi; i++) {
    let ax = 0, ay = 0;
    const xi = y[2 * i]!, yi = y[2 * i + 1]!;
    for (let q = indptr[i]!; q < indptr[i + 1]!; q++) {
      const j = indices[q]!;
      const dx = xi - y[2 * j]!, dy = yi - y[2 * j + 1]!;
      const w = values[q]! / (1 + dx * dx + dy * dy);
      const fx = w * dx, fy = w * dy;
      ax += fx;
      ay += fy;
      att[base + 2 * j]! -= fx;
      att[base + 2 * j + 1]! -= fy;
    }
    att[base + 2 * i]! += ax;
    att[base + 2 * i + 1]! += ay;
  }
}

/** Growable scratch: far nodes (centre, count) and near cells of one leaf, plus the walk's stack. */
class InteractionLists {
  farX: Float64Array;
  farY: Float64Array;
  farCount: Float64Array;
  near: Int32Array;
  readonly stack = new Int32Array(64 * 4 + 16);

  /** With an engine, the lists start as its slot's (the walk writes straight into WebAssembly memory) and grow out of it. */
  constructor(engine: ForcesEngine | null) {
    this.farX = engine ? engine.farX : new Float64Array(1024);
    this.farY = engine ? engine.farY : new Float64Array(1024);
    this.farCount = engine ? engine.farCount : new Float64Array(1024);
    this.near = engine ? engine.near : new Int32Array(4096);
  }

  growFar(): void {
    const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(2 * a.length);
      b.set(a);
      return b;
    };
    this.farX = grow(this.farX);
    this.farY = grow(this.farY);
    this.farCount = grow(this.farCount);
  }

  reserveNear(size: number): void {
    if (size <= this.near.length) return;
    const b = new Int32Array(Math.max(size, 2 * this.near.length));
    b.set(this.near);
    this.near = b;
  }
}

/** Σ_{j≠i} q̃_ij² (y_i − y_j) into rep[2i..] and Σ_{j≠i} q̃_ij into zRow[i] for the cells of `leaf`. */
function leafRepulsion(leaf: number, t: RefineForcesTask, lists: InteractionLists, engine: ForcesEngine | null): void {
  const { y, order, start, end, firstChild, childCount, comX, comY, width2, theta2 } = t;
  const s = start[leaf]!, e = end[leaf]!;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let q = s; q < e; q++) {
    const i = order[q]!;
    const px = y[2 * i]!, py = y[2 * i + 1]!;
    if (px < minX) minX = px;
    if (px > maxX) maxX = px;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
  }
  const stack = lists.stack;
  let nFar = 0, nNear = 0, sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const v = stack[--sp]!;
    const fc = firstChild[v]!;
    // The leaf's ancestors are always opened: the leaf's own cells never act as part of a far mass.
    if (v !== leaf && !(start[v]! <= s && e <= end[v]!)) {
      const cx = comX[v]!, cy = comY[v]!;
      const dx = cx < minX ? minX - cx : cx > maxX ? cx - maxX : 0;
      const dy = cy < minY ? minY - cy : cy > maxY ? cy - maxY : 0;
      if (width2[v]! < theta2 * (dx * dx + dy * dy)) {
        if (nFar === lists.farX.length) lists.growFar();
        lists.farX[nFar] = cx;
        lists.farY[nFar] = cy;
        lists.farCount[nFar++] = end[v]! - start[v]!;
        continue;
      }
    }
    if (fc < 0) {
      lists.reserveNear(nNear + end[v]! - start[v]!);
      for (let q = start[v]!; q < end[v]!; q++) lists.near[nNear++] = order[q]!;
      continue;
    }
    for (let c = 0; c < childCount[v]!; c++) stack[sp++] = fc + c;
  }
  if (engine) leafSumsWasm(s, e, nFar, nNear, t, lists, engine);
  else leafSums(s, e, nFar, nNear, t, lists);
}

/** The sums over a leaf's lists for its cells order[s..e), in JavaScript. */
function leafSums(s: number, e: number, nFar: number, nNear: number, t: RefineForcesTask, lists: InteractionLists): void {
  const { y, order } = t;
  const { farX, farY, farCount, near } = lists;
  for (let q = s; q < e; q++) {
    const i = order[q]!;
    const xi = y[2 * i]!, yi = y[2 * i + 1]!;
    let z = 0, fx = 0, fy = 0;
    for (let a = 0; a < nFar; a++) {
      const dx = xi - farX[a]!, dy = yi - farY[a]!;
      const w = 1 / (1 + dx * dx + dy * dy);
      const cw = farCount[a]! * w;
      z += cw;
      fx += cw * w * dx;
      fy += cw * w * dy;
    }
    for (let a = 0; a < nNear; a++) {
      const j = near[a]!;
      if (j === i) continue;
      const dx = xi - y[2 * j]!, dy = yi - y[2 * j + 1]!;
      const w = 1 / (1 + dx * dx + dy * dy);
      z += w;
      fx += w * w * dx;
      fy += w * w * dy;
    }
    t.rep[2 * i] = fx;
    t.rep[2 * i + 1] = fy;
    t.zRow[i] = z;
  }
}

/**
 * The same sums in WebAssembly. The walk wrote the lists into the engine's slot, unless they outgrew it
 * (more than CHUNK entries: dense clusters, a leaf at the tree's maximum depth); then they are copied in
 * in chunks, each call carrying on the cells' sums where the last one stopped (resume), far masses first,
 * then near cells, so every sum still takes its terms in the JavaScript order.
 */
function leafSumsWasm(s: number, e: number, nFar: number, nNear: number, t: RefineForcesTask, lists: InteractionLists, engine: ForcesEngine): void {
  const { order } = t;
  if (e - s <= CHUNK && lists.farX === engine.farX && lists.near === engine.near) {
    // The lists are the slot's: one call.
    for (let q = s; q < e; q++) engine.cells[q - s] = order[q]!;
    engine.repel(e - s, nFar, nNear, t.y, t.rep, t.zRow, false);
    return;
  }
  for (let c = s; c < e; c += CHUNK) {
    const count = Math.min(CHUNK, e - c);
    engine.cells.set(order.subarray(c, c + count));
    let a = 0, b = 0, resume = false;
    do {
      const kFar = Math.min(CHUNK, nFar - a);
      const kNear = a + kFar >= nFar ? Math.min(CHUNK, nNear - b) : 0;
      engine.farX.set(lists.farX.subarray(a, a + kFar));
      engine.farY.set(lists.farY.subarray(a, a + kFar));
      engine.farCount.set(lists.farCount.subarray(a, a + kFar));
      engine.near.set(lists.near.subarray(b, b + kNear));
      engine.repel(count, kFar, kNear, t.y, t.rep, t.zRow, resume);
      resume = true;
      a += kFar;
      b += kNear;
    } while (a < nFar || b < nNear);
  }
}
