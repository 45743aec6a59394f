/**
 * The sparsification of rows of T² (embed/two-step-rows.ts: `sparsifyRow`, its loops in JavaScript and in
 * WebAssembly, embed/sparsify-wasm.ts) and the radix sort of kept columns, against plain definitions:
 * `sparsified` (test/helpers/two-step-reference.ts) and the typed array's sort, bit for bit, on random and
 * adversarial rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnSorter, sparsifyRow, sparsifyWork, type SparsifyWork } from '../../src-core/embed/two-step-rows.js';
import { walkRowEngine, type WalkRowEngine } from '../../src-core/embed/two-step-wasm.js';
import { createRng } from '../../src-core/linalg/random.js';
import { sparsified } from '../helpers/two-step-reference.js';

const COLS = 2003; // columns of the test rows (a prime, so s·7919 mod COLS visits distinct columns)

/** A walk engine over an empty graph on COLS vertices: only its sparsification arrays and loops are used. */
function emptyEngine(): WalkRowEngine {
  const engine = walkRowEngine(new Int32Array(COLS + 1), new Int32Array(0), new Float64Array(0), new Float64Array(COLS), true);
  assert.ok(engine?.sparsify, 'Node runs the WebAssembly module');
  return engine;
}

/** Row `values` (in row order, columns out of order) sparsified to k by sparsifyRow on `acc` / `cols` with `work`. */
function run(values: readonly number[], k: number, cols: Int32Array, acc: Float64Array, work: SparsifyWork): [number, number][] {
  const t = values.length;
  for (let s = 0; s < t; s++) {
    cols[s] = (s * 7919) % COLS;
    acc[cols[s]!] = values[s]!;
  }
  const kept = sparsifyRow(cols, acc, t, k, work);
  for (let s = 0; s < COLS; s++) assert.equal(acc[s], 0, 'acc is cleared on the row');
  return Array.from(work.keptCols.subarray(0, kept), (l, s) => [l, work.keptVals[s]!]);
}

function assertRow(got: [number, number][], values: readonly number[], k: number, what: string): void {
  const want = [...sparsified(new Map(values.map((v, s) => [(s * 7919) % COLS, v])), k)];
  assert.equal(got.length, want.length, `${what}, k ${k}: length`);
  // The same entries in the same order (the largest in row order, then the draws); Object.is: the same bits.
  got.forEach(([l, v], s) => assert.ok(l === want[s]![0] && Object.is(v, want[s]![1]), `${what}, k ${k}, entry ${s}: (${l}, ${v}) want (${want[s]![0]}, ${want[s]![1]})`));
}

function adversarialRows(t: number, seed: number): [string, number[]][] {
  const rng = createRng(seed);
  const r = (): number => rng.next();
  return [
    ['random', Array.from({ length: t }, r)],
    ['heavy head (as in T²)', Array.from({ length: t }, () => r() ** 6)],
    // Every 8th value large: the sampled guess lets too few through, so all values are candidates.
    ['large every 8th', Array.from({ length: t }, (_, s) => (s % 8 === 0 ? 1000 + s : r()))],
    ['ties at the cut', Array.from({ length: t }, (_, s) => [0.25, 0.5, 1][s % 3]! * (s < 40 ? 4 : 1))],
    ['all equal', Array.from({ length: t }, () => 0.125)],
    ['two values', Array.from({ length: t }, () => (r() < 0.3 ? 3 : 1))],
    ['zeros', Array.from({ length: t }, (_, s) => (s % 5 === 0 ? 0 : r() ** 6))],
    ['mostly zeros', Array.from({ length: t }, (_, s) => (s % 50 === 7 ? r() : 0))],
    ['all zero', Array.from({ length: t }, () => 0)],
    ['tiny (step below 1e-290)', Array.from({ length: t }, () => r() * 1e-300)],
    ['subnormal', Array.from({ length: t }, () => Math.floor(r() * 8) * 5e-324)],
    ['huge (step above 1e290)', Array.from({ length: t }, () => r() * 1e300)],
    ['magnitudes 1e-200..1e200', Array.from({ length: t }, () => 10 ** (400 * r() - 200))],
    ['negative values (not rising)', Array.from({ length: t }, () => r() - 0.3)],
    ['ascending', Array.from({ length: t }, (_, s) => s + 1)],
    ['descending', Array.from({ length: t }, (_, s) => t - s)],
    ['draws near half steps', Array.from({ length: t }, (_, s) => (s % 2 ? 0.5 : 1.5))],
  ];
}

test('sparsifyRow, with JavaScript and with WebAssembly loops, gives the definition\'s entries bit for bit on adversarial rows, k odd and even', () => {
  const engine = emptyEngine();
  const js = { cols: new Int32Array(COLS), acc: new Float64Array(COLS), work: sparsifyWork(COLS) };
  const wasm = { cols: engine.touched, acc: engine.acc, work: sparsifyWork(COLS, engine.sparsify) };
  let checked = 0;
  for (const t of [130, 401, 1500])
    for (const [what, values] of adversarialRows(t, t))
      for (const k of [1, 2, 3, 5, 16, 17, 64, 128, 129]) {
        if (k >= t) continue; // rows are sparsified only when longer than k
        assertRow(run(values, k, js.cols, js.acc, js.work), values, k, `${what} (t ${t}), JavaScript`);
        assertRow(run(values, k, wasm.cols, wasm.acc, wasm.work), values, k, `${what} (t ${t}), WebAssembly`);
        checked++;
      }
  assert.ok(checked > 400, `${checked} rows`);
});

test('sparsifyRow: the WebAssembly loops give the JavaScript ones\' bits on many random rows of T²-like values', () => {
  const engine = emptyEngine();
  const jsWork = sparsifyWork(COLS);
  const wasmWork = sparsifyWork(COLS, engine.sparsify);
  const cols = new Int32Array(COLS);
  const acc = new Float64Array(COLS);
  const rng = createRng(17);
  for (let row = 0; row < 300; row++) {
    const t = 129 + Math.floor(rng.next() * 1800);
    const k = [32, 64, 128][row % 3]!;
    const values = Array.from({ length: t }, () => (rng.next() < 0.05 ? 0 : rng.next() ** (1 + 8 * rng.next())));
    const a = run(values, k, cols, acc, jsWork);
    const b = run(values, k, engine.touched, engine.acc, wasmWork);
    assert.equal(b.length, a.length, `row ${row}: length`);
    b.forEach(([l, v], s) => assert.ok(l === a[s]![0] && Object.is(v, a[s]![1]), `row ${row}, entry ${s}`));
  }
});

test('the WebAssembly selection gives the k-th largest for every k, with ties, zeros and ±0', () => {
  const engine = emptyEngine();
  const { scratch, passes } = engine.sparsify!;
  const rng = createRng(23);
  const arrays = [
    Array.from({ length: 1 }, () => 1),
    Array.from({ length: 2 }, () => 1),
    Array.from({ length: 37 }, () => Math.floor(rng.next() * 4)),
    Array.from({ length: 100 }, () => rng.next()),
    Array.from({ length: 64 }, (_, s) => (s % 2 ? 0 : -0)),
    Array.from({ length: 90 }, (_, s) => s),
    Array.from({ length: 90 }, (_, s) => -s),
  ];
  for (const values of arrays) {
    const sorted = [...values].sort((a, b) => b - a);
    for (let k = 0; k < values.length; k++) {
      scratch.set(values);
      const got = passes.largest(values.length, k);
      assert.ok(got === sorted[k], `length ${values.length}, k ${k}: ${got} want ${sorted[k]}`);
      assert.deepEqual(Array.from(scratch.slice(0, values.length).sort()), Array.from(Float64Array.from(values).sort()), 'a permutation'); // −0 before 0
    }
  }
});

test('ColumnSorter sorts like the typed array\'s sort for every size of column range', () => {
  const rng = createRng(29);
  for (const n of [1, 2, 3, 200, 256, 257, 10_000, 65_536, 65_537, 1_000_000, 2 ** 31 - 1]) {
    const sorter = new ColumnSorter(n);
    for (const t of [0, 1, 2, 128, 129, 1000]) {
      const a = Int32Array.from({ length: t + 5 }, () => Math.floor(rng.next() * n)); // duplicates too; a tail beyond t
      if (t > 3) a[1] = a[2] = n - 1;
      const want = Int32Array.from(a.subarray(0, t)).sort();
      const got = sorter.sort(a, t);
      assert.deepEqual(Array.from(got.subarray(0, t)), Array.from(want), `n ${n}, t ${t}`);
    }
  }
});

test('the WebAssembly radix sort of the walk engine sorts like the typed array\'s sort, for one, two and three passes', () => {
  const rng = createRng(31);
  for (const n of [2, 300, 2003, 70_000]) {
    const engine = walkRowEngine(new Int32Array(n + 1), new Int32Array(0), new Float64Array(0), new Float64Array(n), true);
    const sparsify = engine?.sparsify;
    assert.ok(engine && sparsify, 'Node runs the WebAssembly module');
    const arrays: Int32Array[] = [sparsify.keptCols, engine.touched];
    for (const t of [0, 1, 2, 128, 129, 1000].filter((t) => t <= n))
      for (const a of arrays) {
        for (let s = 0; s < t; s++) a[s] = Math.floor(rng.next() * n);
        if (t > 3) a[1] = a[2] = n - 1;
        const want: Int32Array = Int32Array.from(a.subarray(0, t)).sort();
        assert.deepEqual(Array.from(sparsify.sortColumns(a, t)), Array.from(want), `n ${n}, t ${t}`);
      }
  }
});
