/** Small weighted undirected graphs for the clustering tests, as symmetric CSR. */
import { csrFromTriplets, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';

/** Symmetric CSR from undirected edges [i, j, w]; each edge is stored in both directions. */
export function graphFromEdges(n: number, edges: readonly (readonly [number, number, number?])[]): Csr64 {
  const rows = new Int32Array(2 * edges.length);
  const cols = new Int32Array(2 * edges.length);
  const vals = new Float64Array(2 * edges.length);
  edges.forEach(([i, j, w], e) => {
    rows[2 * e] = i;
    cols[2 * e] = j;
    rows[2 * e + 1] = j;
    cols[2 * e + 1] = i;
    vals[2 * e] = vals[2 * e + 1] = w ?? 1;
  });
  return csrFromTriplets(n, rows, cols, vals);
}

/** Edges of a clique on nodes [from, from + size). */
export function cliqueEdges(from: number, size: number): [number, number][] {
  const e: [number, number][] = [];
  for (let a = 0; a < size; a++) for (let b = a + 1; b < size; b++) e.push([from + a, from + b]);
  return e;
}

/** `count` cliques of `size` nodes in a ring, each joined to the next by one edge. */
export function ringOfCliques(count: number, size: number): Csr64 {
  const edges: [number, number][] = [];
  for (let c = 0; c < count; c++) {
    edges.push(...cliqueEdges(c * size, size));
    edges.push([c * size, ((c + 1) % count) * size + 1]);
  }
  return graphFromEdges(count * size, edges);
}

/**
 * Planted partition: `groups` groups of `size` nodes, edge probability pIn inside a group and pOut
 * between groups, with random weights in [0.5, 1).
 */
export function plantedPartition(groups: number, size: number, pIn: number, pOut: number, seed: number): { graph: Csr64; truth: Int32Array } {
  const rng = createRng(seed);
  const n = groups * size;
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = Math.floor(i / size) === Math.floor(j / size) ? pIn : pOut;
      if (rng.next() < p) edges.push([i, j, 0.5 + 0.5 * rng.next()]);
    }
  }
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) truth[i] = Math.floor(i / size);
  return { graph: graphFromEdges(n, edges), truth };
}
