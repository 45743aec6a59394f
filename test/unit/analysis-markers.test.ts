/**
 * Marker genes (src-core/analysis): the rank-sum p-values against exact and independent computations
 * (the enumerated permutation distribution, a hand-computed tie-corrected z, reference erfc values),
 * Benjamini–Hochberg against a hand-computed list, fold change and fractions by hand, sparse = dense,
 * bad input, and the monocytes of pbmc68k_reduced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benjaminiHochberg } from '../../src-core/analysis/fdr.js';
import { rankMarkers, sortMarkerRows } from '../../src-core/analysis/markers.js';
import { erfc, twoSidedNormalP } from '../../src-core/analysis/normal.js';
import { rankSumSorted } from '../../src-core/analysis/rank-sum.js';
import { isInputError } from '../../src-core/errors.js';
import { denseMatrix, type CsrMatrix, type DenseMatrix } from '../../src-core/io/dataset.js';
import { openDataset } from '../../src-core/io/open.js';
import { createRng } from '../../src-core/linalg/random.js';
import { fixtureData } from '../helpers/paths.js';

/** Sorted non-zeros of a group, as the marker code hands them to the rank test. */
const nonZerosSorted = (v: readonly number[]): Float64Array => Float64Array.from(v.filter((x) => x !== 0)).sort();

test('erfc matches reference values (CPython math.erfc) to 1e-13 relative, into the far tail', () => {
  const ref: [number, number][] = [
    [0.3, 0.6713732405408726],
    [1, 0.15729920705028513],
    [2.4, 0.0006885138966450789],
    [2.6, 0.00023603441652934908],
    [4, 1.541725790028002e-8],
    [8, 1.1224297172982928e-29],
    [15, 7.212994172451206e-100],
  ];
  for (const [x, want] of ref) assert.ok(Math.abs(erfc(x) / want - 1) < 1e-13, `erfc(${x}) = ${erfc(x)}, want ${want}`);
  assert.ok(Math.abs(erfc(-1) - (2 - 0.15729920705028513)) < 1e-15);
  assert.equal(twoSidedNormalP(0), 1);
});

test('rank-sum: hand-computed tie-corrected, continuity-corrected z on a small case', () => {
  // A = [0,0,1,3], B = [0,1,2,2,5]. Mid-ranks: 0,0,0 → 2; 1,1 → 4.5; 2,2 → 6.5; 3 → 8; 5 → 9.
  // R_A = 2+2+4.5+8 = 16.5, U = 16.5 − 10 = 6.5, μ = 10, Σ(t³−t) = 24+6+6 = 36,
  // σ² = 20/12·(10 − 36/72) = 15.8333…, z = −(3.5 − 0.5)/σ = −0.75393703…; scipy's mannwhitneyu
  // (asymptotic, continuity) gives U = 6.5, p = 0.45088703102517036 for the same data.
  const r = rankSumSorted(nonZerosSorted([0, 0, 1, 3]), 4, nonZerosSorted([0, 1, 2, 2, 5]), 5);
  assert.equal(r.u, 6.5);
  const z = -3 / Math.sqrt((20 / 12) * (10 - 36 / 72));
  assert.ok(Math.abs(r.z - z) < 1e-14, `z ${r.z} vs ${z}`);
  assert.ok(Math.abs(r.p - 0.45088703102517036) < 1e-14, `p ${r.p}`);
  // Negative values rank below the zero group (scaled data): shift everything by −1 except zeros.
  const neg = rankSumSorted(nonZerosSorted([-3, -3, 1]), 4, nonZerosSorted([-2, 2]), 3);
  const naive = naiveRankSum([-3, -3, 1, 0], [-2, 2, 0]);
  assert.equal(neg.u, naive.u);
  assert.ok(Math.abs(neg.z - naive.z) < 1e-14);
  // Everything tied: no information.
  assert.deepEqual(rankSumSorted(new Float64Array(0), 3, new Float64Array(0), 4), { u: 6, z: 0, p: 1 });
});

test('rank-sum p-values against the exact permutation distribution (all C(N, n_A) splits, with ties)', () => {
  const rng = createRng(5);
  let worst = 0;
  for (let c = 0; c < 12; c++) {
    const nA = 10 + (c % 4) * 3;
    const nB = 14 + (c % 3) * 4;
    const shift = [0, 0.6, 1.2, 2][c % 4]!;
    const draw = (mu: number): number => (rng.next() < 0.35 ? 0 : Math.max(0, Math.round(mu + 2 * rng.next() + rng.normal())));
    const a = Array.from({ length: nA }, () => draw(shift));
    const b = Array.from({ length: nB }, () => draw(0));
    const r = rankSumSorted(nonZerosSorted(a), nA, nonZerosSorted(b), nB);
    assert.equal(r.u, naiveRankSum(a, b).u, 'U equals the naive mid-rank computation');
    const exact = exactTwoSidedP(a, b);
    const relative = Math.abs(r.p - exact) / exact;
    if (exact >= 0.01) worst = Math.max(worst, relative);
    // The normal approximation at these sizes: within 10% of the exact p for p ≥ 0.01; further into the
    // tail its relative error grows (measured 33% at p = 1.3e-3), so there within a factor 1.6.
    assert.ok(exact >= 0.01 ? relative < 0.1 : Math.abs(Math.log10(r.p / exact)) < 0.2, `case ${c}: normal ${r.p}, exact ${exact}`);
  }
  console.log(`rank-sum normal approximation vs exact: worst relative difference ${worst.toFixed(4)} (p ≥ 0.01)`);
});

test('Benjamini–Hochberg against hand-computed lists', () => {
  // sorted 0.005, 0.01, 0.03, 0.04, 0.5 → ×5/rank: 0.025, 0.025, 0.05, 0.05, 0.5 (already monotone)
  assert.deepEqual(Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5])).map((x) => +x.toFixed(12)), [0.025, 0.05, 0.05, 0.025, 0.5]);
  // 0.02·3/1 = 0.06 > 0.021·3/2 = 0.0315: the running minimum from the top lowers the first to 0.0315.
  assert.deepEqual(Array.from(benjaminiHochberg([0.02, 0.021, 0.9])).map((x) => +x.toFixed(12)), [0.0315, 0.0315, 0.9]);
  assert.deepEqual(Array.from(benjaminiHochberg([0.9, 0.95])), [0.95, 0.95]);
  assert.deepEqual(Array.from(benjaminiHochberg([1e-300, 0.6])), [2e-300, 0.6]);
  assert.equal(benjaminiHochberg([]).length, 0);
});

test('marker table: fold change, fractions and means by hand; CSR = dense; vs a second selection', () => {
  // 6 cells × 3 genes, values ln(1+x).
  const L = Math.log1p;
  const rows = [
    [L(3), 0, L(1)],
    [L(1), 0, 0],
    [L(7), L(2), 0],
    [0, L(2), L(1)],
    [0, L(4), L(1)],
    [L(1), 0, L(9)],
  ];
  const dense = denseMatrix(6, 3, Float32Array.from(rows.flat()));
  const csr = toCsr(dense);
  const a = Int32Array.from([0, 1, 2]);
  const t = rankMarkers(dense, ['g0', 'g1', 'g2'], a, null);
  const tc = rankMarkers(csr, ['g0', 'g1', 'g2'], a, null);
  assert.deepEqual(tc.rows, t.rows);
  assert.equal(t.nA, 3);
  assert.equal(t.nB, 3);
  assert.equal(t.reference, 'rest');
  const g0 = t.rows.find((r) => r.name === 'g0')!;
  // expm1 means: A (3+1+7)/3, B (0+0+1)/3 → log2(11/1) (ε = 1e-9 negligible); fractions 1 and 1/3.
  assert.ok(Math.abs(g0.log2FoldChange - Math.log2((11 / 3 + 1e-9) / (1 / 3 + 1e-9))) < 1e-6);
  assert.equal(g0.fractionA, 1);
  assert.ok(Math.abs(g0.fractionB - 1 / 3) < 1e-15);
  assert.ok(Math.abs(g0.meanA - (Math.fround(L(3)) + Math.fround(L(1)) + Math.fround(L(7))) / 3) < 1e-12);
  assert.ok(g0.score > 0 && t.rows[0]!.name === 'g0', 'g0 is higher in A and ranks first');
  const g1 = t.rows.find((r) => r.name === 'g1')!;
  const g2 = t.rows.find((r) => r.name === 'g2')!;
  // g1: A 0,0,L2 vs B L2,L4,0 → U = 2.5; g2: A L1,0,0 vs B L1,L1,L9 → U = 1: both lower in A, g2 more so.
  assert.equal(g1.u, 2.5);
  assert.equal(g2.u, 1);
  assert.ok(g2.score < g1.score && g1.score < 0);
  assert.deepEqual(t.rows.map((r) => r.name), ['g0', 'g1', 'g2']);
  // Each p equals the rank test on the same data; q is BH over the three genes.
  const r0 = rankSumSorted(Float64Array.from([L(1), L(3), L(7)].map(Math.fround)).sort(), 3, Float64Array.from([Math.fround(L(1))]), 3);
  assert.equal(g0.pValue, r0.p);
  assert.deepEqual(t.rows.map((r) => r.pAdjusted), Array.from(benjaminiHochberg(t.rows.map((r) => r.pValue))));
  // 'linear' scale: ratio of plain means.
  const lin = rankMarkers(dense, ['g0', 'g1', 'g2'], a, null, { valueScale: 'linear', pseudocount: 0 }).rows.find((r) => r.name === 'g1')!;
  assert.ok(Math.abs(lin.log2FoldChange - Math.log2(Math.fround(L(2)) / (Math.fround(L(2)) + Math.fround(L(4))))) < 1e-12);
  // Second selection: cells 3 and 4 only; cell 5 is in neither group.
  const two = rankMarkers(dense, ['g0', 'g1', 'g2'], a, Int32Array.from([3, 4]));
  assert.equal(two.nB, 2);
  assert.equal(two.reference, 'selection');
  assert.equal(two.rows.find((r) => r.name === 'g2')!.fractionB, 1);
  assert.equal(two.rows.find((r) => r.name === 'g1')!.fractionB, 1);
  assert.equal(two.rows.find((r) => r.name === 'g0')!.fractionB, 0);
  // Sorting helpers.
  assert.deepEqual(sortMarkerRows(t.rows, 'name', 'ascending').map((r) => r.name), ['g0', 'g1', 'g2']);
  assert.deepEqual(sortMarkerRows(t.rows, 'log2FoldChange', 'ascending').map((r) => r.name), ['g2', 'g1', 'g0']);
});

test('marker input errors: overlapping, empty or out-of-range groups, non-finite values, name count', () => {
  const m = denseMatrix(4, 2, Float32Array.from([1, 0, 2, 1, 0, 3, 1, 1]));
  const names = ['a', 'b'];
  const err = (f: () => unknown, re: RegExp): void => assert.throws(f, (e) => isInputError(e) && re.test(e.message));
  err(() => rankMarkers(m, names, [0, 1], [1, 2]), /both groups/);
  err(() => rankMarkers(m, names, [], null), /empty/);
  err(() => rankMarkers(m, names, [0, 4], null), /outside/);
  err(() => rankMarkers(m, names, [0, 1, 2, 3], null), /no rest/);
  err(() => rankMarkers(m, ['a'], [0], null), /names/);
  err(() => rankMarkers(denseMatrix(2, 1, Float32Array.from([NaN, 1])), ['a'], [0], null), /finite/);
  // Duplicated rows count once.
  assert.equal(rankMarkers(m, names, [0, 0, 1], null).nA, 2);
});

test('pbmc68k_reduced raw/X: CD14+ Monocyte markers are monocyte genes (vs rest and vs lymphocytes)', async () => {
  const ds = await openDataset(fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad'), { useRaw: true });
  const col = ds.obs.find((c) => c.name === 'bulk_labels');
  assert.ok(col && col.kind === 'categorical');
  const rowsOf = (pred: (label: string) => boolean): Int32Array => Int32Array.from(Array.from(col.codes.keys()).filter((i) => pred(col.categories[col.codes[i]!]!)));
  const mono = rowsOf((l) => l === 'CD14+ Monocyte');
  const lymph = rowsOf((l) => /^CD4|^CD8|^CD19|^CD56/.test(l));
  // Monocyte / myeloid genes named as markers in the PBMC literature and tutorials (docs/analysis.md §2).
  const myeloid = new Set(['LYZ', 'CST3', 'S100A8', 'S100A9', 'FCN1', 'CD14', 'FCGR3A', 'MS4A7', 'LST1', 'AIF1', 'FCER1G', 'TYROBP', 'IFITM3', 'CFD', 'CD68', 'PSAP', 'FTL', 'CTSS', 'SERPINA1']);
  const vsRest = rankMarkers(ds.X, ds.featureNames, mono, null);
  const top = vsRest.rows.slice(0, 10).map((r) => r.name);
  console.log(`CD14+ Monocyte vs rest, top ten: ${top.join(', ')}`);
  assert.ok(top.filter((g) => myeloid.has(g)).length >= 6, `top ten ${top.join(', ')}`);
  // U and p equal scipy.stats.mannwhitneyu(use_continuity=True, method='asymptotic') on the same data
  // (run once outside the tests; over all 765 genes the largest relative p difference was 1e-12).
  const scipy: [string, number, number][] = [
    ['FCGR3A', 68951.5, 2.071981987576663e-79],
    ['LYZ', 46404.5, 1.1994539999728946e-6],
    ['CST3', 47848.5, 3.00324438312798e-8],
    ['FTL', 70771.5, 3.5419269036327365e-60],
  ];
  for (const [g, u, p] of scipy) {
    const r = vsRest.rows.find((x) => x.name === g)!;
    assert.equal(r.u, u, g);
    assert.ok(Math.abs(r.pValue / p - 1) < 1e-10, `${g}: p ${r.pValue} vs scipy ${p}`);
  }
  // The named classic genes are significant and higher in the monocytes; their fold change vs the rest
  // can be < 1 (LYZ: the "Dendritic" cells in the rest express more of it on the linear scale).
  for (const g of ['LYZ', 'CST3', 'S100A8', 'S100A9', 'FCN1']) {
    const r = vsRest.rows.find((x) => x.name === g)!;
    assert.ok(r.score > 0 && r.pAdjusted < 1e-5, `${g}: z ${r.score}, q ${r.pAdjusted}`);
  }
  // Against the lymphocytes (the large "Dendritic" group shares LYZ/CST3 with monocytes and sits in the rest).
  const vsLymph = rankMarkers(ds.X, ds.featureNames, mono, lymph);
  const topL = vsLymph.rows.slice(0, 10).map((r) => r.name);
  console.log(`CD14+ Monocyte vs lymphocytes, top ten: ${topL.join(', ')}`);
  for (const g of ['LYZ', 'CST3', 'FCN1']) assert.ok(topL.includes(g), `${g} in ${topL.join(', ')}`);
  for (const g of ['LYZ', 'CST3', 'S100A8', 'S100A9', 'FCN1']) {
    const r = vsLymph.rows.find((x) => x.name === g)!;
    assert.ok(r.log2FoldChange > 1 && r.fractionA > r.fractionB, `${g}: lfc ${r.log2FoldChange}`);
  }
  // B and NK cells as a control of direction: their own classic markers.
  const b = rankMarkers(ds.X, ds.featureNames, rowsOf((l) => l === 'CD19+ B'), null).rows.slice(0, 5).map((r) => r.name);
  assert.ok(b.includes('CD79A') && b.includes('MS4A1'), b.join(', '));
  const nk = rankMarkers(ds.X, ds.featureNames, rowsOf((l) => l === 'CD56+ NK'), null).rows.slice(0, 10).map((r) => r.name);
  assert.ok(nk.includes('GZMB') && nk.includes('NKG7') && nk.includes('GNLY'), nk.join(', '));
});

/** Mid-rank U and tie-corrected, continuity-corrected z by sorting everything (independent of rank-sum.ts). */
function naiveRankSum(a: readonly number[], b: readonly number[]): { u: number; z: number } {
  const all = [...a.map((v) => ({ v, inA: true })), ...b.map((v) => ({ v, inA: false }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankA = 0;
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && all[j]!.v === all[i]!.v) j++;
    const mid = (i + 1 + j) / 2;
    for (let q = i; q < j; q++) if (all[q]!.inA) rankA += mid;
    ties += (j - i) ** 3 - (j - i);
    i = j;
  }
  const nA = a.length;
  const nB = b.length;
  const u = rankA - (nA * (nA + 1)) / 2;
  const d = u - (nA * nB) / 2;
  const sigma = Math.sqrt(((nA * nB) / 12) * (n + 1 - ties / (n * (n - 1))));
  return { u, z: (Math.sign(d) * Math.max(Math.abs(d) - 0.5, 0)) / sigma };
}

/**
 * Exact two-sided p of the rank-sum statistic under the permutation null: every way of choosing n_A of
 * the N pooled values is equally likely. Counts, by dynamic programming over the items, the subsets of
 * each size with each doubled mid-rank sum (integers), then P(|2R − n_A(N+1)| ≥ observed).
 */
function exactTwoSidedP(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((v) => ({ v, inA: true })), ...b.map((v) => ({ v, inA: false }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  const nA = a.length;
  const doubled = new Int32Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && all[j]!.v === all[i]!.v) j++;
    for (let q = i; q < j; q++) doubled[q] = i + 1 + j;
    i = j;
  }
  let observed = 0;
  for (let q = 0; q < n; q++) if (all[q]!.inA) observed += doubled[q]!;
  const maxSum = doubled.reduce((s, x) => s + x, 0);
  // ways[j][s]: subsets of size j with doubled rank sum s
  const ways = Array.from({ length: nA + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  for (let q = 0; q < n; q++) {
    const r = doubled[q]!;
    for (let j = Math.min(q + 1, nA); j >= 1; j--) {
      const to = ways[j]!;
      const from = ways[j - 1]!;
      for (let s = maxSum; s >= r; s--) to[s]! += from[s - r]!;
    }
  }
  const centre = nA * (n + 1);
  const dev = Math.abs(observed - centre);
  let hit = 0;
  let total = 0;
  ways[nA]!.forEach((w, s) => {
    total += w;
    if (Math.abs(s - centre) >= dev) hit += w;
  });
  return hit / total;
}

function toCsr(m: DenseMatrix): CsrMatrix {
  const indptr = new Int32Array(m.nRows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < m.nRows; i++) {
    for (let j = 0; j < m.nCols; j++) {
      const v = m.data[i * m.nCols + j]!;
      if (v !== 0) {
        indices.push(j);
        data.push(v);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: 'csr', nRows: m.nRows, nCols: m.nCols, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}
