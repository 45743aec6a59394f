import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CsrMatrix, DenseMatrix, Matrix } from '../../src-core/io/dataset.js';
import { toDense } from '../../src-core/io/dataset.js';
import { normalizeLibrarySize, medianOfPositive } from '../../src-core/preprocess/normalize.js';
import { transformValues } from '../../src-core/preprocess/transform.js';
import { detectCounts } from '../../src-core/preprocess/detect.js';
import { filterCells, filterGenes } from '../../src-core/preprocess/qc.js';
import { selectHighlyVariableGenes } from '../../src-core/preprocess/hvg.js';
import { columnMoments } from '../../src-core/preprocess/matrix-stats.js';

function dense(rows: number[][]): DenseMatrix {
  return { kind: 'dense', nRows: rows.length, nCols: rows[0]!.length, data: Float32Array.from(rows.flat()) };
}

function csr(rows: number[][]): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        data.push(v);
      }
    });
    indptr[i + 1] = indices.length;
  });
  return { kind: 'csr', nRows: rows.length, nCols: rows[0]!.length, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

function rowsOf(m: Matrix): number[][] {
  const d = toDense(m);
  return Array.from({ length: d.nRows }, (_, i) => Array.from(d.data.subarray(i * d.nCols, (i + 1) * d.nCols)));
}

function assertClose(actual: number[][], expected: number[][], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) <= tol, `(${i},${j}): ${v} vs ${expected[i]![j]}`)));
}

// Library sizes 4, 0, 8, 6: median of the non-zero ones is 6.
const COUNTS = [
  [1, 0, 3],
  [0, 0, 0],
  [2, 2, 4],
  [5, 0, 1],
];

for (const [label, make] of [['dense', dense], ['csr', csr]] as const) {
  test(`library-size normalisation to the median (${label}) keeps zero-count cells as zeros`, () => {
    const res = normalizeLibrarySize(make(COUNTS));
    assert.equal(res.matrix.kind, label);
    assert.equal(res.targetSum, 6);
    assertClose(rowsOf(res.matrix), [
      [1.5, 0, 4.5],
      [0, 0, 0],
      [1.5, 1.5, 3],
      [5, 0, 1],
    ]);
    assert.equal(res.step.result['zeroCountCells'], 1);
    assert.match(res.step.reason ?? '', /1 cell\(s\) have zero counts/);
  });

  test(`normalisation to a fixed target sum, then sqrt and log1p (${label})`, () => {
    const res = normalizeLibrarySize(make(COUNTS), 10);
    assertClose(rowsOf(res.matrix), [
      [2.5, 0, 7.5],
      [0, 0, 0],
      [2.5, 2.5, 5],
      [50 / 6, 0, 10 / 6],
    ], 1e-5);
    const s = transformValues(res.matrix, 'sqrt');
    assertClose(rowsOf(s.matrix), [
      [Math.sqrt(2.5), 0, Math.sqrt(7.5)],
      [0, 0, 0],
      [Math.sqrt(2.5), Math.sqrt(2.5), Math.sqrt(5)],
      [Math.sqrt(50 / 6), 0, Math.sqrt(10 / 6)],
    ], 1e-6);
    const l = transformValues(make(COUNTS), 'log1p');
    assertClose(rowsOf(l.matrix), COUNTS.map((r) => r.map((v) => Math.log1p(v))), 1e-6);
    assert.equal(l.matrix.kind, label);
  });

  test(`QC filters (${label}) return kept indices and keep the storage kind`, () => {
    const byCounts = filterCells(make(COUNTS), { minCounts: 5 });
    assert.deepEqual(Array.from(byCounts.kept), [2, 3]);
    assert.equal(byCounts.matrix.kind, label);
    assertClose(rowsOf(byCounts.matrix), [COUNTS[2]!, COUNTS[3]!]);
    const byGenes = filterCells(make(COUNTS), { minGenes: 3 });
    assert.deepEqual(Array.from(byGenes.kept), [2]);
    assert.equal(byGenes.step.result['cellsDropped'], 3);
    const both = filterCells(make(COUNTS), { minGenes: 2, minCounts: 5 });
    assert.deepEqual(Array.from(both.kept), [2, 3]);
    const genes = filterGenes(make(COUNTS), { minCells: 2 });
    assert.deepEqual(Array.from(genes.kept), [0, 2]);
    assert.equal(genes.matrix.kind, label);
    assertClose(rowsOf(genes.matrix), COUNTS.map((r) => [r[0]!, r[2]!]));
    const none = filterCells(make(COUNTS));
    assert.equal(none.kept.length, 4);
    assert.equal(none.step.applied, false);
  });

  test(`column moments and variance-based HVG (${label})`, () => {
    const m = columnMoments(make(COUNTS));
    assertClose([Array.from(m.mean)], [[2, 0.5, 2]]);
    assertClose([Array.from(m.variance)], [[14 / 3, 1, 10 / 3]], 1e-12);
    const sel = selectHighlyVariableGenes(make(COUNTS), { nTop: 2, method: 'variance' });
    assert.deepEqual(Array.from(sel.kept), [0, 2]);
  });

  test(`dispersion-based HVG (${label}) z-scores log(var/mean) within a mean bin`, () => {
    // One bin: the z-score is over all genes. Dispersions: 7/3, 2, 5/3.
    const sel = selectHighlyVariableGenes(make(COUNTS), { nTop: 2, method: 'dispersion', nBins: 1 });
    const logs = [Math.log(7 / 3), Math.log(2), Math.log(5 / 3)];
    const mu = (logs[0]! + logs[1]! + logs[2]!) / 3;
    const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mu) ** 2, 0) / 2);
    logs.forEach((v, j) => assert.ok(Math.abs(sel.scores[j]! - (v - mu) / sd) < 1e-9));
    assert.deepEqual(Array.from(sel.kept), [0, 1]);
  });
}

test('median of positive values ignores zeros and averages the middle pair', () => {
  assert.equal(medianOfPositive(Float64Array.from([0, 4, 8, 6])), 6);
  assert.equal(medianOfPositive(Float64Array.from([3, 1, 0, 10, 2])), 2.5);
  assert.equal(medianOfPositive(Float64Array.from([0, 0])), 0);
});

test('HVG never ranks constant or unexpressed genes', () => {
  const sel = selectHighlyVariableGenes(dense([[0, 1, 2], [0, 1, 5]]), { nTop: 3, method: 'dispersion' });
  assert.deepEqual(Array.from(sel.kept), [2]);
  assert.match(sel.step.reason ?? '', /only 1 genes/);
});

test('detect: integer counts vs log-normalised vs scaled data', () => {
  const counts = detectCounts(csr([[0, 12, 3], [1, 0, 40]]));
  assert.equal(counts.isCounts, true);
  assert.equal(counts.maxValue, 40);
  assert.match(counts.reason, /raw counts/);
  const logged = detectCounts(dense(COUNTS.map((r) => r.map((v) => Math.log1p(v)))));
  assert.equal(logged.isCounts, false);
  assert.equal(logged.reason, 'X has non-integer values (e.g. 0.693147): treated as already normalised');
  const scaled = detectCounts(dense([[0.5, -1.25], [2, 0]]));
  assert.equal(scaled.isCounts, false);
  assert.match(scaled.reason, /negative values \(e\.g\. -1\.25\)/);
  const binary = detectCounts(dense([[0, 1], [1, 1]]));
  assert.equal(binary.isCounts, false);
  assert.match(binary.reason, /small non-negative integers \(max 1\)/);
  const bad = detectCounts(csr([[0, 1], [NaN, 2]]));
  assert.deepEqual(bad.nonFinite, { row: 1, col: 0, value: NaN });
});

test('transforms refuse negative input instead of producing NaN', () => {
  assert.throws(() => transformValues(dense([[1, -2]]), 'sqrt'), /negative/);
});
