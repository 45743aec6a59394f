import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH, createPointStore, paddedStride, permuteRows, sqDistOf } from '../../src-core/compute/wasm-sqdist.js';
import { createRng } from '../../src-core/linalg/random.js';

for (const d of [3, 13, 50]) {
  test(`squared distances (d = ${d}): one and batch agree exactly, equal float64 within float32 rounding, stop at the limit`, () => {
    const n = 300;
    const rng = createRng(d);
    const x = Float32Array.from({ length: n * d }, () => rng.normal() * 3);
    const order = Int32Array.from({ length: n }, (_, i) => (i * 7) % n); // any permutation
    const store = createPointStore(x, n, d, order);
    assert.equal(store.stride, paddedStride(d));
    assert.equal(store.stride % 8, 0);
    assert.ok(store.memory, 'Node 20 has WebAssembly SIMD: the shared-memory engine is used');
    const eng = sqDistOf(store);
    const exact = (p: number, q: number): number => {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[order[p]! * d + c]! - x[order[q]! * d + c]!) ** 2;
      return s;
    };
    for (let a = 0; a < n; a += 17) {
      for (let b = 0; b < n; b++) eng.rows[b] = b;
      eng.limits.fill(Infinity, 0, n);
      eng.batch(a, n);
      for (let b = 0; b < n; b++) {
        const one = eng.one(a, b, Infinity);
        assert.equal(eng.out[b], one, `batch = one at (${a}, ${b})`);
        assert.ok(Math.abs(one - exact(a, b)) <= 1e-5 * (1 + exact(a, b)), `(${a}, ${b}): ${one} vs ${exact(a, b)}`);
        assert.equal(eng.one(a, b, Infinity), eng.one(b, a, Infinity) , 'symmetric');
      }
      // With a limit: a value below the limit is the full distance; otherwise it is at least the limit.
      const lim = exact(a, (a + 1) % n);
      for (let b = 0; b < n; b++) {
        const v = eng.one(a, b, lim);
        if (v < lim) assert.equal(v, eng.one(a, b, Infinity));
        else assert.ok(v >= lim && v <= eng.one(a, b, Infinity) * (1 + 1e-6));
      }
    }
    assert.ok(BATCH >= 256);
  });
}

test('each store has its own memory and engine', () => {
  const a = createPointStore(new Float32Array([0, 0, 3, 4]), 2, 2);
  const b = createPointStore(new Float32Array([0, 0, 6, 8]), 2, 2);
  assert.equal(sqDistOf(a).one(0, 1, Infinity), 25);
  assert.equal(sqDistOf(b).one(0, 1, Infinity), 100);
  assert.equal(sqDistOf(a).one(1, 0, Infinity), 25);
});

test('projections on a direction, and rows permuted in place', () => {
  const n = 700;
  const d = 21;
  const rng = createRng(5);
  const x = Float32Array.from({ length: n * d }, () => rng.normal());
  const store = createPointStore(x, n, d);
  const eng = sqDistOf(store);
  eng.dir.fill(0);
  for (let c = 0; c < d; c++) eng.dir[c] = rng.normal();
  for (let q = 0; q < n && q < BATCH; q++) eng.rows[q] = (q * 13) % n;
  const count = Math.min(n, BATCH);
  eng.project(count);
  for (let q = 0; q < count; q++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[eng.rows[q]! * d + c]! * eng.dir[c]!;
    assert.ok(Math.abs(eng.out[q]! - s) <= 1e-5 * (1 + Math.abs(s)), `row ${eng.rows[q]}`);
  }
  const order = Int32Array.from({ length: n }, (_, i) => (i * 311 + 7) % n); // a permutation (311 ⊥ 700)
  const before = sqDistOf(store).one(order[3]!, order[600]!, Infinity);
  permuteRows(store, order);
  for (let p = 0; p < n; p += 37) for (let c = 0; c < d; c++) assert.equal(store.x[p * store.stride + c], x[order[p]! * d + c]);
  assert.equal(sqDistOf(store).one(3, 600, Infinity), before);
});
