import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knnKdTree, principalRotation } from '../../src-core/graph/kdtree.js';
import { knnBlocked } from '../../src-core/graph/knn-blocked.js';
import { knnExact } from '../../src-core/graph/knn.js';
import { initBackend } from '../../src-core/compute/backend.js';
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { laplacian } from '../../src-core/graph/laplacian.js';
import { csrFromTriplets } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

function bruteForce(points: Float32Array, n: number, d: number, k: number): { idx: Int32Array; dist: Float64Array } {
  const idx = new Int32Array(n * k);
  const dist = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const all: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < d; c++) s += (points[i * d + c]! - points[j * d + c]!) ** 2;
      all.push([Math.sqrt(s), j]);
    }
    all.sort((a, b) => a[0] - b[0]);
    for (let p = 0; p < k; p++) {
      idx[i * k + p] = all[p]![1];
      dist[i * k + p] = all[p]![0];
    }
  }
  return { idx, dist };
}

test('k-d tree and blocked kNN both equal brute force (50-D Gaussian clusters and a roll rotated into 50-D)', async () => {
  await initBackend('auto');
  const rng = createRng(3);
  const n = 600;
  const d = 50;
  const gauss = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) gauss[i * d + c] = (i % 4) * 3 + rng.normal();
  const roll = swissRoll(n, { seed: 4, dim: 50 }).points;
  for (const pts of [gauss, roll]) {
    const k = 12;
    const want = bruteForce(pts, n, d, k);
    for (const got of [knnKdTree(pts, n, d, k), await knnBlocked(pts, n, d, k)]) {
    for (let i = 0; i < n * k; i++) assert.ok(Math.abs(got.distances[i]! - want.dist[i]!) < 1e-3 * (1 + want.dist[i]!), `distance ${i}`);
      // Indices agree except where two neighbours are tied in distance.
      let mismatched = 0;
    for (let i = 0; i < n * k; i++) if (got.indices[i] !== want.idx[i]) mismatched++;
    assert.ok(mismatched <= n * k * 0.001, `${mismatched} index mismatches`);
    for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) assert.notEqual(got.indices[i * k + p], i, 'self excluded');
    }
  }
});

test('the dispatcher uses the tree on low-dimensional data and brute force on high-dimensional noise', async () => {
  const roll = swissRoll(4000, { seed: 4, dim: 50 });
  assert.equal((await knnExact(roll.points, 4000, 50, 10)).method, 'kdtree');
  const rng = createRng(8);
  const noise = Float32Array.from({ length: 4000 * 50 }, () => rng.normal());
  assert.equal((await knnExact(noise, 4000, 50, 10)).method, 'blocked');
});

test('the principal rotation preserves pairwise distances', () => {
  const { points } = swissRoll(200, { seed: 1, dim: 20 });
  const rot = principalRotation(points, 200, 20);
  for (const [i, j] of [[0, 1], [5, 150], [42, 199]] as const) {
    let a = 0;
    let b = 0;
    for (let c = 0; c < 20; c++) {
      a += (points[i * 20 + c]! - points[j * 20 + c]!) ** 2;
      b += (rot[i * 20 + c]! - rot[j * 20 + c]!) ** 2;
    }
    assert.ok(Math.abs(Math.sqrt(a) - Math.sqrt(b)) < 1e-4);
  }
});

test('kNN handles duplicated points without self loops or NaN', () => {
  const pts = new Float32Array([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3]);
  const r = knnKdTree(pts, 6, 2, 3);
  for (let i = 0; i < 6; i++) for (let p = 0; p < 3; p++) assert.notEqual(r.indices[i * 3 + p], i);
  assert.equal(r.distances[0], 0);
  const w = alphaDecayAffinity(r, { k: 2, decay: 40 });
  for (const v of w.values) assert.ok(Number.isFinite(v));
});

test('alpha-decay affinity is symmetric, in (0, 1], with ε_i at the k-th neighbour giving e^{-1}', () => {
  const n = 300;
  const { points } = swissRoll(n, { seed: 2 });
  const knn = knnKdTree(points, n, 3, 20);
  const w = alphaDecayAffinity(knn, { k: 10, decay: 40 });
  const get = (i: number, j: number): number => {
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) if (w.indices[p] === j) return w.values[p]!;
    return 0;
  };
  for (let i = 0; i < n; i += 7) for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
    const j = w.indices[p]!;
    assert.ok(Math.abs(get(j, i) - w.values[p]!) < 1e-15, 'symmetric');
    assert.ok(w.values[p]! > 0 && w.values[p]! <= 1);
  }
  // a_i,k-th = exp(-1); W = (a_ij + a_ji)/2 ≥ exp(-1)/2.
  const j10 = knn.indices[0 * 20 + 9]!;
  assert.ok(get(0, j10) >= Math.exp(-1) / 2 - 1e-12);
});

test('Laplacians: combinatorial rows sum to zero; normalised has unit diagonal; both symmetric', () => {
  const w = csrFromTriplets(3, Int32Array.from([0, 1, 1, 2]), Int32Array.from([1, 0, 2, 1]), Float64Array.from([2, 2, 1, 1]));
  const c = laplacian(w, 'combinatorial');
  assert.deepEqual(Array.from(c.matrix.values), [2, -2, -2, 3, -1, -1, 1]);
  const nrm = laplacian(w, 'normalized');
  const v = Array.from(nrm.matrix.values);
  assert.ok(Math.abs(v[0]! - 1) < 1e-15 && Math.abs(v[1]! + 2 / Math.sqrt(2 * 3)) < 1e-15);
  assert.ok(nrm.lambdaMaxBound <= 2);
});

test('csrFromTriplets sorts rows and sums duplicates (regression: in-place compaction)', () => {
  const rows = Int32Array.from([0, 0, 0, 0, 1, 1]);
  const cols = Int32Array.from([3, 1, 3, 0, 2, 2]);
  const vals = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const m = csrFromTriplets(4, rows, cols, vals);
  assert.deepEqual(Array.from(m.indptr), [0, 3, 4, 4, 4]);
  assert.deepEqual(Array.from(m.indices), [0, 1, 3, 2]);
  assert.deepEqual(Array.from(m.values), [4, 2, 4, 11]);
});

test('unsupported edges (one-sided, no shared neighbour) are pruned; mutual and nearest edges kept', () => {
  // Two "sheets" 0-1-2 and 3-4-5; 2's second neighbour is 3 on the other sheet (a short circuit).
  const n = 6;
  const indices = Int32Array.from([1, 2, 0, 2, 1, 3, 4, 5, 3, 5, 4, 3]);
  const distances = Float32Array.from([1, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2]);
  const knn = { n, k: 2, indices, distances };
  const get = (w: ReturnType<typeof alphaDecayAffinity>, i: number, j: number): number => {
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) if (w.indices[p] === j) return w.values[p]!;
    return 0;
  };
  const pruned = alphaDecayAffinity(knn, { k: 2, decay: 40 });
  const kept = alphaDecayAffinity(knn, { k: 2, decay: 40, pruneUnsupported: false });
  assert.ok(get(kept, 2, 3) > 0.1, 'without pruning the short circuit is an edge');
  assert.equal(get(pruned, 2, 3), 0, 'short circuit pruned');
  assert.ok(get(pruned, 2, 1) > 0.1 && get(pruned, 0, 1) > 0.1 && get(pruned, 4, 5) > 0.1, 'sheet edges kept');
});

test('on a noisy Swiss roll (seed 109) pruning removes the cross-layer kNN edges and < 1% of the rest', async () => {
  const roll = swissRoll(2000, { noise: 0.5, seed: 109 });
  const knn = await knnExact(roll.points, roll.n, 3, 20);
  const count = (w: ReturnType<typeof alphaDecayAffinity>): { all: number; cross: number } => {
    let all = 0;
    let cross = 0;
    for (let i = 0; i < w.n; i++) for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
      const j = w.indices[p]!;
      if (j <= i || w.values[p]! < 0.05) continue;
      all++;
      const d3 = Math.hypot(roll.points[3 * i]! - roll.points[3 * j]!, roll.points[3 * i + 1]! - roll.points[3 * j + 1]!, roll.points[3 * i + 2]! - roll.points[3 * j + 2]!);
      const du = Math.hypot(roll.unrolled[2 * i]! - roll.unrolled[2 * j]!, roll.unrolled[2 * i + 1]! - roll.unrolled[2 * j + 1]!);
      if (du > 3 * d3 + 2) cross++; // the pair is far along the sheet but close in space: another layer
    }
    return { all, cross };
  };
  const before = count(alphaDecayAffinity(knn, { k: 10, decay: 40, pruneUnsupported: false }));
  const after = count(alphaDecayAffinity(knn, { k: 10, decay: 40 }));
  assert.ok(before.cross >= 2, `this draw has cross-layer edges (${before.cross})`);
  assert.equal(after.cross, 0, 'all cross-layer edges pruned');
  assert.ok(after.all > 0.99 * before.all, `kept ${after.all} of ${before.all} edges`);
});
