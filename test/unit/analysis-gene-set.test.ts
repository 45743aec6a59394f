/**
 * Gene-set score (src-core/analysis/gene-set-score.ts): a hand-computed 4-cell case (dense and CSR give the
 * same), a subset of rows re-standardised on its own cells, names not found / constant / case-insensitive,
 * and the pasted-list parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { geneSetScore, matchGenes, parseGeneList } from '../../src-core/analysis/gene-set-score.js';
import { isInputError } from '../../src-core/errors.js';
import type { CsrMatrix, DenseMatrix } from '../../src-core/io/dataset.js';

// Cells × genes [Alpha, Beta, Gamma]: Alpha 0,1,2,3; Beta 2,2,0,0; Gamma 5 everywhere.
const dense: DenseMatrix = { kind: 'dense', nRows: 4, nCols: 3, data: Float32Array.from([0, 2, 5, 1, 2, 5, 2, 0, 5, 3, 0, 5]) };
const csr: CsrMatrix = {
  kind: 'csr', nRows: 4, nCols: 3,
  indptr: Float64Array.from([0, 2, 5, 7, 9]),
  indices: Int32Array.from([1, 2, 0, 1, 2, 0, 2, 0, 2]),
  data: Float32Array.from([2, 5, 1, 2, 5, 2, 5, 3, 5]),
};
const genes = ['Alpha', 'Beta', 'Gamma'];

test('gene-set score: mean of z-scores, by hand', () => {
  // Alpha: mean 1.5, population sd √1.25 = 1.1180340, z = ∓1.3416408, ∓0.4472136.
  // Beta: mean 1, sd 1, z = 1, 1, −1, −1. Gamma: sd 0 → left out.
  // Score = (z_Alpha + z_Beta) / 2 = −0.1708204, 0.2763932, −0.2763932, 0.1708204.
  const hand = [-0.1708204, 0.2763932, -0.2763932, 0.1708204];
  for (const m of [dense, csr]) {
    const s = geneSetScore(m, Int32Array.from([0, 1, 2, 3]), ['Alpha', 'beta', 'Gamma', 'Nope', 'Alpha'], genes);
    assert.deepEqual(s.used, ['Alpha', 'Beta']);
    assert.deepEqual(s.notFound, ['Nope']);
    assert.deepEqual(s.constant, ['Gamma']);
    hand.forEach((h, i) => assert.ok(Math.abs(s.values[i]! - h) < 1e-6, `${m.kind} cell ${i}: ${s.values[i]} vs ${h}`));
  }
});

test('gene-set score: z-scores are taken over the scored rows only', () => {
  // Rows 1 and 3: Alpha 1, 3 → z −1, 1; Beta 2, 0 → z 1, −1; the mean is 0 in both cells.
  const s = geneSetScore(csr, Int32Array.from([1, 3]), ['Alpha', 'Beta'], genes);
  assert.deepEqual(Array.from(s.values), [0, 0]);
  // Rows 0 and 1: Beta is constant there, Alpha alone gives −1, 1.
  const t = geneSetScore(dense, Int32Array.from([0, 1]), ['Alpha', 'Beta'], genes);
  assert.deepEqual(t.constant, ['Beta']);
  assert.deepEqual(Array.from(t.values), [-1, 1]);
});

test('gene-set score: nothing scorable gives NaN; an empty list and bad rows are InputErrors', () => {
  const s = geneSetScore(dense, Int32Array.from([0, 1]), ['Gamma', 'Zeta'], genes);
  assert.ok(Number.isNaN(s.values[0]!) && Number.isNaN(s.values[1]!));
  assert.deepEqual([s.used, s.notFound, s.constant], [[], ['Zeta'], ['Gamma']]);
  assert.throws(() => geneSetScore(dense, Int32Array.from([0]), [], genes), isInputError);
  assert.throws(() => geneSetScore(dense, Int32Array.from([7]), ['Alpha'], genes), isInputError);
});

test('matchGenes: exact first, symbols, then an unambiguous case-insensitive match', () => {
  assert.deepEqual(Array.from(matchGenes(['CD3E', 'cd3e', 'Lyz', 'lyz2', 'x'], ['CD3E', 'Lyz', 'LYZ', 'ENSG2'], [ '', '', '', 'Lyz2'])), [0, 0, 1, 3, -1]);
  // "lyz" matches Lyz and LYZ: ambiguous, not found.
  assert.equal(matchGenes(['lyz'], ['CD3E', 'Lyz', 'LYZ'])[0], -1);
});

test('parseGeneList: commas, semicolons, spaces and new lines; quotes and duplicates dropped', () => {
  assert.deepEqual(parseGeneList(' LYZ, CST3;S100A9\n"FCN1"\tLYZ  \r\n'), ['LYZ', 'CST3', 'S100A9', 'FCN1']);
  assert.deepEqual(parseGeneList(' , \n'), []);
  assert.throws(() => parseGeneList(Array.from({ length: 2001 }, (_, i) => `g${i}`).join(' ')), isInputError);
});

test('gene-set score: a random sparse case matches the formula evaluated directly (dense = CSR, values far from 0)', () => {
  let seed = 12345;
  const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const n = 60, g = 6;
  const dense = new Float32Array(n * g);
  // Gene 3 sits at 1000 ± small (a large mean: the shifted sums keep its variance), gene 5 is never expressed.
  for (let i = 0; i < n; i++) for (let j = 0; j < g; j++) dense[i * g + j] = j === 5 ? 0 : j === 3 ? 1000 + Math.round(rand() * 8) / 8 : rand() < 0.6 ? 0 : Math.round(rand() * 64) / 16;
  const indptr = [0], indices: number[] = [], data: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < g; j++) if (dense[i * g + j] !== 0) { indices.push(j); data.push(dense[i * g + j]!); }
    indptr.push(indices.length);
  }
  const csrM: CsrMatrix = { kind: 'csr', nRows: n, nCols: g, indptr: Float64Array.from(indptr), indices: Int32Array.from(indices), data: Float32Array.from(data) };
  const names = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
  const rows = Int32Array.from({ length: 40 }, (_, q) => (q * 7) % n);
  const expected = new Float64Array(rows.length);
  for (let j = 0; j < 5; j++) {
    const v = Array.from(rows, (r) => dense[r * g + j]!);
    const m = v.reduce((s, a) => s + a, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length);
    v.forEach((a, q) => { expected[q]! += (a - m) / sd / 5; });
  }
  for (const m of [{ kind: 'dense', nRows: n, nCols: g, data: dense } as DenseMatrix, csrM]) {
    const s = geneSetScore(m, rows, names, names);
    assert.deepEqual([s.used, s.constant], [['g0', 'g1', 'g2', 'g3', 'g4'], ['g5']]);
    expected.forEach((e, q) => assert.ok(Math.abs(s.values[q]! - e) < 1e-5, `${m.kind} ${q}: ${s.values[q]} vs ${e}`));
  }
});
