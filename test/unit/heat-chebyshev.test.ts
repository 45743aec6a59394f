import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaledBesselI } from '../../src-core/heat/bessel.js';
import { chebyshevHeatBlock, chebyshevPlan } from '../../src-core/heat/chebyshev.js';
import { expmSymmetric } from '../../src-core/heat/expm-exact.js';
import { uniformisedExp, squaringPlan } from '../../src-core/heat/squaring.js';
import { HeatPowers } from '../../src-core/heat/powers.js';
import { knnKdTree as knnExact } from '../../src-core/graph/kdtree.js';
import { alphaDecayAffinity } from '../../src-core/graph/affinity.js';
import { laplacian, lambdaMax } from '../../src-core/graph/laplacian.js';
import { csrToDense } from '../helpers/reference.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { initBackend } from '../../src-core/compute/backend.js';

// A 300-node kNN graph of a Swiss roll: the ground for every heat-kernel accuracy check.
const n = 300;
const roll = swissRoll(n, { noise: 0.3, seed: 11 });
const w = alphaDecayAffinity(knnExact(roll.points, n, 3, 20), { k: 10, decay: 40 });
const lap = laplacian(w, 'combinatorial');
const dense = csrToDense(lap.matrix);

function identity(m: number): Float64Array {
  const e = new Float64Array(m * m);
  for (let i = 0; i < m; i++) e[i * m + i] = 1;
  return e;
}

test('scaled Bessel I_k(z)·e^{-z} matches reference values and the normalisation identity', () => {
  const b = scaledBesselI(1, 5);
  assert.ok(Math.abs(b[0]! - 0.46575960759364043) < 1e-14);
  assert.ok(Math.abs(b[1]! - 0.20791041534970844) < 1e-14);
  const big = scaledBesselI(500, 800);
  let s = big[0]!;
  for (let k = 1; k < big.length; k++) s += 2 * big[k]!;
  assert.ok(Math.abs(s - 1) < 1e-12, `identity sum ${s}`);
  // e^{-z} I_0(z) ~ 1/sqrt(2πz) for large z
  assert.ok(Math.abs(big[0]! * Math.sqrt(2 * Math.PI * 500) - 1) < 1e-3);
});

test('power iteration λmax agrees with the exact spectrum and lies under the Gershgorin bound', () => {
  const exactMax = Math.max(...Array.from({ length: 1 }, () => 0), ...Array.from(expmEigenMax()));
  const est = lambdaMax(lap.matrix, 200);
  assert.ok(Math.abs(est - exactMax) / exactMax < 1e-3, `power ${est} vs exact ${exactMax}`);
  assert.ok(lap.lambdaMaxBound >= exactMax - 1e-9);
});

function expmEigenMax(): number[] {
  // Largest eigenvalue via the exact exponential at a tiny t: -log of the smallest eigenvalue of exp(-tL) is not
  // convenient, so use the eigensolver directly.
  return [eigMax()];
}
import { eigenSymmetric } from '../../src-core/linalg/eigen-sym.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();
function eigMax(): number {
  return eigenSymmetric(dense, n).values[0]!;
}

test('Chebyshev exp(-tL) with automatic order stays within its reported bound of the exact exponential', () => {
  const lmax = lap.lambdaMaxBound;
  for (const t of [0.5, 5, 30]) {
    const exact = expmSymmetric(dense, n, t);
    const plan = chebyshevPlan(t, lmax, 'auto', 1e-10);
    const approx = chebyshevHeatBlock(lap.matrix, plan, identity(n), n);
    let maxErr = 0;
    for (let i = 0; i < n * n; i++) maxErr = Math.max(maxErr, Math.abs(approx[i]! - exact[i]!));
    // The truncation bound plus float64 round-off of the recurrence.
    assert.ok(maxErr <= plan.errorBound + 1e-12, `t=${t}: max error ${maxErr} > bound ${plan.errorBound} (order ${plan.order})`);
    assert.ok(maxErr < 1e-9, `t=${t}: max error ${maxErr}`);
    assert.ok(plan.order >= Math.min(30, (t * lmax) / 2), `order ${plan.order} too small for tλmax/2 = ${(t * lmax) / 2}`);
  }
});

test('a fixed order-30 expansion at large tλmax is inaccurate, and its bound says so', () => {
  const t = 30; // tλmax/2 is in the hundreds here
  const exact = expmSymmetric(dense, n, t);
  const plan = chebyshevPlan(t, lap.lambdaMaxBound, 30);
  const approx = chebyshevHeatBlock(lap.matrix, plan, identity(n), n);
  let maxErr = 0;
  let maxEntry = 0;
  for (let i = 0; i < n * n; i++) {
    maxErr = Math.max(maxErr, Math.abs(approx[i]! - exact[i]!));
    maxEntry = Math.max(maxEntry, exact[i]!);
  }
  assert.ok(maxErr > 1e-3 * maxEntry, `order 30 unexpectedly accurate: ${maxErr}`);
  assert.ok(plan.errorBound >= maxErr, `bound ${plan.errorBound} must cover the error ${maxErr}`);
});

test('uniformisation + squaring keeps the relative accuracy of small heat-kernel entries', async () => {
  await initBackend('auto');
  // The squaring chain alone (the automatic-t scan's kernels K_j at t = δ₀·2^j), near t = 0.2, 2, 20.
  const powers = new HeatPowers(lap.matrix);
  for (const target of [0.2, 2, 20]) {
    const j = Math.round(Math.log2(target / powers.delta0));
    const t = powers.delta0 * 2 ** j;
    const exact = expmSymmetric(dense, n, t);
    const h = await powers.power(j);
    let maxRel = 0;
    let checked = 0;
    for (let i = 0; i < n * n; i++) {
      // The float64 eigen oracle is itself accurate only to ~1e-13 absolute.
      if (exact[i]! < 1e-9) continue;
      maxRel = Math.max(maxRel, Math.abs(h[i]! - exact[i]!) / exact[i]!);
      checked++;
    }
    assert.ok(checked > n, `t=${t}: too few entries checked (${checked})`);
    assert.ok(maxRel < 2e-3, `t=${t}: max relative error ${maxRel}`);
    let negatives = 0;
    for (let i = 0; i < n * n; i++) if (h[i]! < 0) negatives++;
    assert.equal(negatives, 0, 'heat kernel entries must be non-negative');
  }
});

test('the uniformisation series alone equals exp(-δL) for a short time', () => {
  const plan = squaringPlan(lap.matrix, 0.01);
  assert.equal(plan.squarings, 0);
  const e = uniformisedExp(lap.matrix, plan.delta, plan.seriesTerms);
  const exact = expmSymmetric(dense, n, plan.delta);
  let maxErr = 0;
  for (let i = 0; i < n * n; i++) maxErr = Math.max(maxErr, Math.abs(e[i]! - exact[i]!));
  assert.ok(maxErr < 1e-12, `max error ${maxErr}`);
});

test('cached dyadic powers give H_t at any t (grid points, between them, below the base step) to relative 2e-3', async () => {
  await initBackend('auto');
  const powers = new HeatPowers(lap.matrix);
  const d0 = powers.delta0;
  for (const t of [0.3 * d0, 64 * d0, 0.2, 2.37, 20]) {
    const exact = expmSymmetric(dense, n, t);
    const { kernel: h } = await powers.at(t);
    let maxRel = 0;
    let checked = 0;
    for (let i = 0; i < n * n; i++) {
      assert.ok(h[i]! >= 0, 'non-negative');
      if (exact[i]! < 1e-9) continue;
      maxRel = Math.max(maxRel, Math.abs(h[i]! - exact[i]!) / exact[i]!);
      checked++;
    }
    assert.ok(checked > n, `t=${t}: too few entries checked (${checked})`);
    assert.ok(maxRel < 2e-3, `t=${t}: max relative error ${maxRel}`);
  }
  // The grid kernels are reused: t = 20 after t = 2.37 adds no new squarings beyond ⌊log2(20/δ₀)⌋ + 1.
  assert.equal(powers.cached, Math.floor(Math.log2(20 / d0)) + 1);
});
