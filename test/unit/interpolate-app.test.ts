/**
 * The app's time panel over src-core: time-like column detection, interpolated cells on a map (endpoints
 * exact, straight lines in map space), the evaluation thread (progress, result, cancel) and the WebSocket
 * argument checks of the new API methods.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CategoricalColumn, NumericColumn, ObsColumn } from '../../src-core/io/dataset.js';
import { detectTimeColumns } from '../../src-core/interpolate/time-columns.js';
import { evaluationTable } from '../../src-core/interpolate/evaluation-table.js';
import { interpolateOnMap } from '../../src-core/interpolate/on-map.js';
import { evaluateInThread } from '../../host/evaluation-thread.js';
import { isTimeLabel, isTimeName, timeCourse } from '../../src-core/interpolate/time-points.js';
import { timeOfLabel } from '../../src-core/interpolate/time-labels.js';
import { createRng } from '../../src-core/linalg/random.js';
import { validateCall } from '../../host/validate.js';

test('time labels and names', () => {
  assert.deepEqual(['24h', '0.5 d', '12', 'day 3', 'D3', 'E12.5', 't=2', 'week 2', 'P7', 'early'].map(timeOfLabel), [24, 0.5, 12, 3, 3, 12.5, 2, 2, 7, NaN]);
  for (const l of ['24h', '24 h', '3 days', 'day 3', 'D3', 'E12.5', '10dpf']) assert.ok(isTimeLabel(l), l);
  for (const l of ['1', '2.5', 'GM', 'cluster 3', 'A01']) assert.ok(!isTimeLabel(l), l);
  for (const n of ['time', 'time_hours', 'Timepoint', 'day', 'age', 'sample_day', 'stage']) assert.ok(isTimeName(n), n);
  for (const n of ['media', 'library', 'monocle_state', 'n_genes', 'batch']) assert.ok(!isTimeName(n), n);
  // "day N" labels in an unordered column sort by their number, not alphabetically.
  const days: CategoricalColumn = { name: 'd', kind: 'categorical', codes: Int32Array.of(0, 1, 2), categories: ['day 10', 'day 3', 'day 7'], ordered: false };
  assert.deepEqual(timeCourse(days).levels.map((l) => [l.label, l.time]), [['day 3', 3], ['day 7', 7], ['day 10', 10]]);
});

test('detectTimeColumns: time-named first, then time labels, then numeric with few values', () => {
  const n = 30;
  const keep = Int32Array.from({ length: n }, (_, i) => i);
  const codes = (k: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i % k);
  const obs: ObsColumn[] = [
    { name: 'state', kind: 'categorical', codes: codes(3), categories: ['1', '2', '3'], ordered: false },
    { name: 'harvest', kind: 'categorical', codes: codes(3), categories: ['24h', '0h', '48h'], ordered: false },
    { name: 'dose', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => (i % 4) * 10) },
    { name: 'score', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i * 0.1) },
    { name: 'time', kind: 'categorical', codes: codes(2), categories: ['early', 'late'], ordered: true },
    { name: 'media', kind: 'categorical', codes: codes(2), categories: ['GM', 'DM'], ordered: false },
  ];
  const found = detectTimeColumns(obs, keep);
  assert.deepEqual(found.map((c) => [c.name, c.reason]), [['time', 'name'], ['harvest', 'labels'], ['dose', 'numeric']]);
  assert.deepEqual(found[1]!.levels.map((l) => [l.label, l.time, l.n]), [['0h', 0, 10], ['24h', 24, 10], ['48h', 48, 10]]);
  // Only the map rows count: a column with one time point among them is not a time course.
  assert.deepEqual(detectTimeColumns([obs[1]!], Int32Array.of(0, 3, 6)).length, 0);
});

function twoClouds(): { pcs: Float32Array; coords: Float32Array; n: number; dim: number } {
  // 40 cells in 5-D: 20 around the origin, 20 around (4, 1, 0, 0, 0); the "map" is a non-linear image.
  const rng = createRng(3);
  const n = 40;
  const dim = 5;
  const pcs = new Float32Array(n * dim);
  const coords = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) pcs[i * dim + c] = (i >= 20 ? [4, 1, 0, 0, 0][c]! : 0) + 0.3 * (rng.next() - 0.5);
    coords[2 * i] = Math.tanh(pcs[i * dim]! / 2);
    coords[2 * i + 1] = pcs[i * dim + 1]! ** 2;
  }
  return { pcs, coords, n, dim };
}

test('interpolateOnMap: α = 0 / 1 draw the cells of A / B exactly (both spaces); in map space the paths are straight', () => {
  const d = twoClouds();
  const from = { label: 'A', time: 0, cells: Int32Array.from({ length: 20 }, (_, i) => i) };
  const to = { label: 'B', time: 1, cells: Int32Array.from({ length: 20 }, (_, i) => 20 + i) };
  for (const space of ['pcs', 'map'] as const) {
    const at = (alpha: number): ReturnType<typeof interpolateOnMap> => interpolateOnMap({ ...d, from, to, alpha, count: 30, seed: 1, space, placeK: 5, placeDecay: 40 });
    const r0 = at(0);
    const r1 = at(1);
    assert.equal(r0.coords.length, 60);
    for (let q = 0; q < 30; q++) {
      assert.ok(r0.source[q]! < 20 && r1.target[q]! >= 20, 'pairs are map rows of A and B');
      assert.deepEqual([r0.coords[2 * q], r0.coords[2 * q + 1]], [d.coords[2 * r0.source[q]!], d.coords[2 * r0.source[q]! + 1]]);
      assert.deepEqual([r1.coords[2 * q], r1.coords[2 * q + 1]], [d.coords[2 * r1.target[q]!], d.coords[2 * r1.target[q]! + 1]]);
    }
    const mid = at(0.5);
    assert.deepEqual([...mid.source], [...r0.source], 'the same seed and count sample the same pairs at every α');
    let meanX = 0;
    for (let q = 0; q < 30; q++) meanX += mid.coords[2 * q]! / 30;
    const xA = Math.tanh(0);
    const xB = Math.tanh(2);
    assert.ok(meanX > xA + 0.2 * (xB - xA) && meanX < xA + 0.8 * (xB - xA), `${space}: midpoints between the clouds (${meanX})`);
    if (space === 'map') {
      for (let q = 0; q < 30; q++) {
        for (let c = 0; c < 2; c++) assert.ok(Math.abs(mid.coords[2 * q + c]! - (r0.coords[2 * q + c]! + r1.coords[2 * q + c]!) / 2) < 1e-6);
      }
    }
  }
});

test('evaluateInThread: progress up to done = total and a table; cancel rejects with CancelledError', async () => {
  // Three time points of 30 cells drifting along a line in 4-D, overlapping so that the graph of the first and last
  // stays connected: heat-geodesic costs exist only within one connected component (docs/interpolation.md).
  const rng = createRng(9);
  const n = 90;
  const dim = 4;
  const pcs = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) pcs[i * dim + c] = (c === 0 ? Math.floor(i / 30) * 0.3 : 0) + rng.next() - 0.5;
  const col: NumericColumn = { name: 'day', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => Math.floor(i / 30)) };
  const course = timeCourse(col);
  const seen: { done: number; total: number }[] = [];
  const task = evaluateInThread({ pcs, n, dim, course, options: { seeds: [0], embed: { knn: 5 } } }, (p) => seen.push(p));
  const r = await task.result;
  assert.equal(seen.at(-1)!.done, seen.at(-1)!.total);
  assert.equal(seen[0]!.total, 2, 'one strict map and one paper map');
  const t = evaluationTable(r, 1);
  assert.equal(t.withheld.length, 1);
  assert.deepEqual(t.withheld[0]!.maps.map((m) => m.map), ['isotherm-strict', 'pca-strict', 'isotherm-paper']);
  const strict = t.withheld[0]!.maps[0]!.rows;
  assert.ok(strict.some((row) => row.method === 'ot-hg'), 'heat-geodesic cost rows on the isotherm map');
  assert.ok(!t.withheld[0]!.maps[1]!.rows.some((row) => row.method === 'ot-hg'), 'none on the PCA map');
  for (const row of strict) assert.ok(Number.isFinite(row.w1.mean) && row.w1.mean >= 0 && row.w1.mean <= row.w2.mean + 1e-9, row.method);
  assert.equal(strict.find((row) => row.method === 'nearer')!.baseline, true);

  const slow = evaluateInThread({ pcs, n, dim, course, options: { seeds: [0, 1, 2, 3, 4, 5, 6, 7], embed: { knn: 5 } } });
  setTimeout(() => slow.cancel(), 50);
  await assert.rejects(slow.result, (e: Error) => e.name === 'CancelledError');
});

test('serve-validate: the time panel calls', () => {
  assert.deepEqual(validateCall('timeColumns', []), { method: 'timeColumns' });
  assert.deepEqual(validateCall('cancelEvaluation', []), { method: 'cancelEvaluation' });
  assert.deepEqual(validateCall('interpolate', [{ column: 'time', from: '0h', to: '48h', alpha: 0.5, n: 10, seed: 2, space: 'map' }]), {
    method: 'interpolate',
    request: { column: 'time', from: '0h', to: '48h', alpha: 0.5, n: 10, seed: 2, space: 'map' },
  });
  assert.deepEqual(validateCall('evaluateTime', [{ column: 'time', seeds: 3, paper: false }]), { method: 'evaluateTime', request: { column: 'time', seeds: 3, paper: false } });
  const refused = (method: string, args: unknown[], pattern: RegExp): void => assert.throws(() => validateCall(method, args), (e: Error) => e.name === 'InputError' && pattern.test(e.message), `${method} ${JSON.stringify(args)}`);
  refused('interpolate', [{ column: 'time', from: '0h', to: '48h', alpha: 1.5 }], /request\.alpha: must be between 0 and 1/);
  refused('interpolate', [{ column: 'time', from: '0h', to: '48h', alpha: 0.5, space: 'umap' }], /request\.space: expected one of pcs, map/);
  refused('interpolate', [{ column: 'time', from: '0h', to: '48h', alpha: 0.5, n: 0 }], /request\.n/);
  refused('interpolate', [{ column: 'time', from: 3, to: '48h', alpha: 0.5 }], /request\.from: expected a string/);
  refused('interpolate', [{ column: 'time', from: '0h', to: '48h', alpha: 0.5, extra: 1 }], /request\.extra: unknown field/);
  refused('interpolate', ['time'], /request: expected an object/);
  refused('exportInterpolation', ['relative.csv', { column: 'time', from: '0h', to: '48h', alpha: 0.5 }], /path: expected an absolute path/);
  refused('evaluateTime', [{ column: 'time', seeds: 100 }], /request\.seeds: must be between 1 and 20/);
  refused('evaluateTime', [{ column: 'time', paper: 'yes' }], /request\.paper: expected true or false/);
});
