import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CsrMatrix } from '../../src-core/io/dataset.js';
import { createRng } from '../../src-core/linalg/random.js';
import {
  canonicalCsr,
  csrGramRows,
  denseCentredGramRows,
  denseCentredRowGramRows,
  gramBlockStarts,
  isCanonicalCsr,
  mirrorUpper,
  symTimesRows,
  transposeCsr,
} from '../../src-core/linalg/gram.js';
import { balancedRowStarts, csrCentredRowsTimes } from '../../src-core/linalg/centred-row-products.js';

function randomCsr(n: number, p: number, density: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      if (rng.next() < density) {
        indices.push(j);
        data.push(Math.round(rng.next() * 50) / 7);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: 'csr', nRows: n, nCols: p, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/** XᵀX upper triangle summed row by row in float64: the order the kernel promises to reproduce exactly. */
function naiveGram(x: CsrMatrix): Float64Array {
  const p = x.nCols;
  const g = new Float64Array(p * p);
  for (let i = 0; i < x.nRows; i++) {
    for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) {
      for (let r = q; r < x.indptr[i + 1]!; r++) g[x.indices[q]! * p + x.indices[r]!]! += x.data[q]! * x.data[r]!;
    }
  }
  return g;
}

test('CSR Gram rows equal the row-by-row sum bit for bit, whatever the block split', () => {
  const x = randomCsr(120, 37, 0.3, 1);
  const p = x.nCols;
  const expected = naiveGram(x);
  for (const rowsPerBlock of [1, 2, 5, 37]) {
    const g = new Float64Array(p * p);
    const cursor = Int32Array.from(x.indptr.subarray(0, x.nRows));
    for (let a0 = 0; a0 < p; a0 += rowsPerBlock) {
      const a1 = Math.min(p, a0 + rowsPerBlock);
      const out = new Float64Array((a1 - a0) * p).fill(NaN); // overwritten, not accumulated
      // Cursors carried over from the previous block, or fresh row starts: the same result.
      csrGramRows(x.indptr, x.indices, x.data, x.nRows, p, a0, a1, out, a0 % 2 ? cursor : Float64Array.from(x.indptr.subarray(0, x.nRows)));
      g.set(out, a0 * p);
    }
    assert.deepEqual(g, expected, `blocks of ${rowsPerBlock}`);
  }
  const starts = gramBlockStarts(2000, 2000);
  assert.equal(starts[1], 32, '64 Ki entries per block: 32 rows of 2,000');
  assert.equal(starts[starts.length - 1], 2000);
});

test('dense centred Gram rows (features and cells sides) match direct sums', () => {
  const rng = createRng(2);
  const [n, p] = [23, 17];
  const data = Float32Array.from({ length: n * p }, () => (rng.next() < 0.4 ? 0 : rng.normal()));
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += data[i * p + j]! / n;
  const c = (i: number, j: number): number => data[i * p + j]! - mean[j]!;
  const features = new Float64Array(p * p);
  denseCentredGramRows(data, n, p, mean, 0, p, features, new Float64Array(p));
  mirrorUpper(features, p);
  const cells = new Float64Array(n * n);
  denseCentredRowGramRows(data, n, p, mean, 0, n, cells, new Float64Array(p));
  mirrorUpper(cells, n);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += c(i, a) * c(i, b);
    assert.ok(Math.abs(features[a * p + b]! - s) < 1e-12, `AᵀA (${a}, ${b})`);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < p; t++) s += c(i, t) * c(j, t);
    assert.ok(Math.abs(cells[i * n + j]! - s) < 1e-12, `AAᵀ (${i}, ${j})`);
  }
});

test('symmetric block product: any row split gives the same bits as one sweep', () => {
  const rng = createRng(3);
  const d = 29;
  const g = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) g[i * d + j] = g[j * d + i] = rng.normal();
  const count = 11; // eight at a time, then three one by one
  const v = Float64Array.from({ length: count * d }, () => rng.normal());
  const whole = new Float64Array(count * d);
  symTimesRows(g, d, v, count, 0, d, whole);
  const split = new Float64Array(count * d);
  for (let i = 0; i < d; i += 4) symTimesRows(g, d, v, count, i, Math.min(d, i + 4), split);
  assert.deepEqual(split, whole);
  for (let x = 0; x < count; x++) for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += g[i * d + j]! * v[x * d + j]!;
    assert.equal(whole[x * d + i], s);
  }
});

test('transposed and canonical CSR: sorted, duplicates summed, same matrix', () => {
  // Row 0 unsorted with a duplicate column 2; row 2 empty.
  const x: CsrMatrix = {
    kind: 'csr', nRows: 3, nCols: 4,
    indptr: Int32Array.from([0, 4, 6, 6]),
    indices: Int32Array.from([3, 2, 0, 2, 1, 3]),
    data: Float32Array.from([1, 2, 3, 4, 5, 6]),
  };
  assert.equal(isCanonicalCsr(x), false);
  const c = canonicalCsr(x);
  assert.equal(isCanonicalCsr(c), true);
  assert.deepEqual(Array.from(c.indptr), [0, 3, 5, 5]);
  assert.deepEqual(Array.from(c.indices), [0, 2, 3, 1, 3]);
  assert.deepEqual(Array.from(c.data), [3, 6, 1, 5, 6]);
  const t = transposeCsr(c);
  assert.equal(t.nRows, 4);
  assert.equal(t.nCols, 3);
  assert.deepEqual(Array.from(t.indptr), [0, 1, 2, 3, 5]);
  assert.deepEqual(Array.from(t.indices), [0, 1, 0, 0, 1]);
  assert.deepEqual(Array.from(t.data), [3, 5, 6, 1, 6]);
  const ok = randomCsr(5, 6, 0.5, 4);
  assert.equal(canonicalCsr(ok), ok, 'canonical input is returned as is');
  assert.equal(isCanonicalCsr({ ...ok, nCols: 1 }), false, 'out-of-range column');
});

test('row ranges balance stored entries, and centred row products match the dense formula', () => {
  const x = randomCsr(200, 30, 0.2, 5);
  const starts = balancedRowStarts(200, 8, x.indptr);
  assert.equal(starts.length, 9);
  assert.equal(starts[0], 0);
  assert.equal(starts[8], 200);
  for (let c = 0; c < 8; c++) assert.ok(starts[c + 1]! >= starts[c]!);
  assert.deepEqual(Array.from(balancedRowStarts(10, 4)), [0, 3, 5, 8, 10]);
  assert.deepEqual(Array.from(balancedRowStarts(2, 8)), [0, 1, 2], 'never more ranges than rows');
  const rng = createRng(6);
  const k = 11; // blocks of 8, 2 and 1 columns
  const p = x.nCols;
  const v = Float64Array.from({ length: p * k }, () => rng.normal());
  const mean = Float64Array.from({ length: p }, () => rng.next());
  const meanV = new Float64Array(k);
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) meanV[c]! += mean[j]! * v[j * k + c]!;
  const out = new Float32Array(200 * k);
  const extremes = new Float64Array(2 * k);
  csrCentredRowsTimes(x.indptr, x.indices, x.data, 0, 200, v, k, meanV, out, extremes, new Float64Array(k));
  const dense = new Float64Array(p);
  for (let i = 0; i < 200; i++) {
    dense.fill(0);
    for (let q = x.indptr[i]!; q < x.indptr[i + 1]!; q++) dense[x.indices[q]!] = x.data[q]!;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += (dense[j]! - mean[j]!) * v[j * k + c]!;
      assert.ok(Math.abs(out[i * k + c]! - s) < 1e-5 * (1 + Math.abs(s)), `row ${i} col ${c}`);
      assert.ok(Math.abs(s) <= extremes[2 * c]! + 1e-9);
    }
  }
});
