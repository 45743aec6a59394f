import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CsrMatrix, Dataset, DenseMatrix, Matrix } from '../../src-core/io/dataset.js';
import { CancelledError, InputError } from '../../src-core/errors.js';
import { createRng } from '../../src-core/linalg/random.js';
import { preprocess } from '../../src-core/preprocess/index.js';

function countsCsr(n: number, p: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const group = i % 3;
    for (let j = 0; j < p; j++) {
      const rate = (j % 3 === group ? 6 : 0.6) * (1 + (j % 5));
      const v = Math.floor(rng.next() * 2 * rate);
      if (v > 0 && i !== 0) {
        // row 0 stays empty: a zero-count cell
        indices.push(j);
        data.push(v);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: 'csr', nRows: n, nCols: p, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

function dataset(X: Matrix, obsm: Record<string, DenseMatrix> = {}): Dataset {
  return {
    nCells: X.nRows,
    nFeatures: X.nCols,
    X,
    cellIds: Array.from({ length: X.nRows }, (_, i) => `c${i}`),
    featureNames: Array.from({ length: X.nCols }, (_, j) => `g${j}`),
    obs: [],
    obsm,
    source: { path: 'mem.h5ad', format: 'h5ad', notes: [] },
  };
}

test('preprocess defaults on counts: detect → normalise (median) → sqrt → PCA 50', () => {
  const ds = dataset(countsCsr(120, 150, 1));
  const out = preprocess(ds);
  assert.deepEqual(out.steps.map((s) => `${s.step}:${s.applied}`), ['detect:true', 'qc-cells:false', 'qc-genes:false', 'normalize:true', 'transform:true', 'pca:true']);
  assert.equal(out.matrix.nRows, 120);
  assert.equal(out.matrix.nCols, 50);
  assert.equal(out.keptCells.length, 120);
  assert.equal(out.steps[3]!.result['zeroCountCells'], 1);
  // The empty cell sits at the (negated) mean after centring: finite, not NaN.
  for (let c = 0; c < 50; c++) assert.ok(Number.isFinite(out.matrix.data[c]!));
  const again = preprocess(ds);
  assert.deepEqual(out.matrix.data, again.matrix.data, 'same seed, same output');
  const ratios = out.steps[5]!.result['explainedVarianceRatio'] as readonly number[];
  assert.equal(ratios.length, 50);
  assert.ok(ratios[0]! > ratios[49]!);
});

test('preprocess with few features skips PCA and returns sqrt-normalised values densified', () => {
  const X: DenseMatrix = { kind: 'dense', nRows: 3, nCols: 2, data: Float32Array.from([10, 30, 0, 0, 20, 20]) };
  const out = preprocess(dataset(X));
  // Library sizes 40, 0, 40 → median 40; the empty cell stays zero.
  assert.deepEqual(Array.from(out.matrix.data), [Math.fround(Math.sqrt(10)), Math.fround(Math.sqrt(30)), 0, 0, Math.fround(Math.sqrt(20)), Math.fround(Math.sqrt(20))]);
  assert.equal(out.steps.at(-1)!.step, 'densify');
  assert.match(out.steps.at(-1)!.reason ?? '', /2 features ≤ 100/);
});

test('preprocess leaves already-transformed data alone and applies cell QC to obsm', () => {
  const X: DenseMatrix = { kind: 'dense', nRows: 3, nCols: 2, data: Float32Array.from([0.5, 1.5, 0, 0, 2.25, 0.1]) };
  const plain = preprocess(dataset(X));
  assert.deepEqual(plain.matrix.data, X.data);
  assert.match(plain.steps[0]!.reason ?? '', /non-integer values \(e\.g\. 0\.5\)/);
  const pcs: DenseMatrix = { kind: 'dense', nRows: 3, nCols: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
  const fromObsm = preprocess(dataset(X, { X_pca: pcs }), { usePca: 'obsm', minGenes: 1 });
  assert.deepEqual(Array.from(fromObsm.keptCells), [0, 2]);
  assert.deepEqual(Array.from(fromObsm.matrix.data), [1, 2, 5, 6]);
  assert.equal(fromObsm.steps.at(-1)!.step, 'obsm');
  const missing = preprocess(dataset(X), { usePca: 'obsm' });
  assert.equal(missing.steps.find((s) => s.step === 'obsm')!.applied, false);
});

test('preprocess with HVG keeps the original feature indices', () => {
  const out = preprocess(dataset(countsCsr(60, 150, 2)), { hvg: { nTop: 20, method: 'variance' }, pca: 5 });
  assert.equal(out.keptFeatures!.length, 20);
  assert.equal(out.matrix.nCols, 5);
  const disp = preprocess(dataset(countsCsr(60, 150, 2)), { hvg: { nTop: 20, method: 'dispersion' }, pca: 'off' });
  assert.equal(disp.matrix.nCols, 20);
  assert.deepEqual(disp.steps.map((s) => s.step), ['detect', 'qc-cells', 'qc-genes', 'normalize', 'hvg', 'transform', 'densify']);
});

test('preprocess refuses what it cannot do with an InputError naming the file', () => {
  const big = dataset(countsCsr(20, 150, 3));
  assert.throws(() => preprocess(big, { pca: 'off', maxDenseEntries: 1000 }), (e: unknown) => e instanceof InputError && /must be held dense/.test(e.message) && e.file === 'mem.h5ad');
  const nan: DenseMatrix = { kind: 'dense', nRows: 2, nCols: 2, data: Float32Array.from([1, NaN, 0, 1]) };
  assert.throws(() => preprocess(dataset(nan)), (e: unknown) => e instanceof InputError && /non-finite value \(NaN\) at cell 0, feature 1/.test(e.message));
  assert.throws(() => preprocess(big, { minCounts: 1e9 }), /no cells pass/);
});

test('preprocess reports progress and stops with CancelledError when its signal aborts', () => {
  const ds = dataset(countsCsr(60, 150, 4));
  const seen: number[] = [];
  preprocess(ds, { pca: 5, onProgress: (f) => seen.push(f) });
  assert.equal(seen[0], 0);
  assert.equal(seen.at(-1), 1);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'progress never goes back');
  const controller = new AbortController();
  let calls = 0;
  assert.throws(
    () => preprocess(ds, { pca: 5, signal: controller.signal, onProgress: () => { if (++calls === 4) controller.abort(); } }),
    (e: unknown) => e instanceof CancelledError && /pca/.test(e.message),
  );
});
