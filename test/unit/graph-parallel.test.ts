/** The graph and landmark stages on the kernel pool give exactly the single-threaded results. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeKernelPool } from '../../src-core/compute/kernel-pool-node.js';
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { alphaDecayAffinityParallel } from '../../src-core/graph/affinity-parallel.js';
import { knnKdTree } from '../../src-core/graph/kdtree.js';
import { selectLandmarks, selectLandmarksParallel } from '../../src-core/graph/landmarks.js';
import { csrFromTriplets, type Csr64 } from '../../src-core/linalg/csr.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';

const pool = createNodeKernelPool(3);
after(() => pool.stop());

const n = 40_000;
const roll = swissRoll(n, { noise: 0.5, seed: 3, dim: 3 });
const knn = knnKdTree(roll.points, n, 3, 20);

function same(a: Csr64, b: Csr64, what: string): void {
  assert.equal(a.n, b.n);
  assert.deepEqual(Array.from(a.indptr), Array.from(b.indptr), `${what}: row pointers`);
  assert.ok(Buffer.from(a.indices.buffer, a.indices.byteOffset, a.indices.byteLength).equals(Buffer.from(b.indices.buffer, b.indices.byteOffset, b.indices.byteLength)), `${what}: columns`);
  assert.ok(Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).equals(Buffer.from(b.values.buffer, b.values.byteOffset, b.values.byteLength)), `${what}: values`);
}

test('affinity on 4 threads = single-threaded = (A + Aᵀ)/2 summed from triplets', async () => {
  const opts = { k: 10, decay: 40 };
  const seq = alphaDecayAffinity(knn, opts);
  same(await alphaDecayAffinityParallel(knn, opts, pool), seq, 'parallel');
  // Reference: the triplet construction (every kept a_ij as (i, j, a/2) and (j, i, a/2)), pruning off so
  // that the kept set is simply the weights above the threshold.
  const plain = alphaDecayAffinity(knn, { ...opts, pruneUnsupported: false });
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    const eps = knn.distances[i * 20 + 9]!;
    for (let p = 0; p < 20; p++) {
      const a = Math.exp(-Math.pow(knn.distances[i * 20 + p]! / eps, 40));
      if (a < 1e-4) continue;
      const j = knn.indices[i * 20 + p]!;
      rows.push(i, j);
      cols.push(j, i);
      vals.push(a / 2, a / 2);
    }
  }
  same(plain, csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals)), 'reference');
});

test('landmarks with edge lengths on 4 threads = single-threaded; coarse weights = Φᵀ W Φ from triplets', async () => {
  const w = alphaDecayAffinity(knn, { k: 10, decay: 40 });
  const seq = selectLandmarks(roll.points, 3, w, knn, 500, 0);
  const par = await selectLandmarksParallel(roll.points, 3, w, knn, 500, 0, pool);
  assert.deepEqual(Array.from(par.index), Array.from(seq.index));
  assert.deepEqual(Array.from(par.assignment), Array.from(seq.assignment));
  assert.deepEqual(Array.from(par.mass), Array.from(seq.mass));
  same(par.weights, seq.weights, 'coarse weights');
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
      const a = seq.assignment[i]!;
      const b = seq.assignment[w.indices[p]!]!;
      if (a === b) continue;
      rows.push(a);
      cols.push(b);
      vals.push(w.values[p]!);
    }
  }
  same(seq.weights, csrFromTriplets(500, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals)), 'reference');
  // Every landmark owns its own cell, and the Voronoi cells cover all cells.
  for (let a = 0; a < 500; a++) assert.equal(seq.assignment[seq.index[a]!], a);
  assert.equal(seq.mass.reduce((s, v) => s + v, 0), n);
});
