/**
 * A PHATE-style branching tree in high dimension with known geodesics. A root branch starts at the
 * origin; every other branch starts at a random point of an earlier branch. Each branch is a smooth
 * path of `length` arc-length units in a random direction with a gently turning tangent; observations
 * get isotropic Gaussian noise. The true geodesic between two points is the path length along the tree.
 */
import { createRng } from '../linalg/random.js';

export interface TreeData {
  readonly n: number;
  readonly dim: number;
  readonly points: Float32Array;
  /** Branch of each point. */
  readonly branch: Int32Array;
  /** Arc-length position of each point along its branch. */
  readonly position: Float64Array;
  /** Parent branch (-1 for the root) and the arc position on the parent where each branch starts. */
  readonly parent: Int32Array;
  readonly parentPosition: Float64Array;
}

export interface TreeOptions {
  readonly branches?: number;
  readonly dim?: number;
  readonly length?: number;
  readonly noise?: number;
  readonly seed?: number;
}

export function branchingTree(n: number, options: TreeOptions = {}): TreeData {
  const nb = options.branches ?? 5;
  const dim = options.dim ?? 20;
  const length = options.length ?? 10;
  const noise = options.noise ?? 0.15;
  const rng = createRng(options.seed ?? 0);
  const steps = 200;
  const ds = length / steps;
  // Polyline of each branch: (steps+1) × dim.
  const paths: Float64Array[] = [];
  const parent = new Int32Array(nb).fill(-1);
  const parentPosition = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const path = new Float64Array((steps + 1) * dim);
    if (b > 0) {
      parent[b] = rng.int(b);
      const k = Math.floor(steps * (0.4 + 0.6 * rng.next()));
      parentPosition[b] = k * ds;
      path.set(paths[parent[b]!]!.subarray(k * dim, (k + 1) * dim));
    }
    const dir = new Float64Array(dim);
    for (let a = 0; a < dim; a++) dir[a] = rng.normal();
    normalise(dir);
    for (let s = 1; s <= steps; s++) {
      for (let a = 0; a < dim; a++) dir[a]! += 0.02 * rng.normal();
      normalise(dir);
      for (let a = 0; a < dim; a++) path[s * dim + a] = path[(s - 1) * dim + a]! + ds * dir[a]!;
    }
    paths.push(path);
  }
  const points = new Float32Array(n * dim);
  const branch = new Int32Array(n);
  const position = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = i % nb;
    const s = rng.int(steps + 1);
    branch[i] = b;
    position[i] = s * ds;
    for (let a = 0; a < dim; a++) points[i * dim + a] = paths[b]![s * dim + a]! + noise * rng.normal();
  }
  return { n, dim, points, branch, position, parent, parentPosition };
}

function normalise(v: Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  s = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! /= s;
}

/** Geodesic (along-tree) distance between two points of the tree. */
export function treeDistance(tree: TreeData, i: number, j: number): number {
  // Walk each point up to the root, recording (branch → position reached on it).
  const up = (b: number, pos: number): Map<number, number> => {
    const m = new Map<number, number>();
    let cb = b;
    let cp = pos;
    for (;;) {
      m.set(cb, cp);
      if (tree.parent[cb]! < 0) break;
      cp = tree.parentPosition[cb]!;
      cb = tree.parent[cb]!;
    }
    return m;
  };
  const a = up(tree.branch[i]!, tree.position[i]!);
  const bMap = up(tree.branch[j]!, tree.position[j]!);
  // Cost to climb from point to the start of each ancestor branch entry.
  const climb = (b: number, pos: number): Map<number, number> => {
    const m = new Map<number, number>();
    let cb = b;
    let cp = pos;
    let acc = 0;
    for (;;) {
      m.set(cb, acc);
      if (tree.parent[cb]! < 0) break;
      acc += cp;
      cp = tree.parentPosition[cb]!;
      cb = tree.parent[cb]!;
    }
    return m;
  };
  const ca = climb(tree.branch[i]!, tree.position[i]!);
  const cbm = climb(tree.branch[j]!, tree.position[j]!);
  let best = Infinity;
  for (const [br, posA] of a) {
    const posB = bMap.get(br);
    if (posB === undefined) continue;
    best = Math.min(best, ca.get(br)! + cbm.get(br)! + Math.abs(posA - posB));
  }
  return best;
}
