/**
 * The latent trajectory of the count simulator: a tree of B segments ("branches"). Branch 0 is the root;
 * every other branch starts at the END of its parent, so the tree is one connected 1-D shape. A cell is a
 * (branch, position) pair with position ∈ [0, length of the branch] (arc length); its pseudotime is the
 * arc length from the root. The geodesic between two cells is the arc length of the tree path joining
 * them: depth(a) + depth(b) − 2·depth(lowest common point).
 */
import type { Rng } from '../linalg/random.js';

export interface TrajectoryTree {
  readonly branches: number;
  /** Parent branch, -1 for the root (branch 0). parent[b] < b. */
  readonly parent: Int32Array;
  /** Arc length of each branch. */
  readonly length: Float64Array;
  /** Arc length from the root to the start of each branch. */
  readonly startDepth: Float64Array;
  /** B × B: the deepest branch that is an ancestor-or-self of both (row-major). */
  readonly commonBranch: Int32Array;
}

/**
 * 'binary': parent(b) = ⌊(b − 1)/2⌋ — every segment splits in two (5 branches: a root, two children, and
 * two grandchildren under branch 1). 'random': parent(b) uniform among earlier branches. Or explicit parents.
 */
export type Topology = 'binary' | 'random' | readonly number[];

/** 'equal': every branch has length 1; 'random': lengths uniform in [0.5, 1.5]. */
export type BranchLengths = 'equal' | 'random';

export function makeTree(branches: number, topology: Topology, lengths: BranchLengths, rng: Rng): TrajectoryTree {
  if (!Number.isInteger(branches) || branches < 1) throw new Error(`branches must be a positive integer, got ${branches}`);
  const parent = new Int32Array(branches);
  parent[0] = -1;
  if (Array.isArray(topology)) {
    const given = topology as readonly number[];
    if (given.length !== branches) throw new Error(`topology lists ${given.length} parents for ${branches} branches`);
    for (let b = 0; b < branches; b++) {
      const p = given[b]!;
      if (b === 0 ? p !== -1 : !(Number.isInteger(p) && p >= 0 && p < b)) throw new Error(`topology: branch ${b} has parent ${p}; need -1 for branch 0 and an earlier branch otherwise`);
      parent[b] = p;
    }
  } else {
    for (let b = 1; b < branches; b++) parent[b] = topology === 'binary' ? Math.floor((b - 1) / 2) : rng.int(b);
  }
  const length = new Float64Array(branches);
  for (let b = 0; b < branches; b++) length[b] = lengths === 'equal' ? 1 : 0.5 + rng.next();
  const startDepth = new Float64Array(branches);
  for (let b = 1; b < branches; b++) startDepth[b] = startDepth[parent[b]!]! + length[parent[b]!]!;
  const commonBranch = new Int32Array(branches * branches);
  for (let a = 0; a < branches; a++) {
    const ancestorsOfA = new Set<number>();
    for (let x = a; x >= 0; x = parent[x]!) ancestorsOfA.add(x);
    for (let b = 0; b < branches; b++) {
      let x = b;
      while (!ancestorsOfA.has(x)) x = parent[x]!; // the root is everyone's ancestor
      commonBranch[a * branches + b] = x;
    }
  }
  return { branches, parent, length, startDepth, commonBranch };
}

/** Arc length along the tree between (branch bi, position si) and (bj, sj). */
export function treeGeodesic(tree: TrajectoryTree, bi: number, si: number, bj: number, sj: number): number {
  if (bi === bj) return Math.abs(si - sj); // same segment: exact, without depth round-off
  const c = tree.commonBranch[bi * tree.branches + bj]!;
  // Where each point's path to the root crosses branch c: its own position, or c's end (children start there).
  const ci = c === bi ? si : tree.length[c]!;
  const cj = c === bj ? sj : tree.length[c]!;
  const common = tree.startDepth[c]! + Math.min(ci, cj);
  return tree.startDepth[bi]! + si + tree.startDepth[bj]! + sj - 2 * common;
}

/**
 * 'uniform': cells spread uniformly over the whole tree (a branch gets cells in proportion to its length).
 * 'uneven': each branch's share is also scaled by a log-normal weight (σ = 0.8) and positions follow
 * u^γ (γ = e^{U(−0.7, 0.7)} per branch), so some branches and some stretches are crowded and others sparse.
 */
export type CellDensity = 'uniform' | 'uneven';

export interface CellPlacement {
  readonly branch: Int32Array;
  readonly position: Float64Array;
}

export function placeCells(tree: TrajectoryTree, n: number, density: CellDensity, rng: Rng): CellPlacement {
  const B = tree.branches;
  const weight = new Float64Array(B);
  const gammaExp = new Float64Array(B).fill(1);
  for (let b = 0; b < B; b++) {
    weight[b] = tree.length[b]! * (density === 'uneven' ? Math.exp(0.8 * rng.normal()) : 1);
    if (density === 'uneven') gammaExp[b] = Math.exp(1.4 * rng.next() - 0.7);
  }
  const cumulative = new Float64Array(B);
  let total = 0;
  for (let b = 0; b < B; b++) cumulative[b] = total += weight[b]!;
  const branch = new Int32Array(n);
  const position = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.next() * total;
    let b = 0;
    while (b < B - 1 && r >= cumulative[b]!) b++;
    branch[i] = b;
    position[i] = tree.length[b]! * Math.pow(rng.next(), gammaExp[b]!);
  }
  return { branch, position };
}
