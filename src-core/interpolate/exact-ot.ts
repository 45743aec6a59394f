/**
 * Exact discrete optimal transport by the transportation simplex (the network simplex specialised to
 * the complete bipartite graph rows → columns), written from the linear-programming formulation:
 *
 *   min_P Σ_ij P_ij C_ij   s.t.  Σ_j P_ij = a_i,  Σ_i P_ij = b_j,  P ≥ 0.
 *
 * A basic solution lives on a spanning tree of n + m − 1 cells (some may carry zero flow). Dual
 * potentials u_i + v_j = C_ij on the tree cells give reduced costs r_ij = C_ij − u_i − v_j; the basis is
 * optimal when every r_ij ≥ 0 (then Σ a_i u_i + Σ b_j v_j equals the primal cost: a certificate).
 * Otherwise a cell with r_ij < 0 enters, flow θ circulates around the unique tree cycle it closes
 * (alternately + and −) and the first cell driven to zero leaves.
 *
 * - Start: the row-minimum rule (each row fills its cheapest open columns), one line crossed out per
 *   allocation, then zero cells join any remaining components — a spanning tree.
 * - Pricing: block search (blocks of ≈ √(nm) cells, the most negative reduced cost in a block enters).
 * - Tree update: only the subtree cut off by the leaving cell is re-rooted and its potentials recomputed.
 * - Ties among leaving cells: the last blocking cell met going round the cycle from its apex in the
 *   direction of the entering cell (Cunningham's rule against degenerate cycling).
 * Uniform weights are scaled to integers (a_i = m, b_j = n) so degenerate pivots are detected exactly.
 */
import { normalisedWeights, type TransportPlan } from './plan.js';

export interface ExactOtOptions {
  /** Source weights (default uniform); normalised to sum 1. */
  readonly sourceWeights?: ArrayLike<number>;
  /** Target weights (default uniform); normalised to sum 1. */
  readonly targetWeights?: ArrayLike<number>;
  /** Safety cap on simplex pivots (default 10·n·m + 10 000). */
  readonly maxPivots?: number;
}

export interface ExactOtResult extends TransportPlan {
  /** Dual potentials: u (sources) and v (targets), with u_i + v_j ≤ C_ij and equality on the plan. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** Σ a_i u_i + Σ b_j v_j: equals `cost` at optimality. */
  readonly dualObjective: number;
  readonly pivots: number;
}

/** Exact OT for an n × m row-major cost matrix. */
export function exactOt(cost: ArrayLike<number>, n: number, m: number, options: ExactOtOptions = {}): ExactOtResult {
  if (n < 1 || m < 1) throw new Error(`exactOt: need at least one source and one target, got ${n} × ${m}`);
  if (cost.length !== n * m) throw new Error(`exactOt: cost has ${cost.length} entries, expected ${n * m}`);
  const C = cost instanceof Float64Array ? cost : Float64Array.from(cost);
  let maxAbs = 0;
  for (let k = 0; k < C.length; k++) {
    const c = C[k]!;
    if (!Number.isFinite(c)) throw new Error(`exactOt: cost entry ${k} is ${c}`);
    if (Math.abs(c) > maxAbs) maxAbs = Math.abs(c);
  }
  const uniform = options.sourceWeights === undefined && options.targetWeights === undefined;
  // Supplies and demands in internal units; `unit` converts back to probability mass.
  let supply: Float64Array;
  let demand: Float64Array;
  let unit: number;
  if (uniform) {
    supply = new Float64Array(n).fill(m);
    demand = new Float64Array(m).fill(n);
    unit = 1 / (n * m);
  } else {
    supply = normalisedWeights(options.sourceWeights, n, 'exactOt source');
    demand = normalisedWeights(options.targetWeights, m, 'exactOt target');
    unit = 1;
  }
  const a = Float64Array.from(supply);
  const b = Float64Array.from(demand);
  const massTol = uniform ? 0 : 1e-14;

  const N = n + m;
  const nBasic = N - 1;
  const bRow = new Int32Array(nBasic);
  const bCol = new Int32Array(nBasic);
  const bFlow = new Float64Array(nBasic);
  let count = 0;

  // ---- initial basis: row-minimum rule ------------------------------------------------------------
  const colOpen = new Uint8Array(m).fill(1);
  let openCols = m;
  const s = Float64Array.from(supply);
  const d = Float64Array.from(demand);
  for (let i = 0; i < n && count < nBasic; i++) {
    for (;;) {
      let best = -1;
      let bestC = Infinity;
      const base = i * m;
      for (let j = 0; j < m; j++) {
        if (colOpen[j] && C[base + j]! < bestC) {
          bestC = C[base + j]!;
          best = j;
        }
      }
      if (best < 0) break;
      const q = Math.min(s[i]!, d[best]!);
      bRow[count] = i;
      bCol[count] = best;
      bFlow[count++] = q;
      s[i] = s[i]! - q;
      d[best] = d[best]! - q;
      const lastRow = i === n - 1;
      // Cross out exactly one line: the row when it is exhausted (unless it is the last row and
      // columns remain), else the column.
      if (s[i]! <= massTol && !(lastRow && openCols > 1)) break;
      colOpen[best] = 0;
      openCols--;
      if (openCols === 0 || count >= nBasic) break;
    }
  }

  // Union-find: the allocations must be a forest; join the remaining components with zero cells.
  const uf = new Int32Array(N);
  for (let k = 0; k < N; k++) uf[k] = k;
  const find = (x: number): number => {
    while (uf[x] !== x) {
      uf[x] = uf[uf[x]!]!;
      x = uf[x]!;
    }
    return x;
  };
  const kept: number[] = [];
  for (let e = 0; e < count; e++) {
    const r1 = find(bRow[e]!);
    const r2 = find(n + bCol[e]!);
    if (r1 === r2) {
      if (bFlow[e]! > 0) throw new Error('exactOt: internal error, initial allocation has a cycle');
      continue; // a redundant zero cell: drop it
    }
    uf[r1] = r2;
    kept.push(e);
  }
  const rows0 = Int32Array.from(kept, (e) => bRow[e]!);
  const cols0 = Int32Array.from(kept, (e) => bCol[e]!);
  const flows0 = Float64Array.from(kept, (e) => bFlow[e]!);
  count = kept.length;
  bRow.set(rows0);
  bCol.set(cols0);
  bFlow.set(flows0);
  for (let node = 0; node < N && count < nBasic; node++) {
    const r = find(node);
    const root0 = find(0);
    if (r === root0) continue;
    // Connect `node`'s component to the component of row 0 by a zero cell.
    if (node < n) {
      // a row: attach to any column in row 0's component
      let j = 0;
      while (find(n + j) !== root0) j++;
      bRow[count] = node;
      bCol[count] = j;
    } else {
      bRow[count] = 0;
      bCol[count] = node - n;
    }
    bFlow[count++] = 0;
    uf[r] = root0;
  }
  if (count !== nBasic) throw new Error(`exactOt: internal error, basis has ${count} cells, expected ${nBasic}`);

  // ---- tree structure -----------------------------------------------------------------------------
  const adj: number[][] = Array.from({ length: N }, () => []);
  for (let e = 0; e < nBasic; e++) {
    adj[bRow[e]!]!.push(e);
    adj[n + bCol[e]!]!.push(e);
  }
  const parent = new Int32Array(N).fill(-1);
  const parentSlot = new Int32Array(N).fill(-1);
  const depth = new Int32Array(N);
  const pot = new Float64Array(N);
  const queue = new Int32Array(N);
  const other = (e: number, node: number): number => (node < n ? n + bCol[e]! : bRow[e]!);
  /** Re-roots the part of the tree reachable from x without crossing x's parent edge; sets depth and potentials. */
  const reroot = (x: number): void => {
    let head = 0;
    let tail = 0;
    queue[tail++] = x;
    while (head < tail) {
      const u = queue[head++]!;
      const list = adj[u]!;
      for (let k = 0; k < list.length; k++) {
        const e = list[k]!;
        if (e === parentSlot[u]) continue;
        const w = other(e, u);
        parent[w] = u;
        parentSlot[w] = e;
        depth[w] = depth[u]! + 1;
        pot[w] = C[bRow[e]! * m + bCol[e]!]! - pot[u]!;
        queue[tail++] = w;
      }
    }
  };
  pot[0] = 0;
  depth[0] = 0;
  reroot(0);

  // ---- pivoting -----------------------------------------------------------------------------------
  const total = n * m;
  const block = Math.max(32, Math.ceil(Math.sqrt(total)));
  const tol = 1e-12 * Math.max(maxAbs, 1e-300);
  const maxPivots = options.maxPivots ?? 10 * total + 10_000;
  let pivots = 0;
  let ci = 0;
  let cj = 0; // scan position
  const pathP: number[] = [];
  const pathQ: number[] = [];
  for (;;) {
    // Block search for an entering cell.
    let enterI = -1;
    let enterJ = -1;
    let bestR = -tol;
    let scanned = 0;
    let inBlock = 0;
    while (scanned < total) {
      const r = C[ci * m + cj]! - pot[ci]! - pot[n + cj]!;
      if (r < bestR) {
        bestR = r;
        enterI = ci;
        enterJ = cj;
      }
      scanned++;
      inBlock++;
      if (++cj === m) {
        cj = 0;
        if (++ci === n) ci = 0;
      }
      if (inBlock >= block) {
        if (enterI >= 0) break;
        inBlock = 0;
      }
    }
    if (enterI < 0) break; // optimal
    if (++pivots > maxPivots) throw new Error(`exactOt: no convergence after ${maxPivots} pivots (degenerate cycling?)`);

    // The cycle: tree paths from p = row enterI and q = column enterJ up to their common ancestor.
    const p = enterI;
    const q = n + enterJ;
    pathP.length = 0;
    pathQ.length = 0;
    let x = p;
    let y = q;
    while (depth[x]! > depth[y]!) {
      pathP.push(parentSlot[x]!);
      x = parent[x]!;
    }
    while (depth[y]! > depth[x]!) {
      pathQ.push(parentSlot[y]!);
      y = parent[y]!;
    }
    while (x !== y) {
      pathP.push(parentSlot[x]!);
      x = parent[x]!;
      pathQ.push(parentSlot[y]!);
      y = parent[y]!;
    }
    // Cells at even positions on either path lose flow. Leaving cell: minimum flow; ties go to the
    // last one met on apex → p (reversed pathP), entering cell, q → apex (pathQ).
    let theta = Infinity;
    let leave = -1;
    let leaveOnP = false;
    for (let k = pathP.length - 1; k >= 0; k--) {
      if (k % 2 !== 0) continue;
      const f = bFlow[pathP[k]!]!;
      if (f <= theta) {
        theta = f;
        leave = pathP[k]!;
        leaveOnP = true;
      }
    }
    for (let k = 0; k < pathQ.length; k += 2) {
      const f = bFlow[pathQ[k]!]!;
      if (f <= theta) {
        theta = f;
        leave = pathQ[k]!;
        leaveOnP = false;
      }
    }
    if (leave < 0) throw new Error('exactOt: internal error, no leaving cell');
    if (theta > 0) {
      for (let k = 0; k < pathP.length; k++) {
        const e = pathP[k]!;
        bFlow[e] = k % 2 === 0 ? Math.max(0, bFlow[e]! - theta) : bFlow[e]! + theta;
      }
      for (let k = 0; k < pathQ.length; k++) {
        const e = pathQ[k]!;
        bFlow[e] = k % 2 === 0 ? Math.max(0, bFlow[e]! - theta) : bFlow[e]! + theta;
      }
    }
    // Replace the leaving cell by the entering one (same slot) and re-root the detached subtree.
    const lr = bRow[leave]!;
    const lc = n + bCol[leave]!;
    removeFrom(adj[lr]!, leave);
    removeFrom(adj[lc]!, leave);
    bRow[leave] = enterI;
    bCol[leave] = enterJ;
    bFlow[leave] = theta;
    adj[p]!.push(leave);
    adj[q]!.push(leave);
    const inside = leaveOnP ? p : q;
    const outside = leaveOnP ? q : p;
    parent[inside] = outside;
    parentSlot[inside] = leave;
    depth[inside] = depth[outside]! + 1;
    pot[inside] = C[enterI * m + enterJ]! - pot[outside]!;
    reroot(inside);
  }

  // ---- output -------------------------------------------------------------------------------------
  const src: number[] = [];
  const tgt: number[] = [];
  const mass: number[] = [];
  let primal = 0;
  for (let e = 0; e < nBasic; e++) {
    const f = bFlow[e]!;
    if (f <= 0) continue;
    src.push(bRow[e]!);
    tgt.push(bCol[e]!);
    mass.push(f * unit);
    primal += f * unit * C[bRow[e]! * m + bCol[e]!]!;
  }
  const u = pot.slice(0, n);
  const v = pot.slice(n);
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i]! * unit * u[i]!;
  for (let j = 0; j < m; j++) dual += b[j]! * unit * v[j]!;
  return {
    nSource: n,
    nTarget: m,
    source: Int32Array.from(src),
    target: Int32Array.from(tgt),
    mass: Float64Array.from(mass),
    cost: primal,
    u,
    v,
    dualObjective: dual,
    pivots,
  };
}

function removeFrom(list: number[], value: number): void {
  const k = list.indexOf(value);
  if (k < 0) throw new Error('exactOt: internal error, tree edge missing');
  list[k] = list[list.length - 1]!;
  list.pop();
}
