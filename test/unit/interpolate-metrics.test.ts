/**
 * W1, W2 and MMD between point clouds against brute force, and displacement interpolation at the
 * endpoints (α = 0 and α = 1 reproduce the two distributions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatGeodesicCost, squaredEuclideanCost } from '../../src-core/interpolate/costs.js';
import { interpolantMeasure, sampleInterpolant } from '../../src-core/interpolate/displacement.js';
import { exactOt } from '../../src-core/interpolate/exact-ot.js';
import { medianPairwiseDistance, mmdRbf, wasserstein1, wasserstein2 } from '../../src-core/interpolate/metrics.js';
import { planMarginals } from '../../src-core/interpolate/plan.js';
import { sinkhornLog } from '../../src-core/interpolate/sinkhorn.js';
import { createRng } from '../../src-core/linalg/random.js';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

function dist(x: Float64Array, i: number, y: Float64Array, j: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += (x[i * dim + k]! - y[j * dim + k]!) ** 2;
  return Math.sqrt(s);
}

function cloud(n: number, dim: number, seed: number, shift = 0): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * dim }, () => rng.normal() + shift);
}

test('W1 and W2 equal the best permutation (brute force) for equal-size samples', () => {
  for (let rep = 0; rep < 10; rep++) {
    const n = 3 + (rep % 5);
    const dim = 1 + (rep % 3);
    const x = cloud(n, dim, 10 + rep);
    const y = cloud(n, dim, 50 + rep, 0.7);
    let best1 = Infinity;
    let best2 = Infinity;
    for (const p of permutations(n)) {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const d = dist(x, i, y, p[i]!, dim);
        s1 += d;
        s2 += d * d;
      }
      best1 = Math.min(best1, s1 / n);
      best2 = Math.min(best2, s2 / n);
    }
    const w1 = wasserstein1({ points: x, n }, { points: y, n }, dim);
    const w2 = wasserstein2({ points: x, n }, { points: y, n }, dim);
    assert.ok(Math.abs(w1 - best1) < 1e-12, `W1 ${w1} vs ${best1}`);
    assert.ok(Math.abs(w2 - Math.sqrt(best2)) < 1e-12, `W2 ${w2} vs ${Math.sqrt(best2)}`);
  }
});

test('W1 and W2 for unequal sizes: replicated brute force (2 vs 3 points in 2-D)', () => {
  // Replicate source points 3× and target points 2× → a 6 × 6 assignment.
  for (let rep = 0; rep < 5; rep++) {
    const x = cloud(2, 2, 200 + rep);
    const y = cloud(3, 2, 300 + rep, 1);
    const rows = [0, 0, 0, 1, 1, 1];
    const cols = [0, 0, 1, 1, 2, 2];
    let best1 = Infinity;
    let best2 = Infinity;
    for (const p of permutations(6)) {
      let s1 = 0;
      let s2 = 0;
      for (let k = 0; k < 6; k++) {
        const d = dist(x, rows[k]!, y, cols[p[k]!]!, 2);
        s1 += d;
        s2 += d * d;
      }
      best1 = Math.min(best1, s1 / 6);
      best2 = Math.min(best2, s2 / 6);
    }
    assert.ok(Math.abs(wasserstein1({ points: x, n: 2 }, { points: y, n: 3 }, 2) - best1) < 1e-12);
    assert.ok(Math.abs(wasserstein2({ points: x, n: 2 }, { points: y, n: 3 }, 2) - Math.sqrt(best2)) < 1e-12);
  }
});

test('MMD with an RBF kernel: hand-computed values and brute-force double sums', () => {
  // Two single points at distance 1, h = 1: MMD² = 1 + 1 − 2 e^{−1/2}.
  const r = mmdRbf({ points: Float64Array.of(0), n: 1 }, { points: Float64Array.of(1), n: 1 }, 1, 1);
  assert.ok(Math.abs(r.mmd2 - (2 - 2 * Math.exp(-0.5))) < 1e-15);
  assert.equal(r.bandwidth, 1);
  assert.equal(r.bandwidthRule, 'given');
  // Median heuristic: pooled {0, 1, 3} has pairwise distances {1, 3, 2}: median 2.
  assert.equal(medianPairwiseDistance([{ points: Float64Array.of(0, 1), n: 2 }, { points: Float64Array.of(3), n: 1 }], 1), 2);
  // Brute force on random 2-D samples with the median bandwidth.
  const x = cloud(7, 2, 1);
  const y = cloud(5, 2, 2, 0.5);
  const m = mmdRbf({ points: x, n: 7 }, { points: y, n: 5 }, 2);
  const all: number[] = [];
  const pooled = [...Array.from({ length: 7 }, (_, i) => [x[2 * i]!, x[2 * i + 1]!]), ...Array.from({ length: 5 }, (_, j) => [y[2 * j]!, y[2 * j + 1]!])];
  for (let a = 0; a < 12; a++) for (let b = a + 1; b < 12; b++) all.push(Math.hypot(pooled[a]![0]! - pooled[b]![0]!, pooled[a]![1]! - pooled[b]![1]!));
  all.sort((p, q) => p - q);
  const h = (all[32]! + all[33]!) / 2; // 66 pairs
  assert.ok(Math.abs(m.bandwidth - h) < 1e-14);
  const k = (p: number[], q: number[]): number => Math.exp(-((p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2) / (2 * h * h));
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) xx += k(pooled[i]!, pooled[j]!) / 49;
  for (let i = 7; i < 12; i++) for (let j = 7; j < 12; j++) yy += k(pooled[i]!, pooled[j]!) / 25;
  for (let i = 0; i < 7; i++) for (let j = 7; j < 12; j++) xy += k(pooled[i]!, pooled[j]!) / 35;
  assert.ok(Math.abs(m.mmd2 - (xx + yy - 2 * xy)) < 1e-14);
  // Weighted = replicated: weights (2, 1) equal the sample {x0, x0, x1}.
  const w = mmdRbf({ points: Float64Array.of(0, 2), n: 2, weights: [2, 1] }, { points: Float64Array.of(1), n: 1 }, 1, 1.5);
  const rep = mmdRbf({ points: Float64Array.of(0, 0, 2), n: 3 }, { points: Float64Array.of(1), n: 1 }, 1, 1.5);
  assert.ok(Math.abs(w.mmd2 - rep.mmd2) < 1e-15);
  // Identical samples: 0.
  assert.ok(mmdRbf({ points: x, n: 7 }, { points: x, n: 7 }, 2).mmd < 1e-7);
});

test('displacement interpolation: α = 0 and α = 1 reproduce the endpoint distributions', () => {
  const dim = 3;
  const x = cloud(40, dim, 5);
  const y = cloud(55, dim, 6, 2);
  const plan = exactOt(squaredEuclideanCost(x, 40, y, 55, dim), 40, 55);
  const X = { points: x, n: 40 };
  const Y = { points: y, n: 55 };
  const gap = wasserstein2(X, Y, dim);
  // The exact interpolant measure: W2 to the endpoint is 0 at α = 0 / 1 (it *is* the endpoint).
  const m0 = interpolantMeasure(x, y, dim, plan, 0);
  const m1 = interpolantMeasure(x, y, dim, plan, 1);
  assert.ok(wasserstein2({ points: m0.points, n: m0.n, weights: m0.weights }, X, dim) < 1e-7);
  assert.ok(wasserstein2({ points: m1.points, n: m1.n, weights: m1.weights }, Y, dim) < 1e-7);
  // McCann: W2(μ_0, μ_α) = α W2(μ_0, μ_1) along an optimal plan.
  const mh = interpolantMeasure(x, y, dim, plan, 0.3);
  const w03 = wasserstein2(X, { points: mh.points, n: mh.n, weights: mh.weights }, dim);
  assert.ok(Math.abs(w03 - 0.3 * gap) < 1e-6 * gap, `${w03} vs ${0.3 * gap}`);
  // Sampled pairs: every point at α = 0 is a source point, at α = 1 a target point; the empirical
  // frequencies follow the marginals, and W2 to the endpoint is small next to the endpoints' distance.
  const N = 4000;
  const s0 = sampleInterpolant(x, y, dim, plan, 0, N, 1);
  const s1 = sampleInterpolant(x, y, dim, plan, 1, N, 1);
  const counts0 = new Float64Array(40);
  const counts1 = new Float64Array(55);
  for (let k = 0; k < N; k++) {
    for (let c = 0; c < dim; c++) {
      assert.equal(s0.points[k * dim + c], x[s0.source[k]! * dim + c]);
      assert.equal(s1.points[k * dim + c], y[s1.target[k]! * dim + c]);
    }
    counts0[s0.source[k]!]!++;
    counts1[s1.target[k]!]!++;
  }
  // Binomial sd of a count with p = 1/40 at N = 4000 is ≈ 9.9: allow 5 sd.
  for (const c of counts0) assert.ok(Math.abs(c - N / 40) < 5 * Math.sqrt((N / 40) * (1 - 1 / 40)), `count ${c}`);
  for (const c of counts1) assert.ok(Math.abs(c - N / 55) < 5 * Math.sqrt((N / 55) * (1 - 1 / 55)), `count ${c}`);
  const w0 = wasserstein2({ points: s0.points, n: N }, X, dim);
  const w1 = wasserstein2({ points: s1.points, n: N }, Y, dim);
  assert.ok(w0 < 0.1 * gap && w1 < 0.1 * gap, `sampled endpoints: W2 ${w0}, ${w1} vs ${gap} between the sets`);
  // Same seed → same sample.
  assert.deepEqual(sampleInterpolant(x, y, dim, plan, 0.5, 50, 9).points, sampleInterpolant(x, y, dim, plan, 0.5, 50, 9).points);
});

test('midpoints of a 1-D monotone plan, and a plan from Sinkhorn', () => {
  const x = Float64Array.of(0, 1);
  const y = Float64Array.of(2, 3);
  const plan = exactOt(squaredEuclideanCost(x, 2, y, 2, 1), 2, 2);
  const mid = interpolantMeasure(x, y, 1, plan, 0.5);
  const pts = [...mid.points].sort((p, q) => p - q);
  assert.deepEqual(pts, [1, 2]);
  const sk = sinkhornLog(squaredEuclideanCost(x, 2, y, 2, 1), 2, 2, 0.01);
  const { rows } = planMarginals(sk);
  assert.ok(Math.abs(rows[0]! - 0.5) < 1e-8);
});

test('heat-geodesic cost: squared entries of the dissimilarity matrix between the two subsets', () => {
  // A path graph 0–1–2–3 with unit geodesic steps: D_ij = |i − j|.
  const D = Float64Array.from({ length: 16 }, (_, k) => Math.abs(Math.floor(k / 4) - (k % 4)));
  const c = heatGeodesicCost(D, 4, [0, 1], [2, 3]);
  assert.deepEqual([...c], [4, 9, 1, 4]);
  const r = exactOt(c, 2, 2);
  assert.equal(r.cost, (4 + 4) / 2); // 0→2, 1→3 ties with 0→3, 1→2 (9 + 1 = 10 > 8)
  assert.throws(() => heatGeodesicCost(D, 4, [5], [0]), /out of range/);
});
