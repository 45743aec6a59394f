import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigenSymmetric } from '../../src-core/linalg/eigen-sym.js';
import { eigenSymmetricTridiagonal } from '../../src-core/linalg/eigen-tridiagonal.js';
import { topEigenpairs } from '../../src-core/linalg/block-krylov.js';
import { blockDots, subtractCombinations, subtractCombinationsRange } from '../../src-core/linalg/block-vectors.js';
import { createRng } from '../../src-core/linalg/random.js';
import { orthonormalize } from '../../src-core/preprocess/qr.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

/** Q diag(values) Qᵀ for a seeded random orthogonal Q; also returns Q's columns as vectors (one per row). */
function withSpectrum(values: readonly number[], seed: number): { g: Float64Array; vectors: Float64Array } {
  const n = values.length;
  const rng = createRng(seed);
  const q = orthonormalize(Float64Array.from({ length: n * n }, () => rng.normal()), n, n); // n × n, columns orthonormal
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += q[i * n + c]! * values[c]! * q[j * n + c]!;
    g[i * n + j] = s;
  }
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) for (let i = 0; i < n; i++) vectors[c * n + i] = q[i * n + c]!;
  return { g, vectors };
}

function symTimes(g: Float64Array, d: number): (v: Float64Array, count: number, out: Float64Array) => void {
  return (v, count, out) => {
    for (let x = 0; x < count; x++) for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += g[i * d + j]! * v[x * d + j]!;
      out[x * d + i] = s;
    }
  };
}

/** Smallest cosine of the principal angles between span(a's first k vectors) and span(b's first k), vectors of length d. */
function minPrincipalCosine(a: Float64Array, b: Float64Array, k: number, d: number): number {
  const m = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[r * d + j]! * b[c * d + j]!;
    m[r * k + c] = s;
  }
  const mtm = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += m[q * k + r]! * m[q * k + c]!;
    mtm[r * k + c] = s;
  }
  const ev = eigenSymmetric(mtm, k).values;
  return Math.sqrt(Math.max(ev[k - 1]!, 0));
}

test('tridiagonal QR eigensolver agrees with Jacobi: values, residuals, orthonormal vectors', () => {
  for (const n of [1, 2, 3, 7, 40, 90]) {
    const a = randomSymmetric(n, n);
    const t = eigenSymmetricTridiagonal(a, n);
    const j = eigenSymmetric(a, n);
    for (let c = 0; c < n; c++) assert.ok(Math.abs(t.values[c]! - j.values[c]!) < 1e-11 * n, `n=${n} value ${c}`);
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += a[i * n + q]! * t.vectors[c * n + q]!;
        assert.ok(Math.abs(s - t.values[c]! * t.vectors[c * n + i]!) < 1e-11 * n, `n=${n} residual of vector ${c}`);
      }
      for (let c2 = 0; c2 <= c; c2++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += t.vectors[c * n + q]! * t.vectors[c2 * n + q]!;
        assert.ok(Math.abs(s - (c === c2 ? 1 : 0)) < 1e-12 * n);
      }
    }
  }
});

test('tridiagonal eigensolver: leading vectors only, repeated and zero eigenvalues, input untouched', () => {
  const n = 30;
  const { g, vectors } = withSpectrum(Array.from({ length: n }, (_, i) => (i < 5 ? 3 : i < 12 ? 1 : 0)), 4);
  const copy = g.slice();
  const t = eigenSymmetricTridiagonal(g, n, 5);
  assert.deepEqual(g, copy);
  assert.equal(t.vectors.length, 5 * n);
  for (let c = 0; c < n; c++) assert.ok(Math.abs(t.values[c]! - (c < 5 ? 3 : c < 12 ? 1 : 0)) < 1e-12, `value ${c} = ${t.values[c]}`);
  // The 5-fold eigenvalue's eigenspace is recovered (any basis of it is right).
  assert.ok(minPrincipalCosine(t.vectors, vectors, 5, n) > 1 - 1e-12);
  const zero = eigenSymmetricTridiagonal(new Float64Array(16), 4, 4);
  assert.deepEqual(Array.from(zero.values), [0, 0, 0, 0]);
  assert.throws(() => eigenSymmetricTridiagonal(new Float64Array(3), 2), /expected 4 entries/);
});

test('block Krylov finds the leading eigenpairs of a flat spectrum to the residual tolerance', () => {
  // 300 × 300: 5 separated values, then a slowly decaying bulk where λ_20 and λ_21 differ by 0.7 %.
  const d = 300;
  const spectrum = Array.from({ length: d }, (_, i) => (i < 5 ? 10 - i : 1.2 * Math.exp(-i / 150)));
  const { g, vectors } = withSpectrum(spectrum, 9);
  const k = 20;
  const res = topEigenpairs(symTimes(g, d), d, k, { block: 8, seed: 1, tolerance: 1e-7 });
  assert.ok(res.converged, `not converged at dimension ${res.dimension}`);
  assert.ok(res.dimension < d, 'it stopped before spanning everything');
  for (let c = 0; c < k; c++) {
    assert.ok(Math.abs(res.values[c]! - spectrum[c]!) <= 1e-9 * spectrum[0]!, `value ${c}: ${res.values[c]} vs ${spectrum[c]}`);
    assert.ok(res.residuals[c]! <= 1e-7 * res.values[0]!);
  }
  // A residual r bounds the angle to the true eigenspace by r / gap, here 1e-7·10 / 0.0048.
  assert.ok(minPrincipalCosine(res.vectors, vectors, k, d) > 1 - 1e-6);
  // Deterministic for a seed.
  const again = topEigenpairs(symTimes(g, d), d, k, { block: 8, seed: 1, tolerance: 1e-7 });
  assert.deepEqual(again.vectors, res.vectors);
});

test('block Krylov copes with an operator of rank below k (basis completed, zero Ritz values)', () => {
  const d = 50;
  const spectrum = Array.from({ length: d }, (_, i) => (i < 3 ? 3 - i : 0));
  const { g } = withSpectrum(spectrum, 2);
  const res = topEigenpairs(symTimes(g, d), d, 6, { block: 4, seed: 0 });
  assert.ok(res.converged);
  for (let c = 0; c < 6; c++) assert.ok(Math.abs(res.values[c]! - spectrum[c]!) < 1e-12, `value ${c} = ${res.values[c]}`);
  const zero = topEigenpairs(symTimes(new Float64Array(d * d), d), d, 3, { block: 2 });
  assert.deepEqual(Array.from(zero.values), [0, 0, 0]);
});

test('block Krylov recovers an eigenvalue repeated more often than the block is wide', () => {
  const d = 300;
  // λ = 5 twelve times, then a decaying tail: with blocks of 8, the Krylov space of one start block has
  // only 8 directions in that eigenspace in exact arithmetic; rounding (amplified, as λ = 5 dominates)
  // supplies the others. maxDim keeps the basis well short of the whole space.
  const spectrum = Array.from({ length: d }, (_, i) => (i < 12 ? 5 : 2 * Math.exp(-i / 40)));
  const { g } = withSpectrum(spectrum, 5);
  const res = topEigenpairs(symTimes(g, d), d, 15, { block: 8, seed: 3, maxDim: 200 });
  assert.ok(res.converged && res.dimension < d, `dimension ${res.dimension}`);
  for (let c = 0; c < 15; c++) assert.ok(Math.abs(res.values[c]! - spectrum[c]!) < 1e-8, `value ${c}: ${res.values[c]} vs ${spectrum[c]}`);
});

test('block vector products: dots match one-at-a-time sums; split coordinate ranges change no bit', () => {
  const rng = createRng(8);
  const d = 37;
  const a = Float64Array.from({ length: 6 * d }, () => rng.normal());
  const b = Float64Array.from({ length: 7 * d }, () => rng.normal()); // 4 at a time, then 3 singly
  const out = new Float64Array(6 * 7);
  blockDots(a, 6, b, 7, d, out);
  for (let i = 0; i < 6; i++) for (let c = 0; c < 7; c++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += a[i * d + t]! * b[c * d + t]!;
    assert.equal(out[i * 7 + c], s);
  }
  const coeff = Float64Array.from({ length: 6 * 7 }, () => rng.normal());
  const whole = b.slice();
  subtractCombinations(whole, 7, a, 6, coeff, d);
  const split = b.slice();
  for (const [t0, t1] of [[0, 5], [5, 6], [6, 30], [30, 37]] as const) subtractCombinationsRange(split, 7, a, 6, coeff, d, t0, t1);
  assert.deepEqual(split, whole);
  for (let c = 0; c < 7; c++) for (let t = 0; t < d; t++) {
    let s = b[c * d + t]!;
    for (let j = 0; j < 6; j++) s -= coeff[j * 7 + c]! * a[j * d + t]!;
    assert.ok(Math.abs(whole[c * d + t]! - s) < 1e-12);
  }
});
