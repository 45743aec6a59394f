import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromTriplets, filterCsr } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';

/** The plain definition: per row, a map column → sum of that column's values in triplet order. */
function reference(n: number, rows: Int32Array, cols: Int32Array, vals: Float64Array) {
  const perRow = Array.from({ length: n }, () => new Map<number, number>());
  for (let e = 0; e < rows.length; e++) {
    const row = perRow[rows[e]!]!;
    row.set(cols[e]!, (row.get(cols[e]!) ?? 0) + vals[e]!);
  }
  return perRow.map((row) => [...row.entries()].sort((a, b) => a[0] - b[0]));
}

test('csrFromTriplets sorts each row by column and sums duplicates in triplet order', () => {
  for (const [n, count, seed] of [[1, 5, 1], [7, 200, 2], [50, 3000, 3], [400, 1000, 4]] as const) {
    const rng = createRng(seed);
    const rows = Int32Array.from({ length: count }, () => Math.floor(rng.next() * n));
    // Few distinct columns in small cases so duplicates of three and more occur.
    const cols = Int32Array.from({ length: count }, () => Math.floor(rng.next() * Math.min(n, 9)));
    const vals = Float64Array.from({ length: count }, () => rng.next() * 10 ** Math.floor(rng.next() * 12 - 6));
    const m = csrFromTriplets(n, rows, cols, vals);
    const want = reference(n, rows, cols, vals);
    assert.equal(m.indptr[n], want.reduce((s, r) => s + r.length, 0));
    for (let i = 0; i < n; i++) {
      const got = [];
      for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) got.push([m.indices[p]!, m.values[p]!]);
      assert.deepEqual(got, want[i], `row ${i} (n = ${n})`); // bit-equal sums: same order of addition
    }
  }
});

test('csrFromTriplets reads only the first count triplets', () => {
  const m = csrFromTriplets(3, Int32Array.of(0, 2, 1, 1), Int32Array.of(1, 0, 2, 2), Float64Array.of(1, 2, 3, 99), 3);
  assert.deepEqual([...m.indptr], [0, 1, 2, 3]);
  assert.deepEqual([...m.indices], [1, 2, 0]);
  assert.deepEqual([...m.values], [1, 3, 2]);
});

test('filterCsr keeps exactly the entries the predicate keeps, in order, with their values', () => {
  const a = csrFromTriplets(4, Int32Array.from([0, 0, 1, 2, 2, 3, 3]), Int32Array.from([1, 3, 0, 0, 3, 1, 2]), Float64Array.from([1, 2, 3, 4, 5, 6, 7]));
  const upper = filterCsr(a, (i, j) => j > i);
  assert.deepEqual(Array.from(upper.indptr), [0, 2, 2, 3, 3]);
  assert.deepEqual(Array.from(upper.indices), [1, 3, 3]);
  assert.deepEqual(Array.from(upper.values), [1, 2, 5]);
  const none = filterCsr(a, () => false);
  assert.deepEqual(Array.from(none.indptr), [0, 0, 0, 0, 0]);
  assert.equal(none.indices.length, 0);
});
