/**
 * Mid-near partners (embed/mid-near.ts) against their definition — the second nearest of each draw of
 * MID_NEAR_SAMPLE cells from the cell's own component — and their merge into the refinement's P.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentCells, MID_NEAR_DRAWS, MID_NEAR_SAMPLE, midNearDraws, midNearKernel, withMidNear } from '../../src-core/embed/mid-near.js';
import { refineAffinities } from '../../src-core/embed/refine.js';
import { refineGraph } from '../../src-core/embed/refine-graph.js';
import { refineAffinitiesKernel, type RefineAffinitiesTask } from '../../src-core/embed/refine-affinities-kernel.js';
import { createNodeKernelPool } from '../../src-core/compute/kernel-pool-node.js';
import { createPointStore } from '../../src-core/compute/wasm-sqdist.js';
import { connectedComponents } from '../../src-core/graph/components.js';
import { knnKdTree } from '../../src-core/graph/kdtree.js';
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { csrFromTriplets, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';

/** Two blobs far apart, each with integer coordinates plus jitter (no distance ties); the kNN graph has two components. */
function twoBlobs(n: number, dim: number, seed: number): { x: Float32Array; w: Csr64 } {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n * dim }, (_, q) => (Math.floor(q / dim) < n / 2 ? 0 : 1000) + 10 * rng.next());
  return { x, w: alphaDecayAffinity(knnKdTree(x, n, dim, 10), { k: 5, decay: 40 }) };
}

function taskFor(x: Float32Array, n: number, dim: number, w: Csr64, lo: number, hi: number) {
  return { store: createPointStore(x, n, dim), ...componentCells(w), lo, hi };
}

test('each partner is the second nearest of its draw, from the cell\'s own component, never the cell; any split of the cells gives the same', () => {
  const n = 400, dim = 20; // more than 8 coordinates: a distance left at a zero limit would stop after the first 8
  const { x, w } = twoBlobs(n, dim, 3);
  const all = taskFor(x, n, dim, w, 0, n);
  assert.equal(all.offsets.length, 3, 'two components');
  const partners = midNearKernel(all);
  assert.equal(partners.length, n * MID_NEAR_DRAWS);
  const d2 = (i: number, j: number): number => {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (x[i * dim + c]! - x[j * dim + c]!) ** 2;
    return s;
  };
  for (let i = 0; i < n; i++) {
    const c = all.labels[i]!;
    const base = all.offsets[c]!;
    const draws = midNearDraws(i, all.position[i]!, all.offsets[c + 1]! - base);
    assert.equal(draws.length, MID_NEAR_DRAWS * MID_NEAR_SAMPLE);
    for (let d = 0; d < MID_NEAR_DRAWS; d++) {
      const cells = Array.from(draws.subarray(d * MID_NEAR_SAMPLE, (d + 1) * MID_NEAR_SAMPLE), (r) => all.members[base + r]!);
      assert.ok(!cells.includes(i), `cell ${i} drew itself`);
      const ranked = cells.map((j, s) => ({ j, s, d: d2(i, j) })).sort((a, b) => a.d - b.d || a.s - b.s);
      const got = partners[i * MID_NEAR_DRAWS + d]!;
      assert.equal(got, ranked[1]!.j, `cell ${i}, draw ${d}`);
      assert.equal(all.labels[got], c, 'same component');
    }
  }
  const split = [midNearKernel(taskFor(x, n, dim, w, 0, 137)), midNearKernel(taskFor(x, n, dim, w, 137, n))];
  assert.deepEqual(Array.from(split[0]!).concat(Array.from(split[1]!)), Array.from(partners));
  // The draws are the cell's own: not all the same cell, and they differ between cells.
  assert.ok(new Set(Array.from(partners.subarray(0, MID_NEAR_DRAWS))).size > 1);
  assert.notDeepEqual(Array.from(midNearDraws(1, 1, 200)), Array.from(midNearDraws(2, 2, 200)));
});

test('a cell alone in its component has no partner; a pair of cells has each other', () => {
  assert.equal(midNearDraws(7, 0, 1).length, 0);
  const two = midNearDraws(7, 1, 2);
  assert.ok(two.every((r) => r === 0), 'the other cell, every time');
  // Cells 0–1 joined, cell 2 alone.
  const w = csrFromTriplets(3, Int32Array.from([0, 1]), Int32Array.from([1, 0]), Float64Array.from([1, 1]));
  const x = Float32Array.from([0, 0, 1, 0, 5, 5]);
  const partners = midNearKernel(taskFor(x, 3, 2, w, 0, 3));
  assert.deepEqual(Array.from(partners.subarray(0, MID_NEAR_DRAWS)), new Array(MID_NEAR_DRAWS).fill(1));
  assert.deepEqual(Array.from(partners.subarray(MID_NEAR_DRAWS, 2 * MID_NEAR_DRAWS)), new Array(MID_NEAR_DRAWS).fill(0));
  assert.deepEqual(Array.from(partners.subarray(2 * MID_NEAR_DRAWS)), new Array(MID_NEAR_DRAWS).fill(-1));
});

test('withMidNear: (1 − share)·P + share·M, symmetric to the bit, sorted rows, Σ = 1, no self pair; share 0 leaves P', () => {
  const n = 6;
  // P: a symmetric matrix summing to 1 on pairs (0,1), (1,2), (3,4).
  const pr = [0, 1, 1, 2, 3, 4], pc = [1, 0, 2, 1, 4, 3], pv = [0.2, 0.2, 0.15, 0.15, 0.15, 0.15];
  const p = csrFromTriplets(n, Int32Array.from(pr), Int32Array.from(pc), Float64Array.from(pv));
  const partners = new Int32Array(n * MID_NEAR_DRAWS).fill(-1);
  partners[0] = 1; // (0, 1): already in P
  partners[1] = 5; // (0, 5): new
  partners[2] = 5; // (0, 5) again
  partners[3 * MID_NEAR_DRAWS] = 0; // (3, 0): new
  const share = 0.25;
  const q = withMidNear(p, partners, share);
  const dense = (m: Csr64): number[][] => {
    const a = Array.from({ length: m.n }, () => new Array<number>(m.n).fill(0));
    for (let i = 0; i < m.n; i++) {
      for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
        if (k > m.indptr[i]!) assert.ok(m.indices[k]! > m.indices[k - 1]!, 'sorted, no duplicate');
        a[i]![m.indices[k]!] = m.values[k]!;
      }
    }
    return a;
  };
  const got = dense(q), before = dense(p);
  const unit = share / (2 * 4); // 4 draws, each counted for (i, j) and (j, i)
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      assert.ok(Object.is(got[i]![j], got[j]![i]), `symmetric at (${i}, ${j})`);
      total += got[i]![j]!;
    }
  assert.equal(got[0]![0], 0);
  assert.equal(got[0]![1], (1 - share) * before[0]![1]! + unit);
  assert.equal(got[0]![5], 2 * unit);
  assert.equal(got[3]![0], unit);
  assert.equal(got[1]![2], (1 - share) * before[1]![2]!);
  assert.ok(Math.abs(total - 1) < 1e-12, `Σ = ${total}`);
  assert.equal(withMidNear(p, partners, 0), p);
  assert.equal(withMidNear(p, new Int32Array(n * MID_NEAR_DRAWS).fill(-1), share), p);
});

test('refineAffinities with mid-near pairs: the same on two threads, pairs beyond the two-step support, none across components', async () => {
  const n = 3000, dim = 4;
  const { x, w } = twoBlobs(n, dim, 9);
  const { labels } = connectedComponents(w);
  const plain = await refineAffinities(w, x, dim, 32);
  const mixed = await refineAffinities(w, x, dim, 32, undefined, 0.15);
  const pool = createNodeKernelPool(2);
  try {
    const threaded = await refineAffinities(w, x, dim, 32, pool, 0.15);
    assert.deepEqual(Array.from(threaded.indices), Array.from(mixed.indices));
    assert.deepEqual(Array.from(threaded.values), Array.from(mixed.values));
  } finally {
    await pool.stop();
  }
  assert.ok(mixed.indices.length > plain.indices.length, 'mid-near pairs added');
  // The pairs are the definition's: the partners of midNearKernel over the components found here, merged by withMidNear.
  const want = withMidNear(plain, midNearKernel(taskFor(x, n, dim, w, 0, n)), 0.15);
  assert.deepEqual(Array.from(mixed.indptr), Array.from(want.indptr));
  assert.deepEqual(Array.from(mixed.indices), Array.from(want.indices));
  assert.deepEqual(Array.from(mixed.values), Array.from(want.values));
  let mass = 0;
  for (let i = 0; i < n; i++)
    for (let q = mixed.indptr[i]!; q < mixed.indptr[i + 1]!; q++) {
      assert.equal(labels[mixed.indices[q]!], labels[i], `pair (${i}, ${mixed.indices[q]}) crosses components`);
      mass += mixed.values[q]!;
    }
  assert.ok(Math.abs(mass - 1) < 1e-9);
});

test('the refinement graph and P as one kernel task on one thread: the same bits as the pool build (with and without mid-near pairs)', async () => {
  const n = 2000, dim = 4;
  const { x } = twoBlobs(n, dim, 4);
  const knn = knnKdTree(x, n, dim, 10);
  const graph = alphaDecayAffinity(knn, { k: 5, decay: 40 });
  const pool = createNodeKernelPool(2);
  try {
    for (const share of [0, 0.15]) {
      const w = await refineGraph(knn, graph, 5, 8, 40, pool);
      const want = await refineAffinities(w, x, dim, 32, pool, share);
      const task: RefineAffinitiesTask = { knn, graph, graphK: 5, k: 8, decay: 40, points: x, dim, maxPartners: 32, midNearShare: share };
      const [onHelper] = await pool.mapOnHelpers<RefineAffinitiesTask, Csr64>({ module: new URL('../../src-core/embed/refine-affinities-kernel.js', import.meta.url).href, name: 'refineAffinitiesKernel' }, [task]);
      for (const got of [refineAffinitiesKernel(task), onHelper!]) {
        assert.deepEqual(Array.from(got.indptr), Array.from(want.indptr), `share ${share}: indptr`);
        assert.deepEqual(Array.from(got.indices), Array.from(want.indices), `share ${share}: indices`);
        assert.equal(Array.from(got.values).findIndex((v, q) => !Object.is(v, want.values[q])), -1, `share ${share}: values`);
      }
    }
  } finally {
    await pool.stop();
  }
});
