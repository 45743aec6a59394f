/**
 * Exact OT (transportation simplex) and log-domain Sinkhorn against independent oracles:
 * brute force over all permutations (equal sizes; unequal sizes and rational weights by replicating
 * each point in proportion to its weight, which turns the problem into an assignment), hand-computed
 * plans, the 1-D monotone (quantile) coupling, and the LP optimality certificate (dual feasibility and
 * zero duality gap) on larger problems.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactOt } from '../../src-core/interpolate/exact-ot.js';
import { planMarginals } from '../../src-core/interpolate/plan.js';
import { sinkhornLog } from '../../src-core/interpolate/sinkhorn.js';
import { squaredEuclideanCost } from '../../src-core/interpolate/costs.js';
import { createRng } from '../../src-core/linalg/random.js';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

/** min over assignments of the replicated problem: source i appears ra[i] times, target j rb[j] times. */
function bruteForce(cost: Float64Array, _n: number, m: number, ra: number[], rb: number[]): number {
  const rows: number[] = [];
  const cols: number[] = [];
  ra.forEach((r, i) => { for (let k = 0; k < r; k++) rows.push(i); });
  rb.forEach((r, j) => { for (let k = 0; k < r; k++) cols.push(j); });
  assert.equal(rows.length, cols.length);
  const L = rows.length;
  let best = Infinity;
  for (const p of permutations(L)) {
    let s = 0;
    for (let k = 0; k < L; k++) s += cost[rows[k]! * m + cols[p[k]!]!]!;
    best = Math.min(best, s / L);
  }
  return best;
}

function randomCost(n: number, m: number, seed: number, integer = false): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * m }, () => (integer ? rng.int(4) : rng.next()));
}

function assertMarginals(plan: ReturnType<typeof exactOt>, a: number[], b: number[], tol = 1e-12): void {
  const { rows, cols } = planMarginals(plan);
  a.forEach((v, i) => assert.ok(Math.abs(rows[i]! - v) <= tol, `row ${i}: ${rows[i]} vs ${v}`));
  b.forEach((v, j) => assert.ok(Math.abs(cols[j]! - v) <= tol, `col ${j}: ${cols[j]} vs ${v}`));
  for (const x of plan.mass) assert.ok(x > 0);
}

test('exact OT equals brute force over all permutations (equal sizes, uniform)', () => {
  let seed = 1;
  for (let n = 1; n <= 6; n++) {
    for (let rep = 0; rep < 6; rep++) {
      for (const integer of [false, true]) {
        const c = randomCost(n, n, seed++, integer);
        const r = exactOt(c, n, n);
        const bf = bruteForce(c, n, n, Array(n).fill(1), Array(n).fill(1));
        assert.ok(Math.abs(r.cost - bf) < 1e-12, `n=${n} seed=${seed}: ${r.cost} vs ${bf}`);
        assertMarginals(r, Array(n).fill(1 / n), Array(n).fill(1 / n));
        // an optimal basic plan of an assignment problem is a permutation
        assert.ok(r.mass.length >= n);
      }
    }
  }
});

test('exact OT equals brute force for unequal sizes (uniform weights)', () => {
  const shapes: [number, number][] = [[2, 3], [3, 2], [2, 4], [4, 2], [3, 6], [6, 3], [1, 5], [5, 1], [2, 6]];
  let seed = 100;
  for (const [n, m] of shapes) {
    const L = lcm(n, m);
    for (let rep = 0; rep < 5; rep++) {
      for (const integer of [false, true]) {
        const c = randomCost(n, m, seed++, integer);
        const r = exactOt(c, n, m);
        const bf = bruteForce(c, n, m, Array(n).fill(L / n), Array(m).fill(L / m));
        assert.ok(Math.abs(r.cost - bf) < 1e-12, `${n}×${m}: ${r.cost} vs ${bf}`);
        assertMarginals(r, Array(n).fill(1 / n), Array(m).fill(1 / m));
      }
    }
  }
});

test('exact OT equals brute force for non-uniform rational weights', () => {
  const cases: { a: number[]; b: number[] }[] = [
    { a: [1, 2, 3], b: [3, 3] },
    { a: [1, 1, 2], b: [1, 3] },
    { a: [5, 1], b: [2, 2, 1, 1] },
    { a: [1, 1, 1, 3], b: [4, 1, 1] },
    { a: [2, 0, 3], b: [1, 4] }, // a zero-weight source
  ];
  let seed = 500;
  for (const { a, b } of cases) {
    const n = a.length;
    const m = b.length;
    const L = a.reduce((s, x) => s + x, 0);
    for (let rep = 0; rep < 6; rep++) {
      const c = randomCost(n, m, seed++, rep % 2 === 1);
      const r = exactOt(c, n, m, { sourceWeights: a, targetWeights: b });
      const bf = bruteForce(c, n, m, a, b);
      assert.ok(Math.abs(r.cost - bf) < 1e-12, `${a}/${b}: ${r.cost} vs ${bf}`);
      assertMarginals(r, a.map((x) => x / L), b.map((x) => x / L));
    }
  }
});

test('hand-computed plan: 1-D points, unequal sizes (the monotone coupling)', () => {
  // x = {0, 1} (mass 1/2 each), y = {0.5, 2, 3} (mass 1/3 each), squared distance cost.
  // Monotone coupling: 0→0.5 (1/3), 0→2 (1/6), 1→2 (1/6), 1→3 (1/3);
  // cost = 1/3·0.25 + 1/6·4 + 1/6·1 + 1/3·4 = 1/12 + 2/3 + 1/6 + 4/3 = 2.25.
  const c = squaredEuclideanCost(Float64Array.of(0, 1), 2, Float64Array.of(0.5, 2, 3), 3, 1);
  const r = exactOt(c, 2, 3);
  assert.ok(Math.abs(r.cost - 2.25) < 1e-14, `cost ${r.cost}`);
  const dense = new Float64Array(6);
  for (let e = 0; e < r.mass.length; e++) dense[r.source[e]! * 3 + r.target[e]!] = r.mass[e]!;
  const expected = [1 / 3, 1 / 6, 0, 0, 1 / 6, 1 / 3];
  expected.forEach((v, k) => assert.ok(Math.abs(dense[k]! - v) < 1e-14, `entry ${k}: ${dense[k]} vs ${v}`));
});

/** W_p^p between weighted 1-D measures by the quantile coupling (optimal for convex costs). */
function quantileCost(x: number[], wx: number[], y: number[], wy: number[], p: number): number {
  const sx = x.map((v, i) => [v, wx[i]!] as const).sort((s, t) => s[0] - t[0]);
  const sy = y.map((v, j) => [v, wy[j]!] as const).sort((s, t) => s[0] - t[0]);
  const tx = wx.reduce((s, v) => s + v, 0);
  const ty = wy.reduce((s, v) => s + v, 0);
  let i = 0, j = 0, rx = sx[0]![1] / tx, ry = sy[0]![1] / ty, total = 0;
  while (i < sx.length && j < sy.length) {
    const step = Math.min(rx, ry);
    total += step * Math.pow(Math.abs(sx[i]![0] - sy[j]![0]), p);
    rx -= step;
    ry -= step;
    if (rx <= 1e-15 && ++i < sx.length) rx = sx[i]![1] / tx;
    if (ry <= 1e-15 && ++j < sy.length) ry = sy[j]![1] / ty;
  }
  return total;
}

test('exact OT matches the 1-D quantile coupling (W1 and W2², unequal sizes, weights)', () => {
  const rng = createRng(7);
  for (let rep = 0; rep < 8; rep++) {
    const n = 20 + rng.int(40);
    const m = 10 + rng.int(50);
    const x = Array.from({ length: n }, () => rng.normal());
    const y = Array.from({ length: m }, () => 1 + 2 * rng.normal());
    const weighted = rep % 2 === 1;
    const wx = x.map(() => (weighted ? 0.1 + rng.next() : 1));
    const wy = y.map(() => (weighted ? 0.1 + rng.next() : 1));
    for (const p of [1, 2]) {
      const c = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) c[i * m + j] = Math.pow(Math.abs(x[i]! - y[j]!), p);
      const r = exactOt(c, n, m, weighted ? { sourceWeights: wx, targetWeights: wy } : {});
      const q = quantileCost(x, wx, y, wy, p);
      assert.ok(Math.abs(r.cost - q) < 1e-10 * Math.max(1, q), `rep ${rep} p=${p}: ${r.cost} vs ${q}`);
    }
  }
});

test('optimality certificate on larger problems: dual feasible, zero duality gap, exact marginals', () => {
  for (const [n, m, seed] of [[300, 200, 1], [150, 400, 2], [250, 250, 3]] as const) {
    const rng = createRng(seed);
    const x = Float64Array.from({ length: n * 5 }, () => rng.normal());
    const y = Float64Array.from({ length: m * 5 }, () => rng.normal() + 0.5);
    const c = squaredEuclideanCost(x, n, y, m, 5);
    const r = exactOt(c, n, m);
    let minReduced = Infinity;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) minReduced = Math.min(minReduced, c[i * m + j]! - r.u[i]! - r.v[j]!);
    assert.ok(minReduced > -1e-9, `most negative reduced cost ${minReduced}`);
    assert.ok(Math.abs(r.cost - r.dualObjective) < 1e-9 * Math.max(1, r.cost), `gap ${r.cost - r.dualObjective}`);
    assertMarginals(r, Array(n).fill(1 / n), Array(m).fill(1 / m), 1e-12);
    assert.ok(r.mass.length <= n + m - 1);
  }
});

test('degenerate problems terminate: identical sets, all-equal costs, many ties', () => {
  const rng = createRng(3);
  const x = Float64Array.from({ length: 40 * 2 }, () => rng.int(3));
  const self = exactOt(squaredEuclideanCost(x, 40, x, 40, 2), 40, 40);
  assert.equal(self.cost, 0);
  const flat = exactOt(new Float64Array(30 * 17), 30, 17);
  assert.equal(flat.cost, 0);
  assertMarginals(flat, Array(30).fill(1 / 30), Array(17).fill(1 / 17), 1e-12);
  const ties = exactOt(randomCost(60, 45, 9, true), 60, 45);
  assert.ok(ties.cost >= 0 && Number.isFinite(ties.cost));
  assert.ok(Math.abs(ties.cost - ties.dualObjective) < 1e-12);
});

/** Shannon entropy of a weight vector. */
function entropy(w: number[]): number {
  return -w.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
}

test('Sinkhorn (log domain): transport cost → exact cost as ε → 0, monotonically, within ε·min(H(a), H(b))', () => {
  const rng = createRng(11);
  const n = 30;
  const m = 20;
  const x = Float64Array.from({ length: n * 2 }, () => rng.normal());
  const y = Float64Array.from({ length: m * 2 }, () => rng.normal() + 1);
  const c = squaredEuclideanCost(x, n, y, m, 2);
  let maxC = 0;
  for (const v of c) maxC = Math.max(maxC, v);
  for (let k = 0; k < c.length; k++) c[k] = c[k]! / maxC; // costs in [0, 1]
  const exact = exactOt(c, n, m).cost;
  const bound = Math.min(entropy(Array(n).fill(1 / n)), entropy(Array(m).fill(1 / m)));
  let previous = Infinity;
  const gaps: string[] = [];
  for (let k = 1; k <= 10; k++) {
    const eps = 2 ** -k;
    const s = sinkhornLog(c, n, m, eps, { tol: 1e-10, maxIterations: 100_000 });
    // Sinkhorn slows down as ε → 0; we need the marginals to 1e-6, and the bounds carry that slack.
    assert.ok(s.marginalError <= 1e-6, `ε=${eps}: marginal error ${s.marginalError} after ${s.iterations} iterations`);
    const slack = s.marginalError; // max|C| = 1: the cost moves by at most δ·max|C|
    assert.ok(s.cost >= exact - slack - 1e-12, `ε=${eps}: ${s.cost} below the exact ${exact}`);
    assert.ok(s.cost - exact <= eps * bound + slack + 1e-12, `ε=${eps}: gap ${s.cost - exact} > ε·H = ${eps * bound}`);
    assert.ok(s.cost <= previous + 2 * slack + 1e-12, `ε=${eps}: not monotone (${s.cost} after ${previous})`);
    previous = s.cost;
    gaps.push(`${eps.toExponential(1)}:${(s.cost - exact).toExponential(2)}`);
  }
  assert.ok(previous - exact < 1e-3, `smallest ε leaves a gap of ${previous - exact}`);
  console.log(`Sinkhorn gap to the exact cost ${exact.toFixed(5)} by ε: ${gaps.join(' ')}`);
});

test('Sinkhorn stays finite for tiny ε (where the scaling form overflows) and honours weights', () => {
  const rng = createRng(12);
  const n = 12;
  const m = 9;
  const c = Float64Array.from({ length: n * m }, () => 1000 * rng.next());
  const a = Array.from({ length: n }, () => 0.5 + rng.next());
  const b = Array.from({ length: m }, () => 0.5 + rng.next());
  const exact = exactOt(c, n, m, { sourceWeights: a, targetWeights: b }).cost;
  // ε / max C = 1e-4: exp(C/ε) reaches e^10000, far beyond float64 — only the log domain survives.
  const s = sinkhornLog(c, n, m, 0.1, { sourceWeights: a, targetWeights: b, tol: 1e-9 });
  assert.ok(Number.isFinite(s.cost) && s.converged, `cost ${s.cost}, error ${s.marginalError}`);
  assert.ok(Math.abs(s.cost - exact) <= 0.1 * Math.log(m) + 1e-9 * 1000 + 1e-9, `${s.cost} vs ${exact}`);
  const { rows } = planMarginals(s);
  const sa = a.reduce((p, q) => p + q, 0);
  rows.forEach((r, i) => assert.ok(Math.abs(r - a[i]! / sa) < 1e-8));
});

function lcm(a: number, b: number): number {
  const g = (p: number, q: number): number => (q === 0 ? p : g(q, p % q));
  return (a * b) / g(a, b);
}
