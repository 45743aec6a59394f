/**
 * The refinement's affinity build against its definition (test/helpers/two-step-reference.ts), bit for
 * bit: the fast kernels (branch-free first-visit lists, selection among the values above a sampled guess, draws found without a division per
 * entry, one-pass assembly) must not change a single value, on this thread or on helpers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refineAffinities, twoStepAffinities, twoStepAffinitiesOnPool, WALK_SHARE } from '../../src-core/embed/refine.js';
import { createNodeKernelPool } from '../../src-core/compute/kernel-pool-node.js';
import { knnKdTree } from '../../src-core/graph/kdtree.js';
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { csrFromTriplets, filterCsr, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';
import { sparsifyRow, sparsifyWork, twoStepRowsKernel } from '../../src-core/embed/two-step-rows.js';
import { walkRowEngine } from '../../src-core/embed/two-step-wasm.js';
import { sparsified, twoStepReference } from '../helpers/two-step-reference.js';

function assertSameBits(got: Csr64, want: Csr64, what: string): void {
  assert.deepEqual(Array.from(got.indptr), Array.from(want.indptr), `${what}: indptr`);
  assert.deepEqual(Array.from(got.indices), Array.from(want.indices), `${what}: indices`);
  // Object.is tells 0 from −0 and compares NaN with itself: equal bits for every value these can hold.
  const bad = Array.from(got.values).findIndex((v, q) => !Object.is(v, want.values[q]));
  assert.equal(bad, -1, `${what}: value ${bad} is ${got.values[bad]}, want ${want.values[bad]}`);
}

/** A random graph on n vertices: weights from a few values (so that rows of T² hold ties), some self-loops, vertex 0 isolated. */
function tiedGraph(n: number, density: number, symmetric: boolean, seed: number): Csr64 {
  const rng = createRng(seed);
  const weights = [0.5, 1, 2];
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let i = 1; i < n; i++) {
    if (rng.next() < 0.1) rows.push(i), cols.push(i), vals.push(3); // self-loops take no part in the walk
    for (let j = 1; j < (symmetric ? i : n); j++) {
      if (j === i || rng.next() >= density) continue;
      const v = weights[Math.floor(rng.next() * 3)]!;
      rows.push(i), cols.push(j), vals.push(v);
      if (symmetric) rows.push(j), cols.push(i), vals.push(v);
    }
  }
  return csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals));
}

test('twoStepAffinities equals its definition bit for bit: ties, self-loops, an isolated vertex, asymmetric weights, every cap', () => {
  const graphs = [tiedGraph(90, 0.2, true, 1), tiedGraph(90, 0.2, false, 2), tiedGraph(200, 0.05, true, 3)];
  let sparsified = 0;
  for (const [g, w] of graphs.entries())
    for (const k of [Infinity, 1, 2, 3, 8, 17, 64]) {
      const want = twoStepReference(w, k);
      assertSameBits(twoStepAffinities(w, k), want, `graph ${g}, k ${k}`);
      if (Number.isFinite(k) && want.indices.length < twoStepReference(w).indices.length) sparsified++;
    }
  assert.ok(sparsified >= 12, `caps that bite: ${sparsified}`);
});

test('the WebAssembly accumulation and the JavaScript one give the same rows, bit for bit', () => {
  for (const [g, graph] of [tiedGraph(90, 0.2, true, 1), tiedGraph(90, 0.2, false, 2), tiedGraph(200, 0.05, true, 3)].entries()) {
    const w = filterCsr(graph, (i, j) => i !== j); // the kernel's input has no self-loops
    const rowSum = new Float64Array(w.n);
    for (let i = 0; i < w.n; i++) for (let q = w.indptr[i]!; q < w.indptr[i + 1]!; q++) rowSum[i]! += w.values[q]!;
    assert.ok(walkRowEngine(w.indptr, w.indices, w.values, rowSum), 'Node runs the WebAssembly module');
    for (const maxPartners of [Infinity, 3, 16]) {
      const task = { ...w, rowSum, lo: 5, hi: w.n - 3, maxPartners };
      const a = twoStepRowsKernel(task);
      const b = twoStepRowsKernel({ ...task, wasm: false });
      assert.ok(a.cols.length > 0);
      assert.deepEqual([Array.from(a.counts), Array.from(a.cols), Array.from(a.vals)], [Array.from(b.counts), Array.from(b.cols), Array.from(b.vals)], `graph ${g}, k ${maxPartners}`);
    }
  }
});

test('sparsifyRow gives the definition\'s row: a guess that leaves too few candidates, ties at the cut, zeros, odd and small k', () => {
  const rng = createRng(9);
  const t = 400;
  const rows: [string, number[]][] = [
    // Every 8th value large: the sampled guess lets only 13 through, fewer than k/2 = 64, so all are searched.
    ['large every 8th', Array.from({ length: t }, (_, s) => (s % 8 === 0 ? 1000 + s : rng.next()))],
    ['ties at the cut', Array.from({ length: t }, (_, s) => [0.25, 0.5, 1][s % 3]! * (s < 40 ? 4 : 1))],
    ['zeros and a heavy head', Array.from({ length: t }, (_, s) => (s % 5 === 0 ? 0 : rng.next() ** 6))],
    ['random', Array.from({ length: t }, () => rng.next())],
  ];
  for (const [what, values] of rows)
    for (const k of [1, 2, 5, 16, 128, 129, 399]) {
      const cols = Int32Array.from({ length: t }, (_, s) => (s * 7919) % 1009); // row order is not column order
      const acc = new Float64Array(1009);
      cols.forEach((l, s) => (acc[l] = values[s]!));
      const want = [...sparsified(new Map(Array.from(cols, (l, s) => [l, values[s]!])), k)];
      const work = sparsifyWork(t);
      const kept = sparsifyRow(cols, acc, t, k, work);
      // The same entries in the same order (the largest in row order, then the draws), bit for bit.
      const got = Array.from(work.keptCols.subarray(0, kept), (l, s) => [l, work.keptVals[s]!] as const);
      assert.equal(got.length, want.length, `${what}, k ${k}: length`);
      got.forEach(([l, v], s) => assert.ok(l === want[s]![0] && Object.is(v, want[s]![1]), `${what}, k ${k}: entry ${s}`));
      assert.ok(acc.every((v) => v === 0), 'acc is cleared on the row');
    }
});

test('on two threads in several blocks, a kNN graph gives the definition\'s bits; so does refineAffinities against its mix', async () => {
  const rng = createRng(5);
  const n = 5000;
  const dim = 4;
  // The graph from jittered points (no kNN ties); the distances from the integer ones, exact in float32
  // whatever order the lanes are summed in, so that a plain float64 loop gives the same d².
  const xi = Float32Array.from({ length: n * dim }, () => Math.floor(rng.next() * 12));
  const x = Float32Array.from(xi, (v) => v + 0.2 * rng.next());
  const w = alphaDecayAffinity(knnKdTree(x, n, dim, 10), { k: 5, decay: 40 });
  const want = twoStepReference(w, 32);
  const pool = createNodeKernelPool(2);
  try {
    assertSameBits(twoStepAffinities(w, 32), want, 'this thread');
    assertSameBits(await twoStepAffinitiesOnPool(w, 32, pool), want, '2 threads');
    const looped = tiedGraph(90, 0.2, true, 1);
    assertSameBits(await twoStepAffinitiesOnPool(looped, 8, pool), twoStepReference(looped, 8), 'self-loops, 2 threads');
    // The mix: WALK_SHARE·P_walk + (1 − WALK_SHARE)·exp(−d²/2σ²)/Σ, σ² the sorted 1-in-16 sample's middle.
    const d2 = new Float64Array(want.indices.length);
    for (let i = 0; i < n; i++)
      for (let q = want.indptr[i]!; q < want.indptr[i + 1]!; q++)
        for (let c = 0; c < dim; c++) d2[q]! += (xi[i * dim + c]! - xi[want.indices[q]! * dim + c]!) ** 2;
    const sample = Float64Array.from({ length: Math.ceil(d2.length / 16) }, (_, s) => d2[16 * s]!).sort();
    const s2 = sample[sample.length >> 1]!;
    const g = Float64Array.from(d2, (v) => Math.exp(-v / (2 * s2)));
    let total = 0;
    for (const v of g) total += v;
    const mixed = { ...want, values: Float64Array.from(want.values, (v, q) => WALK_SHARE * v + (1 - WALK_SHARE) * (g[q]! / total)) };
    assertSameBits(await refineAffinities(w, xi, dim, 32), mixed, 'refineAffinities, this thread');
    assertSameBits(await refineAffinities(w, xi, dim, 32, pool), mixed, 'refineAffinities, 2 threads');
  } finally {
    await pool.stop();
  }
});
