/** Named selections ↔ categorical column (src-core/analysis/named-selections.ts), and the ARI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex } from '../../src-core/analysis/adjusted-rand.js';
import { columnToSelections, selectionsToColumn } from '../../src-core/analysis/named-selections.js';
import { isInputError } from '../../src-core/errors.js';

const rows = (...r: number[]): Int32Array => Int32Array.from(r);

test('disjoint selections: codes, categories with "unassigned" last, exact round trip', () => {
  const sel = [
    { name: 'tip', rows: rows(0, 1, 2) },
    { name: 'stalk', rows: rows(5, 6) },
  ];
  const { column, overlapping } = selectionsToColumn('selection', sel, 8);
  assert.equal(overlapping, 0);
  assert.equal(column.kind, 'categorical');
  assert.equal(column.name, 'selection');
  assert.deepEqual(column.categories, ['tip', 'stalk', 'unassigned']);
  assert.deepEqual(Array.from(column.codes), [0, 0, 0, 2, 2, 1, 1, 2]);
  const back = columnToSelections(column);
  assert.deepEqual(back.map((s) => s.name), ['tip', 'stalk']);
  assert.deepEqual(Array.from(back[0]!.rows), [0, 1, 2]);
  assert.deepEqual(Array.from(back[1]!.rows), [5, 6]);
});

test('overlaps: later selection wins by default; "several" marks them when asked; duplicates count once', () => {
  const sel = [
    { name: 'a', rows: rows(0, 1, 2, 2) },
    { name: 'b', rows: rows(2, 3) },
    { name: 'c', rows: rows(2, 4) },
  ];
  const later = selectionsToColumn('s', sel, 6);
  assert.equal(later.overlapping, 1, 'cell 2 is in three selections: one overlapping cell');
  assert.deepEqual(Array.from(later.column.codes), [0, 0, 2, 1, 2, 3]);
  assert.deepEqual(later.column.categories, ['a', 'b', 'c', 'unassigned']);
  assert.deepEqual(columnToSelections(later.column).map((s) => [s.name, Array.from(s.rows)]), [
    ['a', [0, 1]],
    ['b', [3]],
    ['c', [2, 4]],
  ]);
  const marked = selectionsToColumn('s', sel, 6, { overlap: 'several' });
  assert.deepEqual(marked.column.categories, ['a', 'b', 'c', 'several', 'unassigned']);
  assert.deepEqual(Array.from(marked.column.codes), [0, 0, 3, 1, 2, 4]);
  assert.deepEqual(columnToSelections(marked.column).map((s) => [s.name, Array.from(s.rows)]), [
    ['a', [0, 1]],
    ['b', [3]],
    ['c', [4]],
  ]);
});

test('a fully overridden or empty selection keeps its name through the round trip', () => {
  const { column } = selectionsToColumn('s', [{ name: 'old', rows: rows(1) }, { name: 'new', rows: rows(1) }, { name: 'none', rows: rows() }], 3);
  assert.deepEqual(columnToSelections(column).map((s) => [s.name, s.rows.length]), [
    ['old', 0],
    ['new', 1],
    ['none', 0],
  ]);
});

test('restoring a column from a file: missing codes are unassigned; custom labels; bad codes rejected', () => {
  const column = { name: 'sel', kind: 'categorical' as const, codes: Int32Array.from([0, -1, 1, 2]), categories: ['x', '(none)', 'y'], ordered: false };
  assert.deepEqual(columnToSelections(column, { unassigned: '(none)' }).map((s) => [s.name, Array.from(s.rows)]), [
    ['x', [0]],
    ['y', [3]],
  ]);
  assert.throws(() => columnToSelections({ ...column, codes: Int32Array.from([3]) }), isInputError);
});

test('bad selections are InputErrors', () => {
  const err = (f: () => unknown, re: RegExp): void => assert.throws(f, (e) => isInputError(e) && re.test(e.message));
  err(() => selectionsToColumn('s', [{ name: 'a', rows: rows(0) }, { name: 'a', rows: rows(1) }], 3), /two selections/);
  err(() => selectionsToColumn('s', [{ name: '', rows: rows(0) }], 3), /empty name/);
  err(() => selectionsToColumn('s', [{ name: ' a', rows: rows(0) }], 3), /spaces/);
  err(() => selectionsToColumn('s', [{ name: 'unassigned', rows: rows(0) }], 3), /reserved/);
  err(() => selectionsToColumn('s', [{ name: 'several', rows: rows(0) }], 3, { overlap: 'several' }), /reserved/);
  err(() => selectionsToColumn('s', [{ name: 'a', rows: rows(3) }], 3), /outside/);
  err(() => selectionsToColumn('s', [{ name: 'a', rows: [0.5] }], 3), /outside/);
  err(() => selectionsToColumn(' ', [], 3), /needs a name/);
  // "several" is an ordinary name under the default rule.
  assert.deepEqual(selectionsToColumn('s', [{ name: 'several', rows: rows(0) }], 2).column.categories, ['several', 'unassigned']);
});

test('adjusted Rand index: hand-computed and reference values', () => {
  // [0,0,1,1] vs [0,0,1,2]: Σ C(n_ij,2) = 1, Σ C(a,2) = 2, Σ C(b,2) = 1, C(4,2) = 6, E = 1/3 → (2/3)/(7/6) = 4/7.
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 4 / 7) < 1e-15);
  // Reference: sklearn.metrics.adjusted_rand_score gives 0.2953020134228188.
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 2, 2, 2, 3], [1, 1, 0, 0, 0, 2, 2]) - 0.2953020134228188) < 1e-14);
  assert.equal(adjustedRandIndex([5, 5, 7, 7, 9], [1, 1, 0, 0, 2]), 1, 'label names do not matter');
  assert.equal(adjustedRandIndex([0, 0, 0], [1, 1, 1]), 1);
  assert.throws(() => adjustedRandIndex([0, 1], [0]), isInputError);
  assert.throws(() => adjustedRandIndex([0, -1], [0, 1]), isInputError);
});
