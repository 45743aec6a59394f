/**
 * The small pieces of the evaluation: kNN placement (hand-computed weights), time points from
 * categorical / numeric columns, the PCA-2 map, and Sinkhorn plans fed to displacement interpolation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CategoricalColumn, NumericColumn } from '../../src-core/io/dataset.js';
import { pcaMap2 } from '../../src-core/interpolate/pca-map.js';
import { placeByKnn } from '../../src-core/interpolate/place.js';
import { timeCourse } from '../../src-core/interpolate/time-points.js';
import { leadingNumber } from '../../src-core/interpolate/time-labels.js';
import { transport } from '../../src-core/interpolate/transport.js';
import { createRng } from '../../src-core/linalg/random.js';

test('placeByKnn: alpha-decay weights from the query side, hand-computed', () => {
  // Reference cells at 0..19 on a line (1-D "PCs"), map coordinates (i, −i).
  const ref = Float64Array.from({ length: 20 }, (_, i) => i);
  const coords = Float64Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? k / 2 : -(k - 1) / 2));
  // q = 5, k = 3: neighbours 5 (d = 0), 4 and 6 (d = 1 = ε): weights 1, e^-1, e^-1 → (5, −5).
  const a = placeByKnn(Float64Array.of(5), 1, ref, 20, 1, coords, 2, { k: 3 });
  assert.ok(Math.abs(a[0]! - 5) < 1e-12 && Math.abs(a[1]! + 5) < 1e-12);
  // q = 5.2, k = 2: neighbours 5 (0.2) and 6 (0.8 = ε): w = exp(−(1/4)^40) ≈ 1 and e^-1.
  const b = placeByKnn(Float64Array.of(5.2), 1, ref, 20, 1, coords, 2, { k: 2 });
  const w5 = Math.exp(-Math.pow(0.25, 40));
  const w6 = Math.exp(-1);
  assert.ok(Math.abs(b[0]! - (5 * w5 + 6 * w6) / (w5 + w6)) < 1e-12);
  // A query on duplicated reference cells (ε = 0) sits at their mean.
  const dup = placeByKnn(Float64Array.of(1), 1, Float64Array.of(1, 1, 9), 3, 1, Float64Array.of(0, 0, 2, 2, 50, 50), 2, { k: 2 });
  assert.deepEqual([...dup], [1, 1]);
});

test('timeCourse: ordered categories, numbers in labels, numeric columns, subsets', () => {
  const ordered: CategoricalColumn = { name: 'time', kind: 'categorical', codes: Int32Array.of(2, 0, 1, 1, -1, 2), categories: ['0h', '24h', '48h'], ordered: true };
  const c = timeCourse(ordered);
  assert.deepEqual(c.levels.map((l) => [l.label, l.time, [...l.cells]]), [['0h', 0, [1]], ['24h', 24, [2, 3]], ['48h', 48, [0, 5]]]);
  assert.equal(c.timeSource, 'numbers in category labels');
  // Unordered, stored alphabetically: sorted by the leading number.
  const unordered: CategoricalColumn = { name: 't', kind: 'categorical', codes: Int32Array.of(0, 1, 2), categories: ['10 d', '2 d', '5 d'], ordered: false };
  assert.deepEqual(timeCourse(unordered).levels.map((l) => l.label), ['2 d', '5 d', '10 d']);
  // Non-numeric labels keep the category order and use ranks.
  const named: CategoricalColumn = { name: 's', kind: 'categorical', codes: Int32Array.of(1, 0), categories: ['early', 'late'], ordered: true };
  const n = timeCourse(named);
  assert.equal(n.timeSource, 'category rank');
  assert.deepEqual(n.levels.map((l) => l.time), [0, 1]);
  // Numeric column with NaN; a subset of rows (indices are positions in the subset).
  const num: NumericColumn = { name: 'hours', kind: 'numeric', values: Float64Array.of(48, 0, NaN, 24, 0) };
  assert.deepEqual(timeCourse(num).levels.map((l) => [l.time, [...l.cells]]), [[0, [1, 4]], [24, [3]], [48, [0]]]);
  assert.deepEqual(timeCourse(num, Int32Array.of(0, 3)).levels.map((l) => [l.time, [...l.cells]]), [[24, [1]], [48, [0]]]);
  assert.equal(leadingNumber('72h'), 72);
  assert.ok(Number.isNaN(leadingNumber('day 3')));
});

test('pcaMap2: recovers the two dominant axes and projects new points', () => {
  const rng = createRng(4);
  const n = 500;
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    x[i * 3] = 1 + 0.1 * rng.normal();
    x[i * 3 + 1] = 5 * rng.normal();
    x[i * 3 + 2] = 2 * rng.normal();
  }
  const m = pcaMap2(x, n, 3);
  assert.ok(Math.abs(Math.abs(m.axes[1]!) - 1) < 0.01, `first axis ${[...m.axes.slice(0, 3)]}`);
  assert.ok(Math.abs(Math.abs(m.axes[5]!) - 1) < 0.01, `second axis ${[...m.axes.slice(3)]}`);
  const p = m.project(Float64Array.of(m.mean[0]!, m.mean[1]! + 2, m.mean[2]!), 1);
  // (x − mean) = 2·e_y projects onto 2·(axis_k)_y.
  assert.ok(Math.abs(p[0]! - 2 * m.axes[1]!) < 1e-12 && Math.abs(p[1]! - 2 * m.axes[4]!) < 1e-12);
});

test('transport: exact up to the limit, Sinkhorn above it or on request', () => {
  const c = Float64Array.of(0, 1, 1, 0);
  assert.equal(transport(c, 2, 2).method, 'exact');
  const s = transport(c, 2, 2, { method: 'sinkhorn', relativeEpsilon: 0.05 });
  assert.equal(s.method, 'sinkhorn');
  assert.ok(Math.abs(s.plan.cost) < 1e-6);
  assert.equal(transport(c, 2, 2, { exactLimit: 1 }).method, 'sinkhorn');
});
