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
import { normalisedWeights, PlanEntries, type TransportPlan } from './plan.js';

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
  const basis = initialBasis(C, n, m, supply, demand, uniform ? 0 : 1e-14);
  const tree = new BasisTree(C, n, m, basis);
  const pivots = pivotToOptimum(tree, C, n, m, 1e-12 * Math.max(maxAbs, 1e-300), options.maxPivots ?? 10 * n * m + 10_000);

  const entries = new PlanEntries();
  let primal = 0;
  for (let e = 0; e < basis.row.length; e++) {
    const f = basis.flow[e]!;
    if (f <= 0) continue;
    entries.push(basis.row[e]!, basis.col[e]!, f * unit);
    primal += f * unit * C[basis.row[e]! * m + basis.col[e]!]!;
  }
  const u = tree.pot.slice(0, n);
  const v = tree.pot.slice(n);
  let dual = 0;
  for (let i = 0; i < n; i++) dual += supply[i]! * unit * u[i]!;
  for (let j = 0; j < m; j++) dual += demand[j]! * unit * v[j]!;
  return { ...entries.plan(n, m, primal), u, v, dualObjective: dual, pivots };
}

/** A basic solution: n + m − 1 cells (row, column, flow in internal units), some with zero flow. */
interface Basis {
  readonly row: Int32Array;
  readonly col: Int32Array;
  readonly flow: Float64Array;
}

/**
 * The starting spanning tree: the row-minimum rule (each row fills its cheapest open columns, one line
 * crossed out per allocation), redundant zero cells dropped, remaining components joined by zero cells.
 */
function initialBasis(C: Float64Array, n: number, m: number, supply: Float64Array, demand: Float64Array, massTol: number): Basis {
  const N = n + m;
  const nBasic = N - 1;
  const bRow = new Int32Array(nBasic);
  const bCol = new Int32Array(nBasic);
  const bFlow = new Float64Array(nBasic);
  let count = 0;
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
  return { row: bRow, col: bCol, flow: bFlow };
}

/**
 * The basis as a tree over rows (nodes 0..n−1) and columns (n..n+m−1), rooted at row 0, with the dual
 * potentials u_i + v_j = C_ij on its cells (pot: u then v).
 */
class BasisTree {
  readonly basis: Basis;
  readonly adj: number[][];
  readonly parent: Int32Array;
  readonly parentSlot: Int32Array;
  readonly depth: Int32Array;
  readonly pot: Float64Array;
  readonly #queue: Int32Array;
  readonly #C: Float64Array;
  readonly #n: number;
  readonly #m: number;

  constructor(C: Float64Array, n: number, m: number, basis: Basis) {
    const N = n + m;
    this.basis = basis;
    this.#C = C;
    this.#n = n;
    this.#m = m;
    this.adj = Array.from({ length: N }, () => []);
    for (let e = 0; e < basis.row.length; e++) {
      this.adj[basis.row[e]!]!.push(e);
      this.adj[n + basis.col[e]!]!.push(e);
    }
    this.parent = new Int32Array(N).fill(-1);
    this.parentSlot = new Int32Array(N).fill(-1);
    this.depth = new Int32Array(N);
    this.pot = new Float64Array(N);
    this.#queue = new Int32Array(N);
    this.pot[0] = 0;
    this.depth[0] = 0;
    this.reroot(0);
  }

  /** Re-roots the part of the tree reachable from x without crossing x's parent edge; sets depth and potentials. */
  reroot(x: number): void {
    const { row, col } = this.basis;
    const n = this.#n;
    const queue = this.#queue;
    let head = 0;
    let tail = 0;
    queue[tail++] = x;
    while (head < tail) {
      const u = queue[head++]!;
      const list = this.adj[u]!;
      for (let k = 0; k < list.length; k++) {
        const e = list[k]!;
        if (e === this.parentSlot[u]) continue;
        const w = u < n ? n + col[e]! : row[e]!;
        this.parent[w] = u;
        this.parentSlot[w] = e;
        this.depth[w] = this.depth[u]! + 1;
        this.pot[w] = this.#C[row[e]! * this.#m + col[e]!]! - this.pot[u]!;
        this.#queue[tail++] = w;
      }
    }
  }

  /** The tree paths (cells) from nodes p and q up to their common ancestor. */
  cycle(p: number, q: number, pathP: number[], pathQ: number[]): void {
    pathP.length = 0;
    pathQ.length = 0;
    let x = p;
    let y = q;
    while (this.depth[x]! > this.depth[y]!) {
      pathP.push(this.parentSlot[x]!);
      x = this.parent[x]!;
    }
    while (this.depth[y]! > this.depth[x]!) {
      pathQ.push(this.parentSlot[y]!);
      y = this.parent[y]!;
    }
    while (x !== y) {
      pathP.push(this.parentSlot[x]!);
      x = this.parent[x]!;
      pathQ.push(this.parentSlot[y]!);
      y = this.parent[y]!;
    }
  }

  /** Cell `leave` gives its slot to cell (i, j) carrying `theta`; the subtree cut off is re-rooted from `inside`. */
  replace(leave: number, i: number, j: number, theta: number, inside: number, outside: number): void {
    const { row, col, flow } = this.basis;
    const n = this.#n;
    removeFrom(this.adj[row[leave]!]!, leave);
    removeFrom(this.adj[n + col[leave]!]!, leave);
    row[leave] = i;
    col[leave] = j;
    flow[leave] = theta;
    this.adj[i]!.push(leave);
    this.adj[n + j]!.push(leave);
    this.parent[inside] = outside;
    this.parentSlot[inside] = leave;
    this.depth[inside] = this.depth[outside]! + 1;
    this.pot[inside] = this.#C[i * this.#m + j]! - this.pot[outside]!;
    this.reroot(inside);
  }
}

/**
 * Simplex pivots until no cell has a negative reduced cost: block search for the entering cell, flow θ
 * round the cycle it closes, the leaving cell by Cunningham's rule. Returns the number of pivots.
 */
function pivotToOptimum(tree: BasisTree, C: Float64Array, n: number, m: number, tol: number, maxPivots: number): number {
  const { flow } = tree.basis;
  const pot = tree.pot;
  const total = n * m;
  const block = Math.max(32, Math.ceil(Math.sqrt(total)));
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
    if (enterI < 0) return pivots; // optimal
    if (++pivots > maxPivots) throw new Error(`exactOt: no convergence after ${maxPivots} pivots (degenerate cycling?)`);

    // The cycle: tree paths from p = row enterI and q = column enterJ up to their common ancestor.
    const p = enterI;
    const q = n + enterJ;
    tree.cycle(p, q, pathP, pathQ);
    // Cells at even positions on either path lose flow. Leaving cell: minimum flow; ties go to the
    // last one met on apex → p (reversed pathP), entering cell, q → apex (pathQ).
    let theta = Infinity;
    let leave = -1;
    let leaveOnP = false;
    for (let k = pathP.length - 1; k >= 0; k--) {
      if (k % 2 !== 0) continue;
      const f = flow[pathP[k]!]!;
      if (f <= theta) {
        theta = f;
        leave = pathP[k]!;
        leaveOnP = true;
      }
    }
    for (let k = 0; k < pathQ.length; k += 2) {
      const f = flow[pathQ[k]!]!;
      if (f <= theta) {
        theta = f;
        leave = pathQ[k]!;
        leaveOnP = false;
      }
    }
    if (leave < 0) throw new Error('exactOt: internal error, no leaving cell');
    if (theta > 0) {
      for (const path of [pathP, pathQ]) {
        for (let k = 0; k < path.length; k++) {
          const e = path[k]!;
          flow[e] = k % 2 === 0 ? Math.max(0, flow[e]! - theta) : flow[e]! + theta;
        }
      }
    }
    // Replace the leaving cell by the entering one (same slot) and re-root the detached subtree.
    tree.replace(leave, enterI, enterJ, theta, leaveOnP ? p : q, leaveOnP ? q : p);
  }
}

function removeFrom(list: number[], value: number): void {
  const k = list.indexOf(value);
  if (k < 0) throw new Error('exactOt: internal error, tree edge missing');
  list[k] = list[list.length - 1]!;
  list.pop();
}
